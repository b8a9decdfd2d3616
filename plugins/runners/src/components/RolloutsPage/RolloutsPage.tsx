import {
  EmptyState,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  FleetRollout,
  FleetRolloutInput,
  runnersRequestApprovePermission,
} from '@runner-fleet/plugin-runners-common';
import {
  runnersApiRef,
  useFlavors,
  useFleetRollouts,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import { errorMessage, isForbidden } from '../../hooks/errors';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { AbortRolloutDialog } from './AbortRolloutDialog';
import { FleetRolloutAction, FleetRolloutRow, isOpen } from './FleetRolloutRow';
import { StartRolloutDialog } from './StartRolloutDialog';

/** How often the list refreshes while a rollout is open. */
const POLL_MS = 5000;

const DONE: Record<FleetRolloutAction, string> = {
  pause: 'Paused',
  resume: 'Resumed',
  abort: 'Aborted',
};

function ForPlatformTeam() {
  const links = useRunnersLinks();
  return (
    <EmptyState
      missing="info"
      title="Fleet rollouts are for the platform team"
      description="They move every pool of a flavor to the catalog's new image. Your pools show their own rollouts on their pages."
      action={
        <LinkButton to={links.myFleet} variant="contained" color="primary">
          Go to My fleet
        </LinkButton>
      }
    />
  );
}

/**
 * Fleet rollouts, newest first, for the platform team: progress, why each waits, its pools,
 * pause / resume / abort, and a dialog to start one. Refreshes every 5 s while one is open.
 */
export function RolloutsPage() {
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const links = useRunnersLinks();
  const platform = usePermission({
    permission: runnersRequestApprovePermission,
  });
  const rollouts = useFleetRollouts();
  const flavors = useFlavors();
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState<string>();
  const [aborting, setAborting] = useState<FleetRollout>();
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string>();
  const open = rollouts.value?.some(isOpen) ?? false;
  useInterval(rollouts.retry, open && !rollouts.error ? POLL_MS : null);

  const act = async (rollout: FleetRollout, action: FleetRolloutAction) => {
    setBusy(rollout.id);
    try {
      if (action === 'pause') await api.pauseFleetRollout(rollout.id);
      else if (action === 'resume') await api.resumeFleetRollout(rollout.id);
      else await api.abortFleetRollout(rollout.id);
      alertApi.post({
        message: `${DONE[action]} the rollout of ${rollout.flavor}.`,
        severity: 'success',
        display: 'transient',
      });
      setAborting(undefined);
      rollouts.retry();
    } catch (e) {
      alertApi.post({
        message: `Could not ${action} the rollout of ${
          rollout.flavor
        }: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  const start = async (input: FleetRolloutInput) => {
    setBusy('start');
    setStartError(undefined);
    try {
      const started = await api.startFleetRollout(input);
      alertApi.post({
        message: `Started the rollout of ${started.flavor}: ${started.message}`,
        severity: 'success',
        display: 'transient',
      });
      setStarting(false);
      setExpanded(e => ({ ...e, [started.id]: true }));
      rollouts.retry();
    } catch (e) {
      setStartError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  if (platform.loading || (rollouts.loading && !rollouts.value))
    return <Progress />;
  if (!platform.allowed || isForbidden(rollouts.error))
    return <ForPlatformTeam />;

  let body: JSX.Element;
  if (rollouts.error && !rollouts.value) {
    body = <ResponseErrorPanel error={rollouts.error} />;
  } else if (!rollouts.value?.length) {
    body = (
      <EmptyState
        missing="data"
        title="No fleet rollout yet"
        description="Change a flavor's image or runner version in the catalog, then start a rollout: every pool of that flavor takes it, canary pools first."
      />
    );
  } else {
    body = (
      <Paper>
        <Table size="small" aria-label="fleet rollouts">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              <TableCell>Flavor → image</TableCell>
              <TableCell>Phase</TableCell>
              <TableCell>Progress</TableCell>
              <TableCell>Why it waits</TableCell>
              <TableCell>Started</TableCell>
              <TableCell>Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rollouts.value.map(r => (
              <FleetRolloutRow
                key={r.id}
                rollout={r}
                expanded={!!expanded[r.id]}
                busy={busy === r.id}
                onToggle={() => setExpanded(e => ({ ...e, [r.id]: !e[r.id] }))}
                onAction={action =>
                  action === 'abort' ? setAborting(r) : act(r, action)
                }
                poolLink={links.pool}
              />
            ))}
          </TableBody>
        </Table>
      </Paper>
    );
  }

  return (
    <>
      <Box
        display="flex"
        alignItems="flex-end"
        justifyContent="space-between"
        mb={2}
      >
        <Typography variant="body1">
          Roll a flavor's catalog definition out to every pool of it: canary
          pools first, then batches within a limit of VMs replacing at once.
        </Typography>
        <Button
          variant="contained"
          color="primary"
          disabled={!flavors.value}
          onClick={() => {
            setStartError(undefined);
            setStarting(true);
          }}
        >
          New rollout
        </Button>
      </Box>
      {body}
      {starting && flavors.value && (
        <StartRolloutDialog
          flavors={flavors.value.flavors}
          busy={busy === 'start'}
          error={startError}
          onCancel={() => setStarting(false)}
          onStart={start}
        />
      )}
      {aborting && (
        <AbortRolloutDialog
          rollout={aborting}
          busy={busy === aborting.id}
          onCancel={() => setAborting(undefined)}
          onAbort={() => act(aborting, 'abort')}
        />
      )}
    </>
  );
}
