import { AuthenticationV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { useTestCluster } from './jest';

describe('identities', () => {
  const cluster = useTestCluster();

  it.each([
    ['admin', ['system:masters', 'system:authenticated']],
    ['runner-fleet-backend', ['system:authenticated']],
    ['runner-fleet-portal-viewer', ['system:authenticated']],
    ['fleet-simulator', ['system:masters', 'system:authenticated']],
    ['alice', ['system:authenticated']],
    ['keda-operator', ['system:authenticated']],
    ['keda-metrics-apiserver', ['system:authenticated']],
  ] as const)(
    '%s authenticates with its token, groups %j',
    async (identity, groups) => {
      const review = await cluster
        .kubeConfig(identity)
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: {} });
      expect(review.status?.userInfo).toMatchObject({
        username: identity,
        groups,
      });
    },
  );

  it('kube-controller-manager authenticates as system:kube-controller-manager, the user bootstrap RBAC binds', async () => {
    const review = await cluster
      .kubeConfig('kube-controller-manager')
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo).toMatchObject({
      username: 'system:kube-controller-manager',
      groups: ['system:authenticated'],
    });
  });

  it('kubeconfigs name the identity as context and default to the test namespace', () => {
    const kc = cluster.kubeConfig('runner-fleet-backend');
    expect(kc.getCurrentContext()).toBe('runner-fleet-backend');
    expect(kc.getContextObject('runner-fleet-backend')?.namespace).toBe(
      cluster.namespace,
    );
    const yaml = parse(kc.exportConfig()) as { users: Array<{ name: string }> };
    expect(yaml.users.map(u => u.name)).toEqual(['runner-fleet-backend']);
  });
});
