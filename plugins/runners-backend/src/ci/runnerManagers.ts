import { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { Runners } from '@gitbeaker/rest';
import { CiRunnerManager } from '@runner-fleet/plugin-runners-node';
import { isNamed, withCause } from './gitlabErrors';
import { jsonList, toCiManager } from './gitlabMapping';

/**
 * `GET /runners/:id/managers`: the VMs that registered with a runner. gitbeaker has no wrapper,
 * so this goes through the same requester (rate limiter, retries, errors) with a raw path. The
 * endpoint is not paginated.
 */
export async function listRunnerManagers(
  runners: Runners,
  runnerId: number,
): Promise<CiRunnerManager[]> {
  const call = `runners/${runnerId}/managers`;
  const { body } = await runners.requester.get(call);
  return jsonList(body, `GET /${call}`).map(toCiManager);
}

/**
 * `DELETE /runners/managers` with the runner's own token (in the body, never the URL): the only
 * way GitLab offers to delete a manager. A manager that is already gone counts as deleted.
 */
async function deleteWithRunnerToken(
  runners: Runners,
  runnerId: number,
  systemId: string,
  token: string,
): Promise<void> {
  try {
    await runners.requester.delete('runners/managers', {
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

/**
 * Removes a runner manager whose VM is gone, as far as GitLab allows: with the runner token it
 * is deleted; without it nothing can delete it (no endpoint takes a user or administrator
 * token), so this only checks whether it is still there and leaves it to GitLab, which deletes
 * managers 7 days after their last contact (`StaleManagersCleanupCronWorker`). Until then it is
 * listed as `offline`, later `stale`, and takes no jobs.
 */
export async function deleteRunnerManager(
  deps: { runners: Runners; logger: LoggerService },
  runnerId: number,
  systemId: string,
  runnerToken?: string,
): Promise<void> {
  if (runnerToken) {
    await deleteWithRunnerToken(deps.runners, runnerId, systemId, runnerToken);
    return;
  }
  const managers = await listRunnerManagers(deps.runners, runnerId).catch(
    error => {
      if (isNamed(error, 'NotFoundError')) return [];
      throw error;
    },
  );
  if (managers.some(m => m.systemId === systemId)) {
    deps.logger.debug(
      `Runner manager '${systemId}' of GitLab runner ${runnerId} stays until GitLab removes ` +
        'it 7 days after its last contact: deleting it earlier needs the runner token',
    );
  }
}
