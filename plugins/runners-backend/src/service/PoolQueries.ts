import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ApprovalReason,
  PoolValidation,
  QuotaUsage,
  runnersFleetReadPermission,
  runnersPoolReadPermission,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import { teamOfGroupRef } from '@runner-fleet/plugin-runners-node';
import { RunnersConfig } from '../config';
import { PoolStore } from '../database/PoolStore';
import { isUser } from './audit';
import { PoolSpecInput } from './normalize';
import { PoolPermissions } from './PoolPermissions';
import { PoolSpecs } from './PoolSpecs';
import { Quotas } from './Quotas';

/**
 * What the portal asks before it changes anything: the flavor catalog, a spec's validation with
 * its approval and quota impact, and the quotas a caller may see.
 */
export class PoolQueries {
  readonly #store: PoolStore;
  readonly #specs: PoolSpecs;
  readonly #quotas: Quotas;
  readonly #permissions: PoolPermissions;
  readonly #userInfo: UserInfoService;

  static create(options: {
    store: PoolStore;
    config: RunnersConfig;
    permissions: PoolPermissions;
    userInfo: UserInfoService;
  }) {
    return new PoolQueries(options);
  }

  private constructor(options: Parameters<typeof PoolQueries.create>[0]) {
    this.#store = options.store;
    this.#specs = new PoolSpecs(options.config);
    this.#quotas = new Quotas(options.config, options.store);
    this.#permissions = options.permissions;
    this.#userInfo = options.userInfo;
  }

  listFlavors() {
    return this.#specs.catalog();
  }

  /** Checks a spec for the portal form: field errors, approval, quota impact. */
  async validate(
    input: PoolSpecInput,
    credentials: BackstageCredentials,
  ): Promise<PoolValidation> {
    const spec = this.#specs.normalize(input);
    const errors = validatePoolSpec(spec, this.#specs.catalog());
    if (
      errors.some(e => e.field === 'flavor' || e.field.startsWith('flavor.'))
    ) {
      return { errors, needsApproval: false, approvalReasons: [] };
    }
    const { flavor, reservation, approvalReasons } = this.#specs.resolve(spec);
    let quota: QuotaUsage | undefined;
    if (
      await this.#permissions.allowsTeam(
        runnersPoolReadPermission,
        spec.team,
        credentials,
      )
    ) {
      quota = await this.#quotas.usage(spec.team);
      const taken = (await this.#store.listPools({ teams: [spec.team] })).some(
        p => p.name === spec.name,
      );
      if (taken) {
        errors.push({
          field: 'name',
          message: `team '${spec.team}' already has a pool named '${spec.name}'; pick another name`,
        });
      }
    }
    // Over quota is asked of the platform team, like a custom flavor (see PoolService).
    const reasons: ApprovalReason[] =
      quota &&
      (quota.used.cpu + reservation.cpu > quota.limits.maxCpu ||
        quota.used.memoryGiB + reservation.memoryGiB >
          quota.limits.maxMemoryGiB ||
        quota.used.pools + 1 > quota.limits.maxPools)
        ? [...approvalReasons, 'over-quota']
        : approvalReasons;
    return {
      errors,
      needsApproval: reasons.length > 0,
      approvalReasons: reasons,
      flavor,
      reservation,
      quota,
    };
  }

  /** The caller's teams' quotas; every team's for those who may see the whole fleet. */
  async listQuotas(
    credentials: BackstageCredentials,
    team?: string,
  ): Promise<QuotaUsage[]> {
    const canSeeAll = await this.#permissions.allowsBasic(
      runnersFleetReadPermission,
      credentials,
    );
    const own = isUser(credentials)
      ? (
          await this.#userInfo.getUserInfo(credentials)
        ).ownershipEntityRefs.flatMap(ref => teamOfGroupRef(ref) ?? [])
      : [];
    let teams = own;
    if (canSeeAll) {
      const pools = await this.#store.listPools();
      teams = [
        ...new Set([
          ...this.#quotas.configuredTeams(),
          ...pools.map(p => p.team),
          ...own,
        ]),
      ];
    }
    if (team) teams = teams.filter(t => t === team);
    return Promise.all(teams.sort().map(t => this.#quotas.usage(t)));
  }
}
