import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** The body the backend's scaling-metrics endpoint returns (`PoolScalingMetrics`). */
export interface ScalingMetrics {
  busyJobSlots: number;
  pendingJobs: number;
  overflow: { busyJobSlots: number; pendingJobs: number };
}

/** A stand-in for the backend's scaling-metrics endpoint, with bearer auth checked. */
export interface MetricsServer {
  url: string;
  set(values: Partial<ScalingMetrics>): void;
  readonly requests: number;
  readonly unauthorized: number;
  stop(): Promise<void>;
}

export async function startMetricsServer(
  token: string,
): Promise<MetricsServer> {
  const metrics: ScalingMetrics = {
    busyJobSlots: 0,
    pendingJobs: 0,
    overflow: { busyJobSlots: 0, pendingJobs: 0 },
  };
  const counts = { requests: 0, unauthorized: 0 };
  const server = createServer((req, res) => {
    counts.requests++;
    if (req.headers.authorization !== `Bearer ${token}`) {
      counts.unauthorized++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { name: 'AuthenticationError' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(metrics));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/runners/pools/p-1/scaling-metrics`,
    set: values => Object.assign(metrics, values),
    get requests() {
      return counts.requests;
    },
    get unauthorized() {
      return counts.unauthorized;
    },
    stop: () =>
      new Promise(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
