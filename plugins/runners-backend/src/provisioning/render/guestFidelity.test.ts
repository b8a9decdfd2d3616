import {
  linuxGuest,
  runnerSystemId,
  windowsGuest,
} from '@runner-fleet/fleet-simulator';
import { drainTimings, MAX_JOB_SECONDS } from './names';
import { renderPool } from './renderPool';
import {
  RUNNER_SYSTEM_ID_PATTERN,
  runnerSystemIdFrom,
  vmiRunnerSystemId,
} from './runnerSystemId';
import { secretText } from './secrets';
import { at, exampleFlavor, exampleRenderInput, findObject } from './testing';

// What the rendered boot media make a real guest do, played by the fleet simulator's guest
// model (which runs the Linux script with /bin/sh) and gitlab-runner's system_id rule
// (gitlab-runner commands/internal/configfile/system_id_state.go, loadFromFile).

describe('runner identity as gitlab-runner reports it', () => {
  it('derives ids gitlab-runner accepts (^[sr]_[0-9a-zA-Z]{12}$)', () => {
    expect(runnerSystemIdFrom('rf-builds-x7k2p')).toMatch(
      RUNNER_SYSTEM_ID_PATTERN,
    );
    expect(runnerSystemIdFrom('rf-builds-x7k2p')).not.toBe(
      runnerSystemIdFrom('rf-builds-x7k2q'),
    );
  });

  it('Linux: the cloud-init script writes the id the backend derives from the VMI name', () => {
    const objects = renderPool(exampleRenderInput());
    const userData = secretText(
      findObject(objects, 'Secret', 'rf-builds-cloudinit'),
      'userdata',
    )!;
    for (const name of ['rf-builds-abcde', 'rf-builds-zz9x1']) {
      const boot = linuxGuest(userData, name);
      const { systemId, fromFile } = runnerSystemId(boot.systemIdFile);
      expect(fromFile).toBe(true);
      expect(systemId).toBe(vmiRunnerSystemId({ metadata: { name } }, 'linux'));
    }
  });

  it('Windows: sysprep writes the id the backend derives from the firmware UUID', () => {
    const objects = renderPool(
      exampleRenderInput({ flavor: exampleFlavor('win.xlarge') }),
    );
    const secret = findObject(objects, 'Secret', 'rf-builds-sysprep');
    const data = secret.data as Record<string, string>;
    const media = Object.fromEntries(
      Object.keys(data).map(k => [k, secretText(secret, k)!]),
    );
    const uuid = '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0';
    const boot = windowsGuest(media, uuid);
    const { systemId, fromFile } = runnerSystemId(boot.systemIdFile);
    expect(fromFile).toBe(true);
    const vmi = {
      metadata: { name: 'rf-builds-0' },
      spec: { domain: { firmware: { uuid } } },
    };
    expect(systemId).toBe(vmiRunnerSystemId(vmi, 'windows'));
    // Without a firmware UUID the backend cannot know the id: it does not guess the VMI name.
    expect(
      vmiRunnerSystemId({ metadata: { name: 'rf-builds-0' } }, 'windows'),
    ).toBeUndefined();
  });
});

describe('drains never cut a job within the maximum job duration', () => {
  const timings = drainTimings();

  it('orders the budgets: runner stop < poweroff job timeout < VMI grace period', () => {
    expect(timings.runnerStopSeconds).toBeGreaterThan(MAX_JOB_SECONDS);
    expect(timings.poweroffTimeoutSeconds).toBeGreaterThan(
      timings.runnerStopSeconds,
    );
    expect(timings.terminationGracePeriodSeconds).toBeGreaterThan(
      timings.poweroffTimeoutSeconds,
    );
  });

  it('Linux: gitlab-runner drains after docker for the whole budget', () => {
    const objects = renderPool(exampleRenderInput());
    const userData = secretText(
      findObject(objects, 'Secret', 'rf-builds-cloudinit'),
      'userdata',
    )!;
    expect(userData).toContain('After=docker.service containerd.service');
    expect(userData).toContain(
      `JobTimeoutSec=${timings.poweroffTimeoutSeconds}`,
    );
    const { shutdown } = linuxGuest(userData, 'rf-builds-abcde');
    expect(shutdown.drainSeconds).toBe(timings.runnerStopSeconds);
    const rs = findObject(objects, 'VirtualMachineInstanceReplicaSet');
    expect(
      at(rs, 'spec', 'template', 'spec', 'terminationGracePeriodSeconds'),
    ).toBe(timings.terminationGracePeriodSeconds);
  });

  it('Windows: a Group Policy shutdown script drains gitlab-runner for the whole budget', () => {
    const objects = renderPool(
      exampleRenderInput({ flavor: exampleFlavor('win.xlarge') }),
    );
    const secret = findObject(objects, 'Secret', 'rf-builds-sysprep');
    const media = Object.fromEntries(
      Object.keys(secret.data as object).map(k => [k, secretText(secret, k)!]),
    );
    const { shutdown } = windowsGuest(media, 'u');
    expect(shutdown.drainSeconds).toBe(timings.runnerStopSeconds);
    const vmpool = findObject(objects, 'VirtualMachinePool');
    expect(
      at(
        vmpool,
        'spec',
        'virtualMachineTemplate',
        'spec',
        'template',
        'spec',
        'terminationGracePeriodSeconds',
      ),
    ).toBe(timings.terminationGracePeriodSeconds);
  });
});
