import { kubevirtFirmwareUuid } from './firmwareUuid';

describe('kubevirtFirmwareUuid', () => {
  it('is the RFC 4122 v5 UUID of the VM name in KubeVirt namespace, as Go uuid.NewSHA1 computes it', () => {
    // Python: uuid.uuid5(uuid.UUID('6a1a24a1-4061-4607-8bf4-a3963d0c5895'), 'rf-builds-0')
    expect(kubevirtFirmwareUuid('rf-builds-0')).toBe(
      '81b85ec9-6f21-580e-97a8-6a3907e15cc3',
    );
  });

  it('depends on the name only', () => {
    expect(kubevirtFirmwareUuid('rf-builds-1')).not.toBe(
      kubevirtFirmwareUuid('rf-builds-0'),
    );
    expect(kubevirtFirmwareUuid('rf-builds-1')).toBe(
      kubevirtFirmwareUuid('rf-builds-1'),
    );
  });
});
