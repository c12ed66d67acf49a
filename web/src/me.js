// The caller's profile (GET /api/auth/me), loaded once per session and on demand, and
// whether the caller leads others.
import { ref } from 'vue'
import { get } from './api.js'
import { leads, session } from './session.js'
import { ownedBy } from './offline.js'

export async function loadMe(force = false) {
  if (!session.me || force) {
    const me = await get('/api/auth/me')
    // Kept answers are one person's: another's are wiped before any is shown.
    ownedBy(me.code)
    session.me = me
  }
  return session.me
}

/** Whether the caller leads others (team views), false until the profile is loaded. */
export function useLeads() {
  const isLead = ref(false)
  loadMe()
    .then(() => (isLead.value = leads()))
    .catch(() => {})
  return isLead
}

/** The caller's staff code, '' until the profile is loaded. */
export function useMyCode() {
  const code = ref('')
  loadMe()
    .then((me) => (code.value = me.code))
    .catch(() => {})
  return code
}
