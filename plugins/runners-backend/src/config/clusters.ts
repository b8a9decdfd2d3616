import { Config } from '@backstage/config';
import { fail } from './configValues';

/** A cluster runner VMs run on. */
export interface ClusterTarget {
  name: string;
  role: 'primary' | 'burst';
  url?: string;
  authProvider: 'serviceAccount' | 'kubeconfig' | 'inCluster';
  serviceAccountToken?: string;
  kubeconfigPath?: string;
  kubeconfigContext?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
  /**
   * The backend's base URL as KEDA in this cluster reaches it (a burst cluster in a public cloud
   * cannot reach an internal address); default `scalingMetrics.baseUrl`.
   */
  scalingUrl?: string;
}

/** Reads `runners.clusters`: at most one burst, exactly one primary when any is set. */
export function readClusters(config: Config): ClusterTarget[] {
  const clusters = (config.getOptionalConfigArray('clusters') ?? []).map(
    (c, i) => {
      const key = `clusters[${i}]`;
      const role = c.getOptionalString('role') ?? 'primary';
      if (role !== 'primary' && role !== 'burst')
        fail(`${key}.role`, `must be 'primary' or 'burst', got '${role}'`);
      const authProvider = c.getString('authProvider');
      if (
        !['serviceAccount', 'kubeconfig', 'inCluster'].includes(authProvider)
      ) {
        fail(
          `${key}.authProvider`,
          `must be 'serviceAccount', 'kubeconfig' or 'inCluster', got '${authProvider}'`,
        );
      }
      const target: ClusterTarget = {
        name: c.getString('name'),
        role: role as ClusterTarget['role'],
        url: c.getOptionalString('url'),
        authProvider: authProvider as ClusterTarget['authProvider'],
        serviceAccountToken: c.getOptionalString('serviceAccountToken'),
        kubeconfigPath: c.getOptionalString('kubeconfigPath'),
        kubeconfigContext: c.getOptionalString('kubeconfigContext'),
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
        scalingUrl: c.getOptionalString('scalingUrl')?.replace(/\/+$/, ''),
      };
      if (target.scalingUrl && !/^https?:\/\/[^/\s]+/.test(target.scalingUrl)) {
        fail(
          `${key}.scalingUrl`,
          `must be an http(s) URL of the backend as KEDA in this cluster reaches it, got '${target.scalingUrl}'`,
        );
      }
      if (
        target.authProvider === 'serviceAccount' &&
        (!target.url || !target.serviceAccountToken)
      ) {
        fail(
          key,
          `authProvider 'serviceAccount' needs 'url' and 'serviceAccountToken'`,
        );
      }
      if (target.authProvider === 'kubeconfig' && !target.kubeconfigPath) {
        fail(
          `${key}.kubeconfigPath`,
          `authProvider 'kubeconfig' needs the path of a kubeconfig file`,
        );
      }
      return target;
    },
  );
  const primaries = clusters.filter(c => c.role === 'primary');
  if (clusters.length > 0 && primaries.length !== 1) {
    fail(
      'clusters',
      `exactly one cluster must have role 'primary', found ${primaries.length}`,
    );
  }
  if (clusters.filter(c => c.role === 'burst').length > 1) {
    fail('clusters', 'at most one cluster may have role burst');
  }
  return clusters;
}
