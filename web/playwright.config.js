// Browser tests of the web client in headless Chromium (Debian's `chromium`, never a
// downloaded browser). `cargo test -p zhanye --test e2e web::` starts the app with demo
// data and runs them with BASE_URL and CHROMIUM_PATH set; they can also be pointed at any
// running app: `BASE_URL=http://127.0.0.1:3000 CHROMIUM_PATH=$(which chromium) npx playwright test`.
import { defineConfig } from '@playwright/test'

export default defineConfig({
  testDir: './tests',
  // One app, shared demo staff: the files run one after another, in name order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: process.env.BASE_URL || 'http://127.0.0.1:3000',
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    },
  },
})
