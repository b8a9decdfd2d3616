import { createServer, Server } from 'node:net';

/** Ports of one control plane on 127.0.0.1. */
export interface ControlPlanePorts {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      resolve(server),
    );
  });
}

function close(server: Server): Promise<void> {
  return new Promise(resolve => server.close(() => resolve()));
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('listening socket has no TCP address');
  }
  return address.port;
}

/**
 * Picks distinct free TCP ports on 127.0.0.1. A wanted port is used when it is free (so a local
 * control plane keeps its address across restarts); the others come from the kernel. All sockets
 * are held open together, so the ports are distinct; the race until the binaries bind them is
 * the usual one of every test environment.
 */
export async function freePorts(
  wanted: ReadonlyArray<number | undefined>,
): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (const port of wanted) {
      let server: Server | undefined;
      if (port) {
        server = await listen(port).catch(() => undefined);
      }
      servers.push(server ?? (await listen(0)));
    }
    return servers.map(portOf);
  } finally {
    await Promise.all(servers.map(close));
  }
}
