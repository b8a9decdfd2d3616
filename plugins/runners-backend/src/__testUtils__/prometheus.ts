import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real Prometheus (Debian's package) on a free 127.0.0.1 port with its own data dir. */
export interface TestPrometheus {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Prometheus scraping `targets` (host:port, path /metrics) every `scrapeIntervalSeconds`.
 * Fails, never skips, when the binary is missing, naming the command that installs it.
 */
export async function startPrometheus(options: {
  targets: string[];
  scrapeIntervalSeconds?: number;
}): Promise<TestPrometheus> {
  const found = spawnSync('sh', ['-c', 'command -v prometheus'], {
    encoding: 'utf8',
  });
  const binary = found.stdout.trim();
  if (found.status !== 0 || !binary) {
    throw new Error(
      'prometheus is not installed; install it with `bash scripts/system-deps.sh prometheus` (Debian package prometheus)',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'runners-prometheus-'));
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: virt-handler',
      '    static_configs:',
      `      - targets: [${options.targets.map(t => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited: ${output.slice(-2000)}`);
    }
    const ready = await fetch(`${url}/-/ready`)
      .then(r => r.ok)
      .catch(() => false);
    if (ready) return { url, stop };
    await new Promise(r => setTimeout(r, 200));
  }
  await stop();
  throw new Error(
    `prometheus did not get ready in 30 s: ${output.slice(-2000)}`,
  );
}
