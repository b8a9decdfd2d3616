import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { TeamHealth } from '@runner-fleet/plugin-runners-common';
import { formatCost, formatPercent } from '@runner-fleet/plugin-runners-react';
import { useRunnersConfig } from '../../hooks/useRunnersConfig';

function Stat(props: { label: string; value: string }) {
  return (
    <Box mr={4}>
      <Typography variant="caption" color="textSecondary" display="block">
        {props.label}
      </Typography>
      <Typography variant="h6" component="p">
        {props.value}
      </Typography>
    </Box>
  );
}

/** A team's totals in one row: VMs, busy job slots, waiting jobs and 24 h cost. */
export function TeamTotals(props: { totals: TeamHealth['totals'] }) {
  const t = props.totals;
  const { costUnit } = useRunnersConfig();
  return (
    <Box display="flex" flexWrap="wrap" mb={2} aria-label="Team totals">
      <Stat label="VMs ready" value={`${t.readyVms} / ${t.vms}`} />
      <Stat
        label="Job slots busy"
        value={`${t.busySlots} / ${t.totalSlots} (${formatPercent(
          t.totalSlots ? t.busySlots / t.totalSlots : 0,
        )})`}
      />
      <Stat label="Jobs waiting" value={String(t.pending)} />
      <Stat
        label="Cost 24 h"
        value={`${formatCost(t.weightedCost24h)} ${costUnit}`}
      />
    </Box>
  );
}
