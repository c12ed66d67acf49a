import { test, expect } from '@playwright/test'
import { apiGet, apiPost, pushTrading, screenshot, signIn, tab } from './helpers.js'

// 潜在客户 (CUST-6) in the client: a rep records a prospect (the form checks it as the
// API does), files its 客户开发任务书 from the detail, the lead approves it on the
// approval screens; once the account is opened (pushed by the trading system) the rep
// files the 新客户确认, the lead and the branch manager approve it and the prospect
// links the customer. A second prospect is dropped with a reason; the screens in
// English and on a desktop.
test.describe.configure({ mode: 'serial' })

const REP = 'A0002'
const LEAD = '0010001'
const MANAGER = '0010002'
const tag = String(Date.now()).slice(-6)
const name = `钱先生${tag}`
const company = `浦东科技${tag}`
const account = `3188${tag}01`
const ids = {}

/** The rep's prospect detail, opened from 客户 → 潜在客户. */
async function openFromCustomers(page, who) {
  await tab(page, 'customers')
  await page.getByTestId('customers-prospects').click()
  await expect(page).toHaveURL(/\/prospects$/)
  await page.getByTestId('prospect-search').locator('input').fill(who)
  await page.getByTestId('prospect-search-go').click()
  await page.getByTestId('prospect-item').filter({ hasText: who }).click()
  await expect(page.getByTestId('prospect-name')).toHaveText(who)
}

test('a rep records a prospect from 我的, the form checked as the API checks it', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('me-prospects').click()
  await expect(page).toHaveURL(/\/prospects$/)
  await page.getByTestId('prospect-add').click()
  await expect(page).toHaveURL(/\/prospects\/new$/)

  // Nothing typed: the name is asked for; a short mobile is refused before sending.
  await page.getByTestId('new-submit').click()
  await expect(page.getByTestId('new-name')).toContainText('请填写姓名/名称')
  await page.getByTestId('new-name').locator('input').fill(name)
  await page.getByTestId('new-mobile').locator('input').fill('1391234')
  await page.getByTestId('new-submit').click()
  await expect(page.getByTestId('new-mobile')).toContainText('请输入 11 位手机号')
  await page.getByTestId('new-mobile').locator('input').fill('13912345678')
  await page.getByTestId('new-kind-institution').click()
  await page.getByTestId('new-company').locator('input').fill(company)
  await page.getByTestId('new-source').locator('input').fill('转介绍')
  await page.getByTestId('new-remarks').locator('textarea').fill('关注港股通和基金定投')
  await screenshot(page, 'prospect-new')
  await page.getByTestId('new-submit').click()

  await expect(page).toHaveURL(/\/prospects\/\d+$/)
  ids.prospect = Number(page.url().split('/').pop())
  await expect(page.getByTestId('prospect-name')).toHaveText(name)
  await expect(page.getByTestId('prospect-status')).toHaveText('潜在')
  await expect(page.getByTestId('prospect-mobile')).toContainText('139****5678')
  await expect(page.getByTestId('prospect-company')).toContainText(company)
  await expect(page.getByTestId('prospect-no-requests')).toBeVisible()
  await expect(page.getByTestId('prospect-develop')).toBeVisible()
  await expect(page.getByTestId('prospect-drop')).toBeVisible()
  await expect(page.getByTestId('prospect-confirm')).toHaveCount(0)
  await screenshot(page, 'prospect-detail')

  const stored = await apiGet(page, `/api/prospects/${ids.prospect}`)
  expect(stored).toMatchObject({
    name,
    kind: 'institution',
    company,
    source: '转介绍',
    status: 'potential',
    owner: { code: REP },
  })
})

test('the rep files the development task book; the request opens from the prospect', async ({ page }) => {
  await signIn(page, REP)
  await openFromCustomers(page, name)
  await page.getByTestId('prospect-develop').click()
  const popup = page.getByTestId('develop-popup')
  await expect(popup).toContainText('客户开发任务书')
  // Required fields are checked before sending.
  await page.getByTestId('develop-submit').click()
  await expect(page.getByTestId('develop-goal')).toContainText('请填写开发目标')
  await page.getByTestId('develop-goal').locator('textarea').fill('开立机构账户，首期资产 500 万')
  await page.getByTestId('develop-method').locator('input').fill('上门拜访')
  await page.getByTestId('develop-needs').locator('textarea').fill('现金管理和港股通')
  await screenshot(page, 'prospect-develop')
  await page.getByTestId('develop-submit').click()

  const request = page.getByTestId('prospect-request').first()
  await expect(request).toContainText('客户开发任务书')
  await expect(request).toContainText('审批中')
  await expect(page.getByTestId('prospect-pending')).toBeVisible()
  await expect(page.getByTestId('prospect-actions')).toHaveCount(0)

  const prospect = await apiGet(page, `/api/prospects/${ids.prospect}`)
  expect(prospect.approvals).toHaveLength(1)
  expect(prospect.approvals[0]).toMatchObject({ kind: 'development', status: 'pending' })
  ids.development = prospect.approvals[0].id
  const book = await apiGet(page, `/api/approvals/${ids.development}`)
  expect(book.payload).toMatchObject({ prospect_id: ids.prospect, method: '上门拜访', needs: '现金管理和港股通' })

  await request.click()
  await expect(page).toHaveURL(new RegExp(`/approvals/${ids.development}$`))
  await expect(page.getByTestId('approval-kind')).toHaveText('客户开发任务书')
  await expect(page.getByTestId('approval-field-goal')).toContainText('开立机构账户')
  await expect(page.getByTestId('approval-withdraw')).toBeVisible()
})

test('the lead sees the team prospect and approves its development', async ({ page }) => {
  await signIn(page, LEAD)
  await page.goto('/prospects')
  const item = page.getByTestId('prospect-item').filter({ hasText: name })
  await expect(item).toContainText('王芳 A0002')
  await expect(item).toContainText('潜在')
  await page.goto('/approvals')
  await page.getByTestId('approval-item-todo').filter({ hasText: name }).click()
  await expect(page.getByTestId('approval-kind')).toHaveText('客户开发任务书')
  // The prospect the book is about opens from the form; the lead reads it, no actions.
  await page.getByTestId('approval-subject').click()
  await expect(page).toHaveURL(new RegExp(`/prospects/${ids.prospect}$`))
  await expect(page.getByTestId('prospect-actions')).toHaveCount(0)
  await page.goBack()
  await page.getByTestId('approval-comment').locator('textarea').fill('同意开发')
  await page.getByTestId('approval-approve').click()
  await expect(page.getByTestId('approval-status')).toHaveText('已通过')
  expect((await apiGet(page, `/api/prospects/${ids.prospect}`)).status).toBe('developing')
})

test('the account opened, the rep files the new-customer confirmation', async ({ page }) => {
  // The counter opened the account; the trading system pushes it without an owner.
  await pushTrading(page.request, 'customers', [
    { account_no: account, name, kind: 'institution', status: 'existing', open_date: '2026-01-05' },
  ])
  await signIn(page, REP)
  await page.goto(`/prospects/${ids.prospect}`)
  await expect(page.getByTestId('prospect-status')).toHaveText('开发中')
  await expect(page.getByTestId('prospect-develop')).toHaveCount(0)
  await page.getByTestId('prospect-confirm').click()
  await expect(page.getByTestId('confirm-popup')).toContainText('新客户确认')
  // An account the trading system never pushed: the API's refusal at the field.
  await page.getByTestId('confirm-account').locator('input').fill(`3999${tag}99`)
  await page.getByTestId('confirm-submit').click()
  await expect(page.getByTestId('confirm-account').locator('.van-field__error-message')).toHaveText('查无此项，请核对')
  await expect(page.getByTestId('confirm-error')).toBeVisible()
  await screenshot(page, 'prospect-confirm-refused')
  await page.getByTestId('confirm-account').locator('input').fill(account)
  await page.getByTestId('confirm-submit').click()
  await expect(page.getByTestId('prospect-request').first()).toContainText('新客户确认')
  await expect(page.getByTestId('prospect-request').first()).toContainText('审批中')
  await expect(page.getByTestId('prospect-request').nth(1)).toContainText('已通过')
  await screenshot(page, 'prospect-requests')

  const prospect = await apiGet(page, `/api/prospects/${ids.prospect}`)
  expect(prospect.approvals[0]).toMatchObject({ kind: 'new_customer', status: 'pending' })
  ids.confirmation = prospect.approvals[0].id
  expect((await apiGet(page, `/api/approvals/${ids.confirmation}`)).payload.account_no).toBe(account)
})

test('the lead approves the confirmation', async ({ page }) => {
  await signIn(page, LEAD)
  await page.goto(`/approvals/${ids.confirmation}`)
  await expect(page.getByTestId('approval-kind')).toHaveText('新客户确认')
  await page.getByTestId('approval-approve').click()
  await expect(page.getByTestId('chain-step-1')).toContainText('已通过')
  await expect(page.getByTestId('chain-step-2')).toContainText('待审批')
})

test('the branch manager confirms it from 待办, the owner left to the requester', async ({ page }) => {
  await signIn(page, MANAGER)
  await page.goto('/approvals')
  await page.getByTestId('approval-item-todo').filter({ hasText: name }).click()
  await expect(page.getByTestId('approval-owner')).toBeVisible()
  await page.getByTestId('approval-comment').locator('textarea').fill('确认，归王芳服务')
  await page.getByTestId('approval-approve').click()
  await expect(page.getByTestId('approval-status')).toHaveText('已通过')
  await expect(page.getByTestId('approval-outcome')).toContainText('A0002')
})

test('the prospect is confirmed and links the customer, owned by the rep', async ({ page }) => {
  await signIn(page, REP)
  await page.goto(`/prospects/${ids.prospect}`)
  await expect(page.getByTestId('prospect-status')).toHaveText('已确认')
  await expect(page.getByTestId('prospect-actions')).toHaveCount(0)
  const prospect = await apiGet(page, `/api/prospects/${ids.prospect}`)
  expect(prospect.status).toBe('confirmed')
  expect(prospect.customer_id).toBeTruthy()
  await screenshot(page, 'prospect-confirmed')
  await page.getByTestId('prospect-customer').click()
  await expect(page).toHaveURL(new RegExp(`/customers/${prospect.customer_id}$`))
  await expect(page.getByTestId('customer-account')).toContainText(account)
  const customer = await apiGet(page, `/api/customers/${prospect.customer_id}`)
  expect(customer.owner.code).toBe(REP)
})

test('the rep drops another prospect with a reason', async ({ page }) => {
  await signIn(page, REP)
  const other = await apiPost(page, '/api/prospects', { name: `孙女士${tag}`, source: '路演' })
  await page.goto(`/prospects/${other.id}`)
  await page.getByTestId('prospect-drop').click()
  await page.getByTestId('drop-reason').locator('textarea').fill('客户暂无投资意向')
  await screenshot(page, 'prospect-drop')
  await page.getByTestId('drop-submit').click()
  await expect(page.getByTestId('prospect-status')).toHaveText('已放弃')
  await expect(page.getByTestId('prospect-actions')).toHaveCount(0)
  expect((await apiGet(page, `/api/prospects/${other.id}`)).status).toBe('dropped')

  // The list filtered by status shows it.
  await page.goto('/prospects')
  await page.getByTestId('prospect-filter').locator('.van-dropdown-menu__item').click()
  await page.locator('.van-dropdown-item__option').filter({ hasText: '已放弃' }).click()
  await expect(page.getByTestId('prospect-item').filter({ hasText: `孙女士${tag}` })).toContainText('已放弃')
  await expect(page.getByTestId('prospect-item').filter({ hasText: name })).toHaveCount(0)
  await screenshot(page, 'prospects')
})

test('the screens in English and on a desktop', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('language-en').click()
  await page.goto(`/prospects/${ids.prospect}`)
  await expect(page.getByTestId('prospect-status')).toHaveText('Confirmed')
  await expect(page.getByTestId('prospect-requests')).toContainText('New customer confirmation')
  await expect(page.getByTestId('prospect-requests')).toContainText('Development task book')
  await page.goto('/prospects/new')
  await page.getByTestId('new-name').locator('input').fill('Mr Li')
  await page.getByTestId('new-mobile').locator('input').fill('2391234')
  await page.getByTestId('new-submit').click()
  await expect(page.getByTestId('new-mobile')).toContainText('Enter an 11-digit mobile number')
  await screenshot(page, 'prospect-new-en')

  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/prospects')
  await expect(page.getByTestId('prospect-item').filter({ hasText: name })).toContainText('Confirmed')
  await expect(page.getByTestId('prospect-add')).toBeVisible()
  await screenshot(page, 'prospects-desktop')
  await page.goto(`/prospects/${ids.prospect}`)
  await expect(page.getByTestId('prospect-name')).toHaveText(name)
  await screenshot(page, 'prospect-detail-desktop')
})
