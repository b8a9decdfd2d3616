import { SimContext } from '../context';
import { PoolController } from './pool';
import { ReplicaSetController } from './replicaSet';
import { VirtualMachineController } from './virtualMachine';
import { ShutdownHook, VmiLifecycle } from './vmiLifecycle';

/** Every KubeVirt controller the simulator plays, started and stopped together. */
export class KubeVirt {
  readonly #lifecycle: VmiLifecycle;
  readonly #controllers: Array<{ stop(): Promise<void> }>;

  constructor(ctx: SimContext) {
    this.#lifecycle = new VmiLifecycle(ctx);
    this.#controllers = [
      new ReplicaSetController(ctx),
      new PoolController(ctx),
      new VirtualMachineController(ctx),
      this.#lifecycle,
    ];
  }

  /** What must happen in a guest before it powers off (the runner drains its jobs). */
  onShutdown(hook: ShutdownHook): void {
    this.#lifecycle.onShutdown(hook);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#controllers.map(c => c.stop()));
  }
}
