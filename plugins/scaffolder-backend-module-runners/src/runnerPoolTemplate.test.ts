import {
  logOf,
  PRIYA,
  startScaffolderWithRunners,
  template,
  WAITING,
} from './__testUtils__/scaffolderWithRunners';

/*
 * The example template run through the real scaffolder backend and the real runners backend:
 * the actions reach the runners API over HTTP with the initiator's credentials. No cluster is
 * configured, so a created pool stays provisioning and says why.
 */

const values = (overrides: Record<string, unknown> = {}) => ({
  team: 'group:default/payments',
  name: 'builds',
  description: 'Builds of the payment services',
  flavor: 'm1.large',
  minReplicas: 1,
  maxReplicas: 3,
  tags: ['docker'],
  gitlabGroup: 'engineering/payments',
  ...overrides,
});

jest.setTimeout(30_000);

describe('the runner-pool template', () => {
  it('creates the pool as the user, and the wait reports why it is not ready yet', async () => {
    const backend = await startScaffolderWithRunners();
    const task = await backend.runTask(values());

    const [pool] = await backend.pools();
    expect(pool).toMatchObject({
      name: 'builds',
      state: 'provisioning',
      stateReason: WAITING,
      createdBy: PRIYA,
    });
    const createLog = logOf(task.events, 'create');
    expect(createLog).toContain(
      'pool payments/builds is provisioning: registering the GitLab runner and creating the VMs',
    );
    expect(createLog).toContain(
      `Follow it at http://portal.test/runners/pools/${pool.id}`,
    );

    expect(task.status).toBe('failed');
    const waitLog = logOf(task.events, 'wait');
    expect(waitLog).toContain(
      `pool payments/builds is provisioning: ${WAITING}`,
    );
    expect(waitLog).toContain(
      `pool payments/builds did not become ready within 2 s; it is provisioning: ${WAITING}`,
    );
  });

  it('on retry reuses the pool from its checkpoint and waits anew', async () => {
    const backend = await startScaffolderWithRunners();
    const first = await backend.runTask(values());
    expect(first.status).toBe('failed');
    const [pool] = await backend.pools();

    const retriedAt = Date.now();
    const retry = await backend.post(
      `/api/scaffolder/v2/tasks/${first.id}/retry`,
      {},
    );
    expect(retry.status).toBe(201);
    const again = await backend.finished(first.id);

    expect(again.status).toBe('failed');
    expect(await backend.pools()).toEqual([pool]);
    expect(logOf(again.events, 'create')).toContain(
      `Follow it at http://portal.test/runners/pools/${pool.id}`,
    );
    // The first wait window timed out, so the retry waits its full time again.
    expect(logOf(again.events, 'wait')).toContain(
      'did not become ready within 2 s',
    );
    expect(Date.now() - retriedAt).toBeGreaterThanOrEqual(2_000);
  });

  it('asks the platform team when the pool is over quota, with the headroom', async () => {
    const backend = await startScaffolderWithRunners();
    const task = await backend.runTask(values({ maxReplicas: 20 }));

    const [pool] = await backend.pools();
    expect(pool.state).toBe('pending-approval');
    const createLog = logOf(task.events, 'create');
    expect(createLog).toContain(
      'pool payments/builds is pending-approval: waiting for the platform team to approve flavor m1.large (4 vCPU / 6 GiB), over quota (vCPU: 0 in use + 80 requested > limit 40',
    );
    expect(createLog).toContain('headroom 40 vCPU');
    expect(createLog).toMatch(
      /It waits for the platform team to approve request \S+/,
    );
    // The wait step then reports that it is not ready: it waits for an approver.
    expect(task.status).toBe('failed');
  });

  it('fails naming the field when the runners backend rejects the input', async () => {
    const backend = await startScaffolderWithRunners();
    const task = await backend.runTask(values({ flavor: 'm9.huge' }));

    expect(task.status).toBe('failed');
    expect(logOf(task.events, 'create')).toContain(
      "InputError: could not create pool payments/builds: flavor: flavor 'm9.huge' does not exist",
    );
  });

  it('in a dry run checks everything with the runners backend and creates nothing', async () => {
    const backend = await startScaffolderWithRunners();
    const res = await backend.post('/api/scaffolder/v2/dry-run', {
      template: template(),
      values: values(),
      directoryContents: [],
    });

    expect(res.status).toBe(200);
    expect(res.body.output.links).toEqual([
      expect.objectContaining({
        title: 'Runner pool',
        url: expect.stringMatching(
          /^http:\/\/portal\.test\/runners\/pools\/.+/,
        ),
      }),
    ]);
    expect(res.body.output.text[0].content).toContain(
      'Pool **builds** of team **payments** is **provisioning**',
    );
    const log = (res.body.log as Array<{ body: { message: string } }>)
      .map(l => l.body.message)
      .join('\n');
    expect(log).toContain(
      'Dry run: pool payments/builds with m1.large (4 vCPU / 6 GiB), 1-3 VMs, would be provisioning',
    );
    expect(log).toContain('Dry run: would wait up to 15 min');
    expect(await backend.pools()).toEqual([]);
  });

  it('runs with only the required form fields filled in', async () => {
    const backend = await startScaffolderWithRunners();
    const { description, tags, ...required } = values();
    const res = await backend.post('/api/scaffolder/v2/dry-run', {
      template: template(),
      values: required,
      directoryContents: [],
    });

    expect(res.status).toBe(200);
    expect(res.body.output.text[0].content).toContain('is **provisioning**');
  });
});
