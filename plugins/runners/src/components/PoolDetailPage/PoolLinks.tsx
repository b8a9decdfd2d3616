import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import { PoolResource } from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';

function entityParams(ref: string | undefined, team: string) {
  if (ref) {
    try {
      const e = parseEntityRef(ref);
      return {
        kind: e.kind.toLocaleLowerCase('en-US'),
        namespace: e.namespace,
        name: e.name,
      };
    } catch {
      // fall back to the team
    }
  }
  return { kind: 'group', namespace: 'default', name: team };
}

/**
 * Links out of the detail view: the GitLab runner (with `runners.gitlabBaseUrl`), the team in
 * the catalog, and the Kubernetes tab of the entity the user came from (else the team's).
 */
export function PoolLinks(props: { pool: PoolResource; entityRef?: string }) {
  const { pool, entityRef } = props;
  const entityRoute = useRouteRef(entityRouteRef);
  const { gitlabRunnerUrl } = useRunnersConfig();
  const gitlab = gitlabRunnerUrl(pool.gitlabRunnerId);
  const team = entityRoute({
    kind: 'group',
    namespace: 'default',
    name: pool.team,
  });
  const entity = entityRoute(entityParams(entityRef, pool.team));
  return (
    <Box display="flex" gridGap={24} flexWrap="wrap">
      {gitlab ? (
        <Link to={gitlab}>GitLab runner #{pool.gitlabRunnerId}</Link>
      ) : (
        <span>
          {pool.gitlabRunnerId
            ? `GitLab runner #${pool.gitlabRunnerId}`
            : 'Not registered in GitLab yet'}
        </span>
      )}
      <Link to={team}>Team {pool.team} in the catalog</Link>
      <Link to={`${entity}/kubernetes`}>Kubernetes</Link>
    </Box>
  );
}
