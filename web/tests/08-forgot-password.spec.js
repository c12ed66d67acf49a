import { test, expect } from '@playwright/test'
import { screenshot } from './helpers.js'

test('forgot password: staff code and ID number, the SMS code, a new password, then sign in', async ({ page }) => {
  await page.goto('/login')
  await page.getByTestId('login-code').locator('input').fill('A0004')
  await page.getByTestId('forgot-link').click()
  await expect(page.getByTestId('forgot-code').locator('input')).toHaveValue('A0004')
  await page.getByTestId('forgot-id').locator('input').fill('440301199206080082')
  await page.getByTestId('forgot-send').click()
  await expect(page.getByTestId('forgot-sms')).toBeVisible()

  // The code the SMS sink received for A0004's mobile. The message is sent after the
  // answer (it is queued before it), so it may reach the sink a moment later.
  let text = ''
  await expect
    .poll(async () => {
      const sms = await page.request.get('/api/dev/sms?to=13800000007', {
        headers: { authorization: `Bearer ${process.env.ZHANYE_ADMIN_TOKEN}` },
      })
      expect(sms.ok()).toBeTruthy()
      text = (await sms.json()).items[0]?.text || ''
      return text
    }, { timeout: 10_000 })
    .toMatch(/\d{6}/)
  const code = text.match(/\d{6}/)[0]

  await page.getByTestId('forgot-sms').locator('input').fill(code)
  await page.getByTestId('forgot-new').locator('input').fill('Reset2026ok')
  await page.getByTestId('forgot-confirm').locator('input').fill('Reset2026ok')
  await screenshot(page, 'forgot-password')
  await page.getByTestId('forgot-submit').click()
  await expect(page).toHaveURL(/\/login\?code=A0004/)

  await page.getByTestId('login-password').locator('input').fill('Reset2026ok')
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('home-name')).toHaveText('孙丽')
})
