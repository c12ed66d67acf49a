import { test, expect } from '@playwright/test'
import { apiGet, pushTrading, screenshot, signIn, tab } from './helpers.js'

// 预警 (ALERT-1) in the client: account events raise alerts for a rep's customers; home's
// "您有 N 条未读提醒" opens the list (unread first, by kind), the rep acknowledges one
// with a note and home's count drops; an alert opens its customer. In English and on a
// desktop too.
test.describe.configure({ mode: 'serial' })

const REP = 'A0003'
const tag = String(Date.now()).slice(-6)
const customers = {
  churned: { account_no: `3188${tag}01`, name: `冯先生${tag}` },
  paid: { account_no: `3188${tag}02`, name: `陈女士${tag}` },
}
const note = `已电话联系${tag}`

/** "YYYY-MM-DD", `days` after today in China time. */
function chinaDay(days = 0) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** Waits for the sheet's slide and the tab line to come to rest, for the screenshots. */
async function settled(page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  )
}

/** Home's unread count as the API tells it. */
async function unread(page) {
  return (await apiGet(page, '/api/alerts?page_size=1')).unread
}

test.beforeAll(async ({ request }) => {
  await pushTrading(
    request,
    'customers',
    Object.values(customers).map((c) => ({ ...c, owner_code: REP, status: 'existing', open_date: '2024-03-01' })),
  )
  await pushTrading(request, 'account-events', [
    { event_no: `AL${tag}1`, account_no: customers.churned.account_no, date: chinaDay(-2), kind: 'cancelled' },
    { event_no: `AL${tag}2`, account_no: customers.paid.account_no, date: chinaDay(-1), kind: 'dividend' },
  ])
})

test('home opens the alerts; one is acknowledged with a note and the count drops', async ({ page }) => {
  await signIn(page, REP)
  const before = await unread(page)
  expect(before).toBeGreaterThanOrEqual(2)
  const notice = page.getByTestId('home-alerts')
  await expect(notice).toContainText(`您有 ${before} 条未读提醒`)
  await notice.click()
  await expect(page).toHaveURL(/\/alerts$/)

  // Unread first, the newest day first: the dividend (yesterday) before the loss.
  const items = page.getByTestId('alert-item')
  const paid = items.filter({ hasText: customers.paid.name })
  const churned = items.filter({ hasText: customers.churned.name })
  await expect(paid).toContainText('权益事件')
  await expect(paid).toContainText('分红')
  await expect(churned).toContainText('实际流失')
  await expect(churned).toContainText('销户')
  await expect(churned.getByTestId('alert-unread')).toBeVisible()
  const names = await items.locator('.cell-name').allTextContents()
  expect(names.indexOf(customers.paid.name)).toBeLessThan(names.indexOf(customers.churned.name))
  await screenshot(page, 'alerts')

  // By kind: only the losses.
  await page.getByRole('tab', { name: '实际流失' }).click()
  await expect(page).toHaveURL(/kind=actual_churn/)
  const losses = page.locator('[data-testid="kind-actual_churn"] [data-testid="alert-item"]')
  await expect(losses.filter({ hasText: customers.churned.name })).toBeVisible()
  await expect(losses.filter({ hasText: customers.paid.name })).toHaveCount(0)
  for (const kind of await losses.getByTestId('alert-kind').allTextContents()) {
    expect(kind.trim()).toBe('实际流失')
  }

  // Acknowledged with a note: shown read with it, the API agreeing.
  const loss = losses.filter({ hasText: customers.churned.name })
  await loss.getByTestId('alert-acknowledge').click()
  await expect(page.getByTestId('acknowledge-popup')).toContainText(customers.churned.account_no)
  await page.getByTestId('acknowledge-note').locator('textarea').fill(note)
  await settled(page)
  await screenshot(page, 'alert-acknowledge')
  await page.getByTestId('acknowledge-submit').click()
  await expect(page.getByTestId('acknowledge-popup')).toBeHidden()
  await expect(loss.getByTestId('alert-note')).toHaveText(note)
  await expect(loss.getByTestId('alert-read')).toBeVisible()
  await expect(loss.getByTestId('alert-acknowledge')).toHaveCount(0)
  const listed = await apiGet(page, '/api/alerts?kind=actual_churn&page_size=100')
  const stored = listed.items.find((a) => a.account_no === customers.churned.account_no)
  expect(stored.note).toBe(note)
  expect(stored.read_at).toBeTruthy()
  expect(listed.unread).toBe(before - 1)

  // Home's count dropped (the list has no tab bar: back to home).
  await page.goBack()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('home-alerts')).toContainText(`您有 ${before - 1} 条未读提醒`)
  await screenshot(page, 'alerts-home')
})

test('an alert opens its customer', async ({ page }) => {
  await signIn(page, REP)
  await page.goto('/alerts')
  await page.getByTestId('alert-item').filter({ hasText: customers.paid.name }).click()
  await expect(page).toHaveURL(/\/customers\/\d+$/)
  await expect(page.getByTestId('customer-name')).toHaveText(customers.paid.name)
})

test('the alerts in English and on a desktop', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('language-en').click()
  await tab(page, 'home')
  const count = await unread(page)
  await expect(page.getByTestId('home-alerts')).toContainText(`You have ${count} unread alerts`)
  await page.getByTestId('home-alerts').click()
  await expect(page).toHaveURL(/\/alerts$/)
  const paid = page.getByTestId('alert-item').filter({ hasText: customers.paid.name })
  await expect(paid).toContainText('Equity event')
  await expect(paid).toContainText('Dividend')
  await expect(page.getByRole('tab', { name: 'Actual churn' })).toBeVisible()
  await paid.getByTestId('alert-acknowledge').click()
  await expect(page.getByTestId('acknowledge-popup')).toContainText('Acknowledge the alert')
  await settled(page)
  await screenshot(page, 'alert-acknowledge-en')
  await page.getByTestId('acknowledge-popup').locator('.van-popup__close-icon').click()
  await expect(page.getByTestId('acknowledge-popup')).toBeHidden()
  await screenshot(page, 'alerts-en')

  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/alerts')
  await expect(page.getByTestId('alert-item').filter({ hasText: customers.paid.name })).toBeVisible()
  await screenshot(page, 'alerts-desktop')
  await page.getByRole('tab', { name: 'Actual churn' }).click()
  await expect(
    page.locator('[data-testid="kind-actual_churn"] [data-testid="alert-item"]').filter({ hasText: customers.churned.name }),
  ).toContainText(note)
  await settled(page)
  await screenshot(page, 'alerts-desktop-churn')
})

test('a customer leaving the book is told, and does not open', async ({ page, request }) => {
  // The partner gives the paid customer another owner: A0003 is told why.
  await pushTrading(request, 'customers', [{ ...customers.paid, owner_code: 'A0002' }])
  await signIn(page, REP)
  await page.goto('/alerts')
  await page.getByRole('tab', { name: '客户移出' }).click()
  const left = page.locator('[data-testid="kind-left_book"] [data-testid="alert-item"]').filter({ hasText: customers.paid.name })
  await expect(left).toContainText('客户移出')
  await expect(left).toContainText('已划归其他营销人员')
  await expect(left.getByTestId('alert-left-book')).toContainText('该客户已不在您的名下')
  const api = await apiGet(page, '/api/alerts?kind=left_book')
  expect(api.items.map((a) => a.customer_name)).toContain(customers.paid.name)
  await settled(page)
  await screenshot(page, 'alerts-left-book')
  // Tapping it stays on the list: the customer is no longer the rep's to read.
  await left.locator('.cell-name').click()
  await expect(page).toHaveURL(/\/alerts\?kind=left_book$/)
  await expect(left).toBeVisible()
})
