import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject, JsonValue } from '@backstage/types';

/** The user every action test acts as, a member of payments. */
export const PRIYA = 'user:default/priya.payments';

/**
 * Checkpoints kept across runs like the scaffolder's task state: a value is stored only when
 * its function succeeds, and a later run gets it back without running the function.
 * `crashAfter` makes the run die right after that checkpoint's function ran, before it is saved.
 */
export class CheckpointStore {
  readonly values = new Map<string, JsonValue>();
  crashAfter?: string;

  checkpoint = async <T extends JsonValue | void>(opts: {
    key: string;
    fn: () => Promise<T> | T;
  }): Promise<T> => {
    if (this.values.has(opts.key)) return this.values.get(opts.key) as T;
    const value = await opts.fn();
    if (this.crashAfter === opts.key) throw new Error('backend restarted');
    this.values.set(opts.key, value ?? {});
    return value;
  };
}

/**
 * A mock action context for `action`, acting as {@link PRIYA}, with a logger whose calls tests
 * can read.
 */
export function actionContext<
  TInput extends JsonObject,
  TOutput extends JsonObject,
>(
  _action: TemplateAction<TInput, TOutput, 'v2'>,
  input: TInput,
  options: {
    checkpoints?: CheckpointStore;
    isDryRun?: boolean;
    signal?: AbortSignal;
  } = {},
) {
  const logger = mockServices.logger.mock();
  // createMockActionContext takes only input, logger, secrets, workspace, task and user.
  const ctx: ActionContext<TInput, TOutput> = {
    ...createMockActionContext<TInput, TOutput>({ input, logger }),
    isDryRun: options.isDryRun,
    signal: options.signal,
    getInitiatorCredentials: async () => mockCredentials.user(PRIYA),
    ...(options.checkpoints && { checkpoint: options.checkpoints.checkpoint }),
  };
  const logs = () =>
    [...logger.info.mock.calls, ...logger.warn.mock.calls].map(c => c[0]);
  return { ctx, logs, output: ctx.output as jest.Mock };
}
