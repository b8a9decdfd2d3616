import {
  Breadcrumbs,
  ContentHeader,
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  runnersPoolDeletePermission,
  runnersPoolUpdatePermission,
  toPoolReasonCode,
} from '@runner-fleet/plugin-runners-common';
import {
  PoolStateStatus,
  useFlavors,
  usePool,
  usePoolEvents,
  usePoolHealth,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import useInterval from 'react-use/esm/useInterval';
import { isNotFound } from '../../hooks/errors';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { usePageTextStyles } from '../a11y/contrast';
import { TRANSITIONAL_STATES } from '../PoolsTable';
import { DeletePoolDialog } from './DeletePoolDialog';
import { EditPoolDialog } from './EditPoolDialog';
import { PoolCharts } from './PoolCharts';
import { PoolLinks } from './PoolLinks';
import { PoolSummary } from './PoolSummary';
import { PoolStateAlert } from './PoolStateAlert';
import { PoolTimeline } from './PoolTimeline';
import { ProvisioningProgress } from './ProvisioningProgress';
import { RolloutProgress } from './RolloutProgress';
import { VmsTable } from './VmsTable';

const LIVE_REFRESH_MS = 15000;

/** One pool: progress while it provisions, then VMs, scaler, charts, timeline and actions. */
export function PoolDetailPage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const links = useRunnersLinks();
  const pageText = usePageTextStyles();
  const { provisioningPollMs } = useRunnersConfig();
  const pool = usePool(id);
  const p = pool.value;
  const settling =
    !!p &&
    (TRANSITIONAL_STATES.includes(p.state) ||
      p.observedGeneration < p.generation);
  // A deleted or unknown pool answers 404: stop every poll instead of asking again forever.
  const gone = !p && isNotFound(pool.error);
  let healthPollMs: number | undefined = LIVE_REFRESH_MS;
  if (gone) healthPollMs = undefined;
  else if (settling) healthPollMs = provisioningPollMs;
  const health = usePoolHealth(id, { pollMs: healthPollMs });
  const events = usePoolEvents(id);
  useInterval(
    () => {
      pool.retry();
      events.retry();
    },
    settling ? provisioningPollMs : null,
  );
  const flavors = useFlavors();
  const canUpdate = usePermission({
    permission: runnersPoolUpdatePermission,
    resourceRef: id,
  });
  const canDelete = usePermission({
    permission: runnersPoolDeletePermission,
    resourceRef: id,
  });
  const [dialog, setDialog] = useState<'edit' | 'delete' | undefined>();

  if (pool.loading && !p) return <Progress />;
  if (gone) {
    return (
      <EmptyState
        missing="data"
        title="This pool was deleted"
        description={`There is no pool "${id}" any more (it was deleted, or the link is wrong). Its runners and VMs are gone; your team's other pools are on My fleet.`}
        action={
          <Button
            variant="contained"
            color="primary"
            onClick={() => navigate(links.myFleet)}
          >
            Back to My fleet
          </Button>
        }
      />
    );
  }
  if (!p) {
    return pool.error ? (
      <>
        <ResponseErrorPanel error={pool.error} />
        <Box mt={2}>
          <Button variant="outlined" onClick={pool.retry}>
            Try again
          </Button>
        </Box>
      </>
    ) : null;
  }

  const h = health.value;
  const state = h?.state ?? p.state;
  const reason = h?.stateReason ?? p.stateReason;
  const code = toPoolReasonCode(h?.stateCode ?? p.stateCode);
  const showProgress = settling || ['rejected', 'failed'].includes(state);
  // A pool that was never approved runs nothing: its numbers (0% busy, "holding 1 VMs")
  // would read as an idle, healthy pool.
  const runsNothing = state === 'pending-approval' || state === 'rejected';

  return (
    <>
      <Breadcrumbs aria-label="breadcrumb" className={pageText.label}>
        <Link to={links.myFleet}>My fleet</Link>
        <Typography color="textPrimary">{p.team}</Typography>
        <Typography color="textPrimary">{p.name}</Typography>
      </Breadcrumbs>
      <ContentHeader
        title={p.name}
        description={`${p.team} · ${p.flavor.name} (${p.flavor.os}, ${p.flavor.cpu} vCPU / ${p.flavor.memoryGiB} GiB, ${p.flavor.jobSlots} job slots)`}
      >
        <Button
          variant="outlined"
          color="primary"
          disabled={!canUpdate.allowed || state === 'deleting'}
          onClick={() => setDialog('edit')}
        >
          Change
        </Button>
        <Box ml={1}>
          <Button
            variant="outlined"
            color="secondary"
            disabled={!canDelete.allowed || state === 'deleting'}
            onClick={() => setDialog('delete')}
          >
            Delete
          </Button>
        </Box>
      </ContentHeader>
      <Grid container spacing={3} direction="column" wrap="nowrap">
        <Grid item>
          {/* On a card: the reason's secondary text is too faint on the page background. */}
          <Paper variant="outlined">
            <Box p={2}>
              <PoolStateStatus state={state} reason={reason} showReason />
              <Box mt={1}>
                <PoolLinks
                  pool={p}
                  entityRef={search.get('entity') ?? undefined}
                />
              </Box>
            </Box>
          </Paper>
        </Grid>
        <Grid item>
          <PoolStateAlert
            state={state}
            code={code}
            reason={reason}
            health={h}
          />
        </Grid>
        {!gone && (
          <Grid item>
            <RolloutProgress
              poolId={id}
              canAbort={canUpdate.allowed}
              pollMs={settling ? provisioningPollMs : LIVE_REFRESH_MS}
            />
          </Grid>
        )}
        {p.pendingSpec && (
          <Grid item>
            <WarningPanel
              severity="info"
              title="A change waits for approval"
              message="The pool keeps running as it is until a platform approver decides; see Requests."
            />
          </Grid>
        )}
        {showProgress && (
          <Grid item>
            <ProvisioningProgress
              state={state}
              reason={reason}
              approval={
                !!events.value?.some(e => e.state === 'pending-approval')
              }
            />
          </Grid>
        )}
        {!h && health.error && (
          <Grid item>
            <ResponseErrorPanel
              error={health.error}
              title="Live health is unavailable"
            />
          </Grid>
        )}
        {!h && health.loading && (
          <Grid item>
            <Progress />
          </Grid>
        )}
        {h && !runsNothing && (
          <>
            <Grid item>
              <PoolSummary
                health={h}
                target={p.spec.autoscaling.targetUtilization}
              />
            </Grid>
            <Grid item>
              <PoolCharts history={h.history} />
            </Grid>
            <Grid item container spacing={3}>
              <Grid item xs={12} lg={7}>
                <VmsTable vms={h.vms} />
              </Grid>
              <Grid item xs={12} lg={5}>
                <PoolTimeline events={h.events} />
              </Grid>
            </Grid>
          </>
        )}
      </Grid>
      {dialog === 'edit' && (
        <EditPoolDialog
          open
          pool={p}
          catalog={flavors.value}
          onClose={() => setDialog(undefined)}
          onSaved={() => {
            setDialog(undefined);
            pool.retry();
            health.retry();
          }}
          onStale={() => {
            setDialog(undefined);
            pool.retry();
            health.retry();
          }}
        />
      )}
      {dialog === 'delete' && (
        <DeletePoolDialog
          open
          pool={p}
          health={h}
          onClose={() => setDialog(undefined)}
          onDeleted={() => navigate(links.myFleet)}
        />
      )}
    </>
  );
}
