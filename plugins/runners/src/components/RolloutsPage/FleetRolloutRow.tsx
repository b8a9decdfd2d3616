import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { FleetRollout } from '@runner-fleet/plugin-runners-common';
import { FleetRolloutPools } from './FleetRolloutPools';

/** What a fleet rollout can be asked to do next. */
export type FleetRolloutAction = 'pause' | 'resume' | 'abort';

const PHASE_LABEL: Record<FleetRollout['phase'], string> = {
  canary: 'Canary',
  rolling: 'Rolling',
  paused: 'Paused',
  halted: 'Halted',
  complete: 'Complete',
  aborted: 'Aborted',
};

const PHASE_COLOR: Record<
  FleetRollout['phase'],
  'default' | 'primary' | 'secondary'
> = {
  canary: 'primary',
  rolling: 'primary',
  paused: 'default',
  halted: 'secondary',
  complete: 'default',
  aborted: 'default',
};

/** The actions a phase allows, as the backend decides them. */
export function actionsOf(phase: FleetRollout['phase']): FleetRolloutAction[] {
  if (phase === 'canary' || phase === 'rolling') return ['pause', 'abort'];
  if (phase === 'paused' || phase === 'halted') return ['resume', 'abort'];
  return [];
}

/** Whether a rollout can still change (and so is worth polling). */
export function isOpen(rollout: FleetRollout): boolean {
  return rollout.phase !== 'complete' && rollout.phase !== 'aborted';
}

const LABEL: Record<FleetRolloutAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  abort: 'Abort',
};

const who = (ref: string) => ref.replace(/^user:(default\/)?/, '');

/**
 * One fleet rollout: flavor and image, phase, pools and VMs on the new definition, why it
 * waits, who started it, and the actions its phase allows; expanded, each of its pools.
 */
export function FleetRolloutRow(props: {
  rollout: FleetRollout;
  expanded: boolean;
  busy: boolean;
  onToggle: () => void;
  onAction: (action: FleetRolloutAction) => void;
  poolLink: (id: string) => string;
}) {
  const { rollout: r, expanded, busy, onToggle, onAction, poolLink } = props;
  const { pools, poolsDone, vms, vmsNew } = r.progress;
  const percent = vms === 0 ? 0 : Math.round((vmsNew / vms) * 100);
  const title = `${r.flavor} → ${r.image}`;
  return (
    <>
      <TableRow aria-label={`rollout of ${r.flavor}`}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${expanded ? 'Hide' : 'Show'} the pools of ${title}`}
            aria-expanded={expanded}
            onClick={onToggle}
          >
            {expanded ? <ExpandLessIcon /> : <ExpandMoreIcon />}
          </IconButton>
        </TableCell>
        <TableCell>
          <Typography variant="body2">
            <strong>{r.flavor}</strong> → {r.image}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            canary {r.canaryPools} · at most {r.maxVmPercent}% of VMs at once
          </Typography>
        </TableCell>
        <TableCell>
          <Chip
            size="small"
            label={PHASE_LABEL[r.phase]}
            color={PHASE_COLOR[r.phase]}
            title={r.reason}
          />
        </TableCell>
        <TableCell style={{ minWidth: 180 }}>
          <Typography variant="body2">
            {poolsDone}/{pools} pools · {vmsNew}/{vms} VMs new
          </Typography>
          <LinearProgress
            variant="determinate"
            value={percent}
            aria-label={`VMs on the new definition of ${r.flavor}`}
          />
        </TableCell>
        <TableCell>
          <Typography variant="body2">{r.message}</Typography>
        </TableCell>
        <TableCell>
          <Typography variant="body2">{who(r.createdBy)}</Typography>
          <Typography variant="caption" color="textSecondary">
            {new Date(r.createdAt).toLocaleString()}
          </Typography>
        </TableCell>
        <TableCell>
          <Box display="flex" gridGap={8}>
            {actionsOf(r.phase).map(action => (
              <Button
                key={action}
                size="small"
                variant={action === 'abort' ? 'outlined' : 'contained'}
                color={action === 'abort' ? 'secondary' : 'primary'}
                disabled={busy}
                onClick={() => onAction(action)}
              >
                {LABEL[action]}
              </Button>
            ))}
          </Box>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={7} style={{ paddingTop: 0, paddingBottom: 0 }}>
          <Collapse in={expanded} unmountOnExit>
            <Box my={1}>
              <FleetRolloutPools
                pools={r.pools}
                poolLink={poolLink}
                aborted={r.phase === 'aborted'}
              />
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
}
