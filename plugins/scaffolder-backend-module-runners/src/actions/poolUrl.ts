/** The portal page of a pool, as the runners frontend routes it (`/runners/pools/:id`). */
export function poolUrl(appBaseUrl: string, poolId: string): string {
  return `${appBaseUrl.replace(/\/+$/, '')}/runners/pools/${encodeURIComponent(
    poolId,
  )}`;
}
