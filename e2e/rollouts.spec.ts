import { expect, test } from '@playwright/test';
import { createPool, poolSpec } from './api';
import { pageAs, screenshot, signInAsGuest } from './helpers';

/*
 * Issue #14: rollouts are visible in the portal. A flavor change on the pool page rolls the
 * pool's VMs (its timeline shows it); the platform team's Rollouts tab starts fleet
 * rollouts. The e2e stack reads its flavor catalog once at start-up and every pool copies it,
 * so a fleet rollout here finds nothing to roll: the tab shows the server's answer.
 */
test.describe.configure({ mode: 'serial' });

test("changing a pool's flavor in the portal shows its rollout on the pool page", async ({
  page,
  request,
}) => {
  const id = await createPool(
    request,
    poolSpec('rolls', {
      autoscaling: {
        minReplicas: 2,
        maxReplicas: 2,
        targetUtilization: 0.3,
        scaleToZero: false,
        burst: false,
      },
    }),
  );
  await signInAsGuest(page);
  await page.goto(`/runners/pools/${id}`);
  await expect(page.getByText('2 of 2 VMs ready').first()).toBeVisible({
    timeout: 90_000,
  });

  await page.getByRole('button', { name: 'Change' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /Flavor/ }).click();
  await page.getByRole('option', { name: /^m1\.xlarge/ }).click();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  // At the e2e stack's 20x time scale two idle VMs are replaced in well under a second of real
  // time, faster than the page polls, so the progress line rarely shows here: the timeline
  // records the rollout's start and end.
  const timeline = page.getByRole('list', { name: 'Pool timeline' });
  await expect(timeline).toContainText(
    'rollout started: 2 VMs of 2 run an outdated template',
    { timeout: 60_000 },
  );
  await expect(timeline).toContainText(
    'rollout complete: every VM runs the new template',
    { timeout: 90_000 },
  );
  await expect(page.getByText(/m1\.xlarge \(linux, 8 vCPU/)).toBeVisible();
  await expect(page.getByLabel('rollout progress')).toBeHidden();
  await screenshot(page, 'rollouts-pool-rolled');
});

test('the platform team opens Rollouts and starts a fleet rollout; others do not see the tab', async ({
  page,
  browser,
}) => {
  await signInAsGuest(page);
  await page.goto('/runners');
  await expect(page.getByRole('tab', { name: 'My fleet' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Rollouts' })).toBeHidden();

  const platform = await pageAs(browser, 'ada.platform');
  await platform.goto('/runners');
  await platform.getByRole('tab', { name: 'Rollouts' }).click();
  await expect(platform).toHaveURL(/\/runners\/rollouts$/);
  await platform.getByRole('button', { name: 'New rollout' }).click();
  const dialog = platform.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Start rollout' }).click();
  await expect(
    dialog.getByText(
      'Flavor: pick the flavor whose catalog definition to roll out',
    ),
  ).toBeVisible();
  await dialog.getByRole('button', { name: /Flavor/ }).click();
  await platform.getByRole('option', { name: /^m1\.xlarge → / }).click();
  await dialog.getByRole('button', { name: 'Start rollout' }).click();
  // The pool above already runs m1.xlarge as the catalog defines it.
  await expect(dialog.getByRole('alert')).toContainText(
    "nothing to roll: every live pool of flavor 'm1.xlarge' already runs its catalog definition",
  );
  await screenshot(platform, 'rollouts-start-nothing-to-roll');
});
