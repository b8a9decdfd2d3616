import { SimulationClock } from './clock';
import { EventRecorder } from './events';
import { KubeClient } from './kube/KubeClient';
import { KubeObject } from './kube/objects';
import {
  DATA_SOURCE,
  DATA_VOLUME,
  PVC,
  ResourceType,
  SCALED_OBJECT,
  VM,
  VM_POOL,
  VMI,
  VMIRS,
} from './kube/resources';
import { Watched } from './kube/Watched';
import { DataSourceObject, DataVolumeObject } from './cdi/types';
import { PoolObject, VmiObject, VmirsObject, VmObject } from './kubevirt/types';
import { ScaledObject } from './keda/types';
import { Random } from './random';
import { Settings } from './settings';

/** One shared list+watch cache per resource type; every actor registers its handlers on these. */
export class Informers {
  readonly vmirs: Watched<VmirsObject>;
  readonly vmi: Watched<VmiObject>;
  readonly vm: Watched<VmObject>;
  readonly pool: Watched<PoolObject>;
  readonly dataVolume: Watched<DataVolumeObject>;
  readonly dataSource: Watched<DataSourceObject>;
  readonly pvc: Watched<KubeObject>;
  readonly scaledObject: Watched<ScaledObject>;

  constructor(
    kube: KubeClient,
    onError: (message: string) => void,
    namespaces?: string[],
  ) {
    const watch = <T extends KubeObject>(type: ResourceType) =>
      new Watched<T>(kube, type, onError, namespaces);
    this.vmirs = watch(VMIRS);
    this.vmi = watch(VMI);
    this.vm = watch(VM);
    this.pool = watch(VM_POOL);
    this.dataVolume = watch(DATA_VOLUME);
    this.dataSource = watch(DATA_SOURCE);
    this.pvc = watch(PVC);
    this.scaledObject = watch(SCALED_OBJECT);
  }

  #all(): Array<Watched<KubeObject>> {
    return [
      this.vmirs,
      this.vmi,
      this.vm,
      this.pool,
      this.dataVolume,
      this.dataSource,
      this.pvc,
      this.scaledObject,
    ] as unknown as Array<Watched<KubeObject>>;
  }

  /** Lists and watches everything; resolves when every cache is filled. */
  async start(): Promise<void> {
    await Promise.all(this.#all().map(w => w.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all().map(w => w.stop()));
  }
}

/** What every actor works with. */
export interface SimContext {
  kube: KubeClient;
  clock: SimulationClock;
  random: Random;
  events: EventRecorder;
  settings: Settings;
  informers: Informers;
}
