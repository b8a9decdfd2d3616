import { CoreV1Api } from '@kubernetes/client-node';
import { request, RequestOptions } from 'node:https';
import { useTestCluster } from '@runner-fleet/testenv/jest';
import { randomBytes } from 'node:crypto';
import { renderedKindOf } from './kinds';
import { renderPool } from './renderPool';
import { exampleFlavor, exampleRenderInput, withAutoscaling } from './testing';
import { KubeObject, RenderInput } from './types';

/*
 * Every rendered object through the real kube-apiserver (upstream CRDs installed), as
 * `kubectl apply --server-side --dry-run=server --validate=strict` would send it: a server-side
 * apply with dryRun=All and fieldValidation=Strict, so an unknown or duplicate field fails
 * instead of being dropped with a warning.
 */
const cluster = useTestCluster();

/** The URL path of an object, from the kinds the renderers declare. */
function pathOf(object: KubeObject): string {
  const kind = renderedKindOf(object.apiVersion, object.kind);
  const base = kind.group
    ? `/apis/${kind.group}/${kind.version}`
    : `/api/${kind.version}`;
  const ns = kind.namespaced ? `/namespaces/${object.metadata.namespace}` : '';
  return `${base}${ns}/${kind.plural}/${object.metadata.name}`;
}

async function strictDryRunApply(object: KubeObject): Promise<void> {
  const kc = cluster.kubeConfig('admin');
  const server = new URL(kc.getCurrentCluster()!.server);
  const options: RequestOptions = {
    method: 'PATCH',
    hostname: server.hostname,
    port: server.port,
    path: `${pathOf(
      object,
    )}?dryRun=All&fieldManager=runner-fleet&force=true&fieldValidation=Strict`,
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
  };
  await kc.applyToHTTPSOptions(options);
  await new Promise<void>((resolve, reject) => {
    const req = request(options, res => {
      let body = '';
      res.on('data', chunk => (body += chunk));
      res.on('end', () =>
        (res.statusCode ?? 500) < 300
          ? resolve()
          : reject(new Error(`${res.statusCode} ${body}`)),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(object));
  });
}

async function dryRun(objects: KubeObject[]): Promise<string[]> {
  const failures: string[] = [];
  for (const object of objects) {
    try {
      await strictDryRunApply(object);
    } catch (error) {
      failures.push(
        `${object.kind} ${object.metadata.name}: ${(error as Error).message}`,
      );
    }
  }
  return failures;
}

/** The input for a fresh team, whose namespace exists (dry runs do not create it). */
async function forFreshTeam(input: RenderInput): Promise<RenderInput> {
  const team = `dry${randomBytes(3).toString('hex')}`;
  await cluster
    .kubeConfig('admin')
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: `runners-${team}` } } });
  return {
    ...input,
    pool: { ...input.pool, team, spec: { ...input.pool.spec, team } },
  };
}

describe('rendered objects against the real API server (server-side apply, dry run)', () => {
  it.each([
    ['linux primary', exampleRenderInput()],
    [
      'windows primary',
      exampleRenderInput({ flavor: exampleFlavor('win.xlarge') }),
    ],
    [
      'linux burst',
      withAutoscaling(
        { ...exampleRenderInput(), cluster: { name: 'cloud', role: 'burst' } },
        { burst: true },
      ),
    ],
  ])('%s: every object is accepted', async (_, input) => {
    const objects = renderPool(await forFreshTeam(input));
    expect(objects.map(o => o.kind)).toContain('NetworkPolicy');
    expect(await dryRun(objects)).toEqual([]);
  });

  it('rejects a misplaced field, so a pass means something', async () => {
    const objects = renderPool(
      await forFreshTeam(
        exampleRenderInput({ flavor: exampleFlavor('win.xlarge') }),
      ),
    );
    const broken = objects
      .filter(o => ['NetworkPolicy', 'RoleBinding'].includes(o.kind))
      .map(o => ({ ...o, spec: { ...(o.spec as object), podSelectr: {} } }));
    const failures = await dryRun(broken);
    expect(failures).toHaveLength(2);
    for (const failure of failures) {
      expect(failure).toMatch(
        /\.spec(\.podSelectr)?: field not declared in schema/,
      );
    }
  });
});
