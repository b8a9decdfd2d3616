import { LABELS } from '@runner-fleet/plugin-runners-common';
import { renderPool } from './renderPool';
import { DEFAULT_RUNNER_NETWORK } from './networkPolicy';
import { Endpoint, inCidr, networkPolicyAllows } from './networkPolicyCheck';
import { exampleFlavor, exampleRenderInput, findObject } from './testing';
import { KubeObject, RunnerNetwork } from './types';

/** GitLab inside the cluster, a registry on a private address, the internet on. */
const network: RunnerNetwork = {
  ...DEFAULT_RUNNER_NETWORK,
  gitlab: [
    { namespace: 'gitlab', podLabels: { app: 'webservice' }, ports: [8181] },
  ],
  registry: [{ cidrs: ['10.20.0.15/32'], ports: [443, 5000] }],
};

function policyOf(team: string, flavor = 'm1.large'): KubeObject {
  const input = exampleRenderInput({ flavor: exampleFlavor(flavor), network });
  return findObject(
    renderPool({ ...input, pool: { ...input.pool, team } }),
    'NetworkPolicy',
  );
}

const policies = [policyOf('payments'), policyOf('search', 'win.xlarge')];

const ns = (name: string) => ({ 'kubernetes.io/metadata.name': name });
/** A runner VM's virt-launcher pod: it carries the VMI's labels. */
const runnerVm = (team: string, ip: string): Endpoint => ({
  ip,
  pod: {
    namespace: `runners-${team}`,
    namespaceLabels: ns(`runners-${team}`),
    labels: {
      [LABELS.managedBy]: 'runner-fleet',
      [LABELS.team]: team,
      [LABELS.pool]: 'p1',
      'kubevirt.io': 'virt-launcher',
    },
  },
});
const pod = (
  namespace: string,
  ip: string,
  labels: Record<string, string> = {},
): Endpoint => ({
  ip,
  pod: { namespace, namespaceLabels: ns(namespace), labels },
});
const address = (ip: string): Endpoint => ({ ip });

const payments = runnerVm('payments', '10.244.1.10');
const search = runnerVm('search', '10.244.2.20');
const destinations = {
  gitlab: pod('gitlab', '10.244.3.30', { app: 'webservice' }),
  gitlabDatabase: pod('gitlab', '10.244.3.31', { app: 'postgresql' }),
  registry: address('10.20.0.15'),
  dns: pod('kube-system', '10.244.0.53', { 'k8s-app': 'kube-dns' }),
  internet: address('140.82.112.3'),
  internetV6: address('2606:4700::6810:84e5'),
  apiServerService: address('10.96.0.1'),
  apiServerNode: address('192.168.10.5'),
  metadata: address('169.254.169.254'),
  backend: pod('backstage', '10.244.4.40', { app: 'backstage' }),
  keda: pod('keda', '10.244.4.41', { app: 'keda-operator' }),
};

const tcp = (from: Endpoint, to: Endpoint, port: number) =>
  networkPolicyAllows(policies, { from, to, protocol: 'TCP', port });

describe('the runner VMs’ NetworkPolicy, evaluated', () => {
  it.each([
    ['GitLab (in the cluster, as configured)', destinations.gitlab, 8181],
    [
      'the registry (private address, as configured)',
      destinations.registry,
      5000,
    ],
    ['the internet over HTTPS', destinations.internet, 443],
    ['the internet over SSH (git)', destinations.internet, 22],
    ['the internet over IPv6', destinations.internetV6, 443],
  ])('lets a runner VM reach %s', (_, to, port) => {
    expect(tcp(payments, to, port)).toBe(true);
  });

  it('lets a runner VM resolve names with the cluster DNS, UDP and TCP', () => {
    for (const protocol of ['UDP', 'TCP'] as const) {
      expect(
        networkPolicyAllows(policies, {
          from: payments,
          to: destinations.dns,
          protocol,
          port: 53,
        }),
      ).toBe(true);
    }
  });

  it.each([
    ['another team’s runner VM', search, 9252],
    ['the backend (scaling endpoint)', destinations.backend, 7007],
    ['KEDA', destinations.keda, 8080],
    ['the API server’s service address', destinations.apiServerService, 443],
    ['the API server on a node address', destinations.apiServerNode, 6443],
    ['the cloud metadata endpoint', destinations.metadata, 80],
    [
      'GitLab’s database (same namespace, other pods)',
      destinations.gitlabDatabase,
      5432,
    ],
    ['GitLab on a port not configured', destinations.gitlab, 22],
    ['the registry on a port not configured', destinations.registry, 22],
    ['the DNS pods on another port', destinations.dns, 8080],
  ])('denies a runner VM %s', (_, to, port) => {
    expect(tcp(payments, to, port)).toBe(false);
  });

  it('lets nothing in: not another team’s VM, not the backend, not a pod of the same namespace', () => {
    expect(tcp(search, payments, 9252)).toBe(false);
    expect(tcp(destinations.backend, payments, 9252)).toBe(false);
    expect(tcp(pod('runners-payments', '10.244.1.99'), payments, 22)).toBe(
      false,
    );
  });

  it('leaves CDI’s clone pods in the team namespace alone (they are not runner VMs)', () => {
    const clonePod = pod('runners-payments', '10.244.1.50', {
      app: 'containerized-data-importer',
    });
    expect(tcp(clonePod, destinations.backend, 443)).toBe(true);
  });

  it('with the internet off, reaches only what is configured', () => {
    const closed = findObject(
      renderPool(
        exampleRenderInput({ network: { ...network, internet: false } }),
      ),
      'NetworkPolicy',
    );
    const check = (to: Endpoint, port: number) =>
      networkPolicyAllows([closed], {
        from: payments,
        to,
        protocol: 'TCP',
        port,
      });
    expect(check(destinations.internet, 443)).toBe(false);
    expect(check(destinations.registry, 443)).toBe(true);
    expect(check(destinations.gitlab, 8181)).toBe(true);
  });

  it('the evaluator itself: CIDR containment per address family', () => {
    expect(inCidr('10.96.0.1', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(inCidr('fd00::1', 'fc00::/7')).toBe(true);
    expect(inCidr('2606:4700::1', 'fc00::/7')).toBe(false);
    expect(inCidr('10.0.0.1', '::/0')).toBe(false);
  });
});

describe('renderRunnerNetworkPolicy', () => {
  it('selects the team’s runner VMs only and is the same for every pool of the team', () => {
    const [linux] = policies;
    expect(linux.metadata).toMatchObject({
      name: 'runner-fleet-runner-vms',
      namespace: 'runners-payments',
    });
    expect(linux.spec).toMatchObject({
      podSelector: {
        matchLabels: {
          [LABELS.managedBy]: 'runner-fleet',
          [LABELS.team]: 'payments',
        },
      },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
    });
    expect(policyOf('payments', 'win.xlarge')).toEqual(linux);
  });
});
