import { test, expect } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { PASSWORD, apiGet, apiStatus, screenshot, signIn, tab } from './helpers.js'
import { money } from '../src/format.js'

// The branch manager's and HQ's screens (ASSESS-1, ASSESS-6, AUTH-5, AUTH-7): roll-ups
// with the drill-down to a team's ranking and its workbook; HQ runs a month nobody
// assessed yet, watches it finish, publishes it and edits a scheme and a rank; a rep's
// manual reset request is handled on screen; a staff member is suspended and
// reinstated. The staff member reset and suspended is A0004 (深圳), whom no later spec
// signs in as; the suite's password is set again at the end.
test.describe.configure({ mode: 'serial' })

const MANAGER = '0010002'
const HQ = '0010003'
const FAR_REP = 'A0004'
const FAR_REP_ID = '440301199206080082'

/** "YYYY-MM" of `back` months before the current China-time month. */
function monthsAgo(back) {
  const now = new Date(Date.now() + 8 * 3600 * 1000)
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - back
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}
const compact = (month) => month.replace('-', '')
const last = monthsAgo(1)

/** Picks a month in the phone's month drop-down (it lists the last twelve ended ones). */
async function pickMonth(page, month) {
  await page.locator('.month-picker .van-dropdown-menu__title').click()
  await page.locator('.van-dropdown-item__option:visible').filter({ hasText: compact(month) }).click()
}

test('the branch manager: roll-ups per team and branch, drill-down to a ranking, its XLSX', async ({ page }) => {
  await signIn(page, MANAGER)
  await tab(page, 'me')
  // A branch manager sees the roll-ups, the ranking and the staff admin screens, not HQ's.
  await expect(page.getByTestId('me-rollup')).toBeVisible()
  await expect(page.getByTestId('me-ranking')).toBeVisible()
  await expect(page.getByTestId('me-resets')).toBeVisible()
  await expect(page.getByTestId('me-staff')).toBeVisible()
  await expect(page.getByTestId('me-runs')).toHaveCount(0)
  await expect(page.getByTestId('me-schemes')).toHaveCount(0)
  await page.getByTestId('me-rollup').click()
  await expect(page).toHaveURL(/\/assessment\/rollup/)

  // By default the level below the branch: its teams, as the API says.
  const teams = await apiGet(page, `/api/assessments/rollup?month=${last}`)
  expect(teams.level).toBe('team')
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(teams.items.length)
  for (const u of teams.items) {
    const row = page.getByTestId(`rollup-row-${u.unit_code}`)
    await expect(row).toContainText(u.unit_name)
    await expect(row.getByTestId('rollup-staff')).toHaveText(String(u.staff))
    await expect(row.getByTestId('rollup-average')).toHaveText(u.average_score ?? '—')
    await expect(row.getByTestId('rollup-commission')).toHaveText(money(u.net_commission))
  }
  await expect(page.getByTestId('rollup-levels').getByRole('tab', { name: '按团队' })).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('chart').locator('canvas')).toBeVisible()
  await screenshot(page, '16-rollup-teams')

  // 按营业部: the branch itself; tapping it drills into its teams.
  await page.getByTestId('rollup-levels').getByRole('tab', { name: '按营业部' }).click()
  const branches = await apiGet(page, `/api/assessments/rollup?month=${last}&level=branch`)
  expect(branches.items.map((u) => u.unit_code)).toEqual(['B-SHSC'])
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('rollup-row-B-SHSC').getByTestId('rollup-average')).toHaveText(branches.items[0].average_score)
  await page.getByTestId('rollup-row-B-SHSC').click()
  await expect(page).toHaveURL(/level=team/)
  await expect(page.getByTestId('rollup-within')).toContainText(branches.items[0].unit_name)
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(teams.items.length)

  // A team opens its ranking: every member, the figures named in Chinese.
  const team = teams.items.find((u) => u.staff > 1) || teams.items[0]
  await page.getByTestId(`rollup-row-${team.unit_code}`).click()
  await expect(page).toHaveURL(/\/assessment\/ranking\?/)
  const ranking = await apiGet(page, `/api/assessments/team?month=${last}&unit=${team.unit_id}&sort=score&page_size=50`)
  expect(ranking.unit.id).toBe(team.unit_id)
  await expect(page.getByTestId('ranking-unit')).toContainText(team.unit_name)
  await expect(page.getByTestId('ranking-row')).toHaveCount(ranking.items.length)
  const first = page.getByTestId('ranking-row').first()
  await expect(first.getByTestId('ranking-name')).toContainText(ranking.items[0].name)
  await expect(first.getByTestId('ranking-score')).toHaveText(ranking.items[0].score)
  await expect(first.getByTestId('ranking-net_commission')).toHaveText(money(ranking.items[0].net_commission))
  await expect(first).toContainText('净佣金')
  await expect(first).toContainText('签到率')
  await expect(first).toContainText(ranking.items[0].rank_label)
  await expect(page.locator('.page')).not.toContainText('net_commission')
  await screenshot(page, '16-ranking')

  // 按收入: the order the API gives for pay.
  await page.locator('.options .van-dropdown-menu__title').click()
  await page.locator('.van-dropdown-item__option:visible').filter({ hasText: '按收入' }).click()
  const byPay = await apiGet(page, `/api/assessments/team?month=${last}&unit=${team.unit_id}&sort=pay&page_size=50`)
  await expect(page.getByTestId('ranking-name').first()).toContainText(byPay.items[0].name)
  await expect(page.getByTestId('ranking-pay_total').first()).toHaveText(money(byPay.items[0].pay_total))

  // The whole branch, grouped by team (所属团队), 佣金类 ordered by commission.
  await page.goto(`/assessment/ranking?month=${last}`)
  await page.getByTestId('ranking-categories').getByRole('tab', { name: '佣金类' }).click()
  const byCommission = await apiGet(page, `/api/assessments/team?month=${last}&category=commission&page_size=50`)
  expect(byCommission.sort).toBe('net_commission')
  await expect(page.getByTestId('ranking-name').first()).toContainText(byCommission.items[0].name)
  await page.getByTestId('ranking-group').click()
  const teamNames = [...new Set(byCommission.items.map((r) => r.unit_name))]
  await expect(page.getByTestId('ranking-group-title')).toHaveText(teamNames)
  await screenshot(page, '16-ranking-grouped')

  // The ranking as a workbook, fetched with the session: a ZIP (XLSX) file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ranking-export').click()])
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
  const bytes = readFileSync(await download.path())
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK')

  // In English the figures keep their names, never the API's keys.
  await page.goto('/me')
  await page.getByTestId('language-en').click()
  await page.goto(`/assessment/ranking?month=${last}`)
  await expect(page.getByTestId('ranking-row').first()).toContainText('Net commission')
  await expect(page.getByTestId('ranking-row').first()).toContainText('Check-in rate')
  await screenshot(page, '16-ranking-en')
  await page.goto(`/assessment/rollup?month=${last}`)
  await expect(page.getByTestId('rollup-table')).toContainText('Average')
  await screenshot(page, '16-rollup-en')
  await page.goto('/me')
  await page.getByTestId('language-zh-CN').click()
})

test('HQ runs a month nobody assessed yet, watches it finish, publishes it', async ({ page }) => {
  await signIn(page, HQ)
  // A month never run, not a quarter's end (publishing one would apply rank reviews).
  let month = null
  for (let back = 3; back < 12 && !month; back += 1) {
    const candidate = monthsAgo(back)
    if (Number(candidate.slice(5)) % 3 !== 0 && (await apiStatus(page, `/api/assessments/runs/${candidate}`)) === 404) month = candidate
  }
  expect(month, 'a month not assessed yet').toBeTruthy()

  // The assessment page shows HQ where last month stands and the way to act on it.
  await tab(page, 'me')
  await expect(page.getByTestId('me-runs')).toBeVisible()
  await expect(page.getByTestId('me-schemes')).toBeVisible()
  await page.getByTestId('me-assessment').click()
  const lastRun = await apiGet(page, `/api/assessments/runs/${last}`)
  await expect(page.getByTestId('hq-run-status')).toHaveText(lastRun.status === 'published' ? '已发布' : '草稿')
  await expect(page.getByTestId('hq-run-count')).toHaveText(`已考核 ${lastRun.staff_done} / ${lastRun.staff_total} 人`)
  await expect(page.getByTestId('not-assessed')).toHaveCount(0)
  await screenshot(page, '16-assessment-hq')

  await page.getByTestId('hq-run-open').click()
  await expect(page).toHaveURL(/\/assessment\/runs\?month=/)
  await pickMonth(page, month)
  await expect(page.getByTestId('run-missing')).toContainText(`${compact(month)} 尚未进行考核`)
  await screenshot(page, '16-run-missing')
  await page.getByTestId('run-start').click()
  // Chunk by chunk to every staff member: the bar at 100%, the month a draft.
  await expect(page.getByTestId('run-status')).toHaveText('草稿', { timeout: 60_000 })
  await expect(page.getByTestId('run-progress').locator('.van-progress__pivot')).toHaveText('100%')
  const ran = await apiGet(page, `/api/assessments/runs/${month}`)
  expect(ran.done).toBe(true)
  expect(ran.status).toBe('draft')
  expect(ran.started_by).toBe(HQ)
  await expect(page.getByTestId('run-count')).toHaveText(`已考核 ${ran.staff_total} / ${ran.staff_total} 人`)
  await screenshot(page, '16-run-done')

  // Publishing asks first; then the month is frozen.
  await page.getByTestId('run-publish').click()
  await expect(page.locator('.van-dialog__message')).toContainText('冻结')
  await screenshot(page, '16-run-publish-confirm')
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('run-status')).toHaveText('已发布')
  await expect(page.getByTestId('run-frozen')).toBeVisible()
  await expect(page.getByTestId('run-published')).toContainText(HQ)
  await expect(page.getByTestId('run-start')).toHaveCount(0)
  const published = await apiGet(page, `/api/assessments/runs/${month}`)
  expect(published.status).toBe('published')
  expect(published.published_by).toBe(HQ)
  await expect(page.locator('.van-dialog')).toBeHidden()
  await screenshot(page, '16-run-published')

  // The assessment page shows the month published.
  await page.goto('/assessment')
  await pickMonth(page, month)
  await expect(page.getByTestId('hq-run-status')).toHaveText('已发布')

  // HQ's roll-up per region drills into the region's branches.
  await page.getByTestId('assessment-rollup-link').click()
  await page.getByTestId('rollup-levels').getByRole('tab', { name: '按地区' }).click()
  const regions = await apiGet(page, `/api/assessments/rollup?month=${month}&level=region`)
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(regions.items.length)
  await expect(page.getByTestId('rollup-status')).toHaveText('已发布')
  const east = regions.items.find((u) => u.unit_code === 'R-EAST')
  await page.getByTestId('rollup-row-R-EAST').click()
  const eastBranches = await apiGet(page, `/api/assessments/rollup?month=${month}&level=branch&unit=${east.unit_id}`)
  expect(eastBranches.items.map((u) => u.unit_code)).toEqual(['B-SHSC', 'B-HZJF'])
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(2)
  await expect(page.getByTestId('rollup-row-B-SZFH')).toHaveCount(0)
  await expect(page.getByTestId('rollup-row-B-SHSC').getByTestId('rollup-average')).toHaveText(eastBranches.items[0].average_score)
  await screenshot(page, '16-rollup-region-drill')
})

test('HQ edits a rank scheme (a wrong weight refused in Chinese) and sets a rank', async ({ page }) => {
  await signIn(page, HQ)
  await tab(page, 'me')
  await page.getByTestId('me-schemes').click()
  await expect(page).toHaveURL(/\/assessment\/schemes$/)
  const before = await apiGet(page, '/api/assessments/schemes')
  const junior = before.items.find((s) => s.rank === 'junior')
  await expect(page.getByTestId('scheme-junior').first().getByTestId('scheme-name')).toHaveText(junior.name)
  await screenshot(page, '16-schemes')

  await page.getByTestId('scheme-edit-junior').click()
  const from = page.getByTestId('scheme-valid-from').locator('input')
  const validFrom = await from.inputValue()
  await page.getByTestId('scheme-name-field').locator('input').fill('初级客户经理新方案')
  // Weights adding up to 95%: the API's reason, in Chinese.
  await page.getByTestId('scheme-weight-checkin_rate').locator('input').fill('5')
  await page.getByTestId('scheme-submit').click()
  await expect(page.getByTestId('scheme-error')).toContainText('100%')
  await expect(page.getByTestId('scheme-error')).toContainText('95%')
  await screenshot(page, '16-scheme-refused')
  await page.getByTestId('scheme-weight-tasks_done').locator('input').fill('20')
  await page.getByTestId('scheme-submit').click()
  await expect(page.getByTestId('scheme-popup')).toBeHidden()
  const after = await apiGet(page, '/api/assessments/schemes')
  const saved = after.items.find((s) => s.rank === 'junior')
  expect(saved.name).toBe('初级客户经理新方案')
  expect(saved.valid_from.replace('-', '')).toBe(validFrom.replace('-', ''))
  const weights = Object.fromEntries(saved.rules.indicators.map((i) => [i.indicator, Number(i.weight)]))
  expect(weights.checkin_rate).toBeCloseTo(0.05)
  expect(weights.tasks_done).toBeCloseTo(0.2)
  await expect(page.getByTestId('scheme-junior').first().getByTestId('scheme-name')).toHaveText('初级客户经理新方案')

  // A rank from the current month on; an unknown staff code is refused in Chinese.
  await page.getByTestId('rank-staff').locator('input').fill('A9999')
  await page.getByTestId('rank-senior').click()
  await page.getByTestId('rank-submit').click()
  await expect(page.getByTestId('rank-error')).toContainText(/[\u4e00-\u9fff]/)
  // The person picked from the roster rather than typed.
  await page.getByTestId('rank-staff-pick').click()
  const picker = page.getByTestId('rank-picker')
  await picker.getByTestId('roster-search').locator('input').fill('孙')
  await picker.getByTestId('roster-search-go').click()
  await expect(picker.getByTestId('roster').locator('.van-cell')).toHaveCount(1)
  await screenshot(page, '16-rank-picker')
  await picker.getByTestId(`roster-${FAR_REP}`).click()
  await expect(picker).toBeHidden()
  await expect(page.getByTestId('rank-staff').locator('input')).toHaveValue(FAR_REP)
  await page.getByTestId('rank-submit').click()
  await expect(page.getByTestId('rank-done')).toContainText(FAR_REP)
  await expect(page.getByTestId('rank-done')).toContainText(before.items.find((s) => s.rank === 'senior').rank_label)
  await screenshot(page, '16-rank-set')
})

test('a manual reset request is handled on screen; a staff member suspended and reinstated', async ({ page }) => {
  // A0004 asks the branch for a manual reset (申请重置密码), as the sign-in screen does.
  const asked = await page.request.post('/api/auth/reset/manual', { data: { code: FAR_REP, id_number: FAR_REP_ID } })
  expect(asked.status()).toBe(202)

  // A0004 is in 深圳: HQ, not the 上海 branch manager, handles it.
  await signIn(page, HQ)
  await tab(page, 'me')
  await page.getByTestId('me-resets').click()
  await expect(page).toHaveURL(/\/admin\/resets$/)
  const pending = await apiGet(page, '/api/auth/admin/resets')
  const request = pending.items.find((r) => r.code === FAR_REP)
  expect(request, 'the request is pending').toBeTruthy()
  const row = page.getByTestId(`reset-request-${FAR_REP}`)
  await expect(row).toContainText(request.name)
  await expect(row).toContainText(request.mobile)
  await screenshot(page, '16-resets')

  // The CSV the retail department takes: the full mobile.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('resets-export').click()])
  expect(csv.suggestedFilename()).toMatch(/\.csv$/)
  const text = readFileSync(await csv.path(), 'utf8')
  expect(text).toContain('人员代码,人员姓名,手机号码')
  expect(text).toContain(`${FAR_REP},${request.name},13800000007`)

  // Reset: the temporary password shown once, with the warning; it signs in.
  await row.getByTestId('reset-do').click()
  await expect(page.locator('.van-dialog__message')).toContainText(FAR_REP)
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('reset-done')).toBeVisible()
  await expect(page.getByTestId('reset-done')).toContainText('只显示这一次')
  await expect(page.getByTestId('reset-copy')).toBeVisible()
  const temporary = (await page.getByTestId('reset-password').textContent()).trim()
  expect(temporary.length).toBeGreaterThanOrEqual(8)
  await screenshot(page, '16-reset-done')
  const signed = await page.request.post('/api/auth/login', { data: { code: FAR_REP, password: temporary } })
  expect(signed.status()).toBe(200)
  const session = await signed.json()
  expect(session.must_change_password).toBe(true)
  // Back to the suite's password, so the account stays usable.
  const changed = await page.request.post('/api/auth/password', {
    headers: { authorization: `Bearer ${session.access_token}` },
    data: { old_password: temporary, new_password: PASSWORD },
  })
  expect(changed.status(), await changed.text()).toBe(200)
  await page.getByTestId('reset-close').click()
  await expect(page.getByTestId('reset-done')).toBeHidden()
  await expect(page.getByTestId(`reset-request-${FAR_REP}`)).toHaveCount(0)

  // 停用 then 恢复, each after a confirmation; while suspended A0004 cannot sign in.
  // The person is picked from the roster, found by name; the roster shows each status.
  await page.goto('/me')
  await page.getByTestId('me-staff').click()
  await expect(page).toHaveURL(/\/admin\/staff$/)
  const roster = await apiGet(page, '/api/auth/admin/staff')
  await expect(page.getByTestId(`roster-${roster.items[0].code}`)).toContainText(roster.items[0].name)
  if (roster.total <= 20) {
    await expect(page.getByTestId('roster').locator('.van-cell')).toHaveCount(roster.total)
  }
  await page.getByTestId('roster-search').locator('input').fill('孙丽')
  await page.getByTestId('roster-search-go').click()
  await expect(page.getByTestId('roster').locator('.van-cell')).toHaveCount(1)
  const farRow = page.getByTestId(`roster-${FAR_REP}`)
  await expect(farRow.getByTestId('roster-status-label')).toHaveText('正常')
  await farRow.click()
  await expect(page.getByTestId('staff-code').locator('input')).toHaveValue(FAR_REP)
  await page.getByTestId('staff-suspended').click()
  await expect(page.locator('.van-dialog__message')).toContainText(FAR_REP)
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('staff-result').first()).toContainText(`${FAR_REP} 现为「停用」`)
  const refused = await page.request.post('/api/auth/login', { data: { code: FAR_REP, password: PASSWORD } })
  expect(refused.status()).toBe(401)
  await expect(page.locator('.van-dialog')).toBeHidden()
  await expect(farRow.getByTestId('roster-status-label')).toHaveText('停用')
  await page.getByTestId('roster-status').getByText('停用', { exact: true }).click()
  await expect(page.getByTestId('roster').locator('.van-cell')).toHaveCount(1)
  await expect(farRow).toBeVisible()
  await screenshot(page, '16-staff-suspended')
  await page.getByTestId('staff-normal').click()
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('staff-result').first()).toContainText(`${FAR_REP} 现为「正常」`)
  // 孙丽 is no longer among the suspended.
  await expect(page.getByTestId('roster').locator('.van-cell')).toHaveCount(0)
  const again = await page.request.post('/api/auth/login', { data: { code: FAR_REP, password: PASSWORD } })
  expect(again.status()).toBe(200)
  await expect(page.locator('.van-dialog')).toBeHidden()
  await screenshot(page, '16-staff-reinstated')
})

test('a rep sees none of the management entries', async ({ page }) => {
  await signIn(page, 'A0002')
  await tab(page, 'me')
  await expect(page.getByTestId('me-assessment')).toBeVisible()
  await expect(page.getByTestId('me-manage')).toHaveCount(0)
})

test('the roll-ups and the ranking on a desktop', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await signIn(page, MANAGER)
  await page.goto(`/assessment/rollup?month=${last}`)
  const teams = await apiGet(page, `/api/assessments/rollup?month=${last}`)
  await expect(page.getByTestId('rollup-table').locator('tbody tr')).toHaveCount(teams.items.length)
  await expect(page.getByTestId('chart').locator('canvas')).toBeVisible()
  await screenshot(page, '16-rollup-desktop')
})
