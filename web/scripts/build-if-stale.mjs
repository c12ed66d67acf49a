// The web component's build step (spin.toml runs it before compiling the component):
// installs the locked packages when node_modules is missing or older than the lock
// file, then builds web/dist unless it is newer than every source. A directory lock
// keeps two builds on one checkout from writing dist/ at the same time.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }

function mtime(path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

function newest(path) {
  let s
  try {
    s = statSync(path)
  } catch {
    return 0
  }
  if (!s.isDirectory()) return s.mtimeMs
  let latest = s.mtimeMs
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

function withLock(work) {
  const lock = join(root, '.build-lock')
  const deadline = Date.now() + 10 * 60 * 1000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // A lock older than ten minutes was left by a build that died.
      if (Date.now() - mtime(lock) > 10 * 60 * 1000) rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`web: ${lock} is held too long`)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    work()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

withLock(() => {
  const installed = join(root, 'node_modules', '.package-lock.json')
  if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
    console.error('web: npm ci')
    execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env })
  }
  const inputs = ['src', 'public', 'index.html', 'vite.config.js', 'package-lock.json', 'scripts']
  const sources = Math.max(...inputs.map((p) => newest(join(root, p))))
  const built = mtime(join(root, 'dist', 'index.html'))
  if (built > sources && existsSync(join(root, 'dist', 'sw.js'))) {
    console.error('web: dist is up to date')
    return
  }
  console.error('web: vite build')
  execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', env })
})
