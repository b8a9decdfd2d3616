import { createBackendPlugin } from '@backstage/backend-plugin-api';

/**
 * The runners backend plugin: runner pools, approvals, provisioning and fleet health.
 *
 * @public
 */
export const runnersPlugin = createBackendPlugin({
  pluginId: 'runners',
  register(env) {
    env.registerInit({
      deps: {},
      async init() {},
    });
  },
});
