import {
  costWeightOf,
  customFlavorNeedsApproval,
  poolReservation,
  scalingThreshold,
  toCustomFlavor,
} from './flavors';
import { EXAMPLE_FLAVOR_CATALOG } from './testUtils';

describe('flavor maths', () => {
  it('weighs cost against m1.large, Windows higher', () => {
    expect(costWeightOf({ os: 'linux', cpu: 4, memoryGiB: 6 })).toBe(1);
    expect(costWeightOf({ os: 'linux', cpu: 8, memoryGiB: 12 })).toBe(2);
    expect(costWeightOf({ os: 'windows', cpu: 4, memoryGiB: 6 })).toBe(1.5);
  });

  it('turns a custom request into a flavor with derived slots and the configured image', () => {
    const flavor = toCustomFlavor(
      { os: 'linux', cpu: 12, memoryGiB: 24, diskGiB: 100 },
      EXAMPLE_FLAVOR_CATALOG.custom,
    );
    expect(flavor).toMatchObject({
      name: 'custom-linux-12c24g',
      jobSlots: 6,
      image: EXAMPLE_FLAVOR_CATALOG.custom.images.linux,
      custom: true,
    });
  });

  it('asks for approval only above the thresholds', () => {
    const policy = EXAMPLE_FLAVOR_CATALOG.custom;
    expect(
      customFlavorNeedsApproval(
        { os: 'linux', cpu: 16, memoryGiB: 32, diskGiB: 80 },
        policy,
      ),
    ).toBe(false);
    expect(
      customFlavorNeedsApproval(
        { os: 'linux', cpu: 17, memoryGiB: 32, diskGiB: 80 },
        policy,
      ),
    ).toBe(true);
    expect(
      customFlavorNeedsApproval(
        { os: 'linux', cpu: 8, memoryGiB: 33, diskGiB: 80 },
        policy,
      ),
    ).toBe(true);
  });

  it('reserves the maximum size against quota', () => {
    expect(
      poolReservation({ cpu: 4, memoryGiB: 6 }, { maxReplicas: 5 }),
    ).toEqual({ cpu: 20, memoryGiB: 30, storageGiB: 0 });
    // A Windows VM's disk is its own clone: it counts against clone storage.
    expect(
      poolReservation(
        { cpu: 8, memoryGiB: 16, os: 'windows', diskGiB: 160 },
        { maxReplicas: 2 },
      ),
    ).toEqual({ cpu: 16, memoryGiB: 32, storageGiB: 320 });
  });

  it('keeps 30% of 4 slots busy per VM: threshold 1.2 jobs', () => {
    expect(scalingThreshold({ jobSlots: 4 }, 0.3)).toBe(1.2);
  });
});
