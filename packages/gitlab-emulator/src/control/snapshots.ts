import { EmulatorCore } from '../EmulatorCore';
import { managerStatus, runnerRestStatus } from '../model/status';
import { JobRecord, RunnerManagerRecord, RunnerRecord } from '../model/types';
import {
  EmulatorSnapshot,
  JobSnapshot,
  ManagerSnapshot,
  RunnerSnapshot,
} from './types';

/** A manager for the control surface. */
export function managerSnapshot(
  core: EmulatorCore,
  m: RunnerManagerRecord,
): ManagerSnapshot {
  return {
    id: m.id,
    runnerId: m.runnerId,
    systemId: m.systemId,
    version: m.version,
    revision: m.revision,
    platform: m.platform,
    architecture: m.architecture,
    executor: m.executor,
    ipAddress: m.ipAddress,
    createdAt: m.createdAt,
    contactedAt: m.contactedAt,
    status: managerStatus(m, core.clock.now()),
  };
}

/** A runner, with its token, for the control surface. */
export function runnerSnapshot(
  core: EmulatorCore,
  r: RunnerRecord,
): RunnerSnapshot {
  return {
    id: r.id,
    runnerType: r.runnerType,
    description: r.description,
    active: r.active,
    locked: r.locked,
    runUntagged: r.runUntagged,
    tagList: [...r.tagList],
    accessLevel: r.accessLevel,
    maximumTimeout: r.maximumTimeout,
    maintenanceNote: r.maintenanceNote,
    groupId: r.groupId,
    projectIds: [...r.projectIds],
    creatorId: r.creatorId,
    token: r.token,
    tokenExpiresAt: r.tokenExpiresAt,
    createdAt: r.createdAt,
    contactedAt: r.contactedAt,
    status: runnerRestStatus(r, core.clock.now()),
    managers: core.store.managersOf(r.id).map(m => managerSnapshot(core, m)),
  };
}

/** A job for the control surface. */
export function jobSnapshot(core: EmulatorCore, j: JobRecord): JobSnapshot {
  const project = core.store.projects.get(j.projectId);
  return {
    id: j.id,
    projectId: j.projectId,
    projectPath: project ? core.store.projectFullPath(project) : '',
    pipelineId: j.pipelineId,
    name: j.name,
    stage: j.stage,
    ref: j.ref,
    tagList: [...j.tagList],
    status: j.status,
    failureReason: j.failureReason,
    allowFailure: j.allowFailure,
    durationHint: j.durationHint,
    runnerId: j.runnerId,
    runnerManagerId: j.runnerManagerId,
    createdAt: j.createdAt,
    queuedAt: j.queuedAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    duration: core.jobs.duration(j),
    queuedDuration: core.jobs.queuedDuration(j),
    traceBytes: Buffer.byteLength(j.trace),
  };
}

/** The whole state, as `GET /-/emulator/state` returns it. */
export function emulatorSnapshot(core: EmulatorCore): EmulatorSnapshot {
  const jobs = [...core.store.jobs.values()].sort((a, b) => a.id - b.id);
  const jobsByStatus: EmulatorSnapshot['counts']['jobsByStatus'] = {};
  for (const job of jobs) {
    jobsByStatus[job.status] = (jobsByStatus[job.status] ?? 0) + 1;
  }
  return {
    now: core.clock.iso(),
    clockFrozen: core.clock.frozen,
    counts: {
      runners: core.store.runners.size,
      managers: core.store.runnerManagers.size,
      jobs: jobs.length,
      jobsByStatus,
    },
    runners: [...core.store.runners.values()]
      .sort((a, b) => a.id - b.id)
      .map(r => runnerSnapshot(core, r)),
    jobs: jobs.map(j => jobSnapshot(core, j)),
    faults: core.faults.list(),
  };
}
