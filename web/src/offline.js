// The screens people read on the road — home, the customer list, a customer's detail
// and performance, and their own profile — are kept on this device as last loaded, so
// they can still be read without a network, marked with the time they were loaded.
// What is kept is what the screen showed (contact data masked as the API answers it);
// it is wiped on sign-out and when another person signs in on the device, and at most
// the MAX latest answers are kept.
import { ref } from 'vue'

const PREFIX = 'zhanye.offline:'
const OWNER = 'zhanye.offline.owner'
const MAX = 60
const KEPT = [
  /^\/api\/auth\/me$/,
  /^\/api\/home$/,
  /^\/api\/customers$/,
  /^\/api\/customers\/\d+$/,
  /^\/api\/customers\/\d+\/performance$/,
]

/** `{ at }` (epoch ms) while the screen shows kept answers; null once the network answers. */
export const offline = ref(null)

/** Whether answers of `path` (no query) are kept. */
export function keeps(path) {
  return KEPT.some((pattern) => pattern.test(path))
}

function keys() {
  const found = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key && key.startsWith(PREFIX)) found.push(key)
  }
  return found
}

function entry(key) {
  try {
    return JSON.parse(localStorage.getItem(key))
  } catch {
    return null
  }
}

/** Keeps the answer `text` of `url`, dropping the oldest beyond MAX (and when full). */
export function keep(url, text) {
  const value = JSON.stringify({ at: Date.now(), text })
  const stored = keys()
    .map((key) => ({ key, at: entry(key)?.at || 0 }))
    .sort((a, b) => a.at - b.at)
  while (stored.length >= MAX) localStorage.removeItem(stored.shift().key)
  for (;;) {
    try {
      localStorage.setItem(PREFIX + url, value)
      return
    } catch {
      // The device's storage is full: give up the oldest kept answer, or this one.
      const oldest = stored.shift()
      if (!oldest) return
      localStorage.removeItem(oldest.key)
    }
  }
}

/** The kept answer of `url`: `{ at, text }`, or null. */
export function kept(url) {
  const found = entry(PREFIX + url)
  return found && typeof found.text === 'string' ? found : null
}

/** Wipes every kept answer (sign-out). */
export function forgetAll() {
  for (const key of keys()) localStorage.removeItem(key)
  localStorage.removeItem(OWNER)
  offline.value = null
}

/** The kept answers belong to `code`: another person's are wiped first. */
export function ownedBy(code) {
  if (localStorage.getItem(OWNER) !== code) {
    for (const key of keys()) localStorage.removeItem(key)
    localStorage.setItem(OWNER, code)
  }
}
