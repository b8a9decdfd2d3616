import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { createPool, poolSpec } from './api';
import { pageAs, screenshot, signInAsGuest } from './helpers';

/*
 * Issue #19: every portal page passes an axe scan without serious or critical violations.
 * The scan covers the whole page, Backstage's own chrome included; nothing is excluded.
 */
type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

/** Scans the page and returns its violations by impact; fails on serious or critical ones. */
async function scan(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const { violations } = await new AxeBuilder({ page }).analyze();
  const byImpact: Partial<Record<Impact, string[]>> = {};
  for (const v of violations) {
    const impact = (v.impact ?? 'minor') as Impact;
    (byImpact[impact] ??= []).push(
      `${v.id} (${v.nodes.length}: ${v.nodes
        .slice(0, 3)
        .map(n => n.target.join(' '))
        .join(', ')})`,
    );
  }
  // The per-page summary is the report's axe table (test output: `axe <page>: {...}`); the
  // details of what must be fixed go along with it.
  // eslint-disable-next-line no-console
  console.log(`axe ${name}: ${JSON.stringify(byImpact)}`);
  for (const v of violations.filter(x =>
    ['serious', 'critical'].includes(x.impact ?? ''),
  )) {
    for (const n of v.nodes) {
      // eslint-disable-next-line no-console
      console.log(
        `  ${v.id}: ${n.html.slice(0, 200)}\n    ${n.failureSummary}`,
      );
    }
  }
  await screenshot(page, `axe-${name}`);
  expect({
    serious: byImpact.serious ?? [],
    critical: byImpact.critical ?? [],
  }).toEqual({ serious: [], critical: [] });
}

// A pool to show on every page; its own name per worker, as a failed test restarts the worker.
const poolName = `axe-${Date.now() % 100000}`;
let poolId: string;

test.beforeAll(async ({ request }) => {
  poolId = await createPool(request, poolSpec(poolName));
});

test('My fleet', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/runners');
  await expect(page.getByRole('link', { name: poolName })).toBeVisible();
  await scan(page, 'my-fleet');
});

test('pool detail', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto(`/runners/pools/${poolId}`);
  await expect(page.getByRole('heading', { name: poolName })).toBeVisible();
  await scan(page, 'pool-detail');
});

test('Request runners', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/runners/request');
  await expect(page.getByLabel('Pool name')).toBeVisible();
  await scan(page, 'request-runners');
});

test('Requests (approver)', async ({ browser }) => {
  const page = await pageAs(browser, 'ada.platform');
  await page.goto('/runners/requests');
  await expect(page.getByText(/approve runner requests/)).toBeVisible();
  await scan(page, 'requests');
});

test('Fleet (platform)', async ({ browser }) => {
  const page = await pageAs(browser, 'ada.platform');
  await page.goto('/runners/fleet');
  await expect(page.getByText('payments').first()).toBeVisible();
  await scan(page, 'fleet');
});

test('Capacity', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/runners/capacity');
  await expect(page.getByRole('tab', { name: 'Capacity' })).toBeVisible();
  await scan(page, 'capacity');
});

test('entity overview card and Runners tab', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payment-gateway');
  await expect(page.getByText('CI capacity')).toBeVisible();
  await scan(page, 'entity-overview');
  await page.goto('/catalog/default/component/payment-gateway/runners');
  await expect(page.getByText(poolName).first()).toBeVisible();
  await scan(page, 'entity-runners-tab');
});
