import { LABELS } from '@runner-fleet/plugin-runners-common';
import { shortHash, withoutHashLabel } from './labels';
import { renderPool } from './renderPool';
import { toBase64 } from './secrets';
import {
  TEST_METRICS_TOKEN,
  TEST_RUNNER_TOKEN,
  at,
  exampleFlavor,
  exampleRenderInput,
  findObject,
  withAutoscaling,
} from './testing';
import { KubeObject, RenderInput } from './types';

const linux = exampleRenderInput();
const windows = exampleRenderInput({ flavor: exampleFlavor('win.xlarge') });
const burst = withAutoscaling(
  { ...linux, cluster: { name: 'cloud', role: 'burst' } },
  { burst: true },
);
const variants: [string, RenderInput][] = [
  ['linux', linux],
  ['windows', windows],
  ['linux burst', burst],
];

function hashOf(object: KubeObject): string {
  return object.metadata.labels[LABELS.templateHash];
}

function vmTemplateHash(objects: KubeObject[]): string {
  const vmirs = findObject(objects, 'VirtualMachineInstanceReplicaSet');
  return (
    at(vmirs, 'spec', 'template', 'metadata', 'labels') as Record<
      string,
      string
    >
  )[LABELS.templateHash];
}

describe.each(variants)('invariants of a %s rendering', (_, input) => {
  const objects = renderPool(input);

  it('is deterministic: rendering twice gives byte-identical JSON', () => {
    const again = renderPool(input);
    expect(again).toEqual(objects);
    expect(JSON.stringify(again)).toBe(JSON.stringify(objects));
  });

  it('labels every object as ours, with its team and a hash of the object itself', () => {
    for (const object of objects) {
      const { labels } = object.metadata;
      expect(labels[LABELS.managedBy]).toBe('runner-fleet');
      expect(labels[LABELS.team]).toBe('payments');
      const unstamped = {
        ...object,
        metadata: { ...object.metadata, labels: withoutHashLabel(labels) },
      };
      expect(hashOf(object)).toBe(shortHash(unstamped));
    }
  });

  it('labels every pool-scoped object with the pool and flavor', () => {
    for (const object of objects.filter(
      o =>
        ![
          'Namespace',
          'ResourceQuota',
          'NetworkPolicy',
          'RoleBinding',
        ].includes(o.kind),
    )) {
      expect(object.metadata.labels).toMatchObject({
        [LABELS.pool]: input.pool.id,
        [LABELS.flavor]: input.flavor.name,
      });
    }
  });

  it('keeps both tokens out of every object but Secrets, in any encoding', () => {
    const secrets = [TEST_RUNNER_TOKEN, TEST_METRICS_TOKEN];
    const needles = [...secrets, ...secrets.map(toBase64)];
    for (const object of objects.filter(o => o.kind !== 'Secret')) {
      const json = JSON.stringify(object);
      for (const needle of needles) {
        expect(json).not.toContain(needle);
      }
    }
    for (const secret of objects.filter(o => o.kind === 'Secret')) {
      const { data, ...rest } = secret;
      for (const needle of needles) {
        expect(JSON.stringify(rest)).not.toContain(needle);
      }
      expect(data).toBeDefined();
    }
  });
});

describe('template hashes', () => {
  const base = renderPool(linux);

  it('change for the workload when the flavor changes', () => {
    const xlarge = renderPool({ ...linux, flavor: exampleFlavor('m1.xlarge') });
    const before = findObject(base, 'VirtualMachineInstanceReplicaSet');
    const after = findObject(xlarge, 'VirtualMachineInstanceReplicaSet');
    expect(hashOf(after)).not.toBe(hashOf(before));
    expect(vmTemplateHash(xlarge)).not.toBe(vmTemplateHash(base));
  });

  it('change for the VMs when the token changes, without the token in the template', () => {
    const reset = renderPool({ ...linux, runnerToken: 'glrt-another-token-1' });
    expect(vmTemplateHash(reset)).not.toBe(vmTemplateHash(base));
  });

  it('do not change when only the generation or the description changes', () => {
    const spec = { ...linux.pool.spec, description: 'now with a description' };
    const edited = renderPool({
      ...linux,
      pool: { ...linux.pool, generation: 7, spec },
    });
    expect(JSON.stringify(edited)).toBe(JSON.stringify(base));
  });

  it('of team objects are the same for every pool of the team', () => {
    const other = renderPool({
      ...linux,
      pool: { ...linux.pool, id: 'other-pool-id', name: 'nightly' },
      flavor: exampleFlavor('m1.xxlarge'),
    });
    for (const kind of ['Namespace', 'ResourceQuota', 'NetworkPolicy']) {
      expect(findObject(other, kind)).toEqual(findObject(base, kind));
    }
    expect(vmTemplateHash(other)).not.toBe(vmTemplateHash(base));
  });
});

describe('names', () => {
  it('fit Kubernetes limits for a 40-character pool name', () => {
    const name = `p${'x'.repeat(38)}9`;
    const input = withAutoscaling(
      {
        ...linux,
        cluster: { name: 'cloud', role: 'burst' },
        pool: { ...linux.pool, name },
      },
      { burst: true },
    );
    for (const object of renderPool(input)) {
      expect(object.metadata.name.length).toBeLessThanOrEqual(63);
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('reject a pool name that is not a short DNS label', () => {
    const input = { ...linux, pool: { ...linux.pool, name: 'Builds_1' } };
    expect(() => renderPool(input)).toThrow(/pool name 'Builds_1'/);
  });
});
