import { WarningPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { PoolRollout } from '@runner-fleet/plugin-runners-common';
import {
  runnersApiRef,
  usePoolRollout,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';

const TITLES: Record<PoolRollout['phase'], string> = {
  stable: 'Up to date',
  rolling: 'Replacing VMs with the new template',
  'rolling-back': 'Rolling back to the previous template',
  halted: 'Rollout halted',
};

/** Share of the pool's VMs that already run the target template, 0–100. */
export function rolloutPercent(rollout: PoolRollout): number {
  const { outdated, updated, draining } = rollout.vms;
  const total = outdated + updated + draining;
  return total === 0 ? 100 : Math.round((updated / total) * 100);
}

/**
 * The progress line of a pool's rollout: new, old and draining VMs, why it waits, and an abort
 * for those who may change the pool. Shows nothing while every VM runs the current template.
 */
export function RolloutProgress(props: {
  poolId: string;
  canAbort: boolean;
  pollMs: number;
}) {
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const [aborting, setAborting] = useState(false);
  const rollout = usePoolRollout(props.poolId, { pollMs: props.pollMs });
  const r = rollout.value;
  if (!r || r.phase === 'stable') return null;
  const { outdated, updated, draining } = r.vms;
  const abort = async () => {
    setAborting(true);
    try {
      await api.abortPoolRollout(props.poolId);
      alertApi.post({
        message: 'Rollout aborted: the pool returns to its previous template',
        severity: 'success',
        display: 'transient',
      });
      rollout.retry();
    } catch (error) {
      alertApi.post({
        message: `Could not abort the rollout: ${(error as Error).message}`,
        severity: 'error',
      });
    } finally {
      setAborting(false);
    }
  };
  const action = props.canAbort && r.phase !== 'rolling-back' && (
    <Button variant="outlined" size="small" disabled={aborting} onClick={abort}>
      Abort rollout
    </Button>
  );
  if (r.phase === 'halted') {
    return (
      <WarningPanel
        severity="error"
        title={`${TITLES.halted} (${r.reason})`}
        defaultExpanded
      >
        <Typography variant="body2">{r.message}</Typography>
        {action && <Box mt={1}>{action}</Box>}
      </WarningPanel>
    );
  }
  return (
    <Box aria-label="rollout progress">
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle2">
          {TITLES[r.phase]}: {updated} new · {outdated} old · {draining}{' '}
          draining
        </Typography>
        {action}
      </Box>
      <LinearProgress variant="determinate" value={rolloutPercent(r)} />
      <Typography variant="caption" color="textSecondary">
        {r.message}
      </Typography>
    </Box>
  );
}
