import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { QuotaUsage } from '@runner-fleet/plugin-runners-common';

const useStyles = makeStyles(theme => ({
  track: {
    display: 'flex',
    height: 10,
    borderRadius: 5,
    overflow: 'hidden',
    background: theme.palette.action.hover,
  },
  used: { background: theme.palette.grey[500] },
  fits: { background: theme.palette.primary.main },
  over: { background: theme.palette.error.main },
}));

function QuotaBar(props: {
  label: string;
  unit: string;
  used: number;
  adding: number;
  limit: number;
}) {
  const { label, unit, used, adding, limit } = props;
  const classes = useStyles();
  const total = used + adding;
  const over = total > limit;
  const scale = Math.max(limit, total, 1);
  const u = unit ? ` ${unit}` : '';
  return (
    <Box mb={2} aria-label={`${label} quota`}>
      <Typography variant="body2">
        {label}: {used}
        {u} used + {adding}
        {u} this pool = {total}
        {u} of {limit}
        {u}
      </Typography>
      <div className={classes.track}>
        <div
          className={classes.used}
          style={{ width: `${(used / scale) * 100}%` }}
        />
        <div
          className={over ? classes.over : classes.fits}
          style={{ width: `${(adding / scale) * 100}%` }}
        />
      </div>
      {over && (
        <Typography variant="caption" color="error">
          Over the limit by {total - limit}
          {u}
        </Typography>
      )}
    </Box>
  );
}

/**
 * What the pool does to the team's quota: in use, what this pool reserves (its maximum size),
 * and the limit.
 */
export function QuotaPreview(props: {
  quota?: QuotaUsage;
  reservation?: { cpu: number; memoryGiB: number; storageGiB?: number };
}) {
  const { quota, reservation } = props;
  if (!quota) {
    return (
      <Typography variant="body2" color="textSecondary">
        The team's quota is not known yet.
      </Typography>
    );
  }
  const r = reservation ?? { cpu: 0, memoryGiB: 0 };
  return (
    <>
      <QuotaBar
        label="vCPU"
        unit=""
        used={quota.used.cpu}
        adding={r.cpu}
        limit={quota.limits.maxCpu}
      />
      <QuotaBar
        label="Memory"
        unit="GiB"
        used={quota.used.memoryGiB}
        adding={r.memoryGiB}
        limit={quota.limits.maxMemoryGiB}
      />
      <QuotaBar
        label="Pools"
        unit=""
        used={quota.used.pools}
        adding={1}
        limit={quota.limits.maxPools}
      />
      {quota.limits.maxStorageGiB !== undefined && (
        <QuotaBar
          label="Clone storage (Windows disks)"
          unit="GiB"
          used={quota.used.storageGiB ?? 0}
          adding={r.storageGiB ?? 0}
          limit={quota.limits.maxStorageGiB}
        />
      )}
    </>
  );
}

/** Whether adding the reservation would exceed any limit of the quota. */
export function exceedsQuota(
  quota: QuotaUsage | undefined,
  r: { cpu: number; memoryGiB: number; storageGiB?: number } | undefined,
): boolean {
  if (!quota || !r) return false;
  const storage = r.storageGiB ?? 0;
  return (
    quota.used.cpu + r.cpu > quota.limits.maxCpu ||
    quota.used.memoryGiB + r.memoryGiB > quota.limits.maxMemoryGiB ||
    quota.used.pools + 1 > quota.limits.maxPools ||
    (quota.limits.maxStorageGiB !== undefined &&
      storage > 0 &&
      (quota.used.storageGiB ?? 0) + storage > quota.limits.maxStorageGiB)
  );
}
