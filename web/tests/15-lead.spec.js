import { test, expect } from '@playwright/test'
import { accessToken, apiGet, screenshot, signIn, tab } from './helpers.js'

// The team lead 0010001 (team 8: A0001, A0002 and the lead) steering the team: the
// team with the month's figures, a member's page, the activity, a task assigned through
// the member picker, and a member's goals.

/** The month before the current one in China time, `YYYY-MM` (the assessed one). */
function lastMonth() {
  const china = new Date(Date.now() + 8 * 3600 * 1000)
  china.setUTCDate(1)
  china.setUTCMonth(china.getUTCMonth() - 1)
  return china.toISOString().slice(0, 7)
}

/** China-time today and the Monday of its week, `YYYY-MM-DD`. */
function thisWeek() {
  const china = new Date(Date.now() + 8 * 3600 * 1000)
  const today = china.toISOString().slice(0, 10)
  china.setUTCDate(china.getUTCDate() - ((china.getUTCDay() + 6) % 7))
  return [china.toISOString().slice(0, 10), today]
}

/** The API's answer, or null when it refuses (a month not assessed). */
async function apiMaybe(page, path) {
  const token = await accessToken(page)
  const reply = await page.request.get(path, { headers: { authorization: `Bearer ${token}` } })
  return reply.ok() ? reply.json() : null
}

test('a lead sees the team and a member, the activity, assigns a task and sets goals', async ({ page, browser }) => {
  const month = lastMonth()
  await signIn(page, '0010001')

  // 团队, from 我的: everyone of the unit, each assessed one with the month's score.
  await tab(page, 'me')
  await page.getByTestId('me-team').click()
  await expect(page).toHaveURL(/\/team$/)
  const today = await apiGet(page, '/api/checkins/team?page_size=100')
  const ranking = await apiGet(page, `/api/assessments/team?month=${month}&page_size=100`)
  const codes = new Set([...today.items.map((m) => m.code), ...ranking.items.map((r) => r.code)])
  await expect(page.getByTestId('team-member')).toHaveCount(codes.size)
  expect(codes.has('A0002')).toBe(true)
  await expect(page.getByTestId('team-summary')).toContainText(`${today.checked_in}/${today.members_total}`)
  for (const r of ranking.items.filter((r) => today.items.some((m) => m.code === r.code))) {
    await expect(page.locator(`[data-testid="team-member"][data-code="${r.code}"]`).getByTestId('member-score')).toHaveText(r.score)
  }
  await screenshot(page, '15-team')

  // A member: the month's calendar, their score sheet, their open tasks.
  await page.locator('[data-testid="team-member"][data-code="A0002"]').click()
  await expect(page).toHaveURL(/\/team\/A0002/)
  const calendar = await apiGet(page, `/api/checkins?code=A0002&month=${month}`)
  await expect(page.locator('[data-testid^="member-day-"]')).toHaveCount(calendar.days.length)
  await expect(page.getByTestId('member-days-in')).toHaveText(String(calendar.days_checked_in))
  const sheet = await apiMaybe(page, `/api/assessments?staff=A0002&month=${month}`)
  if (sheet) {
    await expect(page.getByTestId('member-sheet-score')).toHaveText(sheet.score)
    await expect(page.getByTestId('member-sheet')).toContainText(sheet.indicators[0].label)
  } else {
    await expect(page.getByTestId('member-not-assessed')).toBeVisible()
  }
  const teamTasks = await apiGet(page, '/api/tasks?scope=team&status=open&page_size=100')
  const theirs = teamTasks.items.filter((task) => task.responsible_code === 'A0002')
  if (theirs.length) await expect(page.getByTestId('member-task')).toHaveCount(theirs.length)
  else await expect(page.getByTestId('member-no-tasks')).toBeVisible()
  // Their customers, when the list narrows to an owner; else the way to the list.
  const customers = await apiGet(page, '/api/customers?owner=A0002&page_size=20')
  if (customers.items.every((c) => c.owner_code === 'A0002')) {
    await expect(page.getByTestId('member-customers-total')).toContainText(String(customers.total))
    await expect(page.getByTestId('member-customer')).toHaveCount(customers.items.length)
  } else {
    await expect(page.getByTestId('member-customers-link')).toBeVisible()
  }
  await screenshot(page, '15-member')

  // 活动量 this month: a row per member as the API counts, the totals, the chart.
  await page.goto('/team/activity')
  await expect(page.getByTestId('activity-chart').locator('canvas')).toBeVisible()
  // This month so far.
  const [monday, day] = thisWeek()
  let activity = await apiGet(page, `/api/tasks/activity?from=${day.slice(0, 8)}01&to=${day}`)
  await expect(page.getByTestId('activity-row')).toHaveCount(activity.members.length)
  await expect(page.getByTestId('activity-period')).toContainText(`${activity.from} ~ ${activity.to}`)
  for (const m of activity.members) {
    const row = page.locator(`[data-testid="activity-row"][data-code="${m.code}"]`)
    await expect(row.locator('[data-count="created"]')).toHaveText(String(m.created))
    await expect(row.locator('[data-count="done"]')).toHaveText(String(m.done))
  }
  await expect(page.getByTestId('activity-totals').locator('[data-count="created"]')).toHaveText(String(activity.totals.created))
  await screenshot(page, '15-activity')
  // This week: the period changes and the rows follow.
  await page.getByTestId('activity-presets').getByText('本周').click()
  await expect(page.getByTestId('activity-period')).toContainText(`${monday} ~ ${day}`)
  activity = await apiGet(page, `/api/tasks/activity?from=${monday}&to=${day}`)
  await expect(page.getByTestId('activity-totals').locator('[data-count="created"]')).toHaveText(String(activity.totals.created))

  // Assigning a task to A0002 through the member picker.
  const customer = `团队长安排${Date.now() % 100000}`
  await page.goto('/tasks/new')
  await page.getByTestId('task-customer').locator('input').fill(customer)
  await page.getByTestId('task-address').locator('input').fill('上海市黄浦区四川南路1号')
  await page.getByTestId('task-content').locator('textarea').fill('陪同拜访')
  await page.getByTestId('task-responsible-picker').click()
  await expect(page.locator('.van-action-sheet__item').filter({ hasText: 'A0001' })).toBeVisible()
  // The lead's members, and the lead as themself only.
  await expect(page.locator('.van-action-sheet__item').filter({ hasText: '0010001' })).toHaveCount(0)
  await expect(page.locator('.van-action-sheet__item').filter({ hasText: '我自己' })).toBeVisible()
  await screenshot(page, '15-picker')
  await page.locator('.van-action-sheet__item').filter({ hasText: 'A0002' }).click()
  await expect(page.getByTestId('task-responsible-picker').locator('input')).toHaveValue(/A0002/)
  await page.getByTestId('task-submit').click()
  await expect(page).toHaveURL(/\/tasks\/\d+$/)
  const id = page.url().match(/\/tasks\/(\d+)$/)[1]
  const task = await apiGet(page, `/api/tasks/${id}`)
  expect(task.responsible.code).toBe('A0002')
  expect(task.permissions).toEqual({ execute: false, cancel: true })
  // The lead may cancel but not execute it.
  await expect(page.getByTestId('task-cancel')).toBeVisible()
  await expect(page.getByTestId('task-execute')).toHaveCount(0)

  // Not on the lead's own to-do list; under 我发起的, with whose it is.
  const own = await apiGet(page, '/api/tasks?page_size=100')
  expect(own.items.some((t) => String(t.id) === id)).toBe(false)
  const assigned = await apiGet(page, '/api/tasks?scope=assigned&page_size=100')
  expect(assigned.items.some((t) => String(t.id) === id)).toBe(true)
  await page.goto('/tasks')
  await expect(page.getByTestId('task-item').filter({ hasText: customer })).toHaveCount(0)
  await page.getByRole('tab', { name: '我发起的' }).click()
  await expect(page).toHaveURL(/tab=assigned/)
  const item = page.getByTestId('assigned-item').filter({ hasText: customer })
  await expect(item).toBeVisible()
  await expect(item.getByTestId('assigned-responsible')).toContainText('A0002')
  await screenshot(page, '15-assigned')
  await item.click()
  await expect(page.getByTestId('task-customer-name')).toContainText(customer)
  await expect(page.getByTestId('task-executed-by')).toBeVisible()
  await expect(page.getByTestId('task-execute')).toHaveCount(0)
  await screenshot(page, '15-assigned-detail')

  // The member sees it with 执行.
  const member = await browser.newPage({ baseURL: new URL(page.url()).origin, viewport: page.viewportSize() })
  await signIn(member, 'A0002')
  await member.goto(`/tasks/${id}`)
  await expect(member.getByTestId('task-customer-name')).toContainText(customer)
  await expect(member.getByTestId('task-execute')).toBeVisible()
  await expect(member.getByTestId('task-cancel')).toBeVisible()
  await member.close()

  // 目标管理: A0002's month targets; a malformed one is refused by field, then saved.
  await page.goto('/team/goals?staff=A0002')
  await expect(page.getByTestId('goals-member-A0002')).toBeVisible()
  await expect(page.getByTestId('goals-member-0010001')).toHaveCount(0)
  const period = (await page.getByTestId('goals-period').locator('input').inputValue()).trim()
  const before = await apiGet(page, `/api/assessments/goals?staff=A0002&period=${period}`)
  await page.getByTestId('goal-tasks_done').locator('input').fill('12')
  await page.getByTestId('goal-contacts').locator('input').fill('很多')
  await page.getByTestId('goals-submit').click()
  await expect(page.getByTestId('goal-contacts').locator('.van-field__error-message')).toBeVisible()
  await expect(page.getByTestId('goal-contacts').locator('.van-field__error-message')).toContainText(/[\u4e00-\u9fa5]/)
  await screenshot(page, '15-goals-refused')
  // Nothing of the refused form was saved.
  let goals = await apiGet(page, `/api/assessments/goals?staff=A0002&period=${period}`)
  expect(goals.items).toEqual(before.items)
  await page.getByTestId('goal-contacts').locator('input').fill('30')
  await page.getByTestId('goals-submit').click()
  await expect(page.getByTestId('goals-last-set')).toContainText('0010001')
  goals = await apiGet(page, `/api/assessments/goals?staff=A0002&period=${period}`)
  const target = (k) => goals.items.find((g) => g.indicator === k)?.target
  expect(target('tasks_done')).toBe('12')
  expect(target('contacts')).toBe('30')
  await page.reload()
  await expect(page.getByTestId('goal-tasks_done').locator('input')).toHaveValue('12')
  await screenshot(page, '15-goals')

  // In English: the activity and the assigned tab.
  await page.goto('/me')
  await page.getByTestId('language-en').click()
  await expect(page.getByTestId('me-team-activity')).toContainText('Team activity')
  await page.getByTestId('me-team-activity').click()
  await expect(page.getByTestId('activity-table')).toContainText('Overdue')
  await screenshot(page, '15-activity-en')
  await page.goto('/tasks?tab=assigned')
  await expect(page.getByRole('tab', { name: 'Assigned by me' })).toBeVisible()
  await expect(page.getByTestId('assigned-item').filter({ hasText: customer }).getByTestId('assigned-responsible')).toContainText('Responsible')
  await tab(page, 'me')
  await page.getByTestId('language-zh-CN').click()
  await expect(page.getByTestId('me-team')).toContainText('团队')
})

test('the lead’s screens on a desktop', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await signIn(page, '0010001')
  await page.goto('/team')
  const today = await apiGet(page, '/api/checkins/team?page_size=100')
  for (const m of today.items) {
    await expect(page.locator(`[data-testid="team-member"][data-code="${m.code}"]`)).toContainText(m.name)
  }
  await screenshot(page, '15-team-desktop')
  await page.goto('/team/activity')
  await expect(page.getByTestId('activity-chart').locator('canvas')).toBeVisible()
  await screenshot(page, '15-activity-desktop')
})
