import { test, expect } from '@playwright/test'
import { screenshot, signIn, tab } from './helpers.js'

test('task create → to-do → execute with 上一步 → history', async ({ page }) => {
  await signIn(page, 'A0002')
  await tab(page, 'tasks')
  await page.getByTestId('task-new').click()
  await expect(page).toHaveURL(/\/tasks\/new$/)
  await page.getByTestId('task-customer').locator('input').fill('张思')
  await page.getByTestId('task-address').locator('input').fill('上海市合肥路1042号')
  await page.getByTestId('task-content').locator('textarea').fill('客户见证开户预约')
  await screenshot(page, 'task-new')
  await page.getByTestId('task-submit').click()
  await expect(page).toHaveURL(/\/tasks\/\d+$/)
  await expect(page.getByTestId('task-customer-name')).toContainText('张思')
  // The customer is labelled as one (it once read 产品名称).
  await expect(page.getByTestId('task-customer-name')).toContainText('客户/公司名称')
  await expect(page.getByTestId('task-customer-name')).not.toContainText('产品')

  // It is on the to-do list and on home.
  await page.goto('/tasks')
  await expect(page.getByTestId('task-item').filter({ hasText: '张思' })).toBeVisible()
  await screenshot(page, 'tasks')
  await page.goto('/')
  await expect(page.getByTestId('home-todos')).toContainText('张思')
  await page.getByTestId('home-todos').locator('.van-cell').filter({ hasText: '张思' }).click()

  // 工作执行, 上一步 back to the plan, then again and 提交.
  await page.getByTestId('task-execute').click()
  await expect(page.getByTestId('exec-address').locator('input')).toHaveValue('上海市合肥路1042号')
  await page.getByTestId('exec-content').locator('textarea').fill('上门拜访')
  await page.getByTestId('exec-back').click()
  await expect(page.getByTestId('task-execute')).toBeVisible()
  await page.getByTestId('task-execute').click()
  await expect(page.getByTestId('exec-content').locator('textarea')).toHaveValue('上门拜访')
  await page.getByTestId('exec-address').locator('input').fill('上海市合肥路')
  await screenshot(page, 'task-execute')
  await page.getByTestId('exec-submit').click()
  await expect(page.getByTestId('task-status')).toContainText('已完成')
  await expect(page.getByTestId('task-execution')).toContainText('上门拜访')

  // 历史任务.
  await page.goto('/tasks?tab=history')
  await expect(page.getByTestId('history-item').filter({ hasText: '张思' })).toBeVisible()
  await page.getByTestId('history-search').locator('input').fill('张')
  await page.getByTestId('history-search').locator('input').press('Enter')
  await expect(page.getByTestId('history-item').filter({ hasText: '张思' })).toBeVisible()
  await screenshot(page, 'task-history')
})
