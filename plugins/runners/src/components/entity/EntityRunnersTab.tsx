import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { POOLS_ANNOTATION } from '@runner-fleet/plugin-runners-common';
import { useEntityPools } from '@runner-fleet/plugin-runners-react';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { PoolsTable, poolRows } from '../PoolsTable';

/**
 * The Runners tab of an entity: a Group's own pools, or a component's (its owner team's, or
 * those named by the `runner-fleet.io/pools` annotation), with the full health columns.
 */
export function EntityRunnersTab() {
  const { entity } = useEntity();
  const links = useRunnersLinks();
  const { scope, value, loading, error } = useEntityPools(entity);
  const ref = encodeURIComponent(stringifyEntityRef(entity));
  const team = scope.kind === 'none' ? undefined : scope.team;
  const request = (
    <LinkButton to={links.request(team)} variant="contained" color="primary">
      Request runners
    </LinkButton>
  );

  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (scope.kind === 'none') {
    return (
      <EmptyState
        missing="field"
        title="No owner team"
        description={`Runner pools belong to teams. Give this entity an owning group, or name pools in the ${POOLS_ANNOTATION} annotation.`}
      />
    );
  }
  const pools = value?.pools ?? [];
  if (pools.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No runners yet"
        description={
          scope.kind === 'annotation'
            ? `None of the pools named in ${POOLS_ANNOTATION} (${scope.refs.join(
                ', ',
              )}) exists or is visible to you.`
            : `Team ${scope.team} has no runner pools. Request one and its CI jobs get VMs of their own.`
        }
        action={request}
      />
    );
  }
  return (
    <InfoCard
      title={
        scope.kind === 'team'
          ? `Runner pools of team ${scope.team}`
          : 'Runner pools'
      }
      subheader={
        scope.kind === 'annotation' ? `Named by ${POOLS_ANNOTATION}` : undefined
      }
      action={request}
    >
      <PoolsTable
        rows={poolRows(undefined, pools)}
        showTeam={scope.kind === 'annotation'}
        poolLink={id => `${links.pool(id)}?entity=${ref}`}
      />
      {value && value.missing.length > 0 && (
        <Typography variant="body2" color="error">
          Not found or not visible to you: {value.missing.join(', ')}
        </Typography>
      )}
    </InfoCard>
  );
}
