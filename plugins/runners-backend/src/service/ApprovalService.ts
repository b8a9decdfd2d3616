import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ApprovalRequest,
  runnersPoolReadPermission,
  runnersRequestApprovePermission,
} from '@runner-fleet/plugin-runners-common';
import { RunnersConfig } from '../config';
import { PoolStore } from '../database/PoolStore';
import { audited } from './audit';
import { untilWritten } from './conflicts';
import { PoolChanges } from './PoolChanges';
import { PoolPermissions } from './PoolPermissions';
import { PoolSpecs } from './PoolSpecs';
import { Quotas } from './Quotas';

/** Requests that wait for the platform team: who sees them, and deciding them. */
export class ApprovalService {
  readonly #store: PoolStore;
  readonly #changes: PoolChanges;
  readonly #permissions: PoolPermissions;
  readonly #auditor: AuditorService;
  readonly #onChange: (poolId: string) => void;

  static create(options: {
    store: PoolStore;
    config: RunnersConfig;
    permissions: PoolPermissions;
    auditor: AuditorService;
    onChange?: (poolId: string) => void;
  }) {
    return new ApprovalService(options);
  }

  private constructor(options: Parameters<typeof ApprovalService.create>[0]) {
    this.#store = options.store;
    this.#changes = new PoolChanges(
      new PoolSpecs(options.config),
      new Quotas(options.config, options.store),
    );
    this.#permissions = options.permissions;
    this.#auditor = options.auditor;
    this.#onChange = options.onChange ?? (() => {});
  }

  /** Every request for approvers; otherwise the requests of pools the caller may read. */
  async listRequests(
    credentials: BackstageCredentials,
    filter: { status?: ApprovalRequest['status'] } = {},
  ) {
    const all = await this.#store.listRequests({ status: filter.status });
    if (
      await this.#permissions.allowsBasic(
        runnersRequestApprovePermission,
        credentials,
      )
    )
      return all;
    const allowed = await this.#permissions.filter(
      runnersPoolReadPermission,
      credentials,
    );
    return all.filter(r => allowed({ id: r.poolId, team: r.team }));
  }

  async decideRequest(
    id: string,
    decision: { approve: boolean; reason?: string },
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<ApprovalRequest> {
    const actor = credentials.principal.userEntityRef;
    const request = await this.#store.getRequest(id);
    if (!request) throw new NotFoundError(`request '${id}' does not exist`);
    const decided = await audited(
      this.#auditor,
      decision.approve ? 'request-approve' : 'request-reject',
      credentials,
      { requestId: id, team: request.team, pool: request.poolName },
      async () => {
        await this.#permissions.assertBasic(
          runnersRequestApprovePermission,
          credentials,
          'only the platform team approves or rejects requests',
        );
        return untilWritten(`request '${id}'`, () =>
          this.#store.withTeam(request.team, tx =>
            this.#changes.decide(tx, request, decision, actor),
          ),
        );
      },
    );
    this.#onChange(request.poolId);
    return decided;
  }
}
