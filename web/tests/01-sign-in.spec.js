import { test, expect } from '@playwright/test'
import { apiGet, screenshot } from './helpers.js'
import { figure } from '../src/format.js'

/** "YYYY-MM" of `back` months before the current China-time month. */
function monthsAgo(back) {
  const now = new Date(Date.now() + 8 * 3600 * 1000)
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - back
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

test('sign-in with the initial password, the forced change, and the home figures the API gives', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login/)
  await screenshot(page, 'sign-in')

  // A wrong password: the API's refusal, in Chinese.
  await page.getByTestId('login-code').locator('input').fill('A0001')
  await page.getByTestId('login-password').locator('input').fill('wrong-password-1')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toContainText(/[\u4e00-\u9fff]/)

  // The initial password (the birth date) leads straight to the forced change.
  await page.getByTestId('login-password').locator('input').fill('19820718')
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/password\?forced=1/)
  await expect(page.getByTestId('forced-notice')).toBeVisible()
  await screenshot(page, 'forced-change')

  // Nothing else opens before the change.
  await page.goto('/customers')
  await expect(page).toHaveURL(/\/password\?forced=1/)
  // After a reload the current password is asked for again.
  await page.getByTestId('password-old').locator('input').fill('19820718')
  await page.getByTestId('password-new').locator('input').fill('Browser2026ok')
  await page.getByTestId('password-confirm').locator('input').fill('Browser2026ok')
  await page.getByTestId('password-submit').click()
  await expect(page).toHaveURL(/\/$/)

  // HOME-1: the three blocks with the user guide's labels and the API's figures (counts
  // as they are, amounts grouped with two places).
  const home = await apiGet(page, '/api/home')
  await expect(page.getByTestId('home-heading')).toHaveText(home.heading)
  await expect(page.getByTestId('block-stock')).toContainText('当前客户数')
  await expect(page.getByTestId('block-stock')).toContainText('存量客户总资产')
  await expect(page.getByTestId('block-incremental')).toContainText('增量有效户交易量')
  await expect(page.getByTestId('block-lost')).toContainText('流失客户资产')
  for (const block of ['stock', 'incremental', 'lost']) {
    for (const [key, value] of Object.entries(home[block])) {
      await expect(page.getByTestId(`fig-${block}-${key}`)).toHaveText(figure(value))
    }
  }
  expect(home.stock.customer_count).toBeGreaterThan(0)
  await expect(page.getByTestId('profile-card')).toContainText(home.profile.branch)
  // The first sign-in of the day checked in.
  await expect(page.getByTestId('checkin-state')).toContainText('今日已签到')
  await expect(page.getByTestId('home-followed')).toContainText('没有记录 (可以在客户明细中添加关注)')
  await screenshot(page, 'home')

  // A past month from the home page's month picker: the page asks the API for that
  // month (/api/home?month=YYYY-MM) and shows its heading and figures.
  await expect(page.getByTestId('home-month')).toContainText(monthsAgo(0).replace('-', ''))
  const past = monthsAgo(2)
  const pastHome = await apiGet(page, `/api/home?month=${past}`)
  expect(pastHome.heading).not.toBe(home.heading)
  await page.getByTestId('home-month').locator('.van-dropdown-menu__title').click()
  const [asked] = await Promise.all([
    page.waitForRequest((r) => new URL(r.url()).pathname === '/api/home' && new URL(r.url()).searchParams.get('month') === past),
    page.locator('.van-dropdown-item__option').filter({ hasText: past.replace('-', '') }).click(),
  ])
  expect(asked.method()).toBe('GET')
  await expect(page.getByTestId('home-heading')).toHaveText(pastHome.heading)
  await expect(page.getByTestId('home-month')).toContainText(past.replace('-', ''))
  for (const block of ['stock', 'incremental', 'lost']) {
    for (const [key, value] of Object.entries(pastHome[block])) {
      await expect(page.getByTestId(`fig-${block}-${key}`)).toHaveText(figure(value))
    }
  }

  // The session survives a reload; the session also renews when the access token lapses.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem('zhanye.session'))
    s.accessToken = 'expired'
    localStorage.setItem('zhanye.session', JSON.stringify(s))
  })
  await page.reload()
  await expect(page.getByTestId('fig-stock-customer_count')).toHaveText(String(home.stock.customer_count))

  // 360 px wide: no screen scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 })
  for (const path of ['/', '/customers', '/products', '/tasks', '/me', '/assessment', '/checkins', '/income']) {
    await page.goto(path)
    await page.waitForLoadState('networkidle')
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360)
  }
})
