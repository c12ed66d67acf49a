import { test, expect } from '@playwright/test'
import { apiGet, apiPost, screenshot, signIn, tab } from './helpers.js'

// 审批 (TASK-6) in the client: a rep files three requests (the first through 我的 →
// 费用申请), the lead opens the first from home's to-dos, sees its form, chain and
// history and approves it with a comment, rejects the second; the rep sees both
// outcomes in 我的申请 and withdraws the third.
test.describe.configure({ mode: 'serial' })

const LEAD = '0010001'
const REP = 'A0002'
const tag = String(Date.now()).slice(-6)
const expenseReason = `客户沙龙场地${tag}`
const collabProblem = `客户咨询港股通开通${tag}`
const withdrawnReason = `客户答谢会茶歇${tag}`
const racedProblem = `客户要求上门服务${tag}`
const ids = {}

test('the rep files an expense request from 我的 and two more', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('me-new-expense').click()
  await expect(page).toHaveURL(/\/approvals\/new\/expense$/)
  await page.getByTestId('new-reason').locator('input').fill(expenseReason)
  await page.getByTestId('new-target').locator('input').fill('高净值客户')
  await page.getByTestId('new-use').locator('input').fill('场地租赁')
  await page.getByTestId('new-amount').locator('input').fill('3000')
  await page.getByTestId('new-comment').locator('textarea').fill('请审批')
  await screenshot(page, 'approval-new')
  await page.getByTestId('new-submit').click()
  await expect(page).toHaveURL(/\/approvals\/\d+$/)
  ids.expense = Number(page.url().split('/').pop())
  await expect(page.getByTestId('approval-status')).toHaveText('审批中')
  await expect(page.getByTestId('approval-field-amount')).toContainText('3,000.00')
  await expect(page.getByTestId('chain-step-1')).toContainText('待审批')
  // The requester may withdraw but not decide.
  await expect(page.getByTestId('approval-withdraw')).toBeVisible()
  await expect(page.getByTestId('approval-approve')).toHaveCount(0)
  const filed = await apiGet(page, `/api/approvals/${ids.expense}`)
  expect(filed.payload).toMatchObject({ reason: expenseReason, amount: '3000.00', target: '高净值客户', use: '场地租赁' })

  const collab = await apiPost(page, '/api/approvals', {
    kind: 'collaboration',
    payload: { problem: collabProblem, needs: '需要投顾协助讲解', proposal: '安排投顾上门' },
  })
  ids.collab = collab.id
  const third = await apiPost(page, '/api/approvals', {
    kind: 'expense',
    payload: { reason: withdrawnReason, time: filed.payload.time, target: '存量客户', use: '茶歇', amount: '800.00' },
  })
  ids.third = third.id
  const raced = await apiPost(page, '/api/approvals', {
    kind: 'collaboration',
    payload: { problem: racedProblem, needs: '需要合规审核' },
  })
  ids.raced = raced.id
})

test('the lead opens it from home, approves with a comment and rejects another', async ({ page }) => {
  await signIn(page, LEAD)
  const todo = page.getByTestId('home-approval-todo').filter({ hasText: expenseReason })
  await expect(todo).toContainText('费用申请')
  await expect(todo).toContainText('王芳')
  await todo.click()
  await expect(page).toHaveURL(new RegExp(`/approvals/${ids.expense}$`))

  // The form with readable labels, the chain and the history.
  await expect(page.getByTestId('approval-kind')).toHaveText('费用申请')
  await expect(page.getByTestId('approval-requester')).toContainText('王芳 A0002')
  await expect(page.getByTestId('approval-field-reason')).toContainText('事由')
  await expect(page.getByTestId('approval-field-reason')).toContainText(expenseReason)
  await expect(page.getByTestId('approval-field-target')).toContainText('对象高净值客户')
  await expect(page.getByTestId('approval-field-use')).toContainText('用途场地租赁')
  await expect(page.getByTestId('approval-field-amount')).toContainText('3,000.00')
  await expect(page.getByTestId('chain-step-1')).toContainText('团队长')
  await expect(page.getByTestId('chain-step-1')).toContainText('待审批')
  await expect(page.getByTestId('chain-step-2')).toContainText('营业部经理')
  await expect(page.getByTestId('chain-step-2')).toContainText('等待中')
  const submitted = page.getByTestId('history-row').first()
  await expect(submitted).toContainText('提交申请')
  await expect(submitted).toContainText('王芳')
  await expect(submitted).toContainText('请审批')
  await expect(submitted).not.toContainText(/\d{4}-\d{2}-\d{2}T/)
  await expect(page.getByTestId('approval-withdraw')).toHaveCount(0)
  await screenshot(page, 'approval-detail')

  await page.getByTestId('approval-comment').locator('textarea').fill('同意，注意控制预算')
  await page.getByTestId('approval-actions').scrollIntoViewIfNeeded()
  await screenshot(page, 'approval-decide')
  await page.getByTestId('approval-approve').click()
  // Step 1 approved by the lead; the request waits for the branch manager.
  await expect(page.getByTestId('chain-step-1')).toContainText('已通过')
  await expect(page.getByTestId('chain-step-1')).toContainText('陈刚')
  await expect(page.getByTestId('chain-step-1')).toContainText('同意，注意控制预算')
  await expect(page.getByTestId('chain-step-2')).toContainText('待审批')
  await expect(page.getByTestId('approval-status')).toHaveText('审批中')
  await expect(page.getByTestId('history-row').nth(1)).toContainText('通过')
  await expect(page.getByTestId('history-row').nth(1)).toContainText('同意，注意控制预算')
  await expect(page.getByTestId('approval-actions')).toHaveCount(0)
  const after = await apiGet(page, `/api/approvals/${ids.expense}`)
  expect(after.current_step).toBe(2)
  expect(after.chain[0]).toMatchObject({ status: 'approved', comment: '同意，注意控制预算' })

  // Home's to-dos no longer hold it; the second one is there, opened from 审批 → 待办.
  await page.goto('/')
  await expect(page.getByTestId('home-todos')).toContainText(collabProblem)
  await expect(page.getByTestId('home-todos')).not.toContainText(expenseReason)
  await page.getByTestId('home-approvals').click()
  await expect(page).toHaveURL(/\/approvals$/)
  const item = page.getByTestId('approval-item-todo').filter({ hasText: collabProblem })
  await expect(item).toContainText('业务协作申请')
  await expect(item).toContainText('审批中')
  await expect(item).toContainText(/王芳 A0002 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  await screenshot(page, 'approvals')
  await item.click()
  await expect(page.getByTestId('approval-field-problem')).toContainText('遇到的实际问题、困难')
  await expect(page.getByTestId('approval-field-needs')).toContainText('需要投顾协助讲解')
  await expect(page.getByTestId('approval-field-proposal')).toContainText('安排投顾上门')
  await page.getByTestId('approval-comment').locator('textarea').fill('请先与客户确认需求')
  await page.getByTestId('approval-reject').click()
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('approval-status')).toHaveText('已驳回')
  await expect(page.getByTestId('chain-step-1')).toContainText('已驳回')
  await expect(page.getByTestId('history-row').nth(1)).toContainText('驳回')
  await expect(page.getByTestId('history-row').nth(1)).toContainText('请先与客户确认需求')

  // A decision that lost a race shows the API's refusal.
  await page.goto(`/approvals/${ids.raced}`)
  await expect(page.getByTestId('approval-approve')).toBeVisible()
  await apiPost(page, `/api/approvals/${ids.raced}/decision`, { decision: 'approve', comment: '已在别处处理' })
  await page.getByTestId('approval-approve').click()
  await expect(page.getByTestId('approval-error')).toBeVisible()
  await expect(page.getByTestId('approval-error')).not.toContainText('请求失败')
  await expect(page.getByTestId('approval-error')).not.toBeEmpty()
  // …and the screen shows where the request now stands.
  await expect(page.getByTestId('chain-step-1')).toContainText('已在别处处理')
  await expect(page.getByTestId('approval-actions')).toHaveCount(0)

  // Both are in 已办, neither in 待办.
  await page.goto('/approvals?box=done')
  await expect(page.getByTestId('approval-item-done').filter({ hasText: expenseReason })).toContainText('审批中')
  await expect(page.getByTestId('approval-item-done').filter({ hasText: collabProblem })).toContainText('已驳回')
  await page.getByRole('tab', { name: '待办' }).click()
  await expect(page.getByTestId('approval-item-todo').filter({ hasText: withdrawnReason })).toBeVisible()
  await expect(page.getByTestId('approval-item-todo').filter({ hasText: collabProblem })).toHaveCount(0)
  await expect(page.getByTestId('approval-item-todo').filter({ hasText: expenseReason })).toHaveCount(0)

  // 我的 → 审批 carries the number waiting for the lead.
  const waiting = await apiGet(page, '/api/approvals?box=todo&page_size=1')
  await page.goto('/me')
  await expect(page.getByTestId('me-approvals-count')).toHaveText(String(waiting.total))
})

test('the rep sees the outcomes in 我的申请 and withdraws the third', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('me-approvals').click()
  await page.getByRole('tab', { name: '我的申请' }).click()
  await expect(page).toHaveURL(/box=mine/)
  await expect(page.getByTestId('approval-item-mine').filter({ hasText: collabProblem })).toContainText('已驳回')
  await expect(page.getByTestId('approval-item-mine').filter({ hasText: expenseReason })).toContainText('审批中')
  await screenshot(page, 'approvals-mine')

  await page.getByTestId('approval-item-mine').filter({ hasText: collabProblem }).click()
  await expect(page.getByTestId('approval-history')).toContainText('请先与客户确认需求')
  await expect(page.getByTestId('approval-actions')).toHaveCount(0)

  await page.goto(`/approvals/${ids.third}`)
  await expect(page.getByTestId('approval-status')).toHaveText('审批中')
  await page.getByTestId('approval-withdraw').click()
  await page.locator('.van-dialog__confirm').click()
  await expect(page.getByTestId('approval-status')).toHaveText('已撤回')
  await expect(page.getByTestId('history-row').last()).toContainText('撤回')
  await expect(page.getByTestId('approval-actions')).toHaveCount(0)

  await page.goto('/approvals?box=mine')
  await expect(page.getByTestId('approval-item-mine').filter({ hasText: withdrawnReason })).toContainText('已撤回')
})

test('the detail in English', async ({ page }) => {
  await signIn(page, REP)
  await tab(page, 'me')
  await page.getByTestId('language-en').click()
  await page.goto(`/approvals/${ids.expense}`)
  await expect(page.getByTestId('approval-kind')).toHaveText('Expense request')
  await expect(page.getByTestId('approval-status')).toHaveText('Pending')
  await expect(page.getByTestId('approval-field-reason')).toContainText('Reason')
  await expect(page.getByTestId('chain-step-1')).toContainText('Approved')
  await expect(page.getByTestId('chain-step-2')).toContainText('Branch manager')
  await expect(page.getByTestId('approval-history')).toContainText('Submitted')
})
