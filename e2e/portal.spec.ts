import { expect, test } from '@playwright/test';
import { screenshot, signInAsGuest } from './helpers';

test('a guest signs in and the catalog lists the example teams’ components', async ({
  page,
}) => {
  await signInAsGuest(page);

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog is the landing page and starts on what the guest's team (payments) owns.
  await expect(page.getByText('Owned Components (2)')).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Payment gateway' }),
  ).toBeVisible();

  // Every team's components are one click away.
  await page.getByRole('menuitem', { name: /All/ }).click();
  for (const title of [
    'Payment gateway',
    'Checkout web',
    'Search API',
    'Android app',
    'Windows desktop app',
  ]) {
    await expect(
      page.getByRole('link', { name: title, exact: true }),
    ).toBeVisible();
  }
  await screenshot(page, 'catalog');

  await page
    .getByRole('link', { name: 'Payment gateway', exact: true })
    .click();
  await expect(
    page.getByText('Talks to card acquirers; PCI scope.'),
  ).toBeVisible();
  await screenshot(page, 'component-payment-gateway');
});
