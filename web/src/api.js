// The one way the app calls the API: JSON in and out, the access token attached and
// refreshed when it lapses (one refresh at a time, the request retried once), the UI
// language sent as Accept-Language, and problem+json answers turned into ApiError
// whose `message` is the server's `detail` in the user's language.
import { session, setTokens, clearSession } from './session.js'
import { currentLanguage, t } from './i18n.js'
import { keep, keeps, kept, offline } from './offline.js'

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || t('errors.generic', { status }))
    this.status = status
    this.code = problem?.code || 'unknown'
    /** 422 validation_failed: [{field, reason, message}] */
    this.errors = problem?.errors || []
  }
}

/** Hooks the router installs: where to go when the session ends or a change is due. */
export const hooks = {
  signedOut: () => {},
  passwordChangeRequired: () => {},
  secondFactorEnrolmentRequired: () => {},
}

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

let refreshing = null

/** Rotates the refresh token; false when the session cannot be renewed. */
export function refreshSession() {
  if (!refreshing) {
    refreshing = (async () => {
      const token = session.refreshToken
      if (!token) return false
      try {
        const r = await fetch('/api/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'accept-language': currentLanguage() },
          body: JSON.stringify({ refresh_token: token }),
        })
        if (!r.ok) return false
        setTokens(await r.json())
        return true
      } catch {
        return false
      }
    })().finally(() => {
      refreshing = null
    })
  }
  return refreshing
}

async function problemOf(response) {
  try {
    return await response.json()
  } catch {
    return null
  }
}

/**
 * Calls the API. Options: method, body (JSON), query (object), auth (default true),
 * raw (answer the Response itself, for downloads).
 */
export async function api(path, { method = 'GET', body, query: params, auth = true, raw = false } = {}) {
  if (auth && session.refreshToken && session.expiresAt && Date.now() > session.expiresAt) {
    await refreshSession()
  }
  const send = () => {
    const headers = { 'accept-language': currentLanguage(), accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (auth && session.accessToken) headers.authorization = `Bearer ${session.accessToken}`
    return fetch(path + query(params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }
  // Screens read on the road keep their last answer for reading offline.
  const keeping = method === 'GET' && auth && !raw && keeps(path)
  const url = path + query(params)
  let response
  try {
    response = await send()
    if (response.status === 401 && auth && session.refreshToken) {
      if (await refreshSession()) response = await send()
    }
  } catch {
    const hit = keeping ? kept(url) : null
    if (hit) {
      offline.value = { at: hit.at }
      return JSON.parse(hit.text)
    }
    throw new ApiError(0, { code: 'network', detail: t('errors.network') })
  }
  offline.value = null
  if (!response.ok) {
    const problem = await problemOf(response)
    const error = new ApiError(response.status, problem)
    if (response.status === 401 && auth) {
      clearSession()
      hooks.signedOut()
    } else if (error.code === 'password_change_required') {
      session.mustChangePassword = true
      hooks.passwordChangeRequired()
    } else if (error.code === 'second_factor_enrolment_required') {
      session.mustEnrolSecondFactor = true
      hooks.secondFactorEnrolmentRequired()
    }
    throw error
  }
  if (raw) return response
  if (response.status === 204) return null
  const text = await response.text()
  if (keeping && text) keep(url, text)
  return text ? JSON.parse(text) : null
}

export const get = (path, params) => api(path, { query: params })
export const post = (path, body) => api(path, { method: 'POST', body: body ?? {} })
export const put = (path, body) => api(path, { method: 'PUT', body })
export const del = (path) => api(path, { method: 'DELETE' })

/** Signs out: the refresh token revoked when the API can be reached, the session on
 *  this device cleared either way. */
export async function signOut() {
  try {
    await api('/api/auth/logout', { method: 'POST', body: { refresh_token: session.refreshToken } })
  } catch {
    /* signed out locally either way */
  }
  clearSession()
}

/** Fetches a file with the session and hands it to the browser as a download. */
export async function download(path, params, fallbackName) {
  const response = await api(path, { query: params, raw: true })
  const blob = await response.blob()
  const disposition = response.headers.get('content-disposition') || ''
  const name = fileName(disposition) || fallbackName
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

function fileName(disposition) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : null
}
