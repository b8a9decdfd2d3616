import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabScope } from '@runner-fleet/plugin-runners-common';
import {
  CiJob,
  CiProvider,
  CiRunner,
  CiRunnerManager,
  CiRunnerSpec,
  fleetRunnerDescription,
} from '@runner-fleet/plugin-runners-node';
import { GitLabSettings } from '../config';
import { isNamed } from './gitlabErrors';
import { GitLabBudget } from './GitLabBudget';
import { createGitLabResources } from './GitLabRequester';
import {
  GitLabJson,
  idOf,
  isFleetRunner,
  toCiRunner,
  tokenOf,
} from './gitlabMapping';
import {
  GitLabJobListOptions,
  listRunnerJobs,
  listScopePendingJobs,
} from './runnerJobs';
import { deleteRunnerManager, listRunnerManagers } from './runnerManagers';
import { maintenanceNote, resolveRunnerTarget } from './runnerTarget';

/** Options of {@link GitLabCiProvider.create}. @public */
export interface GitLabCiProviderOptions {
  settings: GitLabSettings;
  logger: LoggerService;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Waits between retries and for the rate limiter; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The backend's one GitLab budget, shared with whatever else calls GitLab; default a new one
   * of `settings.requestsPerMinute`.
   */
  budget?: GitLabBudget;
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
  readonly runnerUrl: string;
  /** Every request of this provider takes a token from this budget and is counted there. */
  readonly budget: GitLabBudget;
  /** Whether the token may read `GET /runners/all`; learnt on the first listing. */
  #adminListing: boolean | undefined;

  static create(options: GitLabCiProviderOptions): GitLabCiProvider {
    return new GitLabCiProvider(
      { logger: options.logger, ...createGitLabResources(options) },
      options.settings.baseUrl,
    );
  }

  private constructor(deps: Deps, runnerUrl: string) {
    this.#deps = deps;
    this.runnerUrl = runnerUrl;
    this.budget = deps.budget;
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

  async pauseRunner(id: number): Promise<void> {
    await this.#deps.runners.edit(id, { paused: true });
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

  listManagers(runnerId: number): Promise<CiRunnerManager[]> {
    return listRunnerManagers(this.#deps.runners, runnerId);
  }

  /**
   * Removes a runner manager whose VM is gone. GitLab deletes managers only with the runner's own
   * token (`DELETE /runners/managers`): pass it as `options.runnerToken` (from the pool's Secret)
   * to delete the manager. Without it the manager stays, listed as `offline` and later `stale`,
   * taking no jobs, until GitLab deletes it 7 days after its last contact. A runner or manager
   * that is already gone counts as removed.
   */
  deleteManager(
    runnerId: number,
    systemId: string,
    options: { runnerToken?: string } = {},
  ): Promise<void> {
    return deleteRunnerManager(
      this.#deps,
      runnerId,
      systemId,
      options.runnerToken,
    );
  }

  /** Newest first; GitLab's `/runners/:id/jobs` has no tags or manager per job. */
  listJobs(
    runnerId: number,
    options: GitLabJobListOptions = {},
  ): Promise<CiJob[]> {
    return listRunnerJobs(this.#deps.runners, runnerId, options);
  }

  /**
   * Pending jobs in a GitLab scope, with their tags, for queue depth: one request for a project,
   * 1 + (number of projects) for a group, none for an instance (GitLab has no such API).
   */
  listPendingJobs(scope: GitLabScope): Promise<CiJob[]> {
    return listScopePendingJobs(this.#deps, scope);
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
