import { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that drops everything except warnings and errors, which it counts and keeps the last of. */
export function quietLogger(): LoggerService & {
  warnings: number;
  last?: string;
} {
  const logger = {
    warnings: 0,
    last: undefined as string | undefined,
    error: (message: string) => {
      logger.warnings++;
      logger.last = message;
    },
    warn: (message: string) => {
      logger.warnings++;
      logger.last = message;
    },
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}
