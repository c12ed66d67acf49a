import { test, expect } from '@playwright/test'
import { screenshot, signIn, tab } from './helpers.js'

const keptKeys = (page) =>
  page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('zhanye.offline:')))

test('home, the customer list and a customer stay readable offline, marked with their time', async ({
  page,
  context,
}) => {
  await signIn(page, 'A0002')
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  const homeName = await page.getByTestId('home-name').innerText()
  await tab(page, 'customers')
  const first = page.getByTestId('customer-item').first()
  await expect(first).toBeVisible()
  const firstText = await first.textContent()
  await first.click()
  await expect(page.getByTestId('customer-name')).toBeVisible()
  const name = await page.getByTestId('customer-name').innerText()
  await expect(page.getByTestId('performance-cards')).toBeVisible()
  await expect(page.getByTestId('offline-notice')).toHaveCount(0)

  // No network: the shell comes from the service worker, the screens from what this
  // device kept, said so with the time they were loaded.
  await context.setOffline(true)
  await page.reload()
  await expect(page.getByTestId('customer-name')).toHaveText(name)
  await expect(page.getByTestId('performance-cards')).toBeVisible()
  await expect(page.getByTestId('offline-notice')).toContainText('离线')
  await expect(page.getByTestId('offline-notice')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  await screenshot(page, 'offline-customer')
  await page.goto('/')
  await expect(page.getByTestId('home-name')).toHaveText(homeName)
  await expect(page.getByTestId('offline-notice')).toBeVisible()
  await screenshot(page, 'offline-home')
  await tab(page, 'customers')
  await expect(page.getByTestId('customer-item').first()).toHaveText(firstText)
  // A screen never loaded on this device says the network is unavailable.
  await tab(page, 'products')
  await expect(page.getByText('网络不可用，请检查连接后重试')).toBeVisible()
  await expect(page.getByTestId('offline-notice')).toHaveCount(0)

  // Back online, the screens are live again.
  await context.setOffline(false)
  await tab(page, 'home')
  await expect(page.getByTestId('home-name')).toHaveText(homeName)
  await expect(page.getByTestId('offline-notice')).toHaveCount(0)

  // Signing out wipes what was kept.
  expect((await keptKeys(page)).length).toBeGreaterThan(0)
  await tab(page, 'me')
  await page.getByTestId('sign-out').click()
  await page.locator('.van-dialog__confirm').click()
  await expect(page).toHaveURL(/\/login/)
  expect(await keptKeys(page)).toEqual([])
})
