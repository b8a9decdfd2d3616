import {
  TRANSITIONAL_POOL_STATES,
  PoolHealth,
  PoolState,
} from '@runner-fleet/plugin-runners-common';
import { PoolResource } from '@runner-fleet/plugin-runners-react';

/** One pool as the tables show it: what the store says, with live health when there is some. */
export interface PoolRow {
  id: string;
  team: string;
  name: string;
  flavor: string;
  state: PoolState;
  stateReason: string;
  health?: PoolHealth;
}

/** States in which a pool changes by itself soon, so views refresh more often. */
export const TRANSITIONAL_STATES: readonly PoolState[] =
  TRANSITIONAL_POOL_STATES;

/**
 * Joins stored pools with fleet health. Health is refreshed every few seconds and lacks pools
 * the fleet does not run (rejected, just created), so stored pools decide which rows exist;
 * health-only pools (e.g. without a store answer) still show.
 */
export function poolRows(
  pools: PoolResource[] | undefined,
  health: PoolHealth[],
): PoolRow[] {
  const byId = new Map(health.map(h => [h.poolId, h]));
  const rows: PoolRow[] = (pools ?? [])
    .filter(p => p.state !== 'deleted')
    .map(p => {
      const h = byId.get(p.id);
      return {
        id: p.id,
        team: p.team,
        name: p.name,
        flavor: p.flavor.name,
        state: h?.state ?? p.state,
        stateReason: h?.stateReason ?? p.stateReason,
        health: h,
      };
    });
  const known = new Set(rows.map(r => r.id));
  for (const h of health) {
    if (!known.has(h.poolId)) {
      rows.push({
        id: h.poolId,
        team: h.team,
        name: h.name,
        flavor: h.flavor,
        state: h.state,
        stateReason: h.stateReason,
        health: h,
      });
    }
  }
  return rows.sort(
    (a, b) => a.team.localeCompare(b.team) || a.name.localeCompare(b.name),
  );
}
