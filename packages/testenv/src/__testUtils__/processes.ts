import { readdirSync, readFileSync } from 'node:fs';

/** Pids of processes whose command line mentions `text` (e.g. a data dir), from /proc. */
export function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .filter(pid => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number)
    .filter(pid => pid !== process.pid);
}

/** Waits until no process mentions `text`; returns the survivors after `timeoutMs`. */
export async function waitForNoProcesses(
  text: string,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesMentioning(text);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
