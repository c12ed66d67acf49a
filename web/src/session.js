// The signed-in session: tokens (kept in localStorage so a reload stays signed in),
// the access token's expiry, whether the password must be changed first (AUTH-2) or a
// second factor the role requires set up first, and the caller's profile
// (GET /api/auth/me) once loaded.
import { reactive } from 'vue'
import { forgetAll } from './offline.js'

const KEY = 'zhanye.session'

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || {}
  } catch {
    return {}
  }
}

const saved = load()

export const session = reactive({
  accessToken: saved.accessToken || null,
  refreshToken: saved.refreshToken || null,
  /** Epoch milliseconds after which the access token is treated as expired. */
  expiresAt: saved.expiresAt || 0,
  mustChangePassword: Boolean(saved.mustChangePassword),
  /** The role requires two-step verification not set up yet: only 账号安全 works. */
  mustEnrolSecondFactor: Boolean(saved.mustEnrolSecondFactor),
  /** GET /api/auth/me, or null until loaded. */
  me: null,
})

function persist() {
  localStorage.setItem(
    KEY,
    JSON.stringify({
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresAt: session.expiresAt,
      mustChangePassword: session.mustChangePassword,
      mustEnrolSecondFactor: session.mustEnrolSecondFactor,
    }),
  )
}

/** Stores the tokens of a sign-in, refresh or password-change answer. */
export function setTokens(answer) {
  session.accessToken = answer.access_token
  session.refreshToken = answer.refresh_token
  // A little early, so a request never leaves with a token about to lapse.
  session.expiresAt = Date.now() + Math.max(0, (answer.expires_in || 900) - 30) * 1000
  session.mustChangePassword = Boolean(answer.must_change_password)
  session.mustEnrolSecondFactor = Boolean(answer.second_factor_enrolment_required)
  persist()
}

export function clearSession() {
  session.accessToken = null
  session.refreshToken = null
  session.expiresAt = 0
  session.mustChangePassword = false
  session.mustEnrolSecondFactor = false
  session.me = null
  localStorage.removeItem(KEY)
  forgetAll()
}

export function signedIn() {
  return Boolean(session.refreshToken)
}

const LEADING = ['lead', 'branch_manager', 'hq_admin']

/** Whether the caller leads others (team views: ranking, check-ins, activity). */
export function leads() {
  return Boolean(session.me?.roles?.some((r) => LEADING.includes(r)))
}
