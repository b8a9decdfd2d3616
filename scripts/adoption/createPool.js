#!/usr/bin/env node
/*
 * Creates a Linux pool through the adopted backend's API as the guest (a payments developer in
 * the example organisation) and waits until it is ready:
 *   node createPool.js <backend base URL> [timeout seconds]
 * Prints the pool's state changes; exits non-zero with the last state and reason on timeout.
 */
const [baseUrl, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 240) * 1000;

async function call(path, init = {}) {
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** The guest's session once the catalog has ingested the example organisation (membership). */
async function guestSession(deadline) {
  for (;;) {
    const session = await call('/api/auth/guest/refresh', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Requested-With': 'XMLHttpRequest',
      },
      body: '{}',
    });
    const refs = session.backstageIdentity.identity.ownershipEntityRefs ?? [];
    if (refs.includes('group:default/payments')) return session;
    if (Date.now() > deadline) {
      throw new Error(
        `the guest is not a member of payments after ${
          timeoutMs / 1000
        } s (ownership: ${refs.join(
          ', ',
        )}); is the catalog reading examples/org?`,
      );
    }
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function main() {
  const session = await guestSession(Date.now() + timeoutMs);
  const headers = {
    Authorization: `Bearer ${session.backstageIdentity.token}`,
    'Content-Type': 'application/json',
  };
  const name = `adopted-${Date.now().toString(36)}`;
  const created = await call('/api/runners/pools', {
    method: 'POST',
    headers,
    body: JSON.stringify({
      team: 'payments',
      name,
      flavor: 'm1.large',
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 2,
        targetUtilization: 0.3,
        scaleToZero: false,
        burst: false,
      },
      gitlab: {
        scope: { type: 'group', path: 'engineering/payments' },
        tags: ['linux'],
        runUntagged: false,
      },
    }),
  });
  const pool = created.pool ?? created;
  process.stdout.write(
    `created pool ${pool.id} (${pool.team}/${pool.name}): ${pool.state}\n`,
  );
  const started = Date.now();
  let last = '';
  for (;;) {
    const current = await call(`/api/runners/pools/${pool.id}`, { headers });
    const p = current.pool ?? current;
    const line = `${p.state}: ${p.stateReason}`;
    if (line !== last)
      process.stdout.write(
        `  ${Math.round((Date.now() - started) / 1000)} s ${line}\n`,
      );
    last = line;
    if (p.state === 'ready') return;
    if (p.state === 'failed' || p.state === 'rejected')
      throw new Error(`pool ${p.state}: ${p.stateReason}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`not ready after ${timeoutMs / 1000} s; last ${line}`);
    await new Promise(r => setTimeout(r, 2000));
  }
}

main().catch(error => {
  process.stderr.write(`createPool: ${error.message}\n`);
  process.exit(1);
});
