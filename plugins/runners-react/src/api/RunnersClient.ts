import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  FleetRollout,
  RunnersHttpClient,
} from '@runner-fleet/plugin-runners-common';
import { RunnersApi } from './RunnersApi';

/**
 * Talks to the runners backend through the discovery and fetch APIs, so requests carry the
 * user's Backstage token. The requests themselves come from the client generated from the
 * backend's OpenAPI spec (see `RunnersHttpClient` in `-common`).
 *
 * @public
 */
export class RunnersClient extends RunnersHttpClient implements RunnersApi {
  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    super({ discoveryApi: options.discoveryApi, fetchApi: options.fetchApi });
  }

  /** Stops admitting pools; admitted pools finish their own rollouts. */
  pauseFleetRollout(id: string): Promise<FleetRollout> {
    return this.changeFleetRollout(id, 'pause');
  }

  /** Admits pools again after a pause or a halt. */
  resumeFleetRollout(id: string): Promise<FleetRollout> {
    return this.changeFleetRollout(id, 'resume');
  }

  /** Stops the rollout: admitted pools that have not finished return to their previous flavor. */
  abortFleetRollout(id: string): Promise<FleetRollout> {
    return this.changeFleetRollout(id, 'abort');
  }
}
