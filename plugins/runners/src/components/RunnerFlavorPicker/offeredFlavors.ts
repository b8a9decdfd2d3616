import {
  Flavor,
  FlavorCatalog,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';

/** The standard flavors a template may offer, of one OS when `os` is given. */
export function offeredFlavors(
  catalog: FlavorCatalog,
  os: RunnerOs | undefined,
): Flavor[] {
  // Team-specific shapes go through the request form and its approval, never a template.
  return catalog.flavors.filter(f => !f.custom && (!os || f.os === os));
}

/** One line with what a VM of the flavor has and costs. */
export function describeFlavor(f: Flavor): string {
  const os = f.os === 'windows' ? 'Windows' : 'Linux';
  const slots = `${f.jobSlots} job slot${f.jobSlots === 1 ? '' : 's'}`;
  return `${os} · ${f.cpu} vCPU · ${f.memoryGiB} GiB memory · ${f.diskGiB} GiB disk · ${slots} · relative cost ${f.costWeight}×`;
}
