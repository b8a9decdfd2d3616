import { createHash } from 'node:crypto';

/**
 * The namespace KubeVirt derives firmware UUIDs in (`magicUUID`,
 * pkg/virt-controller/watch/vm/firmware.go; vm/vm.go `firmwareUUIDns` at v1.5.0).
 */
const FIRMWARE_UUID_NAMESPACE = '6a1a24a1-4061-4607-8bf4-a3963d0c5895';

/**
 * The SMBIOS system UUID KubeVirt gives a VM without `firmware.uuid`: a name-based UUID (RFC 4122
 * version 5, SHA-1) of the VM's name in KubeVirt's namespace (`CalculateLegacyUUID`). KubeVirt
 * 1.5 sets it on the VMI; 1.6 to 1.9 write it into the VM's template first (`FirmwareController`).
 * Either way it depends on the name only: a VM recreated with the same name gets the same UUID.
 */
export function kubevirtFirmwareUuid(vmName: string): string {
  const namespace = Buffer.from(
    FIRMWARE_UUID_NAMESPACE.replace(/-/g, ''),
    'hex',
  );
  const bytes = createHash('sha1')
    .update(namespace)
    .update(vmName, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(
    12,
    16,
  )}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
