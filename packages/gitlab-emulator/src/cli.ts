import { parseArgs } from 'node:util';
import { seedTokens } from './model/seed';
import { startGitLabEmulator } from './startGitLabEmulator';

const USAGE = `Usage: gitlab-emulator [--port 8929] [--host 127.0.0.1] [--state-file PATH]
                       [--external-url URL] [--quiet]

Runs the Runner Fleet GitLab emulator: GitLab's runner and jobs REST API under
/api/v4 and an admin-only control surface under /-/emulator.

  --port          port to listen on (default 8929; 0 picks a free one)
  --host          interface to listen on (default 127.0.0.1)
  --state-file    JSON file that keeps runners and jobs across restarts
  --external-url  URL clients use, if not http://<host>:<port> (links, web_url)
  --quiet         do not log requests
`;

/** The well-known tokens, printed at start so local runs can use them. */
export function describeTokens(): string {
  const users = Object.entries(seedTokens.users)
    .map(([user, token]) => `  ${token}  ${user} (api)`)
    .join('\n');
  return [
    `  ${seedTokens.admin}  root, administrator (api)`,
    `  ${seedTokens.adminReadApi}  root (read_api)`,
    `  ${seedTokens.fleetBot}  runner-fleet-bot, Owner of engineering (create_runner, manage_runner, read_api)`,
    users,
  ].join('\n');
}

/** Runs the CLI; resolves once the emulator listens. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8929' },
      host: { type: 'string', default: '127.0.0.1' },
      'state-file': { type: 'string' },
      'external-url': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, got '${values.port}'`);
  }
  const log = (line: string) =>
    process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const emulator = await startGitLabEmulator({
    port,
    host: values.host,
    stateFile: values['state-file'],
    externalUrl: values['external-url'],
    logger: values.quiet ? undefined : log,
  });
  process.stdout.write(
    [
      `GitLab emulator listening on ${emulator.url} (API ${emulator.apiUrl})`,
      values['state-file']
        ? `State file: ${values['state-file']}`
        : 'No state file: state is lost on exit (use --state-file)',
      'Personal access tokens (send as PRIVATE-TOKEN or Authorization: Bearer):',
      describeTokens(),
      `Control surface: ${emulator.url}/-/emulator/state (admin token)`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: saving state and stopping`);
    emulator.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
