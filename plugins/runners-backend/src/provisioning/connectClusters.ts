import { toError } from '@backstage/errors';
import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterTarget } from '../config';
import { kubeDiscovery, ServedApiCheck } from './apiVersions';
import {
  ClusterClient,
  KubernetesClusterClient,
  kubeConfigFor,
} from './ClusterClient';

/** A configured cluster the backend could connect to. */
export interface ConnectedCluster {
  target: ClusterTarget;
  kubeConfig: KubeConfig;
  client: ClusterClient;
  /** The cluster's served-API check, shared by its client, the fleet cache and health. */
  apis: ServedApiCheck;
}

/**
 * Builds a client per configured cluster. A cluster whose credentials cannot be loaded (e.g. a
 * kubeconfig file that does not exist yet) is left out with a warning naming the config key,
 * so the portal still starts.
 */
export function connectClusters(
  targets: ClusterTarget[],
  logger: LoggerService,
): ConnectedCluster[] {
  const connected: ConnectedCluster[] = [];
  targets.forEach((target, i) => {
    try {
      const kubeConfig = kubeConfigFor(target);
      const apis = ServedApiCheck.create({
        name: target.name,
        role: target.role,
        discovery: kubeDiscovery(kubeConfig),
        logger,
      });
      connected.push({
        target,
        kubeConfig,
        apis,
        client: KubernetesClusterClient.create({
          name: target.name,
          role: target.role,
          kubeConfig,
          apis,
        }),
      });
    } catch (error) {
      logger.warn(
        `runners.clusters[${i}] ('${target.name}') is not usable and is left out`,
        toError(error),
      );
    }
  });
  return connected;
}
