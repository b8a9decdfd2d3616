import { ConflictError } from '@backstage/errors';

/** Attempts at a change whose conditional write keeps losing to other writers. */
const ATTEMPTS = 8;

/** A conditional write lost: the pool changed after the attempt read it. */
class LostRaceError extends Error {
  constructor() {
    super('the pool changed after it was read');
    this.name = 'LostRaceError';
  }
}

/**
 * The record a conditional write returned; when the write lost (undefined), throws so that
 * {@link untilWritten} rolls the attempt's transaction back and decides again.
 */
export function written<T>(value: T | undefined): T {
  if (value === undefined) throw new LostRaceError();
  return value;
}

/**
 * Runs a read-decide-write attempt (one transaction) until its conditional writes land. An
 * attempt whose write lost is rolled back and runs again on what is stored now, so a user's
 * change is decided on fresh data and never overwrites another writer's.
 */
export async function untilWritten<T>(
  what: string,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let i = 0; i < ATTEMPTS; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof LostRaceError)) throw error;
    }
    await new Promise(resolve =>
      setTimeout(resolve, 5 + Math.random() * 20 * (i + 1)),
    );
  }
  throw new ConflictError(
    `${what}: the pool kept changing while the change was applied; try again`,
  );
}

/**
 * The precondition in `If-Match` does not hold: the pool changed since the client read it.
 * The router answers 412 Precondition Failed.
 */
export class PreconditionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailedError';
  }
}
