import { runnerSystemIdFrom } from '../provisioning/render';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import {
  EXAMPLE_FLAVOR_CATALOG,
  examplePoolSpec,
} from '@runner-fleet/plugin-runners-common/testUtils';
import { PoolRecord } from '../database/PoolStore';
import { CiPoolSnapshot } from './CiPoller';
import { CachedObject, PoolObjects } from './FleetCache';
import { jobFigures } from './FleetHistory';
import { computePoolHealth, countRunners, scalingSignal } from './poolHealth';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const xlarge = EXAMPLE_FLAVOR_CATALOG.flavors[1]; // 8 vCPU, 4 job slots

function pool(overrides: Partial<PoolRecord> = {}): PoolRecord {
  return {
    id: 'p1',
    team: 'payments',
    name: 'builds',
    spec: examplePoolSpec({ flavor: 'm1.xlarge' }),
    flavor: xlarge,
    reserved: { cpu: 40, memoryGiB: 80 },
    state: 'ready',
    stateReason: 'ok',
    stateCode: 'Ready',
    generation: 1,
    observedGeneration: 1,
    version: 1,
    createdBy: 'user:default/guest',
    createdAt: new Date(NOW).toISOString(),
    updatedAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

const obj = (
  kind: string,
  name: string,
  extra: Partial<CachedObject> = {},
): CachedObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind,
  metadata: {
    name,
    namespace: 'runners-payments',
    labels: { [LABELS.pool]: 'p1', [LABELS.role]: 'primary' },
    creationTimestamp: new Date(NOW - 600_000) as unknown as Date,
  },
  ...extra,
});

function view(
  readyVms: number,
  phases: string[] = [],
): { primary: PoolObjects } {
  const vmis = phases.map((phase, i) =>
    obj('VirtualMachineInstance', `rf-builds-${i}`, { status: { phase } }),
  );
  return {
    primary: {
      replicaSets: [
        obj('VirtualMachineInstanceReplicaSet', 'rf-builds', {
          spec: { replicas: phases.length },
          status: { replicas: phases.length, readyReplicas: readyVms },
        }),
      ],
      vmPools: [],
      virtualMachines: [],
      vmis,
      dataVolumes: [],
      scaledObjects: [],
    },
  };
}

function ci(
  running: number,
  extra: Partial<CiPoolSnapshot> = {},
): CiPoolSnapshot {
  return {
    runnerId: 1,
    managers: [],
    running: Array.from({ length: running }, (_, i) => ({
      id: i + 1,
      status: 'running',
      tags: [],
      createdAt: '',
      // GitLab reports the id the guest wrote, derived from the VMI name (Linux).
      systemId: runnerSystemIdFrom(`rf-builds-${i % 2}`),
    })),
    recent: [],
    pending: [],
    polledAt: NOW,
    ...extra,
  };
}

describe('computePoolHealth', () => {
  const base = {
    history: {},
    ghosts: { runners: 0, managers: 0, vms: 0 },
    now: NOW,
    clusters: { primary: 'local' },
  };

  it('reports 3 busy of 10 slots as 30% (5 ready m1.large VMs × 2 slots)', () => {
    const large = EXAMPLE_FLAVOR_CATALOG.flavors[0];
    const phases = ['Running', 'Running', 'Running', 'Running', 'Running'];
    const health = computePoolHealth({
      ...base,
      pool: pool({ flavor: large }),
      view: view(5, phases),
      ci: ci(3),
    });
    expect(health.utilization).toMatchObject({
      busySlots: 3,
      totalSlots: 10,
      now: 0.3,
    });
  });

  it('counts only ready VMs as capacity: 3 busy on 3 ready 4-slot VMs is 25%', () => {
    // 3 ready VMs × 4 slots = 12 slots; 3 running jobs.
    const health = computePoolHealth({
      ...base,
      pool: pool(),
      view: view(3, ['Running', 'Running', 'Running']),
      ci: ci(3),
    });
    expect(health.utilization).toMatchObject({
      busySlots: 3,
      totalSlots: 12,
      now: 0.25,
    });
    expect(health.replicas).toMatchObject({
      desired: 3,
      current: 3,
      ready: 3,
      min: 1,
      max: 5,
    });
    expect(health.vmPhases).toEqual({ Running: 3 });
  });

  it('counts failed boots and phases', () => {
    const health = computePoolHealth({
      ...base,
      pool: pool(),
      view: view(1, ['Running', 'Failed', 'Scheduling']),
    });
    expect(health.vmPhases).toEqual({ Running: 1, Failed: 1, Scheduling: 1 });
    expect(health.failedBoots).toBe(1);
  });

  it('takes queue waits from the jobs’ queued_duration and boot times from first manager contact', () => {
    const recent = [10, 20, 30, 40, 200].map((q, i) => ({
      id: 100 + i,
      status: 'success',
      tags: [],
      createdAt: '',
      startedAt: new Date(NOW - 60_000).toISOString(),
      queuedDurationSeconds: q,
    }));
    const managers = [
      {
        id: 1,
        systemId: runnerSystemIdFrom('rf-builds-0'),
        status: 'online',
        createdAt: new Date(NOW - 600_000 + 45_000).toISOString(),
      },
    ];
    const health = computePoolHealth({
      ...base,
      pool: pool(),
      view: view(1, ['Running']),
      ci: ci(0, { recent, managers }),
    });
    expect(health.queue.waitSeconds).toEqual({
      p50: 30,
      p90: 200,
      p95: 200,
      p99: 200,
      samples: 5,
    });
    expect(health.bootSeconds).toEqual({
      p50: 45,
      p90: 45,
      p95: 45,
      p99: 45,
      samples: 1,
    });
    expect(health.runners).toEqual({ online: 0, offline: 1, stale: 0 });
  });

  it('reads p50, p90 and p99 apart once there are enough waits', () => {
    const recent = Array.from({ length: 100 }, (_, i) => ({
      id: 100 + i,
      status: 'success',
      tags: [],
      createdAt: '',
      startedAt: new Date(NOW - 60_000).toISOString(),
      queuedDurationSeconds: i + 1,
    }));
    const health = computePoolHealth({
      ...base,
      pool: pool(),
      view: view(1, ['Running']),
      ci: ci(0, { recent }),
    });
    expect(health.queue.waitSeconds).toEqual({
      p50: 50,
      p90: 90,
      p95: 95,
      p99: 99,
      samples: 100,
    });
  });
});

describe('countRunners', () => {
  const ago = (ms: number) => new Date(NOW - ms).toISOString();
  const HOUR = 3600_000;

  it('counts managers as GitLab does: 2 hours online, 7 days stale', () => {
    expect(
      countRunners(
        [
          { contactedAt: ago(HOUR) },
          { contactedAt: ago(2 * HOUR) },
          { contactedAt: ago(3 * HOUR) },
          { contactedAt: ago(7 * 24 * HOUR) },
          { contactedAt: ago(8 * 24 * HOUR) },
          // never contacted: offline while young, stale once created over 7 days ago
          { createdAt: ago(HOUR) },
          { createdAt: ago(8 * 24 * HOUR) },
          {},
        ],
        NOW,
      ),
    ).toEqual({ online: 2, offline: 4, stale: 2 });
  });
});

describe('scalingSignal', () => {
  it('reports busy and pending jobs; no overflow without burst', () => {
    const signal = scalingSignal(
      pool(),
      view(2, ['Running', 'Running']),
      ci(3, {
        pending: [{ id: 9, status: 'pending', tags: [], createdAt: '' }],
        pendingPolledAt: NOW - 40_000,
      }),
      NOW + 5_000,
    );
    // The signal says how old its data is: the older part (pending jobs) decides.
    expect(signal).toEqual({
      busyJobSlots: 3,
      pendingJobs: 1,
      overflow: { busyJobSlots: 0, pendingJobs: 0 },
      dataAgeSeconds: 45,
    });
  });

  it('sends pending jobs to the burst pool only when the primary is at its maximum', () => {
    const spec = examplePoolSpec({ flavor: 'm1.xlarge' });
    spec.autoscaling.burst = true;
    spec.autoscaling.maxReplicas = 2;
    const pending = [1, 2, 3].map(id => ({
      id,
      status: 'pending',
      tags: [],
      createdAt: '',
    }));
    const notAtMax = scalingSignal(
      pool({ spec }),
      view(1, ['Running']),
      ci(1, { pending }),
    );
    expect(notAtMax.overflow).toEqual({ busyJobSlots: 0, pendingJobs: 0 });
    const atMax = scalingSignal(
      pool({ spec }),
      view(2, ['Running', 'Running']),
      ci(8, { pending }),
    );
    expect(atMax.overflow.pendingJobs).toBe(3);
  });
});

describe('jobFigures', () => {
  it('counts the jobs of one minute: run time by finish, queue waits by start', () => {
    const at = (seconds: number) =>
      new Date(NOW + seconds * 1000).toISOString();
    const job = (id: number, started: number, finished?: number, wait = 3) => ({
      id,
      status: finished === undefined ? 'running' : 'success',
      tags: [],
      createdAt: at(started - wait),
      startedAt: at(started),
      finishedAt: finished === undefined ? undefined : at(finished),
      queuedDurationSeconds: wait,
    });
    const figures = jobFigures(
      [
        job(1, -300, 10),
        job(2, 5, 50, 12),
        job(3, 59, undefined, 700),
        job(4, 60, 70),
        job(5, -1, 61),
      ],
      NOW,
    );
    expect(figures).toEqual({
      finished: 2,
      jobSeconds: 310 + 45,
      interrupted: 0,
      started: 2,
      waitSecondsSum: 712,
      waitSecondsMax: 700,
      waitHistogram: [0, 0, 1, 0, 0, 0, 0, 1, 0],
      waitP95: 700,
    });
  });

  it('counts the finished jobs GitLab failed because their runner went away as interrupted', () => {
    const at = (seconds: number) =>
      new Date(NOW + seconds * 1000).toISOString();
    const failed = (id: number, failureReason: string) => ({
      id,
      status: 'failed',
      tags: [],
      createdAt: at(-600),
      startedAt: at(-590),
      finishedAt: at(20),
      failureReason,
    });
    const figures = jobFigures(
      [
        failed(1, 'stuck_or_timeout_failure'),
        failed(2, 'runner_system_failure'),
        failed(3, 'script_failure'),
      ],
      NOW,
    );
    expect(figures.finished).toBe(3);
    expect(figures.interrupted).toBe(2);
  });
});
