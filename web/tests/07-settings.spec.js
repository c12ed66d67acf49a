import { test, expect } from '@playwright/test'
import { PASSWORD, screenshot, signIn, tab } from './helpers.js'

test('language switch: screens and the API answers in English, and back', async ({ page }) => {
  await signIn(page, 'A0003')
  await tab(page, 'me')
  await screenshot(page, 'settings')
  await page.getByTestId('language-en').click()
  await expect(page.getByTestId('tab-home')).toContainText('Home')
  await expect(page.getByTestId('me-password')).toContainText('Change password')

  await tab(page, 'home')
  await expect(page.getByTestId('home-heading')).toContainText('It is now')
  await expect(page.getByTestId('block-stock')).toContainText('Current customers')
  await expect(page.getByTestId('home-followed')).toContainText('No records')
  await screenshot(page, 'home-en')

  // An error from the API, in English.
  await page.goto('/password')
  await page.getByTestId('password-old').locator('input').fill('not-my-password-1')
  await page.getByTestId('password-new').locator('input').fill('Another2026ok')
  await page.getByTestId('password-confirm').locator('input').fill('Another2026ok')
  await page.getByTestId('password-submit').click()
  await expect(page.getByTestId('password-error')).toBeVisible()
  await expect(page.getByTestId('password-error')).not.toContainText(/[\u4e00-\u9fff]/)

  // Back to Chinese, then sign out.
  await page.goto('/me')
  await page.getByTestId('language-zh-CN').click()
  await expect(page.getByTestId('tab-home')).toContainText('首页')
  await page.getByTestId('sign-out').click()
  await page.locator('.van-dialog__confirm').click()
  await expect(page).toHaveURL(/\/login/)
  await page.getByTestId('login-code').locator('input').fill('A0003')
  await page.getByTestId('login-password').locator('input').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('home-name')).toBeVisible()
})

test('installable: manifest and service worker; the shell opens offline', async ({ page, context }) => {
  await signIn(page, 'A0003')
  const manifest = await page.locator('link[rel="manifest"]').getAttribute('href')
  const reply = await page.request.get(manifest)
  expect((await reply.json()).display).toBe('standalone')
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.reload()
  await expect(page.getByTestId('home-name')).toBeVisible()
  await context.setOffline(true)
  await page.reload()
  // The shell comes from the service worker; home from what this device kept of it.
  await expect(page.getByTestId('home-name')).toBeVisible()
  await expect(page.getByTestId('offline-notice')).toBeVisible()
  // A screen never loaded here cannot reach the API, said in Chinese.
  await tab(page, 'products')
  await expect(page.getByText('网络不可用，请检查连接后重试')).toBeVisible()
  await expect(page.getByTestId('offline-notice')).toHaveCount(0)
  await screenshot(page, 'offline')
  await context.setOffline(false)
})
