import { LABELS, MANAGER } from '@runner-fleet/plugin-runners-common';
import { teamLabels, withTemplateHash } from './labels';
import { KubeObject, NetworkPeer, RunnerNetwork } from './types';

/** Name of the NetworkPolicy in every team namespace. */
export const RUNNER_NETWORK_POLICY = 'runner-fleet-runner-vms';

/**
 * Address ranges that are "the cluster" rather than the internet by default: RFC 1918 and RFC 6598
 * (pod, service and node networks live there), link-local (cloud metadata endpoints, which hand
 * out node credentials) and their IPv6 counterparts (unique local, link-local).
 *
 * @public
 */
export const DEFAULT_CLUSTER_CIDRS: readonly string[] = Object.freeze([
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
]);

/**
 * What runner VMs may reach when `runners.runnerNetwork` is not configured: DNS from kube-dns,
 * the internet (public addresses), nothing in the cluster.
 *
 * @public
 */
export const DEFAULT_RUNNER_NETWORK: RunnerNetwork = Object.freeze({
  gitlab: [],
  registry: [],
  internet: true,
  clusterCidrs: DEFAULT_CLUSTER_CIDRS,
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
});

function isIpv6(cidr: string): boolean {
  return cidr.includes(':');
}

/** One egress rule to a configured destination (GitLab, a registry). */
function peerRule(peer: NetworkPeer): Record<string, unknown> {
  const to = peer.cidrs?.length
    ? peer.cidrs.map(cidr => ({ ipBlock: { cidr } }))
    : [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': peer.namespace },
          },
          ...(peer.podLabels
            ? { podSelector: { matchLabels: peer.podLabels } }
            : {}),
        },
      ];
  return {
    to,
    ports: peer.ports.map(port => ({ protocol: 'TCP', port })),
  };
}

/** "The internet": everything but the cluster ranges, per address family. */
function internetRule(
  clusterCidrs: readonly string[],
): Record<string, unknown> {
  const family = (all: string, v6: boolean) => {
    const except = clusterCidrs.filter(c => isIpv6(c) === v6);
    return { ipBlock: { cidr: all, ...(except.length ? { except } : {}) } };
  };
  return { to: [family('0.0.0.0/0', false), family('::/0', true)] };
}

/**
 * The NetworkPolicy of a team namespace's runner VMs (their virt-launcher pods carry the VMI's
 * labels, so the selector matches runner VMs only, not CDI's clone pods). Jobs in these VMs run
 * privileged Docker-in-Docker, so the policy isolates them both ways:
 *
 * - **Ingress:** none. No other team, no other pod reaches a runner VM (nor its metrics port).
 * - **Egress:** DNS from the cluster DNS; GitLab and the container registry as configured (in- or
 *   out-of-cluster); the internet as everything outside `clusterCidrs` when `internet` is on.
 *   Nothing else in the cluster: other teams' VMs, the backend and its scaling endpoint, and the
 *   API server (its service and node addresses lie in `clusterCidrs`) are not listed, so denied.
 *
 * NetworkPolicies only take effect with a CNI that enforces them; rendered on every cluster of
 * the team (burst included).
 */
export function renderRunnerNetworkPolicy(
  team: string,
  namespace: string,
  network: RunnerNetwork = DEFAULT_RUNNER_NETWORK,
): KubeObject {
  const egress: Array<Record<string, unknown>> = [
    {
      to: [
        {
          namespaceSelector: {
            matchLabels: {
              'kubernetes.io/metadata.name': network.dns.namespace,
            },
          },
          podSelector: { matchLabels: network.dns.podLabels },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    ...network.gitlab.map(peerRule),
    ...network.registry.map(peerRule),
    ...(network.internet ? [internetRule(network.clusterCidrs)] : []),
  ];
  return withTemplateHash({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: RUNNER_NETWORK_POLICY,
      namespace,
      labels: teamLabels(team),
    },
    spec: {
      podSelector: {
        matchLabels: { [LABELS.managedBy]: MANAGER, [LABELS.team]: team },
      },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress,
    },
  });
}
