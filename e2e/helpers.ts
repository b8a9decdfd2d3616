import { expect, Page } from '@playwright/test';
import path from 'node:path';

/** Signs in with the guest provider; the "Enter" button appears once the page is idle. */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/', { waitUntil: 'networkidle' });
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}

/** Saves a full-page screenshot for review under the gitignored `screenshots/` folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({
    path: path.join(__dirname, '..', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}
