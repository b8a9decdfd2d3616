import { ControlPlane } from '../startControlPlane';

/** What the global setup and teardown share across the packages of one Jest run. */
export interface SharedState {
  users: number;
  starting?: Promise<void>;
  plane?: ControlPlane;
  connectionDir?: string;
}

const KEY = Symbol.for('@runner-fleet/testenv/jest');

/**
 * State on the real global object, not in a module variable: Jest loads global setup and
 * teardown modules separately (and transpiles them per project).
 */
export function sharedState(): SharedState {
  const holder = globalThis as unknown as Record<
    symbol,
    SharedState | undefined
  >;
  let state = holder[KEY];
  if (!state) {
    state = { users: 0 };
    holder[KEY] = state;
  }
  return state;
}
