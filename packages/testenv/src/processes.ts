import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';

/** Every child still running, killed synchronously if this process exits without `stop()`. */
const live = new Set<ChildProcess>();
/** Temporary directories removed when this process exits. */
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that cannot leave a child
  // behind. kube-apiserver first, so it never retries against a dead etcd.
  process.on('exit', () => {
    for (const child of [...live].reverse()) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of tempDirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Removes `dir` when this process exits, unless {@link forgetTempDir} is called first. */
export function registerTempDir(dir: string): void {
  installExitHook();
  tempDirs.add(dir);
}

/** Stops tracking a temp dir (after removing it). */
export function forgetTempDir(dir: string): void {
  tempDirs.delete(dir);
}

const SETPRIV = '/usr/bin/setpriv';

/** A control-plane binary run as a child of this process, with its output in a log file. */
export class ManagedProcess {
  readonly #name: string;
  readonly #logFile: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  /**
   * Starts `binary`. With util-linux `setpriv` the child also gets a parent-death signal, so it
   * dies with this process even on SIGKILL (when no 'exit' handler can run).
   *
   * @param deathSignal - signal the child gets when this process dies.
   */
  static start(options: {
    name: string;
    binary: string;
    args: string[];
    logFile: string;
    deathSignal: 'KILL' | 'TERM';
    /** Extra environment variables (added to this process' environment). */
    env?: Record<string, string>;
  }): ManagedProcess {
    return new ManagedProcess(options);
  }

  private constructor(options: {
    name: string;
    binary: string;
    args: string[];
    logFile: string;
    deathSignal: 'KILL' | 'TERM';
    env?: Record<string, string>;
  }) {
    installExitHook();
    this.#name = options.name;
    this.#logFile = options.logFile;
    const log = openSync(options.logFile, 'w');
    const [command, args] = existsSync(SETPRIV)
      ? [
          SETPRIV,
          [
            `--pdeathsig=${options.deathSignal}`,
            '--',
            options.binary,
            ...options.args,
          ],
        ]
      : [options.binary, options.args];
    try {
      this.#child = spawn(command, args, {
        stdio: ['ignore', log, log],
        detached: false,
        env: options.env ? { ...process.env, ...options.env } : process.env,
      });
    } finally {
      closeSync(log);
    }
    live.add(this.#child);
    this.#exited = new Promise(resolve => {
      this.#child.once('exit', code => {
        live.delete(this.#child);
        this.#exitCode = code;
        resolve(code);
      });
      this.#child.once('error', () => {
        live.delete(this.#child);
        this.#exitCode = null;
        resolve(null);
      });
    });
  }

  /** The OS process id (of the binary: `setpriv` execs it in place). */
  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.#exitCode !== undefined;
  }

  /** Throws, with the end of the log, if the process has exited. */
  assertRunning(): void {
    if (this.exited) {
      throw new Error(
        `${this.#name} exited (code ${this.#exitCode}); last log lines from ${
          this.#logFile
        }:\n${this.logTail()}`,
      );
    }
  }

  /** The last lines of the process' log. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.#logFile, 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '(no log)';
    }
  }

  /**
   * Sends `signal` and waits for the exit; escalates to SIGKILL after `timeoutMs`.
   * Resolves once the process is gone.
   */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (this.exited) return;
    this.#child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(resolve => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.#child.kill('SIGKILL');
      await this.#exited;
    }
  }
}
