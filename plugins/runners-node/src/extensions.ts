import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { CiProvider } from './CiProvider';

/**
 * Replaces the CI provider runner pools register with (default: GitLab from config).
 *
 * @public
 */
export interface RunnersCiProviderExtensionPoint {
  setCiProvider(provider: CiProvider): void;
}

/** @public */
export const runnersCiProviderExtensionPoint =
  createExtensionPoint<RunnersCiProviderExtensionPoint>({
    id: 'runners.ci-provider',
  });
