import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { RunnersHttpClient } from '@runner-fleet/plugin-runners-common';
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
}
