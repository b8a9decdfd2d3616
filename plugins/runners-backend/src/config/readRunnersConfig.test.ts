import { ConfigReader, JsonObject } from '@backstage/config';
import { renderPool } from '../provisioning/render';
import { exampleRenderInput, findObject } from '../provisioning/render/testing';
import { poolScalingUrl, readRunnersConfig } from '.';
import { PoolRecord } from '../database/PoolStore';
import { renderInputFor } from '../provisioning/renderInput';

function config(clusters: Array<Record<string, string>>) {
  return readRunnersConfig(
    new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007' },
      runners: {
        clusters,
        scalingMetrics: {
          baseUrl: 'https://runners.internal.example.com',
          token: 'keda-token-0123456789',
        },
      },
    }),
  );
}

const primary = { name: 'onprem', authProvider: 'inCluster' };
const burst = {
  name: 'cloud',
  role: 'burst',
  authProvider: 'inCluster',
  scalingUrl: 'https://runners.example.com/',
};

describe('per-cluster scaling URL', () => {
  const parsed = config([primary, burst]);

  it("gives the burst cluster's ScaledObject its own URL and the primary the default", () => {
    const poolId = '3f2b8c1e-9d4a-4e7b-8a61-0c5d2e7f9a10';
    const urlFor = (cluster: string, role: 'primary' | 'burst') => {
      const input = exampleRenderInput({
        cluster: { name: cluster, role },
      });
      input.pool.spec.autoscaling.burst = true;
      input.scaling.metricsUrl = poolScalingUrl(parsed, cluster, poolId);
      const scaledObject = findObject(
        renderPool(input),
        'ScaledObject',
        role === 'burst' ? 'rf-builds-burst' : 'rf-builds',
      ) as unknown as {
        spec: { triggers: Array<{ metadata: { url?: string } }> };
      };
      const urls = scaledObject.spec.triggers.map(t => t.metadata.url);
      expect(urls.length).toBeGreaterThan(0);
      return urls;
    };
    for (const url of urlFor('cloud', 'burst')) {
      expect(url).toBe(
        `https://runners.example.com/api/runners/scaling/pools/${poolId}`,
      );
    }
    for (const url of urlFor('onprem', 'primary')) {
      expect(url).toBe(
        `https://runners.internal.example.com/api/runners/scaling/pools/${poolId}`,
      );
    }
  });

  it('rejects a scalingUrl that is not an http(s) URL, naming the key', () => {
    expect(() =>
      config([primary, { ...burst, scalingUrl: 'runners.example.com' }]),
    ).toThrow(/clusters\[1\]\.scalingUrl/);
  });
});

describe('golden image firmware', () => {
  const withImages = (goldenImages: JsonObject[]) =>
    readRunnersConfig(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        runners: {
          goldenImages,
          scalingMetrics: { token: 'keda-token-0123456789' },
          gitlab: { baseUrl: 'https://gitlab.example.com', token: 't' },
        },
      }),
    );

  it('reads EFI images (secure boot on by default, TPM off) and leaves others to BIOS', () => {
    const parsed = withImages([
      { image: 'images/win11', firmware: 'efi', tpm: true },
      { image: 'images/win2019-efi', firmware: 'efi', secureBoot: false },
      { image: 'images/win2016' },
    ]);
    expect(parsed.goldenImages).toEqual({
      'images/win11': { type: 'efi', secureBoot: true, tpm: true },
      'images/win2019-efi': { type: 'efi', secureBoot: false, tpm: false },
      'images/win2016': { type: 'bios' },
    });
  });

  it('renders the firmware of the Windows flavor image into the pool', () => {
    const parsed = withImages([
      {
        image: 'runner-fleet-images/windows-2022-golden',
        firmware: 'efi',
        tpm: true,
      },
    ]);
    const flavor = parsed.catalog.flavors.find(f => f.name === 'win.xlarge')!;
    const base = exampleRenderInput();
    const input = renderInputFor(
      parsed,
      {
        id: base.pool.id,
        team: base.pool.team,
        name: base.pool.name,
        spec: { ...base.pool.spec, flavor: flavor.name },
        generation: 1,
        flavor,
      } as unknown as PoolRecord,
      { name: 'onprem', role: 'primary' },
      'glrt-token',
      'https://gitlab.example.com',
    );
    expect(input.firmware).toEqual({
      type: 'efi',
      secureBoot: true,
      tpm: true,
    });
    const vmpool = findObject(renderPool(input), 'VirtualMachinePool');
    expect(JSON.stringify(vmpool.spec)).toContain('"tpm":{}');
  });

  it('rejects secure boot or a TPM on BIOS and an unknown firmware, naming the key', () => {
    expect(() =>
      withImages([{ image: 'images/win', firmware: 'bios', tpm: true }]),
    ).toThrow(/runners\.goldenImages\[0\]'.*need firmware: efi/);
    expect(() =>
      withImages([{ image: 'images/win', firmware: 'uefi' }]),
    ).toThrow(/runners\.goldenImages\[0\]\.firmware'.*'bios' or 'efi'/);
    expect(() => withImages([{ image: 'win' }])).toThrow(
      /goldenImages\[0\]\.image/,
    );
  });
});

describe('config errors name the key and what to do', () => {
  type AppConfig = ConstructorParameters<typeof ConfigReader>[0];
  const read = (runners: NonNullable<AppConfig>[string]) =>
    readRunnersConfig(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        runners,
      }),
    );

  it('refuses to start without the KEDA token once a cluster is configured', () => {
    expect(() => read({ clusters: [primary] })).toThrow(
      "Invalid config at 'runners.scalingMetrics.token': is required when runners.clusters is set",
    );
    expect(read({}).scalingMetrics.token).toBeUndefined();
  });

  it('refuses 0 where 0 would break the product, and accepts a quota of 0', () => {
    expect(() => read({ reconciler: { intervalSeconds: 0 } })).toThrow(
      "Invalid config at 'runners.reconciler.intervalSeconds': must be a whole number of 1 or more, got 0",
    );
    expect(() =>
      read({
        gitlab: { baseUrl: 'http://g', token: 't', requestsPerMinute: 0 },
      }),
    ).toThrow("'runners.gitlab.requestsPerMinute'");
    expect(
      read({ quotas: { teams: { interns: { maxPools: 0 } } } }).quotas.teams
        .interns.maxPools,
    ).toBe(0);
  });
});
