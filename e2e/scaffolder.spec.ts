import { expect, test } from '@playwright/test';
import { screenshot, signInAsGuest } from './helpers';

test('a developer creates a runner pool from the software template and lands on a ready pool', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/create');
  await expect(page.getByText('GitLab runner pool')).toBeVisible();
  await page.getByRole('button', { name: 'Choose' }).first().click();

  // Team and pool: the guest belongs to one team, which the picker chooses for them.
  await expect(page.getByLabel('Team')).toHaveValue('Payments');
  await page.getByLabel('Pool name').fill('from-template');
  await page.getByRole('button', { name: 'Next' }).click();

  // Runners: the flavor picker lists the flavors from the runners API.
  await page.getByLabel('Flavor').click();
  await page.getByRole('option', { name: /m1\.large/ }).click();
  await screenshot(page, 'template-flavor-picker');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('GitLab group').fill('engineering/payments');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The wait step finishes once the pool's VMs are up in the simulator.
  const link = page.getByRole('link', { name: 'Runner pool' });
  await expect(link).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText(/is \*?\*?ready/i).first()).toBeVisible();
  await screenshot(page, 'template-task-done');
  // The output link is the pool's page in the portal.
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/runners\/pools\/[0-9a-f-]{36}$/);
  await page.goto(href!);
  await expect(page.getByText(/\d+ of \d+ VMs ready/).first()).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'from-template' }),
  ).toBeVisible();
});
