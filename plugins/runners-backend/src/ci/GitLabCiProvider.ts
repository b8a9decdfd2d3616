import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  CiJob,
  CiProvider,
  CiRunner,
  CiRunnerManager,
  CiRunnerSpec,
  fleetRunnerDescription,
} from '@runner-fleet/plugin-runners-node';
import { GitLabSettings } from '../config';
import { isNamed, withCause } from './gitlabErrors';
import { createGitLabResources } from './GitLabRequester';
import {
  GitLabJson,
  idOf,
  isFleetRunner,
  jsonList,
  toCiJob,
  toCiManager,
  toCiRunner,
  tokenOf,
} from './gitlabMapping';
import { maintenanceNote, resolveRunnerTarget } from './runnerTarget';

/** Options of {@link GitLabCiProvider.create}. @public */
export interface GitLabCiProviderOptions {
  settings: GitLabSettings;
  logger: LoggerService;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Waits between retries and for the rate limiter; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** `listJobs` options; `systemId` (GitLab's `system_id` filter) goes beyond `CiProvider`. @public */
export interface GitLabJobListOptions {
  status?: string;
  /** Most recent jobs to return; default 20, at most 1000. */
  limit?: number;
  /** Only jobs of this runner manager (VM); the returned jobs then carry it as `systemId`. */
  systemId?: string;
}

type Deps = { logger: LoggerService } & ReturnType<
  typeof createGitLabResources
>;

/**
 * The GitLab {@link CiProvider}: one GitLab runner per pool, created with `POST /user/runners`.
 *
 * The configured token needs the `create_runner`, `manage_runner` and `read_api` scopes (or
 * `api`), the Owner role on every group (Maintainer on every project) pools register runners in,
 * and administrator rights for instance runners. With an administrator token the fleet listing
 * reads `GET /runners/all` (every runner of the instance); otherwise `GET /runners`, the runners
 * the token's user owns, which covers every runner that user could have created.
 *
 * Calls go through gitbeaker with Runner Fleet's own request layer: a shared client-side limit of
 * `requestsPerMinute`, `Retry-After` honoured within `maxRetryWaitSeconds` per request, two quick
 * retries of 5xx, Backstage errors with GitLab's message for everything else. Runner tokens are
 * returned only by `createRunner` and `resetToken`, and never logged.
 *
 * @public
 */
export class GitLabCiProvider implements CiProvider {
  readonly #deps: Deps;
  /** Whether the token may read `GET /runners/all`; learnt on the first listing. */
  #adminListing: boolean | undefined;

  static create(options: GitLabCiProviderOptions): GitLabCiProvider {
    return new GitLabCiProvider({
      logger: options.logger,
      ...createGitLabResources(options),
    });
  }

  private constructor(deps: Deps) {
    this.#deps = deps;
  }

  async createRunner(
    spec: CiRunnerSpec,
  ): Promise<{ id: number; token: string }> {
    const { runnerType, ...scopeIds } = await resolveRunnerTarget(
      spec.scope,
      this.#deps,
    );
    const created = await this.#deps.users.createCIRunner(runnerType, {
      ...scopeIds,
      description: fleetRunnerDescription(spec),
      tagList: spec.tags,
      runUntagged: spec.runUntagged,
      locked: false,
      paused: false,
      maintenanceNote: maintenanceNote(spec),
    });
    const id = idOf(created, 'POST /user/runners');
    this.#deps.logger.info(
      `Created GitLab runner ${id} for pool ${spec.team}/${spec.poolName}`,
    );
    return { id, token: tokenOf(created, 'POST /user/runners') };
  }

  async updateRunner(id: number, spec: CiRunnerSpec): Promise<void> {
    await this.#deps.runners.edit(id, {
      description: fleetRunnerDescription(spec),
      tagList: spec.tags,
      runUntagged: spec.runUntagged,
    });
  }

  async resetToken(id: number): Promise<string> {
    const call = `runners/${id}/reset_authentication_token`;
    const { body } = await this.#deps.runners.requester.post(call);
    this.#deps.logger.info(`Issued a new token for GitLab runner ${id}`);
    return tokenOf(body, `POST /${call}`);
  }

  async deleteRunner(id: number): Promise<void> {
    try {
      await this.#deps.runners.remove({ runnerId: id });
    } catch (error) {
      if (!isNamed(error, 'NotFoundError')) throw error;
    }
  }

  /**
   * Runner Fleet's runners, recognised by their description. GitLab's list endpoints do not
   * include `tag_list`, so the returned runners have empty `tags`; use `getRunner` for tags.
   */
  async listFleetRunners(): Promise<CiRunner[]> {
    const runners = await this.#listRunners();
    return runners.filter(isFleetRunner).map(toCiRunner);
  }

  async getRunner(id: number): Promise<CiRunner | undefined> {
    try {
      return toCiRunner(await this.#deps.runners.show(id));
    } catch (error) {
      if (isNamed(error, 'NotFoundError')) return undefined;
      throw error;
    }
  }

  async listManagers(runnerId: number): Promise<CiRunnerManager[]> {
    const call = `runners/${runnerId}/managers`;
    const { body } = await this.#deps.runners.requester.get(call);
    return jsonList(body, `GET /${call}`).map(toCiManager);
  }

  /**
   * Removes a runner manager whose VM is gone. GitLab deletes managers only through
   * `DELETE /runners/managers`, authenticated with the runner's own token; no endpoint accepts a
   * user or administrator token. With `options.runnerToken` (read from the pool's Secret) the
   * manager is deleted; without it this only checks that the manager is gone and otherwise leaves
   * it: it stays listed as `offline`, then `stale`, takes no jobs, and GitLab's
   * `StaleManagersCleanupCronWorker` deletes it after 7 days without contact. A missing runner or
   * manager counts as removed.
   */
  async deleteManager(
    runnerId: number,
    systemId: string,
    options: { runnerToken?: string } = {},
  ): Promise<void> {
    if (options.runnerToken) {
      await this.#deleteManagerWithRunnerToken(
        runnerId,
        systemId,
        options.runnerToken,
      );
      return;
    }
    const managers = await this.listManagers(runnerId).catch(error => {
      if (isNamed(error, 'NotFoundError')) return [];
      throw error;
    });
    if (managers.some(m => m.systemId === systemId)) {
      this.#deps.logger.debug(
        `Runner manager '${systemId}' of GitLab runner ${runnerId} stays until GitLab removes ` +
          'it after 7 days without contact: deleting it needs the runner token',
      );
    }
  }

  /** Newest first; GitLab's `/runners/:id/jobs` has no tags or manager per job (see toCiJob). */
  async listJobs(
    runnerId: number,
    options: GitLabJobListOptions = {},
  ): Promise<CiJob[]> {
    const limit = Math.min(Math.max(Math.floor(options.limit ?? 20), 1), 1000);
    const perPage = Math.min(limit, 100);
    const query = {
      status: options.status,
      orderBy: 'id',
      sort: 'desc',
      perPage,
      maxPages: Math.ceil(limit / perPage),
      ...(options.systemId ? { systemId: options.systemId } : {}),
    };
    const jobs: GitLabJson[] = await this.#deps.runners.allJobs(
      runnerId,
      query,
    );
    return jobs
      .slice(0, limit)
      .map(job => toCiJob(job, runnerId, options.systemId));
  }

  async #deleteManagerWithRunnerToken(
    runnerId: number,
    systemId: string,
    token: string,
  ): Promise<void> {
    try {
      await this.#deps.runners.requester.delete('runners/managers', {
        body: { token, systemId },
      });
    } catch (error) {
      if (isNamed(error, 'NotFoundError')) return;
      if (isNamed(error, 'NotAllowedError')) {
        throw withCause(
          new NotAllowedError(
            `GitLab did not accept the runner token given for runner ${runnerId} when removing ` +
              `its manager '${systemId}'; the token may have been reset`,
          ),
          error.cause,
        );
      }
      throw error;
    }
  }

  async #listRunners(): Promise<GitLabJson[]> {
    const { runners, logger } = this.#deps;
    if (this.#adminListing !== false) {
      try {
        const all = await runners.all({ perPage: 100 });
        this.#adminListing = true;
        return all;
      } catch (error) {
        if (!isNamed(error, 'NotAllowedError')) throw error;
        this.#adminListing = false;
        logger.info(
          'The GitLab token is not an administrator: Runner Fleet lists the runners its user owns',
        );
      }
    }
    return runners.all({ owned: true, perPage: 100 });
  }
}
