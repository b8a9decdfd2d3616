import { expect, test } from '@playwright/test';
import { pageAs, screenshot, signInAsGuest } from './helpers';

/*
 * Against the whole local stack (scripts/stack.sh --e2e): real control planes, the GitLab
 * emulator and the fleet simulator booting VMs 20x faster than real time.
 */
test.describe.configure({ mode: 'serial' });

test('a developer requests a pool and watches it become ready; the component page shows its capacity', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/runners');
  await expect(page.getByRole('tab', { name: 'My fleet' })).toBeVisible();
  await screenshot(page, 'runners-my-fleet-empty');

  await page.getByRole('tab', { name: 'Request runners' }).click();
  await page.getByLabel('Pool name').fill('builds');
  await page.getByLabel('Group path').fill('engineering/payments');
  const tags = page.getByLabel('Tags');
  await tags.fill('docker');
  await tags.press('Enter');
  await page.getByLabel('Max VMs').fill('3');
  await screenshot(page, 'runners-request-form');
  const create = page.getByRole('button', { name: 'Create pool' });
  await expect(create).toBeEnabled();
  await create.click();

  // The detail view follows the pool through its states until VMs booted in the simulator.
  await expect(page).toHaveURL(/\/runners\/pools\/[0-9a-f-]{36}/);
  // The state reason appears once the pool is ready: "1 of 1 VMs ready (scales 1–3)".
  await expect(page.getByText(/\d+ of \d+ VMs ready/).first()).toBeVisible({
    timeout: 90_000,
  });
  await screenshot(page, 'runners-pool-ready');

  await page.goto('/catalog/default/component/payment-gateway');
  // The owner team's pools, on the component's overview page.
  await expect(page.getByText('CI capacity')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('builds', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('Ready', { exact: true }).first()).toBeVisible();
  await screenshot(page, 'component-ci-capacity');

  // The fleet gauges reach Prometheus through Backstage's metrics service.
  const metrics = await (
    await fetch(
      `http://127.0.0.1:${process.env.PROMETHEUS_PORT ?? 9474}/metrics`,
    )
  ).text();
  expect(metrics).toMatch(/runners_pools\{[^}]*state="ready"[^}]*\} [1-9]/);
  expect(metrics).toMatch(
    /runners_vms\{[^}]*pool="builds"[^}]*ready="true"[^}]*\} [1-9]/,
  );
});

test('a custom flavor waits for approval until a platform member approves it', async ({
  page,
  browser,
}) => {
  await signInAsGuest(page);
  await page.goto('/runners/request');
  await page.getByLabel('Pool name').fill('big-builds');
  await page.getByRole('button', { name: 'Custom' }).click();
  await page.getByLabel('vCPU').first().fill('24');
  await page.getByLabel('Group path').fill('engineering/payments');
  const tags = page.getByLabel('Tags');
  await tags.fill('heavy');
  await tags.press('Enter');
  await page.getByLabel('Max VMs').fill('1');
  await page
    .getByLabel('Why your team needs it')
    .fill('the monorepo build needs 24 vCPU');
  const submit = page.getByRole('button', { name: 'Request approval' });
  await expect(submit).toBeEnabled();
  await screenshot(page, 'runners-request-custom');
  await submit.click();
  await expect(page.getByText('Waiting for approval').first()).toBeVisible();
  const poolUrl = page.url();

  const platform = await pageAs(browser, 'ada.platform');
  await platform.goto('/runners/requests');
  await expect(platform.getByText('big-builds').first()).toBeVisible();
  // The approver sees what the request means before deciding.
  const row = platform.getByRole('row').filter({ hasText: 'big-builds' });
  await expect(row.getByText(/^Shape:.*24 vCPU/)).toBeVisible();
  await expect(row.getByText('Max VMs: 1 (min 1)')).toBeVisible();
  await expect(row.getByText(/^Quota of team payments: vCPU/)).toBeVisible();
  await expect(row.getByText(/cost units per month at max VMs/)).toBeVisible();
  await expect(
    row.getByText('Reason: the monorepo build needs 24 vCPU'),
  ).toBeVisible();
  await expect(
    row.getByRole('link', { name: 'Team payments in the catalog' }),
  ).toBeVisible();
  await screenshot(platform, 'runners-requests-approver');
  await row.getByRole('button', { name: 'Approve' }).click();
  const confirm = platform.getByRole('dialog');
  await expect(confirm).toContainText('provisioned right away');
  await screenshot(platform, 'runners-requests-approve-confirm');
  await confirm.getByRole('button', { name: 'Approve' }).click();
  await expect(platform.getByText(/approved/i).first()).toBeVisible();

  await platform.goto('/runners/fleet');
  await expect(platform.getByText('payments').first()).toBeVisible();
  await screenshot(platform, 'runners-fleet-platform');

  await page.goto(poolUrl);
  await expect(page.getByText(/Provisioning|Ready/).first()).toBeVisible();
});
