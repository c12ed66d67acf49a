import { test, expect } from '@playwright/test'
import { apiGet, apiStatus, pushTrading, screenshot, signIn, tab } from './helpers.js'

// 客户归属 (ORG-5) in the client: the owner delegates a customer to a rep of the branch
// for a period (the delegate finds it under 我的授权 and serves it), revokes it from
// 我的授权, asks for a transfer of another (a second request is refused with the API's
// text), the branch manager approves the transfer naming the new owner and deletes a
// third customer; a lead reading a team customer is offered none of it.
test.describe.configure({ mode: 'serial' })

const OWNER = 'A0002'
const DELEGATE = 'A0003'
const LEAD = '0010001'
const MANAGER = '0010002'
const tag = String(Date.now()).slice(-6)
const customers = {
  delegated: { account_no: `3177${tag}01`, name: `周先生${tag}` },
  transferred: { account_no: `3177${tag}02`, name: `吴女士${tag}` },
  deleted: { account_no: `3177${tag}03`, name: `郑先生${tag}` },
}
const ids = {}

/** "YYYY-MM-DD", `days` after today in China time. */
function chinaDay(days = 0) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10)
}

/** Opens a customer from the customers tab, searched by account number. */
async function openCustomer(page, customer) {
  await tab(page, 'customers')
  await page.getByTestId('customer-search').locator('input').fill(customer.account_no)
  await page.getByTestId('customer-search-go').click()
  await page.getByTestId('customer-item').filter({ hasText: customer.account_no }).click()
  await expect(page.getByTestId('customer-name')).toHaveText(customer.name)
}

test.beforeAll(async ({ request }) => {
  await pushTrading(
    request,
    'customers',
    Object.values(customers).map((c) => ({ ...c, owner_code: OWNER, status: 'existing', open_date: '2024-03-01' })),
  )
})

test('the owner delegates a customer to a rep of the branch for a period', async ({ page }) => {
  await signIn(page, OWNER)
  for (const [key, c] of Object.entries(customers)) {
    const found = await apiGet(page, `/api/customers?q=${c.account_no}`)
    ids[key] = found.items[0].id
  }
  await openCustomer(page, customers.delegated)
  const ownership = page.getByTestId('ownership')
  await expect(ownership).toContainText('客户归属')
  await expect(page.getByTestId('ownership-none')).toBeVisible()
  await expect(page.getByTestId('ownership-transfer')).toBeVisible()
  await expect(page.getByTestId('ownership-delete')).toHaveCount(0)
  await page.getByTestId('ownership-actions').scrollIntoViewIfNeeded()
  await screenshot(page, 'ownership')

  await page.getByTestId('ownership-delegate').click()
  await expect(page.getByTestId('delegate-popup')).toContainText('授权代管')
  const code = page.getByTestId('delegate-code')
  // Checked here first: the code's form, the period's length, the reason.
  await code.locator('input').fill('B12')
  await page.getByTestId('delegate-ends').locator('input').fill(chinaDay(200))
  await page.getByTestId('delegate-submit').click()
  await expect(code).toContainText('人员代码格式不对')
  await expect(page.getByTestId('delegate-ends')).toContainText(`结束日期须在 ${chinaDay(0)} 到 ${chinaDay(179)} 之间`)
  await expect(page.getByTestId('delegate-reason')).toContainText('请填写授权原因')
  // Then by the API: a rep of another branch.
  await code.locator('input').fill('A0004')
  await page.getByTestId('delegate-ends').locator('input').fill(chinaDay(13))
  await page.getByTestId('delegate-reason').locator('textarea').fill('休假期间代为服务')
  await page.getByTestId('delegate-submit').click()
  await expect(code.locator('.van-field__error-message')).toHaveText('须是客户所在营业部的人员')
  await expect(page.getByTestId('delegate-error')).toBeVisible()
  await screenshot(page, 'ownership-delegate-refused')
  // A rep of the branch, typed in lower case as sign-in allows.
  await code.locator('input').fill('a0003')
  await page.getByTestId('delegate-submit').click()

  const row = page.getByTestId('ownership-delegation')
  await expect(row).toContainText('赵磊 A0003')
  await expect(row).toContainText(`${chinaDay(0)} 至 ${chinaDay(13)}`)
  await expect(row).toContainText('代管中')
  await expect(page.getByTestId('ownership-delegate')).toHaveCount(0)
  await screenshot(page, 'ownership-delegated')

  const mine = await apiGet(page, '/api/customers/delegations')
  const given = mine.given.find((d) => d.customer_id === ids.delegated)
  expect(given).toMatchObject({ delegate_code: DELEGATE, starts_on: chinaDay(0), ends_on: chinaDay(13), reason: '休假期间代为服务' })
  ids.delegation = given.id
})

test('the delegate finds it under 我的授权 and serves it', async ({ page }) => {
  await signIn(page, DELEGATE)
  await tab(page, 'me')
  await page.getByTestId('me-delegations').click()
  await page.getByRole('tab', { name: /授权给我的/ }).click()
  await expect(page).toHaveURL(/side=received/)
  const item = page.getByTestId('delegation-received').filter({ hasText: customers.delegated.name })
  await expect(item).toContainText('王芳 A0002')
  await expect(item).toContainText(chinaDay(13))
  await screenshot(page, 'delegations-received')
  await item.click()
  await expect(page.getByTestId('customer-name')).toHaveText(customers.delegated.name)
  await expect(page.getByTestId('ownership-delegated-to-you')).toBeVisible()
  await expect(page.getByTestId('ownership-actions')).toHaveCount(0)
  expect((await apiGet(page, `/api/customers/${ids.delegated}`)).permissions).toMatchObject({ write: true, delegate: false })
})

test('the owner revokes it from 我的授权', async ({ page }) => {
  await signIn(page, OWNER)
  await tab(page, 'me')
  await page.getByTestId('me-delegations').click()
  const item = page.getByTestId('delegation-given').filter({ hasText: customers.delegated.name })
  await expect(item).toContainText('赵磊 A0003')
  await screenshot(page, 'delegations-given')
  await item.getByTestId('delegation-revoke').click()
  await expect(page.locator('.van-dialog')).toContainText('赵磊')
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('delegation-given').filter({ hasText: customers.delegated.name })).toHaveCount(0)
  expect(page.url()).toMatch(/\/customers\/delegations/)
  const mine = await apiGet(page, '/api/customers/delegations')
  expect(mine.given.some((d) => d.id === ids.delegation)).toBeFalsy()
})

test('the delegate has lost the customer', async ({ page }) => {
  await signIn(page, DELEGATE)
  expect([403, 404]).toContain(await apiStatus(page, `/api/customers/${ids.delegated}`))
  await page.goto('/customers/delegations?side=received')
  await expect(page.getByTestId('delegation-received').filter({ hasText: customers.delegated.name })).toHaveCount(0)
})

test('the owner requests a transfer; a second request is refused', async ({ page }) => {
  await signIn(page, OWNER)
  await openCustomer(page, customers.transferred)
  await page.getByTestId('ownership-transfer').click()
  await expect(page.getByTestId('transfer-popup')).toContainText('申请转让客户')
  await page.getByTestId('transfer-suggested').locator('input').fill('X1')
  await page.getByTestId('transfer-submit').click()
  await expect(page.getByTestId('transfer-reason')).toContainText('请填写转让原因')
  await expect(page.getByTestId('transfer-suggested')).toContainText('人员代码格式不对')
  await page.getByTestId('transfer-reason').locator('textarea').fill('客户常驻徐汇，由赵磊就近服务')
  await page.getByTestId('transfer-suggested').locator('input').fill('A0003')
  await screenshot(page, 'ownership-transfer')
  await page.getByTestId('transfer-submit').click()

  await expect(page).toHaveURL(/\/approvals\/\d+$/)
  ids.transfer = Number(page.url().split('/').pop())
  await expect(page.getByTestId('approval-kind')).toHaveText('客户转让')
  await expect(page.getByTestId('approval-status')).toHaveText('审批中')
  await expect(page.getByTestId('approval-field-reason')).toContainText('客户常驻徐汇')
  await expect(page.getByTestId('chain-step-1')).toContainText('营业部经理')

  // One pending transfer per customer: the customer says it is pending (no second
  // request offered), and the notice opens the request.
  await page.goBack()
  await expect(page.getByTestId('customer-name')).toHaveText(customers.transferred.name)
  await expect(page.getByTestId('ownership-transfer-pending')).toContainText('转让申请审批中')
  await expect(page.getByTestId('ownership-transfer')).toHaveCount(0)
  expect((await apiGet(page, `/api/customers/${ids.transferred}`)).pending_transfer).toBe(ids.transfer)
  await screenshot(page, 'ownership-transfer-pending')
  await page.getByTestId('ownership-transfer-pending').click()
  await expect(page).toHaveURL(new RegExp(`/approvals/${ids.transfer}$`))

  // …and the first is in 我的申请.
  await page.goto('/approvals?box=mine')
  await expect(page.getByTestId('approval-item-mine').filter({ hasText: customers.transferred.name })).toContainText('审批中')
  const filed = await apiGet(page, `/api/approvals/${ids.transfer}`)
  expect(filed).toMatchObject({ kind: 'customer_transfer', status: 'pending', payload: { suggested_code: DELEGATE } })
})

test('the branch manager approves the transfer and deletes a customer', async ({ page }) => {
  await signIn(page, MANAGER)
  await page.goto('/approvals')
  await page.getByTestId('approval-item-todo').filter({ hasText: customers.transferred.name }).click()
  await expect(page.getByTestId('approval-kind')).toHaveText('客户转让')
  // The suggested new owner is offered when the field is entered.
  await page.getByTestId('approval-new-owner').locator('input').click()
  await expect(page.getByTestId('approval-new-owner').locator('input')).toHaveValue(DELEGATE)
  await page.getByTestId('approval-approve').click()
  await expect(page.getByTestId('approval-status')).toHaveText('已通过')
  expect((await apiGet(page, `/api/customers/${ids.transferred}`)).owner.code).toBe(DELEGATE)

  // The branch manager of the customer's branch may delete it, and only that.
  await page.goto(`/customers/${ids.deleted}`)
  await expect(page.getByTestId('customer-name')).toHaveText(customers.deleted.name)
  await expect(page.getByTestId('ownership-delete')).toBeVisible()
  await expect(page.getByTestId('ownership-delegate')).toHaveCount(0)
  await expect(page.getByTestId('ownership-transfer')).toHaveCount(0)
  await page.getByTestId('ownership-actions').scrollIntoViewIfNeeded()
  await screenshot(page, 'ownership-manager')
  await page.getByTestId('ownership-delete').click()
  await expect(page.locator('.van-dialog')).toContainText(customers.deleted.name)
  await screenshot(page, 'ownership-delete')
  await page.locator('.van-dialog__confirm').click()
  await expect(page).toHaveURL(/\/customers$/)
  expect(await apiStatus(page, `/api/customers/${ids.deleted}`)).toBe(404)
})

test('the old owner holds neither the transferred nor the deleted customer', async ({ page }) => {
  await signIn(page, OWNER)
  const left = await apiGet(page, `/api/customers?q=3177${tag}`)
  expect(left.items.map((c) => c.account_no)).toEqual([customers.delegated.account_no])
})

test('a lead reading a team customer is offered no ownership action', async ({ page }) => {
  await signIn(page, LEAD)
  await page.goto(`/customers/${ids.delegated}`)
  await expect(page.getByTestId('customer-name')).toHaveText(customers.delegated.name)
  await expect(page.getByTestId('ownership')).toHaveCount(0)
  await expect(page.getByTestId('ownership-delete')).toHaveCount(0)
})

test('the screens in English and on a desktop', async ({ page }) => {
  await signIn(page, OWNER)
  await tab(page, 'me')
  await page.getByTestId('language-en').click()
  await expect(page.getByTestId('me-delegations')).toContainText('My delegations')
  await page.goto(`/customers/${ids.delegated}`)
  await expect(page.getByTestId('ownership')).toContainText('Ownership')
  await expect(page.getByTestId('ownership-transfer')).toContainText('Request transfer')
  await page.getByTestId('ownership-delegate').click()
  await page.getByTestId('delegate-code').locator('input').fill('Z9')
  await page.getByTestId('delegate-submit').click()
  await expect(page.getByTestId('delegate-code')).toContainText('Not a staff code')
  await screenshot(page, 'ownership-delegate-en')

  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`/customers/${ids.delegated}`)
  await expect(page.getByTestId('ownership-actions')).toBeVisible()
  await screenshot(page, 'ownership-desktop')
  await page.goto('/customers/delegations')
  await expect(page.getByRole('tab', { name: /Given/ })).toBeVisible()
  await screenshot(page, 'delegations-desktop')
})
