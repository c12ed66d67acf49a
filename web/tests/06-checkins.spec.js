import { test, expect } from '@playwright/test'
import { apiGet, screenshot, signIn, tab } from './helpers.js'

test('check-in calendar of the month, and the team view for a lead', async ({ page }) => {
  await signIn(page, '0010001')
  await tab(page, 'me')
  await page.getByTestId('me-checkins').click()
  const month = await apiGet(page, '/api/checkins')
  await expect(page.getByTestId('calendar-month')).toHaveText(month.month)
  await expect(page.getByTestId('calendar').locator('[data-status]')).toHaveCount(month.days.length)
  // Today's sign-in checked in.
  const today = month.days.find((d) => d.status === 'checked_in')
  await expect(page.getByTestId(`day-${today.date}`)).toHaveAttribute('data-status', 'checked_in')
  await expect(page.getByTestId('checkin-stats')).toContainText(String(month.days_checked_in))
  // The team: the lead and the two reps of 四川南路财富一组.
  await expect(page.getByTestId('team-checkins')).toContainText('李明')
  await expect(page.getByTestId('team-checkins')).toContainText('王芳')
  await screenshot(page, 'checkins')

  // The month before.
  await page.getByTestId('month-prev').click()
  await expect(page.getByTestId('calendar-month')).not.toHaveText(month.month)
  await expect(page.getByTestId('calendar').locator('[data-status="missed"]').first()).toBeVisible()
})
