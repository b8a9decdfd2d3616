import { InputError } from '@backstage/errors';
import { LABELS } from '@runner-fleet/plugin-runners-common';
import { parse as parseToml } from 'smol-toml';
import { objectKey } from './kinds';
import { renderPool } from './renderPool';
import { secretText } from './secrets';
import {
  TEST_RUNNER_TOKEN,
  at,
  exampleFlavor,
  exampleRenderInput,
  findObject,
  withAutoscaling,
} from './testing';
import { RenderInput } from './types';

describe('renderPool for a Windows pool', () => {
  const input = exampleRenderInput({ flavor: exampleFlavor('win.xlarge') });
  const objects = renderPool(input);
  const vmpool = findObject(objects, 'VirtualMachinePool');
  const vmSpec = at(vmpool, 'spec', 'virtualMachineTemplate', 'spec');
  const sysprep = findObject(objects, 'Secret', 'rf-builds-sysprep');

  it('renders a sysprep Secret and a VirtualMachinePool instead of cloud-init and a VMIRS', () => {
    expect(objects.map(objectKey)).toEqual([
      'Namespace/runners-payments',
      'ResourceQuota/runners-payments/runner-fleet',
      'NetworkPolicy.networking.k8s.io/runners-payments/runner-fleet-runner-vms',
      'RoleBinding.rbac.authorization.k8s.io/runner-fleet-images/runner-fleet-clone-to-runners-payments',
      'Secret/runners-payments/rf-builds-token',
      'Secret/runners-payments/rf-builds-sysprep',
      'Secret/runners-payments/rf-builds-metrics-auth',
      'TriggerAuthentication.keda.sh/runners-payments/rf-builds-metrics',
      'VirtualMachinePool.pool.kubevirt.io/runners-payments/rf-builds',
      'ScaledObject.keda.sh/runners-payments/rf-builds',
    ]);
    expect(vmpool.apiVersion).toBe('pool.kubevirt.io/v1beta1');
  });

  it('clones the golden image DataSource per VM, sized from the flavor', () => {
    expect(at(vmSpec, 'dataVolumeTemplates')).toEqual([
      {
        metadata: { name: 'rf-builds-disk' },
        spec: {
          sourceRef: {
            kind: 'DataSource',
            namespace: 'runner-fleet-images',
            name: 'windows-2022-golden',
          },
          storage: { resources: { requests: { storage: '160Gi' } } },
        },
      },
    ]);
    expect(at(vmSpec, 'template', 'spec', 'volumes')).toEqual([
      { name: 'rootdisk', dataVolume: { name: 'rf-builds-disk' } },
      { name: 'sysprep', sysprep: { secret: { name: 'rf-builds-sysprep' } } },
    ]);
  });

  it('extends C: over the clone in the specialize pass, before the runner is installed', () => {
    const script = (secretText(sysprep, 'runner-fleet.ps1') ?? '').split(
      '\r\n',
    );
    const extend = script.findIndex(line =>
      /Resize-Partition -DriveLetter C -Size \(Get-PartitionSupportedSize -DriveLetter C\)\.SizeMax/.test(
        line,
      ),
    );
    const install = script.findIndex(line => line.includes(' install '));
    expect(extend).toBeGreaterThan(0);
    expect(extend).toBeLessThan(install);
    // guarded: Resize-Partition fails when C: already fills the disk
    expect(script[extend]).toMatch(
      /^if \(\(Get-Partition -DriveLetter C\)\.Size -lt \$cMax\)/,
    );
    // ...and the disk it fills is the flavor's (win.xlarge: 160 GiB)
    expect(input.flavor.diskGiB).toBe(160);
    expect(
      at(vmSpec, 'dataVolumeTemplates', 0, 'spec', 'storage', 'resources'),
    ).toEqual({ requests: { storage: '160Gi' } });
  });

  it('keeps its VMs running, sized from the flavor, with a selector matching the VM labels', () => {
    expect(at(vmSpec, 'runStrategy')).toBe('Always');
    const domain = at(vmSpec, 'template', 'spec', 'domain');
    expect(at(domain, 'cpu')).toEqual({ cores: 8 });
    expect(at(domain, 'memory')).toEqual({ guest: '16Gi' });
    const selector = at(vmpool, 'spec', 'selector', 'matchLabels') as object;
    for (const path of [
      ['virtualMachineTemplate', 'metadata', 'labels'],
      ['virtualMachineTemplate', 'spec', 'template', 'metadata', 'labels'],
    ]) {
      expect(at(vmpool, 'spec', ...path)).toMatchObject(selector);
    }
    expect(selector).toEqual({
      [LABELS.pool]: input.pool.id,
      [LABELS.role]: 'primary',
    });
    expect(at(vmpool, 'spec', 'replicas')).toBeUndefined();
  });

  it('scales in from the highest index, dropping the removed disk', () => {
    expect(at(vmpool, 'spec', 'scaleInStrategy')).toEqual({
      proactive: {
        selectionPolicy: { sortPolicy: 'DescendingOrder' },
        statePreservation: 'Disabled',
      },
    });
  });

  it('lets exactly the team namespace’s VM ServiceAccount clone from the golden-image namespace', () => {
    const binding = findObject(objects, 'RoleBinding');
    expect(binding.metadata.namespace).toBe('runner-fleet-images');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'runner-fleet-clone-golden-images',
    });
    // KubeVirt authorises dataVolumeTemplates clones as the VM namespace's `default` SA
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: 'default',
        namespace: 'runners-payments',
      },
    ]);
    // shared by the team's Windows pools: no pool label
    expect(binding.metadata.labels[LABELS.pool]).toBeUndefined();
    const other = renderPool({
      ...input,
      pool: { ...input.pool, id: 'another-pool', name: 'nightly' },
    });
    expect(findObject(other, 'RoleBinding')).toEqual(binding);
  });

  it('never updates or restarts running VMs when the template changes', () => {
    // Upstream's default is proactive with maxUnavailable 100%: every VM restarted at once.
    expect(at(vmpool, 'spec', 'updateStrategy')).toEqual({ unmanaged: {} });
    expect(at(vmpool, 'spec', 'maxUnavailable')).toBeUndefined();
  });

  it('puts the answer file under both sysprep names and the runner config beside it', () => {
    const answer = secretText(sysprep, 'autounattend.xml') ?? '';
    expect(secretText(sysprep, 'unattend.xml')).toBe(answer);
    expect(answer).toContain('<settings pass="specialize">');
    expect(answer).toContain('runner-fleet.ps1');
    const path = /<Path>(.*)<\/Path>/.exec(answer)?.[1] ?? '';
    expect(path.length).toBeGreaterThan(0);
    expect(path.length).toBeLessThanOrEqual(259);
    expect(answer).not.toContain(TEST_RUNNER_TOKEN);
    expect(secretText(sysprep, 'runner-fleet.ps1')).toContain(
      'gitlab-runner.exe',
    );
  });

  it('writes a config.toml that parses back with the token and concurrent = job slots', () => {
    const toml = parseToml(secretText(sysprep, 'config.toml') ?? '');
    expect(toml.concurrent).toBe(2);
    expect(toml.runners).toEqual([
      expect.objectContaining({
        url: 'https://gitlab.example.com',
        token: TEST_RUNNER_TOKEN,
        executor: 'shell',
      }),
    ]);
  });

  it('refuses to burst, and says what to do', () => {
    const burst = withAutoscaling(
      { ...input, cluster: { name: 'cloud', role: 'burst' } },
      { burst: true },
    );
    expect(() => renderPool(burst)).toThrow(InputError);
    expect(() => renderPool(burst)).toThrow(/turn autoscaling.burst off/);
  });

  it('rejects a golden image that is not <namespace>/<DataSource>', () => {
    const flavor = { ...exampleFlavor('win.xlarge'), image: 'golden' };
    expect(() => renderPool({ ...input, flavor })).toThrow(
      /<namespace>\/<DataSource name>/,
    );
  });
});

describe('Windows firmware per golden image', () => {
  const domainOf = (firmware?: RenderInput['firmware']) => {
    const vmpool = findObject(
      renderPool(
        exampleRenderInput({ flavor: exampleFlavor('win.xlarge'), firmware }),
      ),
      'VirtualMachinePool',
    );
    return {
      domain: at(
        vmpool,
        'spec',
        'virtualMachineTemplate',
        'spec',
        'template',
        'spec',
        'domain',
      ),
      hash: vmpool.metadata.labels[LABELS.templateHash],
    };
  };

  it('boots BIOS by default: no firmware, SMM or TPM rendered', () => {
    const { domain } = domainOf();
    expect(at(domain, 'firmware')).toBeUndefined();
    expect(at(domain, 'features', 'smm')).toBeUndefined();
    expect(at(domain, 'devices', 'tpm')).toBeUndefined();
    expect(domainOf({ type: 'bios' })).toEqual(domainOf());
  });

  it('boots EFI with secure boot on SMM and a TPM when the image says so', () => {
    const { domain } = domainOf({ type: 'efi', secureBoot: true, tpm: true });
    expect(at(domain, 'firmware')).toEqual({
      bootloader: { efi: { secureBoot: true } },
    });
    expect(at(domain, 'features', 'smm')).toEqual({ enabled: true });
    expect(at(domain, 'features', 'hyperv')).toBeDefined();
    expect(at(domain, 'devices', 'tpm')).toEqual({});
    expect(at(domain, 'devices', 'disks')).toHaveLength(2);
  });

  it('states secure boot off explicitly (KubeVirt defaults it to on) and then needs no SMM', () => {
    const { domain } = domainOf({ type: 'efi', secureBoot: false, tpm: false });
    expect(at(domain, 'firmware', 'bootloader', 'efi')).toEqual({
      secureBoot: false,
    });
    expect(at(domain, 'features', 'smm')).toBeUndefined();
    expect(at(domain, 'devices', 'tpm')).toBeUndefined();
  });

  it('rolls the VMs when the firmware changes', () => {
    expect(
      domainOf({ type: 'efi', secureBoot: true, tpm: false }).hash,
    ).not.toBe(domainOf().hash);
  });
});

describe('Windows pool on a cluster that serves only pool.kubevirt.io/v1alpha1', () => {
  const render = (vmPoolVersion?: 'v1alpha1' | 'v1beta1') =>
    findObject(
      renderPool(
        exampleRenderInput({
          flavor: exampleFlavor('win.xlarge'),
          cluster: { name: 'kv-primary', role: 'primary', vmPoolVersion },
        }),
      ),
      'VirtualMachinePool',
    );

  it('renders v1alpha1 without scaleInStrategy, which KubeVirt 1.5 does not know', () => {
    const vmpool = render('v1alpha1');
    expect(vmpool.apiVersion).toBe('pool.kubevirt.io/v1alpha1');
    expect(Object.keys(vmpool.spec as object).sort()).toEqual([
      'selector',
      'virtualMachineTemplate',
    ]);
  });

  it('keeps the same VMs: only the pool object differs from the v1beta1 rendering', () => {
    const alpha = render('v1alpha1');
    const beta = render();
    expect(beta.apiVersion).toBe('pool.kubevirt.io/v1beta1');
    expect(at(beta, 'spec', 'scaleInStrategy')).toBeDefined();
    expect(at(alpha, 'spec', 'virtualMachineTemplate')).toEqual(
      at(beta, 'spec', 'virtualMachineTemplate'),
    );
  });
});
