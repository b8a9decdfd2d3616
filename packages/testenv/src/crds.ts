import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ApiServerClient } from './ApiServerClient';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
/** Field manager of everything the test environment itself applies. */
export const TESTENV_FIELD_MANAGER = 'runner-fleet-testenv';

interface CrdHead {
  metadata: { name: string };
  spec: {
    group: string;
    names: { plural: string };
    versions: Array<{ name: string; served: boolean }>;
  };
}

interface CrdStatus {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

interface ApiResourceList {
  resources?: Array<{ name: string }>;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms until it returns true; throws `describe()` after `timeoutMs`. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(describe());
    await sleep(100);
  }
}

/**
 * Installs every `*.yaml` CRD in `dir` and waits until each is Established and each served
 * version lists the resource in discovery (only then do clients find it) and it can be listed. Existing CRDs (a
 * persistent data dir) are server-side applied, so a rebuilt CRD set replaces the old one.
 *
 * @returns the names of the installed CRDs.
 */
export async function installCrds(
  client: ApiServerClient,
  dir: string,
  timeoutMs = 30_000,
): Promise<string[]> {
  const files = readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort();
  const heads = await Promise.all(
    files.map(async file => {
      const text = readFileSync(join(dir, file), 'utf8');
      const head = parse(text) as CrdHead;
      const body = { text, contentType: 'application/yaml' };
      const created = await client.request('POST', CRD_PATH, body);
      if (created.status === 409) {
        await client.expect(
          [200, 201],
          'PATCH',
          `${CRD_PATH}/${head.metadata.name}?fieldManager=${TESTENV_FIELD_MANAGER}&force=true`,
          { text, contentType: 'application/apply-patch+yaml' },
        );
      } else if (created.status !== 201) {
        throw new Error(
          `installing ${file}: HTTP ${created.status}: ${created.body.slice(
            0,
            2000,
          )}`,
        );
      }
      return head;
    }),
  );

  await Promise.all(
    heads.map(async head => {
      const name = head.metadata.name;
      await pollUntil(
        async () => {
          const res = await client.request('GET', `${CRD_PATH}/${name}`);
          const crd = JSON.parse(res.body) as CrdStatus;
          return (crd.status?.conditions ?? []).some(
            c => c.type === 'Established' && c.status === 'True',
          );
        },
        timeoutMs,
        () => `CRD ${name} not Established after ${timeoutMs} ms`,
      );
      for (const version of head.spec.versions.filter(v => v.served)) {
        const path = `/apis/${head.spec.group}/${version.name}`;
        await pollUntil(
          async () => {
            const res = await client.request('GET', path);
            if (res.status !== 200) return false;
            const list = JSON.parse(res.body) as ApiResourceList;
            return (list.resources ?? []).some(
              r => r.name === head.spec.names.plural,
            );
          },
          timeoutMs,
          () => `${head.spec.names.plural} not in discovery of ${path}`,
        );
      }
      // Established and discoverable is not yet usable: until the watch cache of the new
      // resource has initialised, requests get 429 "storage is (re)initializing".
      const served =
        head.spec.versions.find(v => v.served) ?? head.spec.versions[0];
      const list = `/apis/${head.spec.group}/${served.name}/${head.spec.names.plural}?limit=1`;
      await pollUntil(
        async () => (await client.request('GET', list)).status === 200,
        timeoutMs,
        () => `listing ${list} still fails after ${timeoutMs} ms`,
      );
    }),
  );
  return heads.map(h => h.metadata.name);
}
