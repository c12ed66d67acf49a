// What the browser tests share: the demo staff, signing in through the screens,
// calling the API as a signed-in page does, and the 390×844 screenshots.
import { expect } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { createHmac } from 'node:crypto'

/** The password the Rust side set for every demo staff member but A0001. */
export const PASSWORD = process.env.ZHANYE_PASSWORD || 'Zhanye2026ok'
export const SCREENSHOTS = new URL('../screenshots/', import.meta.url)

export async function signIn(page, code, password = PASSWORD) {
  await page.goto('/login')
  await page.getByTestId('login-code').locator('input').fill(code)
  await page.getByTestId('login-password').locator('input').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('home-name')).toBeVisible()
}

/** The page's access token, to ask the API what the screen should show. */
export async function accessToken(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('zhanye.session')).accessToken)
}

export async function apiGet(page, path) {
  const token = await accessToken(page)
  const reply = await page.request.get(path, { headers: { authorization: `Bearer ${token}` } })
  expect(reply.ok(), `${path}: ${reply.status()}`).toBeTruthy()
  return reply.json()
}

export async function apiPost(page, path, body) {
  const token = await accessToken(page)
  const reply = await page.request.post(path, { headers: { authorization: `Bearer ${token}` }, data: body })
  expect(reply.ok(), `${path}: ${reply.status()} ${await reply.text()}`).toBeTruthy()
  return reply.json()
}

/** A 390×844 screenshot of the current screen, in web/screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.waitForLoadState('networkidle')
  await page.locator('.van-toast').waitFor({ state: 'hidden' })
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname })
}

/** Clicks the bottom tab NAME (home, customers, products, tasks, me). */
export async function tab(page, name) {
  await page.getByTestId(`tab-${name}`).click()
}

/** The demo trading partner's webhook secret (spin.toml's `hook_secret_trading`). */
const TRADING_SECRET = process.env.ZHANYE_TRADING_SECRET || 'demo-trading-secret'

/** Pushes RECORDS to the trading system's webhook TOPIC (`customers` …) as the partner
 *  does (INTEG-2: HMAC-SHA-256 of "<timestamp>.<body>"), failing the test unless the
 *  batch is applied: how an account opened at the counter reaches the app. */
export async function pushTrading(request, topic, records) {
  const body = JSON.stringify(records)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const signature = createHmac('sha256', TRADING_SECRET).update(`${timestamp}.${body}`).digest('hex')
  const reply = await request.post(`/hooks/trading/${topic}`, {
    headers: {
      'content-type': 'application/json',
      'x-timestamp': timestamp,
      'x-signature': `sha256=${signature}`,
      'idempotency-key': `web-${topic}-${timestamp}-${Math.random().toString(36).slice(2)}`,
    },
    data: body,
  })
  expect(reply.ok(), `push ${topic}: ${reply.status()} ${await reply.text()}`).toBeTruthy()
  return reply.json()
}

/** An API answer's status, for refusals (apiGet insists on success). */
export async function apiStatus(page, path) {
  const token = await accessToken(page)
  const reply = await page.request.get(path, { headers: { authorization: `Bearer ${token}` } })
  return reply.status()
}
