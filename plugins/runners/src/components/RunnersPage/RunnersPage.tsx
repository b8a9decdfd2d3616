import { Content, Header, Page, RoutedTabs } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  runnersFleetReadPermission,
  runnersRequestApprovePermission,
} from '@runner-fleet/plugin-runners-common';
import { Route, Routes } from 'react-router-dom';
import { CapacityPage } from '../CapacityPage';
import { FleetPage } from '../FleetPage';
import { MyFleetPage } from '../MyFleetPage';
import { PoolDetailPage } from '../PoolDetailPage';
import { RequestRunnersPage } from '../RequestRunnersPage';
import { RequestsPage } from '../RequestsPage';
import { RolloutsPage } from '../RolloutsPage';

function RunnersTabs() {
  // The Fleet tab is for the platform team. Its route stays, so a shared link lands on a
  // friendly "for the platform team" state instead of a missing page.
  const fleet = usePermission({ permission: runnersFleetReadPermission });
  // Fleet rollouts are decided by those who approve requests (the backend's check too).
  const rollouts = usePermission({
    permission: runnersRequestApprovePermission,
  });
  return (
    <RoutedTabs
      routes={[
        { path: '/', title: 'My fleet', children: <MyFleetPage /> },
        {
          path: '/request',
          title: 'Request runners',
          children: <RequestRunnersPage />,
        },
        { path: '/requests', title: 'Requests', children: <RequestsPage /> },
        { path: '/capacity', title: 'Capacity', children: <CapacityPage /> },
        {
          path: '/fleet',
          title: 'Fleet',
          children: <FleetPage />,
          tabProps: fleet.allowed ? undefined : { style: { display: 'none' } },
        },
        {
          path: '/rollouts',
          title: 'Rollouts',
          children: <RolloutsPage />,
          tabProps: rollouts.allowed
            ? undefined
            : { style: { display: 'none' } },
        },
      ]}
    />
  );
}

/**
 * The Runners page: My fleet, Request runners, Requests, Capacity and (for the platform team)
 * Fleet and Rollouts, plus each pool's detail view under `pools/:id`.
 */
export function RunnersPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Runners"
        subtitle="Self-service GitLab CI runners on KubeVirt, autoscaled to your pipelines"
      />
      <Routes>
        <Route
          path="pools/:id"
          element={
            <Content>
              <PoolDetailPage />
            </Content>
          }
        />
        <Route path="*" element={<RunnersTabs />} />
      </Routes>
    </Page>
  );
}
