import {
  ApiregistrationV1Api,
  CoreV1Api,
  KubernetesObject,
} from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyYaml } from '../applyYaml';
import { ApiServerClient } from '../ApiServerClient';
import { base64Of, ensureCa, ensureCertificate } from '../certificates';
import { useTestCluster } from '../jest';

/*
 * What the aggregation layer can reach on a loopback-only machine, proved with a minimal
 * extension API server (node:https) instead of KEDA's, so it runs in every test run.
 */
describe('aggregation layer on loopback', () => {
  const cluster = useTestCluster({ namespacePrefix: 'aggregation' });
  const group = `probe-${randomBytes(3).toString('hex')}.runner-fleet.test`;
  const apiServiceName = `v1.${group}`;
  let server: Server;
  let dir: string;
  const seen: Array<{ user?: string; groups?: string; authorized: boolean }> =
    [];

  beforeAll(async () => {
    const core = cluster.kubeConfig('admin').makeApiClient(CoreV1Api);
    // As every extension API server: trust request headers only from a client certificate
    // signed by the CA kube-apiserver publishes for its front proxy.
    const auth = await core.readNamespacedConfigMap({
      name: 'extension-apiserver-authentication',
      namespace: 'kube-system',
    });
    const frontProxyCa = auth.data?.['requestheader-client-ca-file'];
    if (!frontProxyCa?.includes('BEGIN CERTIFICATE')) {
      throw new Error(
        'kube-system/extension-apiserver-authentication has no requestheader-client-ca-file: kube-apiserver runs without --requestheader-client-ca-file',
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'aggregation-test-'));
    const ca = ensureCa(dir, 'ca');
    const cert = ensureCertificate({
      dir,
      name: 'tls',
      ca,
      commonName: 'probe',
      altNames: [`DNS:probe.${cluster.namespace}.svc`],
      usages: ['serverAuth'],
    });
    server = createServer(
      {
        cert: readFileSync(cert.certFile),
        key: readFileSync(cert.keyFile),
        ca: frontProxyCa,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const socket = req.socket as import('node:tls').TLSSocket;
        seen.push({
          user: req.headers['x-remote-user'] as string | undefined,
          groups: String(req.headers['x-remote-group'] ?? ''),
          authorized: socket.authorized,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'APIResourceList',
            apiVersion: 'v1',
            groupVersion: `${group}/v1`,
            resources: [],
          }),
        );
      },
    );
    await new Promise<void>(resolve =>
      server.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = server.address() as AddressInfo;
    await applyYaml(cluster.kubeConfig('admin'), [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'probe', namespace: cluster.namespace },
        spec: {
          type: 'ExternalName',
          externalName: '127.0.0.1',
          ports: [{ name: 'https', port }],
        },
      },
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: apiServiceName },
        spec: {
          group,
          version: 'v1',
          service: { name: 'probe', namespace: cluster.namespace, port },
          caBundle: base64Of(ca.certFile),
          groupPriorityMinimum: 10,
          versionPriority: 10,
        },
      } as KubernetesObject & Record<string, unknown>,
    ]);
  });

  afterAll(async () => {
    await cluster
      .kubeConfig('admin')
      .makeApiClient(ApiregistrationV1Api)
      .deleteAPIService({ name: apiServiceName })
      .catch(() => undefined);
    await new Promise<void>(resolve => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an ExternalName Service at 127.0.0.1 makes the APIService Available, TLS checked against caBundle', async () => {
    const api = cluster.kubeConfig('admin').makeApiClient(ApiregistrationV1Api);
    const deadline = Date.now() + 30_000;
    let available: { status?: string; message?: string } | undefined;
    while (Date.now() < deadline) {
      const svc = await api.readAPIService({ name: apiServiceName });
      available = svc.status?.conditions?.find(c => c.type === 'Available');
      if (available?.status === 'True') break;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(available).toMatchObject({ status: 'True' });
  });

  it('proxies a user’s request with its identity in front-proxy headers and the front-proxy client certificate', async () => {
    const { connection } = cluster;
    const client = ApiServerClient.create({
      server: connection.server,
      caPem: Buffer.from(connection.caData, 'base64').toString('utf8'),
      token: connection.tokens.admin,
    });
    const res = await client
      .request('GET', `/apis/${group}/v1`)
      .finally(() => client.close());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      groupVersion: `${group}/v1`,
    });
    expect(seen).toContainEqual({
      user: 'admin',
      groups: expect.stringContaining('system:masters'),
      authorized: true,
    });
  });

  it('a Service with Endpoints at 127.0.0.1 is not possible: the API server refuses loopback endpoints', async () => {
    const core = cluster.kubeConfig('admin').makeApiClient(CoreV1Api);
    await expect(
      core.createNamespacedEndpoints({
        namespace: cluster.namespace,
        body: {
          metadata: { name: 'probe-endpoints' },
          subsets: [
            {
              addresses: [{ ip: '127.0.0.1' }],
              ports: [{ name: 'https', port: 443 }],
            },
          ],
        },
      }),
    ).rejects.toThrow(/loopback/);
  });
});
