import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardActionArea from '@material-ui/core/CardActionArea';
import CardContent from '@material-ui/core/CardContent';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  Flavor,
  FlavorCatalog,
  RunnerOs,
} from '@runner-fleet/plugin-runners-common';
import { ReactNode } from 'react';
import { CUSTOM_FLAVOR } from './poolForm';

const useStyles = makeStyles(theme => ({
  card: { height: '100%', border: `2px solid transparent` },
  selected: { borderColor: theme.palette.primary.main },
  cost: {
    height: 6,
    borderRadius: 3,
    background: theme.palette.primary.light,
    marginTop: theme.spacing(1),
  },
}));

function FlavorCard(props: {
  title: string;
  selected: boolean;
  onSelect: () => void;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Card
      variant="outlined"
      className={`${classes.card} ${props.selected ? classes.selected : ''}`}
    >
      <CardActionArea
        onClick={props.onSelect}
        aria-pressed={props.selected}
        style={{ height: '100%' }}
      >
        <CardContent>
          <Typography variant="h6" component="h3">
            {props.title}
          </Typography>
          {props.children}
        </CardContent>
      </CardActionArea>
    </Card>
  );
}

function StandardFlavor(props: { flavor: Flavor; maxCost: number }) {
  const { flavor: f, maxCost } = props;
  const classes = useStyles();
  return (
    <>
      {f.description && (
        <Typography variant="body2" color="textSecondary">
          {f.description}
        </Typography>
      )}
      <Typography variant="body2">
        {f.cpu} vCPU · {f.memoryGiB} GiB memory · {f.diskGiB} GiB disk
      </Typography>
      <Typography variant="body2">
        {f.jobSlots} job slot{f.jobSlots === 1 ? '' : 's'} per VM
      </Typography>
      <Typography variant="caption" color="textSecondary">
        Relative cost {f.costWeight}× per VM-hour
      </Typography>
      <div
        className={classes.cost}
        style={{ width: `${Math.max(8, (f.costWeight / maxCost) * 100)}%` }}
      />
    </>
  );
}

/** OS switch, the standard flavor cards and a card for a custom shape. */
export function FlavorPicker(props: {
  catalog: FlavorCatalog;
  os: RunnerOs;
  flavor: string;
  onOsChange: (os: RunnerOs) => void;
  onFlavorChange: (flavor: string) => void;
  messages: string[];
}) {
  const { catalog, os, flavor, messages } = props;
  const flavors = catalog.flavors.filter(f => f.os === os);
  const maxCost = Math.max(1, ...catalog.flavors.map(f => f.costWeight));
  return (
    <>
      <Box mb={2}>
        <ToggleButtonGroup
          exclusive
          size="small"
          value={os}
          aria-label="Operating system"
          onChange={(_e, value: RunnerOs | null) =>
            value && props.onOsChange(value)
          }
        >
          <ToggleButton value="linux">Linux</ToggleButton>
          <ToggleButton value="windows">Windows</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      <Grid container spacing={2} role="group" aria-label="Flavor">
        {flavors.map(f => (
          <Grid item xs={12} sm={6} md={4} key={f.name}>
            <FlavorCard
              title={f.name}
              selected={flavor === f.name}
              onSelect={() => props.onFlavorChange(f.name)}
            >
              <StandardFlavor flavor={f} maxCost={maxCost} />
            </FlavorCard>
          </Grid>
        ))}
        {catalog.custom.enabled && (
          <Grid item xs={12} sm={6} md={4}>
            <FlavorCard
              title="Custom"
              selected={flavor === CUSTOM_FLAVOR}
              onSelect={() => props.onFlavorChange(CUSTOM_FLAVOR)}
            >
              <Typography variant="body2" color="textSecondary">
                Your own shape: {catalog.custom.minCpu}–{catalog.custom.maxCpu}{' '}
                vCPU, {catalog.custom.minMemoryGiB}–
                {catalog.custom.maxMemoryGiB} GiB. Above{' '}
                {catalog.custom.approvalAboveCpu} vCPU or{' '}
                {catalog.custom.approvalAboveMemoryGiB} GiB it needs approval.
              </Typography>
            </FlavorCard>
          </Grid>
        )}
      </Grid>
      {flavors.length === 0 && !catalog.custom.enabled && (
        <Typography color="textSecondary">
          No {os} flavors are offered here.
        </Typography>
      )}
      {messages.map(m => (
        <FormHelperText error key={m}>
          {m}
        </FormHelperText>
      ))}
    </>
  );
}
