import { ActionContext } from '@backstage/plugin-scaffolder-node';

/** The time a wait may take, fixed when the wait first started. */
export interface WaitWindow {
  /** Epoch milliseconds after which the wait times out. */
  deadline: number;
  /** When the wait started (epoch milliseconds). */
  startedAt: number;
  /** Records that this window timed out, so a retried task waits anew. */
  close(): Promise<void>;
}

type Checkpoint = Pick<ActionContext<{}>, 'checkpoint'>['checkpoint'];

/**
 * Opens the wait window of a step, kept in checkpoints: a task that resumes after a restart
 * keeps its deadline instead of starting the clock again, while a task the user retries after
 * a timeout gets a fresh window (each window that timed out is closed by a checkpoint, and the
 * next run moves on to the next window).
 */
export async function openWaitWindow(
  checkpoint: Checkpoint,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<WaitWindow> {
  for (let attempt = 0; ; attempt++) {
    const key = `wait-window-${attempt}`;
    const startedAt = await checkpoint({ key: `${key}-started`, fn: now });
    const deadline = startedAt + timeoutMs;
    const close = async () => {
      await checkpoint({ key: `${key}-closed`, fn: () => true });
    };
    if (now() < deadline) {
      return { deadline, startedAt, close };
    }
    let closedNow = false;
    await checkpoint({
      key: `${key}-closed`,
      fn: () => {
        closedNow = true;
        return true;
      },
    });
    if (closedNow) {
      // The window ran out while the task was not running: one last look, then a timeout.
      return { deadline, startedAt, close };
    }
  }
}
