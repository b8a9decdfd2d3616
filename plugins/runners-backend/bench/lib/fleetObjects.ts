import { randomBytes } from 'node:crypto';
import { PoolRecord } from '../../src/database/PoolStore';
import { CachedObject } from '../../src/fleet/FleetCache';
import {
  poolObjectNames,
  teamNamespace,
  vmiRunnerSystemId,
} from '../../src/provisioning/render';
import { BareKube } from './kube';

/* VMIs and runner managers as KubeVirt and gitlab-runner would make them, for the benchmarks. */

/** A VMI name as KubeVirt's replica-set controller makes it: the set's name and 5 random characters. */
function vmiName(replicaSet: string): string {
  return `${replicaSet}-${randomBytes(3).toString('hex').slice(0, 5)}`;
}

/** One VMI of a replica set, as KubeVirt's controller makes it, Running. */
export function vmiOf(rs: CachedObject, index: number): CachedObject {
  const template = (
    rs.spec as {
      template: {
        metadata?: { labels?: Record<string, string> };
        spec: unknown;
      };
    }
  ).template;
  const name = vmiName(rs.metadata.name);
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name,
      namespace: rs.metadata.namespace,
      labels: {
        ...template.metadata?.labels,
        'kubevirt.io/vmReplicaSet': rs.metadata.name,
      },
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachineInstanceReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec as Record<string, unknown>,
    status: {
      phase: 'Running',
      nodeName: `bench-node-${index % 6}`,
      conditions: [{ type: 'Ready', status: 'True' }],
      interfaces: [
        {
          name: 'default',
          ipAddress: `10.244.${index % 250}.${(index % 200) + 2}`,
        },
      ],
    },
  };
}

/** The pool's `glrt-` token from the Secret the reconciler wrote (as the VM's cloud-init reads it). */
export async function runnerToken(
  admin: BareKube,
  pool: PoolRecord,
): Promise<string> {
  const secret = await admin.json<{ data: { token: string } }>(
    'GET',
    `/api/v1/namespaces/${teamNamespace(pool.team)}/secrets/${
      poolObjectNames(pool.name).tokenSecret
    }`,
  );
  return Buffer.from(secret.data.token, 'base64').toString('utf8');
}

/**
 * Stores one VMI and registers its runner manager with GitLab as gitlab-runner in the VM would
 * (`POST /runners/verify` with the pool's token and the VM's system id), so the ghost sweeper
 * sees a registered VM and leaves it alone.
 */
export async function createVmi(
  admin: BareKube,
  gitlabUrl: string,
  token: string,
  vmi: CachedObject,
): Promise<void> {
  // Random names collide now and then (~0.1 per 10,000 VMIs at 20 per set): like KubeVirt's
  // controller after a generateName collision, try again with another name.
  for (let attempt = 1; ; attempt++) {
    const path = `/apis/kubevirt.io/v1/namespaces/${vmi.metadata.namespace}/virtualmachineinstances`;
    const res = await admin.raw('POST', path, vmi);
    if (res.status < 300) break;
    const owner = vmi.metadata.ownerReferences?.[0]?.name;
    if (res.status !== 409 || !owner || attempt === 5) {
      throw new Error(
        `POST ${path} answered ${res.status}: ${res.text.slice(0, 300)}`,
      );
    }
    vmi.metadata.name = vmiName(owner);
  }
  const res = await fetch(`${gitlabUrl}/api/v4/runners/verify`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      token,
      system_id: vmiRunnerSystemId(vmi, 'linux'),
    }),
  });
  if (!res.ok) {
    throw new Error(
      `registering the manager of ${vmi.metadata.name}: ${res.status}`,
    );
  }
}
