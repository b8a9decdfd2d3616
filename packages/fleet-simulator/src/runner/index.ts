import { SimContext } from '../context';
import { objectRef } from '../events';
import { describeError } from '../kube/KubeClient';
import { isDeleting, keyOf, splitKey } from '../kube/objects';
import { VMI } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
import { WindowsSpecialization } from '../kubevirt/specialize';
import { guestOs, VmiObject } from '../kubevirt/types';
import { GitLabRunnerProcess, RunnerState } from './gitlabRunner';
import { GuestShutdown, readGuestBoot } from './guest';
import { readRunnerConfig, RunnerConfigError } from './runnerConfig';
import { runnerSystemId } from './systemId';
import { vmiLabelName, VmUsage } from '../metrics/virtHandler';

/** Parses a Kubernetes memory quantity (`6Gi`, `512Mi`) into GiB; 0 when absent. */
function gibOf(quantity: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(Gi|Mi|G|M)?$/.exec(String(quantity ?? ''));
  if (!match) return 0;
  const n = Number(match[1]);
  const unit = match[2];
  if (unit === 'Gi') return n;
  if (unit === 'Mi') return n / 1024;
  if (unit === 'G') return (n * 1e9) / 1024 ** 3;
  if (unit === 'M') return (n * 1e6) / 1024 ** 3;
  return n / 1024 ** 3;
}

/** The VM's size and labels as virt-handler sees them. */
function vmUsageOf(vmi: VmiObject): VmUsage {
  const domain = (vmi.spec.domain ?? {}) as {
    cpu?: { cores?: number; sockets?: number; threads?: number };
    memory?: { guest?: string };
    resources?: { requests?: { memory?: string } };
  };
  const cpu =
    (domain.cpu?.cores ?? 1) *
    (domain.cpu?.sockets ?? 1) *
    (domain.cpu?.threads ?? 1);
  const memoryGiB =
    gibOf(domain.memory?.guest) ||
    gibOf(domain.resources?.requests?.memory) ||
    1;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(vmi.metadata.labels ?? {})) {
    labels[vmiLabelName(k)] = v;
  }
  return new VmUsage({
    labels: {
      ...labels,
      namespace: vmi.metadata.namespace ?? '',
      name: vmi.metadata.name,
      node: vmi.status?.nodeName ?? '',
    },
    cpu,
    memoryGiB,
  });
}

/** Annotation on each VMI with what its gitlab-runner did (registered, or why it failed). */
export const RUNNER_ANNOTATION = 'fleet-simulator/runner';

/**
 * Plays gitlab-runner in every Running VMI: reads config.toml from the VMI's cloud-init or
 * sysprep Secret, registers the VM as a runner manager with the token and URL found there, and
 * takes jobs. The outcome is written to the VMI (annotation {@link RUNNER_ANNOTATION}, and a
 * Warning Event on failure) and logged. A VMI being deleted drains its runner first; a VMI
 * that vanishes or fails takes its runner with it.
 */
export class Runners {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;
  readonly #specialization: WindowsSpecialization;
  /** By VMI uid. */
  readonly #processes = new Map<
    string,
    {
      key: string;
      process?: GitLabRunnerProcess;
      state: RunnerState;
      usage?: VmUsage;
      shutdown?: GuestShutdown;
    }
  >();

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#specialization = new WindowsSpecialization(ctx);
    this.#queue = new WorkQueue({
      name: 'runner',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('runner', message),
    });
    ctx.informers.vmi.on((verb, vmi) => {
      if (verb === 'delete') this.#kill(vmi.metadata.uid ?? '', 'VMI deleted');
      else this.#queue.add(keyOf(vmi));
    });
  }

  /**
   * The shutdown hook for KubeVirt: the guest stops gitlab-runner as its boot media set it up
   * (see `guest.ts`); jobs still running when that budget ends are cut.
   */
  drain = async (vmi: VmiObject): Promise<void> => {
    const entry = this.#processes.get(vmi.metadata.uid ?? '');
    if (!entry?.process) return;
    const process = entry.process;
    const shutdown = entry.shutdown ?? {
      drainSeconds: 0,
      why: 'unknown guest',
    };
    const object = objectRef(
      VMI.kind,
      vmi.metadata.namespace,
      vmi.metadata.name,
    );
    this.#ctx.events.record(
      'runner',
      'runner-draining',
      `draining: ${process.state.runningJobs} job(s) running, at most ${shutdown.drainSeconds} s (${shutdown.why})`,
      { object },
    );
    const abort = new AbortController();
    const drained = await Promise.race([
      process.drain().then(() => true),
      this.#ctx.clock
        .sleep(shutdown.drainSeconds * 1000, abort.signal)
        .then(() => false),
    ]);
    abort.abort();
    if (!drained) {
      const cut = process.state.runningJobs;
      process.kill();
      this.#ctx.events.record(
        'runner',
        'runner-jobs-cut',
        `guest stopped gitlab-runner with ${cut} job(s) running (${shutdown.why})`,
        { object },
      );
    }
  };

  /** CPU and memory use of every VM whose gitlab-runner runs, for the virt-handler metrics. */
  usage(): VmUsage[] {
    return [...this.#processes.values()].flatMap(e =>
      e.usage ? [e.usage] : [],
    );
  }

  states(): RunnerState[] {
    return [...this.#processes.values()].map(e => e.process?.state ?? e.state);
  }

  async stop(): Promise<void> {
    await this.#queue.stop();
    for (const uid of [...this.#processes.keys()])
      this.#kill(uid, 'simulator stopped');
  }

  #kill(uid: string, why: string): void {
    const entry = this.#processes.get(uid);
    if (!entry) return;
    this.#processes.delete(uid);
    if (entry.process && entry.process.state.status !== 'stopped') {
      entry.process.kill();
      const { namespace, name } = splitKey(entry.key);
      this.#ctx.events.record(
        'runner',
        'runner-stopped',
        `gitlab-runner stopped (${why}); GitLab stops hearing from ${entry.state.systemId}`,
        { object: objectRef(VMI.kind, namespace, name) },
      );
    }
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const vmi = this.#ctx.informers.vmi.get(namespace, name);
    if (!vmi) return;
    const uid = vmi.metadata.uid ?? '';
    const phase = vmi.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
      this.#kill(uid, `VMI ${phase}`);
      return;
    }
    if (phase !== 'Running' || isDeleting(vmi) || this.#processes.has(uid))
      return;

    const ref = objectRef(VMI.kind, namespace, name);
    const state: RunnerState = {
      vmi: key,
      systemId: name,
      status: 'starting',
      runnerIds: [],
      concurrent: 0,
      runningJobs: 0,
      jobsStarted: 0,
      jobsSucceeded: 0,
      jobsFailed: 0,
      jobsCanceled: 0,
      jobsCut: 0,
    };
    this.#processes.set(uid, { key, state });
    // Windows reads its sysprep media once per disk (specialize); later boots keep that config.
    const media = await this.#specialization.guestView(vmi);
    let config;
    try {
      config = await readRunnerConfig(media, vmi);
    } catch (error) {
      if (!(error instanceof RunnerConfigError)) {
        this.#processes.delete(uid);
        throw error;
      }
      state.status = 'registration-failed';
      state.lastError = error.message;
      await this.#report(
        vmi,
        'Warning',
        'RunnerConfigInvalid',
        `config error: ${error.message}`,
      );
      return;
    }
    const guest = await readGuestBoot(media, vmi);
    const identity = runnerSystemId(guest.systemIdFile);
    state.systemId = identity.systemId;
    state.systemIdFromFile = identity.fromFile;
    const usage = vmUsageOf(vmi);
    const running = this.#processes.get(uid);
    if (running) running.usage = usage;
    const process = new GitLabRunnerProcess(this.#ctx, {
      usage,
      vmi: key,
      systemId: identity.systemId,
      os: guestOs(vmi),
      config,
      hooks: {
        registered: (entry, runnerId) => {
          void this.#report(
            vmi,
            'Normal',
            'RunnerRegistered',
            `registered: manager ${identity.systemId} of runner ${runnerId} at ${entry.url} (concurrent ${config.concurrent})`,
            { runnerId },
          );
        },
        failed: (entry, error) => {
          void this.#report(
            vmi,
            'Warning',
            'RunnerRegistrationFailed',
            `registration failed: ${error} (${entry.url}, token from ${config.source})`,
          );
        },
      },
    });
    const entry = this.#processes.get(uid);
    if (!entry) return;
    entry.process = process;
    entry.shutdown = guest.shutdown;
    process.start();
    this.#ctx.events.record(
      'runner',
      'runner-started',
      `gitlab-runner started from ${config.source}`,
      { object: ref },
    );
  }

  /** Annotation, Event, simulator event and log line for one outcome. */
  async #report(
    vmi: VmiObject,
    type: 'Normal' | 'Warning',
    reason: string,
    text: string,
    data?: Record<string, unknown>,
  ): Promise<void> {
    const { namespace = '', name } = vmi.metadata;
    let eventType = 'registration-failed';
    if (type === 'Normal') eventType = 'runner-registered';
    else if (reason === 'RunnerConfigInvalid')
      eventType = 'runner-config-invalid';
    this.#ctx.events.record('runner', eventType, text, {
      object: objectRef(VMI.kind, namespace, name),
      data,
    });
    try {
      await this.#ctx.kube.patch(VMI, namespace, name, {
        metadata: { annotations: { [RUNNER_ANNOTATION]: text } },
      });
      await this.#ctx.kube.recordEvent(
        vmi,
        {
          type,
          reason,
          message: text,
          component: 'fleet-simulator/gitlab-runner',
        },
        this.#ctx.clock.now(),
      );
    } catch (error) {
      this.#ctx.events.log(
        'runner',
        `${namespace}/${name}: could not record '${text}': ${describeError(
          error,
        )}`,
      );
    }
  }
}
