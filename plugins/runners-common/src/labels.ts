/** Label and annotation keys runner-fleet puts on what it provisions and reads from the catalog. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  pool: 'runner-fleet.io/pool',
  team: 'runner-fleet.io/team',
  flavor: 'runner-fleet.io/flavor',
  templateHash: 'runner-fleet.io/template-hash',
  role: 'runner-fleet.io/role',
} as const;

/** The value of `app.kubernetes.io/managed-by` and the server-side apply field manager. */
export const MANAGER = 'runner-fleet';

/** Catalog annotation: comma-separated pool names whose capacity a component page shows. */
export const POOLS_ANNOTATION = 'runner-fleet.io/pools';
