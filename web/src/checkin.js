// Today's check-in (CHECKIN-1) from home or the check-in screen, and the channel a
// sign-in or check-in reports: a screen up to 1024 px wide is `mobile`.
import { showFailToast, showSuccessToast } from 'vant'
import { post } from './api.js'
import { t } from './i18n.js'

export function channel() {
  return window.matchMedia('(max-width: 1024px)').matches ? 'mobile' : 'desktop'
}

/** Checks in: true when done (the answer's message shown), false when not (why shown). */
export async function checkIn() {
  try {
    const answer = await post('/api/checkins', { channel: channel() })
    showSuccessToast(answer.message || t('checkins.done'))
    return true
  } catch (e) {
    showFailToast(e.message)
    return false
  }
}
