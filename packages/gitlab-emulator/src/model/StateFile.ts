import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EmulatorData } from './types';

const FORMAT = 'runner-fleet-gitlab-emulator/v1';

interface StateFileContent {
  format: string;
  savedAt: string;
  data: EmulatorData;
}

/**
 * Keeps the emulator's tables in a JSON file so a local run survives
 * restarts. Writes are debounced and atomic (temp file + rename); `flush`
 * writes now and waits.
 */
export class StateFile {
  readonly path: string;
  readonly #snapshot: () => EmulatorData;
  readonly #debounceMs: number;
  readonly #onError: (error: Error) => void;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: {
    path: string;
    snapshot: () => EmulatorData;
    onError: (error: Error) => void;
    debounceMs?: number;
  }) {
    this.path = options.path;
    this.#snapshot = options.snapshot;
    this.#onError = options.onError;
    this.#debounceMs = options.debounceMs ?? 1000;
  }

  /** Reads the file; undefined when it does not exist yet. */
  static load(path: string): EmulatorData | undefined {
    if (!existsSync(path)) {
      return undefined;
    }
    let content: StateFileContent;
    try {
      content = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(
        `state file ${path} is not valid JSON (${String(
          error,
        )}); fix or delete it to start from the seed`,
      );
    }
    if (content.format !== FORMAT) {
      throw new Error(
        `state file ${path} has format '${content.format}', expected '${FORMAT}'; delete it to start from the seed`,
      );
    }
    return content.data;
  }

  /** Saves soon; many changes in a burst give one write. */
  schedule(): void {
    if (this.#timer) {
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch(error => this.#onError(error));
    }, this.#debounceMs);
    this.#timer.unref();
  }

  /** Saves now and resolves when the file is written. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const content: StateFileContent = {
      format: FORMAT,
      savedAt: new Date().toISOString(),
      data: this.#snapshot(),
    };
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        await mkdir(dirname(this.path), { recursive: true });
        const temp = `${this.path}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(content), { mode: 0o600 });
        await rename(temp, this.path);
      });
    return this.#writing;
  }
}
