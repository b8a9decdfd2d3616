import { call, useEmulator } from './__testUtils__/api';
import { seedTokens } from './model/seed';

const { admin, fleetBot } = seedTokens;

describe('the authenticated API rate limit, as Rack::Attack enforces it', () => {
  const ctx = useEmulator({ rateLimit: { requestsPerPeriod: 3 } });

  beforeEach(() => {
    // 10 s into a minute window: 50 s are left of it.
    ctx.emulator.clock.set(new Date('2026-12-04T10:00:10Z'), { freeze: true });
  });

  it('answers 429 with Retry-After and the RateLimit-* headers once a token is over its quota', async () => {
    for (let i = 0; i < 3; i++) {
      const ok = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
        token: admin,
      });
      expect(ok.status).toBe(200);
    }
    const over = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: admin,
    });
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toBe('text/plain');
    expect(over.body).toBe('Retry later\n');
    const reset = Date.parse('2026-12-04T10:01:00Z') / 1000;
    expect(Object.fromEntries(over.headers.entries())).toMatchObject({
      'retry-after': '50',
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '3',
      'ratelimit-observed': '4',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': 'Fri, 04 Dec 2026 10:01:00 GMT',
    });
    // Another user's token has its own quota; the next window starts afresh.
    const other = await call(ctx.emulator, 'GET', '/api/v4/runners', {
      token: fleetBot,
    });
    expect(other.status).toBe(200);
    ctx.emulator.clock.set(new Date('2026-12-04T10:01:00Z'), { freeze: true });
    const next = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: admin,
    });
    expect(next.status).toBe(200);
    expect(ctx.emulator.rateLimit.stats()).toEqual({
      requests: 6,
      throttled: 1,
    });
  });
});
