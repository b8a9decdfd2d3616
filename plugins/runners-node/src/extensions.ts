import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { CiProvider } from './CiProvider';

/**
 * Replaces the CI provider runner pools register with (default: GitLab from config).
 *
 * @public
 */
export interface RunnersCiProviderExtensionPoint {
  /**
   * Sets the provider, once: a second call throws, so two modules cannot silently replace each
   * other. A factory receives the default provider (GitLab from `runners.gitlab`, when
   * configured) to wrap or delegate to.
   */
  setCiProvider(
    provider:
      | CiProvider
      | ((options: { getDefault(): CiProvider | undefined }) => CiProvider),
  ): void;
}

/** @public */
export const runnersCiProviderExtensionPoint =
  createExtensionPoint<RunnersCiProviderExtensionPoint>({
    id: 'runners.ci-provider',
  });
