import { KubeObject } from './types';

// A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), for tests: is a
// connection allowed by the policies that select its pods? Follows the API reference: a pod not
// selected by any policy of a direction is open in that direction; a selected pod allows what
// the union of the rules allows; a peer entry matches by ipBlock (cidr minus except) or by
// namespaceSelector AND podSelector; an absent `ports` matches every port.

/** One end of a connection: a pod (with its namespace's labels) or an address. */
export interface Endpoint {
  ip: string;
  pod?: {
    namespace: string;
    namespaceLabels: Record<string, string>;
    labels: Record<string, string>;
  };
}

/** A connection attempt. */
export interface Connection {
  from: Endpoint;
  to: Endpoint;
  protocol: 'TCP' | 'UDP';
  port: number;
}

interface Selector {
  matchLabels?: Record<string, string>;
}
interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: Selector;
  podSelector?: Selector;
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: Array<{ protocol?: string; port?: number }>;
}
interface PolicySpec {
  podSelector: Selector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

function matches(
  selector: Selector | undefined,
  labels: Record<string, string>,
) {
  return Object.entries(selector?.matchLabels ?? {}).every(
    ([k, v]) => labels[k] === v,
  );
}

function ipToBigInt(ip: string): { v6: boolean; value: bigint } {
  if (!ip.includes(':')) {
    const value = ip
      .split('.')
      .reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
    return { v6: false, value };
  }
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
    : h;
  const value = groups.reduce(
    (acc, g) => (acc << 16n) + BigInt(parseInt(g || '0', 16)),
    0n,
  );
  return { v6: true, value };
}

/** Whether `ip` lies in `cidr` (same address family only). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipToBigInt(ip);
  const b = ipToBigInt(base);
  if (a.v6 !== b.v6) return false;
  const width = a.v6 ? 128n : 32n;
  const shift = width - BigInt(Number(bitsText));
  return a.value >> shift === b.value >> shift;
}

function peerMatches(peer: Peer, other: Endpoint, policyNamespace: string) {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some(c => inCidr(other.ip, c))
    );
  }
  // Pod peers never match an address outside the cluster's pods.
  if (!other.pod) return false;
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, other.pod.namespaceLabels)
    : other.pod.namespace === policyNamespace;
  return namespaceOk && matches(peer.podSelector, other.pod.labels);
}

function ruleAllows(
  rule: Rule,
  peers: Peer[] | undefined,
  c: Connection,
  other: Endpoint,
  ns: string,
) {
  const portOk =
    !rule.ports ||
    rule.ports.some(
      p =>
        (p.protocol ?? 'TCP') === c.protocol &&
        (p.port === undefined || p.port === c.port),
    );
  const peerOk = !peers || peers.some(p => peerMatches(p, other, ns));
  return portOk && peerOk;
}

/** Whether the policies allow the connection (egress from `from`, then ingress to `to`). */
export function networkPolicyAllows(
  policies: KubeObject[],
  c: Connection,
): boolean {
  const direction = (
    endpoint: Endpoint,
    other: Endpoint,
    type: 'Egress' | 'Ingress',
  ) => {
    if (!endpoint.pod) return true;
    const pod = endpoint.pod;
    const selecting = policies.filter(p => {
      const spec = p.spec as PolicySpec;
      const types = spec.policyTypes ?? ['Ingress'];
      return (
        p.metadata.namespace === pod.namespace &&
        types.includes(type) &&
        matches(spec.podSelector, pod.labels)
      );
    });
    if (selecting.length === 0) return true;
    return selecting.some(p => {
      const spec = p.spec as PolicySpec;
      const rules = (type === 'Egress' ? spec.egress : spec.ingress) ?? [];
      return rules.some(rule =>
        ruleAllows(
          rule,
          type === 'Egress' ? rule.to : rule.from,
          c,
          other,
          pod.namespace,
        ),
      );
    });
  };
  return (
    direction(c.from, c.to, 'Egress') && direction(c.to, c.from, 'Ingress')
  );
}
