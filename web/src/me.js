// The caller's profile (GET /api/auth/me), loaded once per session and on demand.
import { get } from './api.js'
import { session } from './session.js'

export async function loadMe(force = false) {
  if (!session.me || force) session.me = await get('/api/auth/me')
  return session.me
}
