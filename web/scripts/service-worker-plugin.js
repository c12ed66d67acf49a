// Emits `sw.js`, the service worker of the installable app (PWA): the template in
// src/sw.js with the list of this build's files and a version derived from them, so a
// new build installs a new worker that precaches exactly the new shell.
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const template = fileURLToPath(new URL('../src/sw.js', import.meta.url))
// Files of public/ that belong to the shell.
const PUBLIC_SHELL = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png']

export function serviceWorker() {
  return {
    name: 'zhanye-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map') && name !== 'index.html')
        .map((name) => `/${name}`)
        .sort()
      const shell = [...PUBLIC_SHELL, ...files]
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12)
      const source = readFileSync(template, 'utf8')
        .replaceAll('self.__SHELL_FILES__', JSON.stringify(shell))
        .replaceAll('self.__SHELL_VERSION__', JSON.stringify(version))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}
