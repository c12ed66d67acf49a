import { test, expect } from '@playwright/test'
import { apiGet, screenshot, signIn, tab } from './helpers.js'
import { money } from '../src/format.js'

/** "YYYY-MM" of `back` months before the current China-time month. */
function monthsAgo(back) {
  const now = new Date(Date.now() + 8 * 3600 * 1000)
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - back
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

test('assessment: score breakdown, month switch, category switch, trend chart, team ranking for a lead', async ({ page }) => {
  await signIn(page, '0010001')
  await tab(page, 'me')
  await page.getByTestId('me-assessment').click()
  await expect(page).toHaveURL(/\/assessment$/)

  const last = monthsAgo(1)
  const before = monthsAgo(2)
  const sheet = await apiGet(page, `/api/assessments?month=${last}`)
  const earlier = await apiGet(page, `/api/assessments?month=${before}`)
  await expect(page.getByTestId('score')).toHaveText(sheet.score)
  await expect(page.getByTestId('indicators').locator('.van-cell')).toHaveCount(sheet.indicators.length)
  await expect(page.getByTestId('indicators')).toContainText(sheet.indicators[0].label)
  await expect(page.getByTestId('deductions')).toBeVisible()

  // A rate indicator (签到率) shows percentages, not "实际 0 / 目标 1".
  const rate = sheet.indicators.find((i) => i.indicator === 'checkin_rate')
  expect(rate, 'the sheet has the check-in rate').toBeTruthy()
  const asPercent = (v) => {
    const hundredths = Number(v) * 100
    return `${Math.abs(hundredths - Math.round(hundredths)) < 1e-9 ? Math.round(hundredths) : hundredths.toFixed(2)}%`
  }
  const rateCell = page.getByTestId('indicator-checkin_rate')
  await expect(rateCell).toContainText('签到率')
  await expect(rateCell).toContainText(`实际 ${asPercent(rate.actual)} / 目标 ${asPercent(rate.target)}`)
  // The months were assessed but not published: the score carries the 草稿 mark.
  expect(sheet.status).toBe('draft')
  await expect(page.getByTestId('score-draft')).toHaveText('草稿')
  await expect(page.getByTestId('chart').first().locator('canvas')).toBeVisible()
  await expect(page.getByTestId('team-ranking').locator('.van-cell').first()).toBeVisible()
  const team = await apiGet(page, `/api/assessments/team?month=${last}&sort=score&page_size=50`)
  await expect(page.getByTestId('team-ranking').locator('.van-cell').first()).toContainText(money(team.items[0].net_commission))
  await screenshot(page, 'assessment')

  // The phone's month drop-down (月份下拉框), as the user guide shows it: 201409.
  await page.locator('.month-picker .van-dropdown-menu__title').click()
  await page.locator('.van-dropdown-item__option').filter({ hasText: before.replace('-', '') }).click()
  await expect(page.getByTestId('score')).toHaveText(earlier.score)
  await expect(page.getByTestId('score-card')).toContainText(before.replace('-', ''))

  // The category switch narrows the month's figures.
  await page.getByTestId('category-tabs').getByRole('tab', { name: '佣金类' }).click()
  await expect(page.getByTestId('category-figures')).toContainText('净佣金')
  const commission = await apiGet(page, `/api/assessments?month=${before}&category=commission`)
  await expect(page.getByTestId('category-figures')).toContainText(money(commission.figures.net_commission))
  await screenshot(page, 'assessment-commission')

  // On a desktop the year and month buttons.
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.getByTestId(`month-${last}`).click()
  await expect(page.getByTestId('score')).toHaveText((await apiGet(page, `/api/assessments?month=${last}&category=commission`)).score)
  await page.setViewportSize({ width: 390, height: 844 })

  // 收入报酬: the month's itemised statement.
  await page.goto('/income')
  const income = await apiGet(page, `/api/income?month=${last}`)
  await expect(page.getByTestId('income-lines').locator('.van-cell')).toHaveCount(income.lines.length + 1)
  await expect(page.getByTestId('income-total')).toHaveText(money(income.total))
  await expect(page.getByTestId('income-lines')).toContainText(money(income.lines[0].amount))
  // A draft month's pay carries the 草稿 mark and says it may change.
  expect(income.status).toBe('draft')
  await expect(page.getByTestId('income-draft')).toHaveText('草稿')
  await expect(page.getByTestId('income-draft-hint')).toContainText('尚未发布')
  await screenshot(page, 'income')

  // The recent totals' chart: its tooltip shows the amount as the list does.
  const recent = await apiGet(page, '/api/income/recent')
  const chart = page.getByTestId('chart')
  const box = await chart.boundingBox()
  await page.mouse.move(box.x + box.width - 40, box.y + box.height / 2)
  await expect(chart).toContainText(money(recent.items[0].total))
})
