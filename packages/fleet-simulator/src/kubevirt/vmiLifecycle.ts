import { SimContext } from '../context';
import { objectRef } from '../events';
import { describeError, statusOf } from '../kube/KubeClient';
import { isDeleting, keyOf, splitKey } from '../kube/objects';
import { VMI } from '../kube/resources';
import { WorkQueue } from '../kube/WorkQueue';
import { bootPlan, BootPlan, runningStatus } from './vmiStatus';
import { guestOs, isFinal, VMI_FINALIZER, VmiObject, VmiPhase } from './types';

/** Called when a VMI is asked to shut down; resolves once the guest may be powered off. */
export type ShutdownHook = (vmi: VmiObject) => Promise<void>;

/** KubeVirt's default `terminationGracePeriodSeconds`. */
const DEFAULT_GRACE_SECONDS = 30;

interface Boot {
  abort: AbortController;
  timestamps: Array<{ phase: string; phaseTransitionTimestamp: string }>;
}

/**
 * Plays virt-controller and virt-handler for VMIs: the finalizer, the phases Pending →
 * Scheduling → Scheduled → Running after a drawn boot time (or Failed, at the failure rate),
 * Ready, node and interfaces; on deletion, a graceful shutdown bounded by the grace period, then
 * the finalizer goes and the VMI with it. VMIs have no status subresource, so status is written
 * with a merge patch of the object.
 */
export class VmiLifecycle {
  readonly #ctx: SimContext;
  readonly #queue: WorkQueue;
  readonly #boots = new Map<string, Boot>();
  readonly #shuttingDown = new Set<string>();
  readonly #hooks: ShutdownHook[] = [];

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue({
      name: 'vmi',
      clock: ctx.clock,
      reconcile: key => this.#reconcile(key),
      onError: message => ctx.events.log('kubevirt', message),
    });
    ctx.informers.vmi.on((verb, vmi) => {
      if (verb === 'delete') this.#cancelBoot(vmi.metadata.uid ?? '');
      this.#queue.add(keyOf(vmi));
    });
  }

  /** Registers what must happen inside a VM before it may stop (gitlab-runner draining). */
  onShutdown(hook: ShutdownHook): void {
    this.#hooks.push(hook);
  }

  async stop(): Promise<void> {
    await this.#queue.stop();
    for (const uid of [...this.#boots.keys()]) this.#cancelBoot(uid);
  }

  #cancelBoot(uid: string): void {
    this.#boots.get(uid)?.abort.abort();
    this.#boots.delete(uid);
  }

  async #reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const vmi = this.#ctx.informers.vmi.get(namespace, name);
    if (!vmi) return;
    const uid = vmi.metadata.uid ?? '';
    if (isDeleting(vmi)) {
      this.#cancelBoot(uid);
      const ours = (vmi.metadata.finalizers ?? []).includes(VMI_FINALIZER);
      if (ours && !this.#shuttingDown.has(uid)) {
        this.#shuttingDown.add(uid);
        this.#shutdown(vmi).finally(() => this.#shuttingDown.delete(uid));
      }
      return;
    }
    const phase: VmiPhase = vmi.status?.phase ?? '';
    if (isFinal(vmi) || phase === 'Running' || this.#boots.has(uid)) return;

    const plan = bootPlan(this.#ctx, vmi);
    const boot: Boot = {
      abort: new AbortController(),
      timestamps: [...(vmi.status?.phaseTransitionTimestamps ?? [])],
    };
    if (phase === '') {
      const finalizers = vmi.metadata.finalizers ?? [];
      await this.#ctx.kube.patch(VMI, namespace, name, {
        metadata: {
          finalizers: finalizers.includes(VMI_FINALIZER)
            ? finalizers
            : [...finalizers, VMI_FINALIZER],
          resourceVersion: vmi.metadata.resourceVersion,
        },
        status: this.#phaseStatus(boot, 'Pending'),
      });
    }
    this.#boots.set(uid, boot);
    void this.#boot(vmi, plan, boot, phase === '' ? 'Pending' : phase);
  }

  #phaseStatus(boot: Boot, phase: VmiPhase): Record<string, unknown> {
    boot.timestamps.push({
      phase,
      phaseTransitionTimestamp: this.#ctx.clock.kubeTime(),
    });
    return { phase, phaseTransitionTimestamps: [...boot.timestamps] };
  }

  /** The status written when the boot reaches `phase`. */
  #stepStatus(
    boot: Boot,
    plan: BootPlan,
    phase: VmiPhase,
  ): Record<string, unknown> {
    const base = this.#phaseStatus(boot, phase);
    if (phase === 'Running')
      return { ...base, ...runningStatus(this.#ctx, plan) };
    if (phase === 'Scheduled') return { ...base, nodeName: plan.nodeName };
    if (phase !== 'Failed') return base;
    return {
      ...base,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'PodFailed',
          message:
            'virt-launcher pod failed while the guest was booting (simulated)',
          lastProbeTime: null,
          lastTransitionTime: this.#ctx.clock.kubeTime(),
        },
      ],
    };
  }

  /**
   * Walks the steps of the plan after `from`, one status write at a time (so a slow write never
   * lands after the next phase's), until the boot is cancelled.
   */
  async #boot(
    vmi: VmiObject,
    plan: BootPlan,
    boot: Boot,
    from: VmiPhase,
  ): Promise<void> {
    const { namespace = '', name } = vmi.metadata;
    const ref = objectRef('VirtualMachineInstance', namespace, name);
    let at = plan.steps.find(s => s.phase === from)?.atMs ?? 0;
    for (const step of plan.steps.filter(s => s.atMs > at)) {
      await this.#ctx.clock.sleep(step.atMs - at, boot.abort.signal);
      at = step.atMs;
      if (boot.abort.signal.aborted) return;
      try {
        await this.#ctx.kube.patch(VMI, namespace, name, {
          status: this.#stepStatus(boot, plan, step.phase),
        });
      } catch (error) {
        if (statusOf(error) !== 404) {
          this.#ctx.events.log(
            'kubevirt',
            `${ref}: could not set ${step.phase}: ${describeError(error)}`,
          );
        }
        this.#boots.delete(vmi.metadata.uid ?? '');
        return;
      }
      if (step.phase === 'Running') {
        this.#ctx.events.record(
          'kubevirt',
          'vmi-running',
          `Running on ${plan.nodeName} after ${Math.round(
            plan.bootMs / 1000,
          )} s`,
          { object: ref },
        );
      } else if (step.phase === 'Failed') {
        this.#ctx.events.record(
          'kubevirt',
          'vmi-failed',
          'failed while booting',
          { object: ref },
        );
      }
    }
  }

  /** Graceful shutdown: hooks (runner drain) bounded by the grace period, then the finalizer goes. */
  async #shutdown(vmi: VmiObject): Promise<void> {
    const { namespace = '', name } = vmi.metadata;
    const ref = objectRef('VirtualMachineInstance', namespace, name);
    const graceSeconds =
      vmi.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    this.#ctx.events.record(
      'kubevirt',
      'vmi-shutting-down',
      `shutting down (${guestOs(vmi)} guest, grace period ${graceSeconds} s)`,
      { object: ref },
    );
    const abort = new AbortController();
    await Promise.race([
      Promise.allSettled(this.#hooks.map(hook => hook(vmi))),
      this.#ctx.clock.sleep(graceSeconds * 1000, abort.signal),
    ]);
    abort.abort();
    try {
      const fresh = await this.#ctx.kube.get<VmiObject>(VMI, namespace, name);
      if (!fresh || fresh.metadata.uid !== vmi.metadata.uid) return;
      const wasRunning = fresh.status?.phase === 'Running';
      await this.#ctx.kube.patch(VMI, namespace, name, {
        metadata: {
          finalizers: (fresh.metadata.finalizers ?? []).filter(
            f => f !== VMI_FINALIZER,
          ),
          resourceVersion: fresh.metadata.resourceVersion,
        },
        ...(wasRunning ? { status: { phase: 'Succeeded' } } : {}),
      });
      this.#ctx.events.record(
        'kubevirt',
        'vmi-stopped',
        'guest stopped; finalizer removed',
        { object: ref },
      );
    } catch (error) {
      if (statusOf(error) === 404) return;
      this.#ctx.events.log(
        'kubevirt',
        `${ref}: could not finish shutdown: ${describeError(error)}; retrying`,
      );
      this.#shuttingDown.delete(vmi.metadata.uid ?? '');
      this.#queue.addAfter(keyOf(vmi), 1000);
    }
  }
}
