/* The service worker: an offline shell. The app's files are precached at install;
 * navigations go to the network first and fall back to the cached shell; the app's
 * hashed files are served from the cache; the API is not cached here (it needs a
 * session): the app keeps the answers it shows offline itself, per person
 * (src/offline.js). The list of files and the version are filled in at build
 * time (scripts/service-worker-plugin.js). */
const SHELL = self.__SHELL_FILES__
const CACHE = `zhanye-shell-${self.__SHELL_VERSION__}`

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('zhanye-shell-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/hooks/')) return
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() => caches.match('/', { cacheName: CACHE })),
    )
    return
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)),
  )
})
