// What the approval screens share: the status tag's colour, a person as "name code",
// and a form field's value as the screens show it.
import { dateTime, money, orDash } from './format.js'

export const STATUS_TAG = { pending: 'primary', approved: 'success', rejected: 'danger', withdrawn: 'default' }

export const STEP_TAG = { approved: 'success', rejected: 'danger', pending: 'primary', waiting: 'default', not_reached: 'default' }

export function person(p) {
  if (!p) return '—'
  return p.name ? `${p.name} ${p.code}` : p.code
}

/** A form field's value: amounts grouped with two places, the rest as filed. */
export function fieldValue(key, value) {
  if (key === 'amount') return money(value)
  if (key === 'submitted_at' || key === 'decided_at') return dateTime(value)
  return orDash(value)
}
