import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlanePorts } from './ports';

const FILE = 'ports.json';

/**
 * The ports of the previous run with this data dir. Reusing them keeps the server URL in
 * kubeconfigs handed out earlier valid, and etcd's stored member peer URL unchanged.
 */
export function readSavedPorts(dir: string): Partial<ControlPlanePorts> {
  const file = join(dir, FILE);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      unknown
    >;
    const port = (key: keyof ControlPlanePorts) =>
      typeof parsed[key] === 'number' ? (parsed[key] as number) : undefined;
    return {
      apiserver: port('apiserver'),
      etcdClient: port('etcdClient'),
      etcdPeer: port('etcdPeer'),
    };
  } catch {
    return {};
  }
}

/** Remembers the ports of this run for the next. */
export function savePorts(dir: string, ports: ControlPlanePorts): void {
  writeFileSync(join(dir, FILE), `${JSON.stringify(ports, null, 2)}\n`);
}
