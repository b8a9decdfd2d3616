import { EmptyState, InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { Advice } from '@runner-fleet/plugin-runners-common';
import { runnersApiRef } from '@runner-fleet/plugin-runners-react';
import { useState } from 'react';
import { errorMessage } from '../../hooks/errors';

/** Advice with its reasoning, and Apply / Dismiss for each. */
export function AdviceList(props: {
  advice: Advice[];
  onChange: () => void;
  /** What the empty state says; by default that the pools fit their load. */
  empty?: { title: string; description: string };
}) {
  const api = useApi(runnersApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState<string>();

  const act = async (a: Advice, action: 'apply' | 'dismiss') => {
    setBusy(a.id);
    try {
      if (action === 'apply') {
        const change = await api.applyAdvice(a.id);
        alertApi.post({
          message: change.request
            ? `${a.team}/${a.poolName}: the change waits for the platform team's approval.`
            : `${a.team}/${a.poolName}: applying "${a.title}".`,
          severity: 'success',
          display: 'transient',
        });
      } else {
        await api.dismissAdvice(a.id);
        alertApi.post({
          message: `Dismissed "${a.title}" for ${a.team}/${a.poolName}.`,
          severity: 'info',
          display: 'transient',
        });
      }
      props.onChange();
    } catch (error) {
      alertApi.post({
        message: `Could not ${action} the advice for ${
          a.poolName
        }: ${errorMessage(error)}`,
        severity: 'error',
      });
    } finally {
      setBusy(undefined);
    }
  };

  if (props.advice.length === 0) {
    return (
      <EmptyState
        missing="data"
        title={props.empty?.title ?? 'No advice'}
        description={
          props.empty?.description ??
          'Your pools fit their load: no recurring queue waits, no idle capacity. Advice appears here when the last two weeks of history call for a change.'
        }
      />
    );
  }
  return (
    <>
      {props.advice.map(a => (
        <Box key={a.id} mb={2}>
          <InfoCard
            title={`${a.team}/${a.poolName}: ${a.title}`}
            subheader={`from ${a.basedOn.hours} hours of history`}
          >
            {a.reasoning.map((line, i) => (
              <Typography key={i} variant="body2" paragraph>
                {line}
              </Typography>
            ))}
            <Button
              color="primary"
              variant="contained"
              disabled={busy === a.id}
              onClick={() => act(a, 'apply')}
            >
              Apply
            </Button>{' '}
            <Button
              variant="outlined"
              disabled={busy === a.id}
              onClick={() => act(a, 'dismiss')}
            >
              Dismiss
            </Button>
          </InfoCard>
        </Box>
      ))}
    </>
  );
}
