import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  LinearGauge,
  Link,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  POOLS_ANNOTATION,
  PoolHealth,
} from '@runner-fleet/plugin-runners-common';
import { EntityPoolScope, useEntityPools } from '../../hooks/useEntityPools';
import { formatPercent, formatSeconds } from '../../util/format';
import { PoolStateStatus } from '../PoolStateStatus';

/**
 * Props of {@link CiCapacityCard}.
 *
 * @public
 */
export interface CiCapacityCardProps {
  /** The entity whose CI capacity to show. */
  entity: Entity;
  /** The request form; the card adds `?team=<owner team>`. Without it, no call to action. */
  requestRunnersLink?: string;
  /** Where a pool's name links to, e.g. its detail view. */
  poolLink?: (pool: PoolHealth) => string;
  /** A link at the bottom of the card, e.g. to the team's fleet. */
  deepLink?: { title: string; link: string };
  title?: string;
  variant?: 'flex' | 'fullHeight' | 'gridItem';
}

function subheader(scope: EntityPoolScope): string | undefined {
  if (scope.kind === 'annotation') return `Pools named by ${POOLS_ANNOTATION}`;
  if (scope.kind === 'team') return `Runner pools of team ${scope.team}`;
  return undefined;
}

function requestAction(link: string | undefined, team: string | undefined) {
  if (!link) return undefined;
  const to = team ? `${link}?team=${encodeURIComponent(team)}` : link;
  return (
    <LinkButton variant="contained" color="primary" to={to}>
      Request runners
    </LinkButton>
  );
}

function PoolRows(props: {
  pools: PoolHealth[];
  poolLink?: (pool: PoolHealth) => string;
  showTeam: boolean;
}) {
  const { pools, poolLink, showTeam } = props;
  return (
    <Table size="small" aria-label="Runner pools">
      <TableHead>
        <TableRow>
          <TableCell>Pool</TableCell>
          <TableCell>State</TableCell>
          <TableCell align="right">VMs ready / desired</TableCell>
          <TableCell>Utilisation</TableCell>
          <TableCell align="right">Queue wait p95</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {pools.map(pool => (
          <TableRow key={pool.poolId}>
            <TableCell>
              {poolLink ? (
                <Link to={poolLink(pool)}>{pool.name}</Link>
              ) : (
                pool.name
              )}
              <Typography
                variant="caption"
                display="block"
                color="textSecondary"
              >
                {showTeam ? `${pool.team} · ` : ''}
                {pool.flavor}
              </Typography>
            </TableCell>
            <TableCell>
              <PoolStateStatus state={pool.state} reason={pool.stateReason} />
            </TableCell>
            <TableCell align="right">
              {pool.replicas.ready} / {pool.replicas.desired}
            </TableCell>
            <TableCell style={{ minWidth: 120 }}>
              <Box display="flex" alignItems="center" gridGap={8}>
                <Box flexGrow={1}>
                  <LinearGauge value={pool.utilization.now} />
                </Box>
                <span aria-label={`utilisation of ${pool.name}`}>
                  {formatPercent(pool.utilization.now)}
                </span>
              </Box>
            </TableCell>
            <TableCell align="right">
              {formatSeconds(pool.queue.waitSeconds.p95)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The CI capacity behind an entity: the pools named by its `runner-fleet.io/pools`
 * annotation, or else its owner team's pools, with ready/desired VMs, utilisation, queue
 * wait and state. Offers to request runners when there are none.
 *
 * @public
 */
export function CiCapacityCard(props: CiCapacityCardProps) {
  const { entity, requestRunnersLink, poolLink, deepLink, variant } = props;
  const { scope, value, loading, error } = useEntityPools(entity);
  const team = scope.kind === 'none' ? undefined : scope.team;

  let content: JSX.Element;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (scope.kind === 'none') {
    content = (
      <EmptyState
        missing="field"
        title="No owner team"
        description={`Give this entity an owning group, or name runner pools in the ${POOLS_ANNOTATION} annotation.`}
      />
    );
  } else if (!value || value.pools.length === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No runners yet"
        description={
          scope.kind === 'annotation'
            ? `None of the pools named in ${POOLS_ANNOTATION} (${scope.refs.join(
                ', ',
              )}) exists or is visible to you.`
            : `Team ${scope.team} has no runner pools. Request a pool and its CI jobs get VMs of their own.`
        }
        action={requestAction(requestRunnersLink, team)}
      />
    );
  } else {
    content = (
      <>
        <PoolRows
          pools={value.pools}
          poolLink={poolLink}
          showTeam={scope.kind === 'annotation'}
        />
        {value.missing.length > 0 && (
          <Box mt={1}>
            <Typography variant="body2" color="error">
              Not found or not visible to you: {value.missing.join(', ')}
            </Typography>
          </Box>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title={props.title ?? 'CI capacity'}
      subheader={subheader(scope)}
      deepLink={deepLink}
      variant={variant}
    >
      {content}
    </InfoCard>
  );
}
