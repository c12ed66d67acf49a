import { test, expect } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { apiGet, screenshot, signIn, tab } from './helpers.js'

test('product search → detail → favourite on home → export downloads; a refused recommendation shows why', async ({ page }) => {
  await signIn(page, 'A0003')
  await tab(page, 'products')
  await expect(page.getByTestId('product-item').first()).toBeVisible()
  await screenshot(page, 'products')

  // At 390 px a long yield text (海通海融2号's) stays inside its card: it wraps in its
  // column and the term beside it is still shown, within the card.
  const longYield = page.getByTestId('product-item').filter({ hasText: 'OTC452' })
  await expect(longYield.getByTestId('product-yield')).toContainText('首个封闭期的预期年化收益率为6.5%')
  await expect(longYield.getByTestId('product-term')).toHaveText('无固定期限')
  const card = await longYield.boundingBox()
  for (const id of ['product-yield', 'product-term']) {
    const box = await longYield.getByTestId(id).boundingBox()
    expect(box.x, id).toBeGreaterThanOrEqual(card.x)
    expect(box.x + box.width, id).toBeLessThanOrEqual(card.x + card.width)
  }
  expect(await longYield.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBeTruthy()
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

  // Search by code prefix, then reset.
  await page.getByTestId('product-code').locator('input').fill('S191')
  await page.getByTestId('product-search').click()
  await expect(page.getByTestId('product-item')).toHaveCount(2)
  await expect(page.getByTestId('product-item').first()).toContainText('S19108')
  await page.getByTestId('product-reset').click()
  await expect(page.getByTestId('product-code').locator('input')).toHaveValue('')
  await expect(page.getByTestId('product-item').nth(2)).toBeVisible()

  // Export the current result as CSV: a download with the product list.
  await page.getByTestId('product-export').click()
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.van-action-sheet__item').filter({ hasText: 'CSV' }).click(),
  ])
  expect(csv.suggestedFilename()).toMatch(/\.csv$/)
  const text = readFileSync(await csv.path(), 'utf8')
  expect(text).toContain('S19108')
  // And as XLSX.
  await page.getByTestId('product-export').click()
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.van-action-sheet__item').filter({ hasText: 'XLSX' }).click(),
  ])
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/)

  // Detail of 海通海融2号 with its documents; 放入收藏夹.
  await page.getByTestId('product-name').locator('input').fill('海通海融')
  await page.getByTestId('product-search').click()
  await expect(page.getByTestId('product-item')).toHaveCount(1)
  await page.getByTestId('product-item').first().click()
  await expect(page.getByTestId('product-title')).toContainText('海通海融2号')
  await expect(page.getByTestId('documents').locator('.van-cell')).toHaveCount(3)
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('document-contract').click()])
  expect(pdf.suggestedFilename()).toMatch(/\.pdf$/)
  await page.getByTestId('favorite-button').click()
  await expect(page.getByTestId('favorite-button')).toContainText('已收藏')
  // The toast says what happened: added, then removed, then added again.
  await expect(page.locator('.van-toast')).toContainText('已放入收藏夹，将显示在个人主页')
  await page.getByTestId('favorite-button').click()
  await expect(page.getByTestId('favorite-button')).toHaveText('放入收藏夹')
  await expect(page.locator('.van-toast')).toContainText('已移出收藏夹')
  await page.getByTestId('favorite-button').click()
  await expect(page.getByTestId('favorite-button')).toContainText('已收藏')
  await expect(page.locator('.van-toast')).toContainText('已放入收藏夹，将显示在个人主页')
  await screenshot(page, 'product-detail')

  // 产品推介 of a high-risk product to a conservative customer: refused, with the reason.
  const risky = (await apiGet(page, '/api/products?risk=R5&page_size=1')).items[0]
  const customers = (await apiGet(page, '/api/customers?page_size=200')).items
  const conservative = customers.find((c) => c.risk_tolerance === 'conservative')
  await page.goto(`/products/${encodeURIComponent(risky.code)}`)
  await page.getByTestId('recommend-button').click()
  await page.getByTestId('recommend-search').locator('input').fill(conservative.name)
  await page.getByTestId('recommend-customer').filter({ hasText: conservative.account_no }).click()
  await page.getByTestId('recommend-submit').click()
  const refusal = page.locator('.van-dialog.refusal')
  await expect(refusal).toBeVisible()
  await expect(refusal).toContainText('不能推介')
  await expect(refusal.locator('.van-dialog__message')).toContainText(/[\u4e00-\u9fff]/)
  await screenshot(page, 'product-refusal')
  await refusal.getByRole('button').click()

  await page.goto('/')
  await expect(page.getByTestId('home-favorites')).toContainText('海通海融2号')

  // Beside a long product name the favourite button keeps its text on one line (it was
  // squeezed to three): as tall as a small button, and inside the card.
  await page.goto('/products/S19108')
  await expect(page.getByTestId('product-title')).toContainText('海通OTC富国理财宝1号尊享第8期优先级14天')
  const star = page.getByTestId('favorite-button')
  await expect(star).toHaveText('放入收藏夹')
  const starBox = await star.boundingBox()
  expect(starBox.height).toBeLessThanOrEqual(36)
  expect(await star.locator('.van-button__text').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(24)
  const head = await page.locator('.head').boundingBox()
  expect(starBox.x + starBox.width).toBeLessThanOrEqual(head.x + head.width)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
})
