// What the delegation screens (授权代管, ORG-5) share: whether a delegation has begun,
// and revoking one after the user confirms it.
import { showConfirmDialog, showSuccessToast } from 'vant'
import { post } from './api.js'
import { chinaToday } from './format.js'
import { t } from './i18n.js'

/** Whether the delegation runs already (else it is still to come). */
export const started = (d) => d.starts_on <= chinaToday()

/** The delegate, as `person()` takes it. */
export const delegateOf = (d) => ({ code: d.delegate_code, name: d.delegate_name })

/**
 * Asks to confirm, then revokes `d` through `run` (a `useSubmit().run`, which shows a
 * refusal); false when the user declined, true once the attempt is over.
 */
export async function revokeDelegation(d, run) {
  try {
    await showConfirmDialog({ message: t('ownership.revokeConfirm', { name: d.delegate_name || d.delegate_code }) })
  } catch {
    return false
  }
  await run(async () => {
    await post(`/api/customers/${d.customer_id}/delegations/${d.id}/revoke`)
    showSuccessToast(t('ownership.revoked'))
  })
  return true
}
