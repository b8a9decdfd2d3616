import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  runnersPoolReadPermission,
  Showback,
} from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { HistoryStore } from '../database/HistoryStore';
import { HOUR_RETENTION_MS } from '../database/DatabaseHistoryStore';
import { PoolPermissions } from '../service/PoolPermissions';
import { clusterPrices } from './pricing';
import { computeShowback } from './showback';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The period a showback covers, as the API takes it. */
export interface ShowbackQuery {
  /** ISO 8601 date or date-time; default 30 days before `to`. */
  from?: string;
  /** ISO 8601 date or date-time (exclusive); default the end of the current hour. */
  to?: string;
  team?: string;
}

function parseTime(field: 'from' | 'to', value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new InputError(
      `${field}: '${value}' is not a date; use ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z`,
    );
  }
  return ms;
}

/**
 * Showback over the fleet history: what each team's pools used, per pool, flavor and cluster,
 * priced from `runners.pricing`. A caller sees the teams whose pools they may read, so a team
 * member gets their team's bill and the platform team gets everyone's.
 */
export class ShowbackService {
  readonly #history: HistoryStore;
  readonly #config: RunnersConfig;
  readonly #permissions: PoolPermissions;
  readonly #clock: () => number;

  static create(options: {
    history: HistoryStore;
    config: RunnersConfig;
    permissions: PoolPermissions;
    clock?: () => number;
  }) {
    return new ShowbackService(options);
  }

  private constructor(options: Parameters<typeof ShowbackService.create>[0]) {
    this.#history = options.history;
    this.#config = options.config;
    this.#permissions = options.permissions;
    this.#clock = options.clock ?? Date.now;
  }

  /** The period in whole hours: the history is rolled up per hour. */
  period(query: ShowbackQuery): { fromMs: number; toMs: number } {
    const now = this.#clock();
    const toMs =
      Math.ceil((query.to ? parseTime('to', query.to) : now + 1) / HOUR) * HOUR;
    const fromMs =
      Math.floor(
        (query.from ? parseTime('from', query.from) : toMs - 30 * DAY) / HOUR,
      ) * HOUR;
    if (fromMs >= toMs) {
      throw new InputError(
        `from (${new Date(fromMs).toISOString()}) must be before to (${new Date(
          toMs,
        ).toISOString()})`,
      );
    }
    if (toMs - fromMs > HOUR_RETENTION_MS + DAY) {
      throw new InputError(
        `the period from ${query.from} to ${query.to} is longer than the ${
          HOUR_RETENTION_MS / DAY
        } days of history kept; ask for a shorter period`,
      );
    }
    return { fromMs, toMs };
  }

  async report(
    credentials: BackstageCredentials,
    query: ShowbackQuery,
  ): Promise<Showback> {
    const { fromMs, toMs } = this.period(query);
    if (
      query.team &&
      !(await this.#permissions.allowsTeam(
        runnersPoolReadPermission,
        query.team,
        credentials,
      ))
    ) {
      throw new NotAllowedError(
        `you may not see the showback of team '${query.team}'; ask a member of that team or the platform team`,
      );
    }
    const allowed = await this.#permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    const hours = (
      await this.#history.hours({ fromMs, toMs, team: query.team })
    ).filter(h => allowed({ id: h.poolId, team: h.team }));
    return computeShowback({
      hours,
      fromMs,
      toMs,
      currency: this.#config.pricing?.currency,
      prices: clusterPrices(this.#config.pricing, this.#config.clusters),
    });
  }
}
