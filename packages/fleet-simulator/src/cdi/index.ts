import { SimContext } from '../context';
import { DataSourceController } from './dataSources';
import { DataVolumeController } from './dataVolumes';

/** CDI's DataVolume and DataSource controllers, started and stopped together. */
export class Cdi {
  readonly #controllers: Array<{ stop(): Promise<void> }>;

  constructor(ctx: SimContext) {
    this.#controllers = [
      new DataVolumeController(ctx),
      new DataSourceController(ctx),
    ];
  }

  async stop(): Promise<void> {
    await Promise.all(this.#controllers.map(c => c.stop()));
  }
}
