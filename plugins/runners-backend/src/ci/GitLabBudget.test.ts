import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { GitLabBudget } from './GitLabBudget';
import { fakeTime, makeProvider } from './__testUtils__/fixtures';

describe('GitLabBudget', () => {
  it('counts the requests each piece of work made while others share the bucket', async () => {
    const time = fakeTime();
    const budget = GitLabBudget.create({ requestsPerMinute: 600, ...time });
    const work = (n: number) => async () => {
      for (let i = 0; i < n; i++) await budget.take();
      return n;
    };
    const [a, b] = await Promise.all([
      budget.measure(work(3)),
      budget.measure(async () => {
        const inner = await budget.measure(work(2));
        await work(1)();
        return inner.requests;
      }),
    ]);
    expect(a).toEqual({ value: 3, requests: 3 });
    // The outer measure counts its nested work too.
    expect(b).toEqual({ value: 2, requests: 3 });
    expect(budget.requestsMade).toBe(6);
  });

  it('serves a foreground caller before background work that queued earlier', async () => {
    const time = fakeTime();
    const budget = GitLabBudget.create({ requestsPerMinute: 60, ...time });
    // Spend the burst, so every further token waits a second.
    for (let i = 0; i < 10; i++) await budget.take();
    const order: string[] = [];
    const round = budget.measure(
      async () => {
        for (let i = 0; i < 3; i++) {
          await budget.take();
          order.push(`poller ${i}`);
        }
      },
      { background: true },
    );
    const pass = budget.measure(async () => {
      await budget.take();
      order.push('reconciler');
    });
    await Promise.all([round, pass]);
    expect(order[0]).toBe('reconciler');
    expect(order).toHaveLength(4);
  });

  it('holds every caller after a Retry-After, not only the one that got it', async () => {
    const time = fakeTime();
    const budget = GitLabBudget.create({ requestsPerMinute: 6000, ...time });
    const start = time.clock();
    budget.holdFor(30_000);
    await Promise.all([budget.take(), budget.take()]);
    expect(time.clock() - start).toBeGreaterThanOrEqual(30_000);
    expect(time.waits[0]).toBe(30_000);
  });
});

describe('the provider against GitLab rate limiting', () => {
  let emulator: GitLabEmulator;
  beforeAll(async () => {
    // A short window on real time, so the test waits a real Retry-After of about 2 s.
    emulator = await startGitLabEmulator({
      rateLimit: { requestsPerPeriod: 2, periodSeconds: 2 },
    });
  });
  afterAll(() => emulator.stop());

  it('holds later callers until the reset GitLab named, so only the first overflow gets a 429', async () => {
    const realTime = {
      waits: [] as number[],
      clock: Date.now,
      sleep: (ms: number) =>
        new Promise<void>(resolve => setTimeout(resolve, ms)),
    };
    const { provider, lines } = makeProvider(emulator, {
      settings: { token: seedTokens.admin, maxRetryWaitSeconds: 10 },
      time: realTime,
    });
    // Start early in a window, so the first three calls land in the same one.
    while (Date.now() % 2000 > 200) await realTime.sleep(20);
    const before = emulator.rateLimit.stats();
    await provider.getRunner(424241);
    await provider.getRunner(424242);
    const third = provider.getRunner(424243);
    while (!lines.some(l => l.includes('retrying in'))) await realTime.sleep(5);
    const resetAt = Math.ceil(Date.now() / 2000) * 2000;
    const fourth = provider.getRunner(424244).then(() => Date.now());
    await third;
    const fourthDoneAt = await fourth;
    const stats = emulator.rateLimit.stats();
    expect(stats.throttled - before.throttled).toBe(1);
    expect(stats.requests - before.requests).toBe(5);
    expect(fourthDoneAt).toBeGreaterThanOrEqual(resetAt);
    expect(provider.budget.requestsMade).toBe(5);
  });
});
