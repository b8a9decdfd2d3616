import { defineConfig } from '@playwright/test';

/**
 * Browser tests run in Debian's Chromium (never a downloaded browser) against the backend
 * serving the production build of the app, on its own port so a running `./fleet start` does not
 * interfere. `./fleet test` builds the app first.
 */
const port = Number(process.env.E2E_PORT ?? 7107);
const baseURL = process.env.PLAYWRIGHT_URL ?? `http://localhost:${port}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'test-results',
  webServer: process.env.PLAYWRIGHT_URL
    ? []
    : [
        {
          // The whole embedded stack, as `./fleet start` runs it, with fresh state and the
          // backend serving the built app (`./fleet test` builds it first).
          command: 'bash scripts/stack.sh --e2e',
          url: `${baseURL}/.backstage/health/v1/readiness`,
          reuseExistingServer: false,
          timeout: 600_000,
          stdout: 'ignore',
          gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
          env: { E2E_PORT: String(port), LOG_LEVEL: 'warn' },
        },
      ],
  use: {
    baseURL,
    actionTimeout: 30_000,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
