import { Config } from '@backstage/config';
import { GuestFirmware } from '../provisioning/render';
import { fail } from './configValues';

/**
 * Reads `runners.goldenImages`: how each Windows golden image boots, keyed by its
 * `<namespace>/<DataSource name>` (the flavor's `image`, or `customFlavors.images.windows`).
 * Images not listed boot with BIOS, KubeVirt's default.
 */
export function readGoldenImages(
  config: Config | undefined,
): Record<string, GuestFirmware> {
  const images: Record<string, GuestFirmware> = {};
  (config?.getOptionalConfigArray('goldenImages') ?? []).forEach((c, i) => {
    const key = `goldenImages[${i}]`;
    const image = c.getString('image');
    if (!/^[a-z0-9-]+\/[a-z0-9-.]+$/.test(image)) {
      fail(
        `${key}.image`,
        `must be the golden image DataSource as '<namespace>/<name>', got '${image}'`,
      );
    }
    if (images[image]) fail(`${key}.image`, `'${image}' is listed twice`);
    const type = c.getOptionalString('firmware') ?? 'bios';
    const secureBoot = c.getOptionalBoolean('secureBoot');
    const tpm = c.getOptionalBoolean('tpm');
    if (type === 'bios') {
      if (secureBoot || tpm) {
        fail(
          key,
          `secureBoot and tpm need firmware: efi; '${image}' has firmware: bios`,
        );
      }
      images[image] = { type: 'bios' };
    } else if (type === 'efi') {
      images[image] = {
        type: 'efi',
        secureBoot: secureBoot ?? true,
        tpm: tpm ?? false,
      };
    } else {
      fail(`${key}.firmware`, `must be 'bios' or 'efi', got '${type}'`);
    }
  });
  return images;
}
