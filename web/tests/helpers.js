// What the browser tests share: the demo staff, signing in through the screens,
// calling the API as a signed-in page does, and the 390×844 screenshots.
import { expect } from '@playwright/test'
import { mkdirSync } from 'node:fs'

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
