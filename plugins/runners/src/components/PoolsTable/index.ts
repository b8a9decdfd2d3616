export { PoolsTable } from './PoolsTable';
export { poolRows, TRANSITIONAL_STATES } from './poolRows';
export type { PoolRow } from './poolRows';
export { TeamTotals } from './TeamTotals';
