import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { CiCapacityCard } from '@runner-fleet/plugin-runners-react';
import { useRunnersLinks } from '../../hooks/useRunnersLinks';

/** The CI capacity card for the entity of the page it is on. */
export function EntityCiCapacityCardContent(props: {
  variant?: 'flex' | 'fullHeight' | 'gridItem';
}) {
  const { entity } = useEntity();
  const links = useRunnersLinks();
  const ref = encodeURIComponent(stringifyEntityRef(entity));
  return (
    <CiCapacityCard
      entity={entity}
      variant={props.variant}
      requestRunnersLink={links.request()}
      poolLink={pool => `${links.pool(pool.poolId)}?entity=${ref}`}
      deepLink={{ title: 'My fleet', link: links.myFleet }}
    />
  );
}
