import { test, expect } from '@playwright/test'
import { apiGet, screenshot, signIn, tab } from './helpers.js'
import { money } from '../src/format.js'

test('customer search → detail with six months of performance and a chart → follow → on home', async ({ page }) => {
  await signIn(page, 'A0002')
  const listed = await apiGet(page, '/api/customers?sort=-total_assets&page_size=5')
  const target = listed.items.find((c) => !c.followed)

  await tab(page, 'customers')
  await expect(page.getByTestId('customer-item').first()).toBeVisible()
  await screenshot(page, 'customers')

  await page.getByTestId('customer-search').locator('input').fill(target.name)
  await page.getByTestId('customer-search-go').click()
  const hit = page.getByTestId('customer-item').filter({ hasText: target.account_no })
  await expect(hit).toBeVisible()
  await expect(hit).toContainText(money(target.total_assets))
  await hit.click()

  await expect(page).toHaveURL(new RegExp(`/customers/${target.id}$`))
  await expect(page.getByTestId('customer-name')).toHaveText(target.name)
  await expect(page.getByTestId('customer-account')).toContainText(target.account_no)
  await expect(page.getByTestId('customer-assets')).toContainText(money(target.total_assets))
  await screenshot(page, 'customer-detail')

  // 客户业绩（半年内）: six monthly cards and the chart.
  await page.getByRole('tab', { name: '业绩' }).click()
  await expect(page.getByTestId('performance-cards').locator('.van-collapse-item')).toHaveCount(6)
  await expect(page.getByTestId('chart').locator('canvas')).toBeVisible()
  const perf = await apiGet(page, `/api/customers/${target.id}/performance?months=6`)
  const latest = [...perf.months].sort((a, b) => (a.month < b.month ? 1 : -1))[0]
  await expect(page.getByTestId(`perf-${latest.month}`)).toContainText(`客户业绩 #${latest.month.replace('-', '')}`)
  await expect(page.getByTestId(`perf-${latest.month}`)).toContainText('融资融券担保品交易量')
  await expect(page.getByTestId(`perf-${latest.month}`)).toContainText(money(latest.figures.total_assets))
  await expect(page.getByTestId(`perf-${latest.month}`)).toContainText(money(latest.figures.total_commission))
  await screenshot(page, 'customer-performance')

  // A note (批注).
  await page.getByRole('tab', { name: '批注' }).click()
  await page.getByTestId('note-body').locator('textarea').fill('周三回访，关注理财需求')
  await page.getByTestId('note-add').click()
  await expect(page.getByTestId('note-item').first()).toContainText('周三回访')

  // A contact record (沟通记录), at the time the form proposes (now, China time).
  await page.getByRole('tab', { name: '沟通记录' }).click()
  await page.getByTestId('contact-new').click()
  await page.getByTestId('contact-topic').locator('input').fill('理财需求电话回访')
  await page.getByTestId('contact-save').click()
  await expect(page.getByTestId('contact-item').first()).toContainText('理财需求电话回访')

  // 关注 → the customer shows on the home page.
  await page.getByTestId('follow-button').click()
  await expect(page.getByTestId('follow-button')).toContainText('已关注')
  // The toast says what happened (it said the opposite once): followed, then
  // unfollowed, then followed again.
  await expect(page.locator('.van-toast')).toContainText('已关注，将显示在个人主页')
  await expect(page.locator('.van-toast')).not.toContainText('取消')
  await page.getByTestId('follow-button').click()
  await expect(page.getByTestId('follow-button')).toHaveText('关注')
  await expect(page.locator('.van-toast')).toContainText('已取消关注')
  await page.getByTestId('follow-button').click()
  await expect(page.getByTestId('follow-button')).toContainText('已关注')
  await expect(page.locator('.van-toast')).toContainText('已关注，将显示在个人主页')
  await page.goto('/')
  await expect(page.getByTestId('home-followed')).toContainText(target.name)

  // 历史记录: the contact record at China time ("YYYY-MM-DD HH:MM", as elsewhere),
  // never the API's raw UTC instant.
  const home = await apiGet(page, '/api/home')
  const work = home.recent_work.items.find((w) => w.topic === '理财需求电话回访')
  expect(work, 'the contact record is in recent_work').toBeTruthy()
  const china = new Date(Date.parse(work.at) + 8 * 3600_000).toISOString()
  const shown = `${china.slice(0, 10)} ${china.slice(11, 16)}`
  const row = page.getByTestId('home-history').locator('.van-cell').filter({ hasText: '理财需求电话回访' }).first()
  await expect(row).toContainText(`${shown} · 理财需求电话回访`)
  await expect(page.getByTestId('home-history')).not.toContainText(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
})
