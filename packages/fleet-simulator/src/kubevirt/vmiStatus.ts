import { SimContext } from '../context';
import { guestOs, VmiObject, VmiPhase } from './types';

/** Nodes VMIs are "scheduled" to. */
const NODE_COUNT = 6;

/** The virt-launcher image a KubeVirt 1.7 installation reports. */
const LAUNCHER_IMAGE = 'quay.io/kubevirt/virt-launcher:v1.7.0';

/** When each phase of one VMI's boot happens, drawn once per VMI from its own random stream. */
export interface BootPlan {
  os: 'linux' | 'windows';
  bootMs: number;
  nodeName: string;
  ip: string;
  mac: string;
  podUid: string;
  /** Phases with their offset from creation, in simulated ms; the last one is final. */
  steps: Array<{ phase: VmiPhase; atMs: number }>;
}

/**
 * Draws a VMI's boot: the time to Running from the OS's distribution (at least a third of the
 * mean), whether it fails on the way (at the failure rate, at a random point), its node and
 * address. The stream is keyed by namespace/name, so a seeded run boots the same VMIs alike.
 */
export function bootPlan(ctx: SimContext, vmi: VmiObject): BootPlan {
  const random = ctx.random.fork(
    `vmi/${vmi.metadata.namespace}/${vmi.metadata.name}`,
  );
  const os = guestOs(vmi);
  const { meanSeconds, stddevSeconds } = ctx.settings.bootTime[os];
  const seconds = Math.max(
    meanSeconds / 3,
    meanSeconds + stddevSeconds * random.normal(),
  );
  const bootMs = Math.round(seconds * 1000);
  const fails = random.chance(ctx.settings.failureRate);
  const failAtMs = Math.round(bootMs * random.uniform(0.2, 0.95));
  const steps: BootPlan['steps'] = [
    { phase: 'Pending', atMs: 0 },
    { phase: 'Scheduling', atMs: Math.round(bootMs * 0.03) },
    { phase: 'Scheduled', atMs: Math.round(bootMs * 0.15) },
  ];
  const images = (vmi.spec.volumes ?? []).map(v => v.containerDisk?.image);
  if (images.some(image => image && ctx.settings.unpullableImages.has(image))) {
    // The pod never starts: no Scheduled, no Running, no failure either (kubelet retries the
    // pull with back-off forever), which is what makes a bad image a silent rollout stall.
    steps.splice(2);
  } else if (fails) {
    steps.push({
      phase: 'Failed',
      atMs: Math.max(failAtMs, steps[2].atMs + 1),
    });
  } else {
    steps.push({ phase: 'Running', atMs: bootMs });
  }
  const octet = () => random.int(254) + 1;
  return {
    os,
    bootMs,
    nodeName: `sim-node-${random.int(NODE_COUNT) + 1}`,
    ip: `10.244.${random.int(NODE_COUNT)}.${octet()}`,
    mac: `02:${[0, 0, 0, 0, 0].map(() => random.hex(2)).join(':')}`,
    podUid: `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-8${random.hex(
      3,
    )}-${random.hex(12)}`,
    steps,
  };
}

/** The status fields virt-handler reports for a running, ready guest. */
export function runningStatus(
  ctx: SimContext,
  plan: BootPlan,
): Record<string, unknown> {
  const now = ctx.clock.kubeTime();
  const windows = plan.os === 'windows';
  return {
    nodeName: plan.nodeName,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      },
      {
        type: 'AgentConnected',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
      },
    ],
    interfaces: [
      {
        name: 'default',
        interfaceName: windows ? 'Ethernet' : 'eth0',
        ipAddress: plan.ip,
        ipAddresses: [plan.ip],
        mac: plan.mac,
        infoSource: 'domain, guest-agent',
        linkState: 'up',
        queueCount: 1,
        podInterfaceName: 'eth0',
      },
    ],
    guestOSInfo: windows
      ? {
          id: 'mswindows',
          name: 'Microsoft Windows',
          prettyName: 'Windows Server 2022 Datacenter',
          version: '2022',
        }
      : {
          id: 'ubuntu',
          name: 'Ubuntu',
          prettyName: 'Ubuntu 24.04 LTS',
          version: '24.04',
          versionId: '24.04',
        },
    activePods: { [plan.podUid]: plan.nodeName },
    qosClass: 'Burstable',
    launcherContainerImageVersion: LAUNCHER_IMAGE,
    migrationMethod: 'BlockMigration',
  };
}
