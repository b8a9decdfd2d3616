import { createHash } from 'node:crypto';

/**
 * The `system_id` values gitlab-runner accepts from `.runner_system_id`: upstream
 * `commands/internal/configfile/system_id_state.go`, `(*systemIDState).loadFromFile`, keeps the
 * file's trimmed content only if it matches this; anything else is replaced by
 * `GenerateUniqueSystemID()` (`s_` + HMAC of the machine id, or `r_` + 12 random characters),
 * which the backend could never predict.
 */
export const RUNNER_SYSTEM_ID_PATTERN = /^[sr]_[0-9a-zA-Z]{12}$/;

/** Name of the file gitlab-runner reads its `system_id` from, beside config.toml. */
export const RUNNER_SYSTEM_ID_FILE = '.runner_system_id';

/**
 * The `system_id` a runner VM's guest writes from a value KubeVirt hands it: `s_` and the first
 * 12 hex digits of SHA-256 of the value. The guest scripts (cloud-init and sysprep) compute
 * exactly this with `sha256sum` and .NET's SHA256; see {@link vmiRunnerSystemId} for the value.
 */
export function runnerSystemIdFrom(guestValue: string): string {
  const hex = createHash('sha256').update(guestValue, 'utf8').digest('hex');
  return `s_${hex.slice(0, 12)}`;
}

/** The parts of a VMI the identity rule reads. */
export interface VmiIdentity {
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

/** `spec.domain.firmware.uuid` of a VMI, lower-cased, if KubeVirt set one. */
export function vmiFirmwareUuid(vmi: VmiIdentity): string | undefined {
  const domain = vmi.spec?.domain as
    | { firmware?: { uuid?: unknown } }
    | undefined;
  const uuid = domain?.firmware?.uuid;
  return typeof uuid === 'string' && uuid ? uuid.toLowerCase() : undefined;
}

/**
 * The `system_id` GitLab reports for the runner manager of a VMI — the one rule by which the
 * ghost sweeper, fleet health and the scaling signal pair managers with VMs.
 *
 * - Linux: KubeVirt's NoCloud metadata sets the guest hostname to the VMI name
 *   (`local-hostname`), which is per VM although all replicas share one cloud-init Secret.
 * - Windows: the sysprep Secret is shared by every VM of the pool and KubeVirt sets no Windows
 *   computer name, but it gives each VM its own SMBIOS system UUID, `spec.domain.firmware.uuid`
 *   (the VM controller sets it: the VM's uid since KubeVirt 1.5's persistent firmware UUID,
 *   earlier a UUIDv5 of the VM name), which Windows reports as `Win32_ComputerSystemProduct.UUID`.
 *
 * Returns undefined for a Windows VMI whose firmware UUID is not set yet.
 */
export function vmiRunnerSystemId(
  vmi: VmiIdentity,
  os: 'linux' | 'windows',
): string | undefined {
  if (os === 'linux') return runnerSystemIdFrom(vmi.metadata.name);
  const uuid = vmiFirmwareUuid(vmi);
  return uuid ? runnerSystemIdFrom(uuid) : undefined;
}
