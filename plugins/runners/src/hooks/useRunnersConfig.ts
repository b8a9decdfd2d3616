import { configApiRef, useApi } from '@backstage/core-plugin-api';

/** Frontend settings of the plugin (see config.d.ts). */
export function useRunnersConfig() {
  const config = useApi(configApiRef);
  const gitlabBaseUrl = config
    .getOptionalString('runners.gitlabBaseUrl')
    ?.replace(/\/+$/, '');
  const pollSeconds =
    config.getOptionalNumber('runners.provisioningPollSeconds') ?? 3;
  const costUnit = config.getOptionalString('runners.costUnit') ?? 'cost units';
  return {
    /** The unit every cost is shown in: the configured currency, else "cost units". */
    costUnit,
    /** `<gitlab>/admin/runners/<id>`, or undefined without a GitLab base URL or runner id. */
    gitlabRunnerUrl(runnerId: number | undefined): string | undefined {
      return gitlabBaseUrl && runnerId !== undefined
        ? `${gitlabBaseUrl}/admin/runners/${runnerId}`
        : undefined;
    },
    provisioningPollMs: Math.max(0.2, pollSeconds) * 1000,
  };
}
