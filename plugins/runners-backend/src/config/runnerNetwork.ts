import { Config } from '@backstage/config';
import {
  DEFAULT_RUNNER_NETWORK,
  NetworkPeer,
  RunnerNetwork,
} from '../provisioning/render';
import { fail } from './configValues';

const CIDR =
  /^(?:(?:\d{1,3}\.){3}\d{1,3}\/(?:3[0-2]|[12]?\d)|[0-9a-fA-F:]+\/(?:12[0-8]|1[01]\d|[1-9]?\d))$/;
const LABEL_KEY = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function labels(config: Config | undefined, key: string) {
  const out: Record<string, string> = {};
  for (const name of config?.keys() ?? []) {
    if (!LABEL_KEY.test(name)) fail(`${key}.${name}`, 'is not a label key');
    out[name] = config!.getString(name);
  }
  return out;
}

function cidrs(
  config: Config,
  key: string,
  field: string,
): string[] | undefined {
  const list = config.getOptionalStringArray(field);
  list?.forEach((cidr, i) => {
    if (!CIDR.test(cidr)) {
      fail(
        `${key}.${field}[${i}]`,
        `must be a CIDR like 203.0.113.10/32, got '${cidr}'`,
      );
    }
  });
  return list;
}

function peers(config: Config, field: 'gitlab' | 'registry'): NetworkPeer[] {
  return (config.getOptionalConfigArray(field) ?? []).map((peer, i) => {
    const key = `runnerNetwork.${field}[${i}]`;
    const ranges = cidrs(peer, key, 'cidrs');
    const namespace = peer.getOptionalString('namespace');
    if (!ranges?.length && !namespace) {
      fail(
        key,
        'needs cidrs (addresses outside the cluster) or namespace (pods inside it)',
      );
    }
    if (ranges?.length && namespace) {
      fail(key, 'takes cidrs or namespace, not both; list them as two entries');
    }
    const raw = peer.getOptional('ports') ?? [443];
    if (!Array.isArray(raw))
      fail(`${key}.ports`, 'must be a list of TCP ports');
    const ports = raw as unknown[];
    ports.forEach((port, p) => {
      if (
        typeof port !== 'number' ||
        !Number.isInteger(port) ||
        port < 1 ||
        port > 65535
      ) {
        fail(
          `${key}.ports[${p}]`,
          `must be a TCP port from 1 to 65535, got ${port}`,
        );
      }
    });
    const podLabels = peer.has('podLabels')
      ? labels(peer.getConfig('podLabels'), `${key}.podLabels`)
      : undefined;
    return {
      ...(ranges?.length ? { cidrs: ranges } : {}),
      ...(namespace ? { namespace } : {}),
      ...(podLabels ? { podLabels } : {}),
      ports: ports as number[],
    };
  });
}

/**
 * Reads `runners.runnerNetwork`: where runner VMs may connect to, rendered as the NetworkPolicy
 * of each team namespace. Unset keys keep {@link DEFAULT_RUNNER_NETWORK} (DNS and the internet,
 * nothing in the cluster).
 */
export function readRunnerNetwork(config: Config | undefined): RunnerNetwork {
  const c = config?.getOptionalConfig('runnerNetwork');
  if (!c) return DEFAULT_RUNNER_NETWORK;
  const dns = c.getOptionalConfig('dns');
  return {
    gitlab: peers(c, 'gitlab'),
    registry: peers(c, 'registry'),
    internet:
      c.getOptionalBoolean('internet') ?? DEFAULT_RUNNER_NETWORK.internet,
    clusterCidrs:
      cidrs(c, 'runnerNetwork', 'clusterCidrs') ??
      DEFAULT_RUNNER_NETWORK.clusterCidrs,
    dns: dns
      ? {
          namespace:
            dns.getOptionalString('namespace') ??
            DEFAULT_RUNNER_NETWORK.dns.namespace,
          podLabels: dns.has('podLabels')
            ? labels(dns.getConfig('podLabels'), 'runnerNetwork.dns.podLabels')
            : DEFAULT_RUNNER_NETWORK.dns.podLabels,
        }
      : DEFAULT_RUNNER_NETWORK.dns,
  };
}
