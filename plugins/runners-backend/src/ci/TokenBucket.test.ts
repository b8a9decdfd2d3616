import {
  GitLabEmulator,
  seedTokens,
  startGitLabEmulator,
} from '@runner-fleet/gitlab-emulator';
import { TokenBucket } from './TokenBucket';
import { fakeTime, makeProvider } from './__testUtils__/fixtures';

describe('TokenBucket', () => {
  it('lets a burst through, then paces requests at the sustained rate', async () => {
    const time = fakeTime();
    const bucket = TokenBucket.create({
      requestsPerMinute: 60,
      burst: 2,
      ...time,
    });
    const sentAt: number[] = [];
    const start = time.clock();
    for (let i = 0; i < 5; i++) {
      await bucket.take();
      sentAt.push(time.clock() - start);
    }
    expect(sentAt).toEqual([0, 0, 1000, 2000, 3000]);
  });

  it('refills while idle, up to the burst size', async () => {
    const time = fakeTime();
    const bucket = TokenBucket.create({
      requestsPerMinute: 60,
      burst: 3,
      ...time,
    });
    for (let i = 0; i < 3; i++) await bucket.take();
    await time.sleep(60_000);
    time.waits.length = 0;
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(time.waits).toEqual([]);
    await bucket.take();
    expect(time.waits).toEqual([1000]);
  });

  it('serves concurrent callers one after the other', async () => {
    const time = fakeTime();
    const bucket = TokenBucket.create({
      requestsPerMinute: 120,
      burst: 1,
      ...time,
    });
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(i => bucket.take().then(() => order.push(i))),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    expect(time.waits).toEqual([500, 500, 500]);
  });

  it('is off at 0 requests per minute', async () => {
    const time = fakeTime();
    const bucket = TokenBucket.create({ requestsPerMinute: 0, ...time });
    for (let i = 0; i < 100; i++) await bucket.take();
    expect(time.waits).toEqual([]);
  });
});

describe('the provider under its requestsPerMinute limit', () => {
  let emulator: GitLabEmulator;
  beforeAll(async () => {
    emulator = await startGitLabEmulator();
  });
  afterAll(() => emulator.stop());

  it('spreads calls over time instead of flooding GitLab', async () => {
    // 60 per minute: a burst of 10 (ten seconds' worth), then one per second.
    const { provider, time } = makeProvider(emulator, {
      settings: { requestsPerMinute: 60, token: seedTokens.admin },
    });
    const start = time.clock();
    for (let i = 0; i < 13; i++) {
      await provider.getRunner(424242);
    }
    expect(time.clock() - start).toBe(3000);
    expect(time.waits).toEqual([1000, 1000, 1000]);
  });
});
