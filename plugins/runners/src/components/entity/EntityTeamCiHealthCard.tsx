import {
  InfoCard,
  LinkButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { useTeamHealth } from '@runner-fleet/plugin-runners-react';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';
import { TeamVerdictPanel } from '../MyFleetPage/TeamVerdictPanel';

/**
 * "CI health" on a group's overview: the team's verdict, with its reasons, runners, waiting
 * jobs, cost and top advice — the same panel as the team's section of My fleet.
 */
export function EntityTeamCiHealthCardContent(props: {
  variant?: 'flex' | 'fullHeight' | 'gridItem';
}) {
  const { entity } = useEntity();
  const team = entity.metadata.name;
  const links = useRunnersLinks();
  const { value, loading, error } = useTeamHealth(team);
  const health = value?.find(t => t.team === team);
  return (
    <InfoCard
      title="CI health"
      subheader={`Runner pools of team ${team}`}
      variant={props.variant}
      deepLink={{ title: 'My fleet', link: links.myFleet }}
    >
      {loading && !value && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && !health && (
        <>
          <Typography variant="body2" paragraph>
            Team {team} has no runner pools yet.
          </Typography>
          <LinkButton to={links.request(team)} variant="outlined">
            Request runners
          </LinkButton>
        </>
      )}
      {health && <TeamVerdictPanel health={health} />}
    </InfoCard>
  );
}
