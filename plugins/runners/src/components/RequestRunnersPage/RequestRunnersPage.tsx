import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import FormHelperText from '@material-ui/core/FormHelperText';
import Grid from '@material-ui/core/Grid';
import { FlavorCatalog } from '@runner-fleet/plugin-runners-common';
import {
  runnersApiRef,
  useFlavors,
  useMyTeams,
  useQuotas,
} from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../hooks/errors';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { ReadableErrors } from '../a11y/contrast';
import { PoolRequestForm, FORM_FIELDS } from './PoolRequestForm';
import { PoolFormState, initialPoolForm, toPoolSpec } from './poolForm';
import { RequestSummary } from './RequestSummary';
import { usePoolValidation } from './usePoolValidation';
import { visibleErrors } from './formErrors';

function RequestRunnersForm(props: {
  teams: string[];
  catalog: FlavorCatalog;
  initialTeam: string;
}) {
  const { teams, catalog } = props;
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const links = useRunnersLinks();
  const firstLinux = catalog.flavors.find(f => f.os === 'linux')?.name;
  const [form, setForm] = useState<PoolFormState>(() =>
    initialPoolForm(props.initialTeam, firstLinux ?? 'custom'),
  );
  const [submitting, setSubmitting] = useState(false);
  // Fields the user has left, and whether they tried to submit: messages wait for either.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const spec = toPoolSpec(form);
  const validation = usePoolValidation(spec, catalog);
  const shown = visibleErrors(validation.errors, touched, submitted);
  const quotas = useQuotas(form.team);
  const quota = quotas.value?.find(q => q.team === form.team);
  const other = shown.filter(
    e => !FORM_FIELDS.some(f => e.field === f || e.field.startsWith(`${f}[`)),
  );

  const submit = async () => {
    setSubmitted(true);
    if (validation.errors.length > 0) return;
    setSubmitting(true);
    try {
      const change = await api.createPool(spec);
      alertApi.post({
        message: change.request
          ? `Pool ${change.pool.name} waits for approval by the platform team.`
          : `Pool ${change.pool.name} is being provisioned.`,
        severity: 'success',
        display: 'transient',
      });
      navigate(links.pool(change.pool.id));
    } catch (e) {
      alertApi.post({
        message: `Could not request the pool: ${errorMessage(e)}`,
        severity: 'error',
      });
      setSubmitting(false);
    }
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        <PoolRequestForm
          form={form}
          teams={teams}
          catalog={catalog}
          errors={shown}
          customNeedsApproval={validation.customNeedsApproval}
          onChange={patch => setForm(f => ({ ...f, ...patch }))}
          onTouch={field =>
            setTouched(t => (t.has(field) ? t : new Set([...t, field])))
          }
        />
        {[...new Set(other.map(e => e.message))].map(m => (
          <FormHelperText error key={m}>
            {m}
          </FormHelperText>
        ))}
      </Grid>
      <Grid item xs={12} md={4}>
        <RequestSummary
          spec={spec}
          catalog={catalog}
          quota={quota}
          validation={validation}
          shownErrors={shown.length}
          submitted={submitted}
          submitting={submitting}
          onSubmit={submit}
        />
      </Grid>
    </Grid>
  );
}

/** Request a runner pool for one of your teams. */
export function RequestRunnersPage() {
  const [search] = useSearchParams();
  const myTeams = useMyTeams();
  const flavors = useFlavors();

  if (myTeams.loading || flavors.loading) return <Progress />;
  const error = myTeams.error ?? flavors.error;
  if (error) return <ResponseErrorPanel error={error} />;
  const teams = myTeams.value?.teams ?? [];
  if (teams.length === 0 || !flavors.value) {
    return (
      <EmptyState
        missing="info"
        title="You are not in a team yet"
        description="Runner pools belong to teams, which are groups in the catalog. Ask your team lead to add you to your team's group; then request runners here."
      />
    );
  }
  const wanted = search.get('team');
  const initialTeam = wanted && teams.includes(wanted) ? wanted : teams[0];
  return (
    <ReadableErrors>
      <RequestRunnersForm
        teams={teams}
        catalog={flavors.value}
        initialTeam={initialTeam}
      />
    </ReadableErrors>
  );
}
