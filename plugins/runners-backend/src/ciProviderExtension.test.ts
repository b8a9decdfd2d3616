import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  CiProvider,
  RunnersCiProviderExtensionPoint,
  runnersCiProviderExtensionPoint,
} from '@runner-fleet/plugin-runners-node';
import { runnersPlugin } from './plugin';

const config = mockServices.rootConfig.factory({
  data: {
    backend: { baseUrl: 'http://localhost:7007' },
    runners: {
      gitlab: { baseUrl: 'http://gitlab.test', token: 'glpat-test' },
    },
  },
});

function providerModule(
  moduleId: string,
  set: Parameters<RunnersCiProviderExtensionPoint['setCiProvider']>[0],
) {
  return createBackendModule({
    pluginId: 'runners',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { ext: runnersCiProviderExtensionPoint },
        async init({ ext }) {
          ext.setCiProvider(set);
        },
      });
    },
  });
}

describe('runnersCiProviderExtensionPoint', () => {
  it('hands a factory the default GitLab provider to wrap', async () => {
    let seen: CiProvider | undefined;
    await startTestBackend({
      features: [
        runnersPlugin,
        config,
        catalogServiceMock.factory(),
        providerModule('wrapping', ({ getDefault }) => {
          seen = getDefault();
          return seen!;
        }),
      ],
    });
    expect(seen?.runnerUrl).toBe('http://gitlab.test');
  });

  it('refuses a second provider instead of letting the last one silently win', async () => {
    const provider = { runnerUrl: 'http://ci.test' } as CiProvider;
    await expect(
      startTestBackend({
        features: [
          runnersPlugin,
          config,
          catalogServiceMock.factory(),
          providerModule('first', provider),
          providerModule('second', provider),
        ],
      }),
    ).rejects.toThrow('a CI provider was already set');
  });
});
