import { Browser, expect, Page } from '@playwright/test';
import path from 'node:path';

/** Signs in with the guest provider; the "Enter" button appears once the page is idle. */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/', { waitUntil: 'networkidle' });
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // Signed in once the sign-in page is gone; navigating earlier lands on it again.
  await expect(enter).toBeHidden();
  await page.waitForLoadState('networkidle');
}

/**
 * A browser page signed in as another example user (e.g. a platform approver): the guest
 * sign-in is answered by the development-only `devusers` provider for that user.
 */
export async function pageAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  await context.route('**/api/auth/guest/refresh**', route =>
    route.continue({
      url: route
        .request()
        .url()
        .replace(
          '/api/auth/guest/refresh',
          `/api/auth/devusers/refresh?user=${user}`,
        ),
    }),
  );
  const page = await context.newPage();
  await signInAsGuest(page);
  return page;
}

/** Saves a full-page screenshot for review under the gitignored `screenshots/` folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({
    path: path.join(__dirname, '..', 'screenshots', `${name}.png`),
    fullPage: true,
  });
}
