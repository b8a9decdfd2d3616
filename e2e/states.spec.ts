import { expect, Page, test } from '@playwright/test';
import { createPool, poolSpec } from './api';
import { screenshot, signInAsGuest } from './helpers';

/*
 * Issue #19: the portal tells the truth about a pool's state, cost and layout. Pools are
 * created through the API (the form has its own tests); the subject is what people see.
 */
test.describe.configure({ mode: 'serial' });

test('a pool whose GitLab group does not exist shows the registration failure as its cause', async ({
  page,
  request,
}) => {
  const id = await createPool(
    request,
    poolSpec('no-group', {
      gitlab: {
        scope: { type: 'group', path: 'engineering/no-such-group' },
        tags: ['docker'],
        runUntagged: false,
      },
    }),
  );
  await signInAsGuest(page);
  await page.goto(`/runners/pools/${id}`);
  const alert = page.getByRole('alert', { name: 'Pool state' });
  await expect(alert).toContainText(/failed/i, { timeout: 60_000 });
  await expect(alert).toContainText(
    "GitLab group 'engineering/no-such-group' does not exist",
  );
  await expect(alert).toContainText('What to do');
  await screenshot(page, 'runners-pool-failed-cause');
});

test('a pool awaiting approval reads as pending, never as approved or idle', async ({
  page,
  request,
}) => {
  const id = await createPool(
    request,
    poolSpec('waits', {
      flavor: { os: 'linux', cpu: 24, memoryGiB: 16, diskGiB: 80 },
    }),
  );
  await signInAsGuest(page);
  await page.goto(`/runners/pools/${id}`);
  await expect(page.getByRole('alert', { name: 'Pool state' })).toContainText(
    'Waiting for approval',
  );
  const progress = page.getByLabel('Provisioning progress');
  await expect(progress).toContainText('Waiting for approval');
  await expect(progress.getByText('Approved', { exact: true })).toHaveCount(0);
  await screenshot(page, 'runners-pool-pending-approval');

  await page.goto('/runners');
  const row = page.getByRole('row', { name: /waits/ });
  await expect(row).toContainText('Waiting for approval');
  await expect(row).not.toContainText(/Approved|Ready/);
});

test('costs carry their unit on My fleet, the pool page and the request form', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/runners');
  await expect(
    page.getByRole('columnheader', { name: 'Cost 24 h (cost units)' }).first(),
  ).toBeVisible();
  await expect(page.getByLabel('Team totals').first()).toContainText(
    /Cost 24 h\s*[\d.]+ cost units/,
  );
  await screenshot(page, 'runners-my-fleet-cost-units');
  // The team verdict names the failed pool as its reason.
  const verdict = page.getByRole('region', { name: 'Team verdict' }).first();
  await expect(verdict).toContainText('Failing');
  await expect(verdict).toContainText(/pool no-group/);
  await expect(verdict).toContainText(
    /Runners: \d+ online · \d+ offline · \d+ stale/,
  );
  await expect(verdict).toContainText(
    /queue wait \(24 h, slowest pool\) p50 .* · p90 .* · p99 /,
  );
  await expect(verdict).toContainText(/cost units in 24 h/);

  await page.getByRole('link', { name: 'no-group', exact: true }).click();
  await expect(page.getByText(/[\d.]+ \/ [\d.]+ cost units/)).toBeVisible();

  await page.goto('/runners/request');
  await page.getByLabel('Max VMs').fill('3');
  await expect(page.getByText(/cost units per hour/)).toBeVisible();
});

test('an unknown or deleted pool says so and stops asking the backend', async ({
  page,
}) => {
  await signInAsGuest(page);
  const id = '00000000-0000-4000-8000-000000000000';
  const asked: string[] = [];
  page.on('request', r => {
    if (r.url().includes(`/api/runners/pools/${id}`)) asked.push(r.url());
  });
  await page.goto(`/runners/pools/${id}`);
  await expect(page.getByText('This pool was deleted')).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Back to My fleet' }),
  ).toBeVisible();
  await screenshot(page, 'runners-pool-deleted');
  const settled = asked.length;
  // Longer than every poll interval of the page (3 s while settling, 15 s live).
  await page.waitForTimeout(16_000);
  expect(asked.length).toBe(settled);
});

/**
 * What is cut off on the page: the page's main area wider than the window (reachable only by
 * scrolling the whole page sideways), and header cells or named buttons that are neither in
 * the window nor inside a box that scrolls sideways within the window.
 */
async function cutOff(page: Page, buttons: string[]): Promise<string[]> {
  return page.evaluate(names => {
    const clipped: string[] = [];
    const main = document.querySelector('main');
    if (main && main.scrollWidth > main.clientWidth + 1)
      clipped.push(`page ${main.scrollWidth} px wide in ${main.clientWidth}`);
    const targets = [
      ...Array.from(document.querySelectorAll('th')),
      ...Array.from(document.querySelectorAll('button, a')).filter(b =>
        names.includes((b.textContent ?? '').trim()),
      ),
    ];
    const inWindow = (r: DOMRect) =>
      r.left >= -1 && r.right <= window.innerWidth + 1;
    for (const el of targets) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || inWindow(r)) continue;
      let reachable = false;
      for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
        const { overflowX } = getComputedStyle(a);
        if (
          ['auto', 'scroll'].includes(overflowX) &&
          a.scrollWidth > a.clientWidth
        ) {
          reachable = inWindow(a.getBoundingClientRect());
          break;
        }
      }
      if (!reachable) clipped.push((el.textContent ?? '').trim());
    }
    return clipped;
  }, buttons);
}

test('the pools table is usable at 800 px: every column and the request button reachable', async ({
  browser,
}) => {
  const context = await browser.newContext({
    viewport: { width: 800, height: 900 },
  });
  const page = await context.newPage();
  await signInAsGuest(page);
  await page.goto('/runners');
  await expect(page.getByRole('link', { name: 'no-group' })).toBeVisible();
  await expect(
    page.getByRole('columnheader', { name: 'Cost 24 h (cost units)' }).first(),
  ).toBeAttached();
  expect(await cutOff(page, ['Request runners'])).toEqual([]);
  await screenshot(page, 'runners-my-fleet-800px');
  // The table scrolls inside its card to its last column.
  const cost = page
    .getByRole('columnheader', { name: 'Cost 24 h (cost units)' })
    .first();
  await page
    .getByRole('region', { name: 'Pools' })
    .first()
    .evaluate(e => e.scrollTo({ left: e.scrollWidth }));
  await expect(cost).toBeInViewport();
  await screenshot(page, 'runners-my-fleet-800px-scrolled');
  await context.close();
});
