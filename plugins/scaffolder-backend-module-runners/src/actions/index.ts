export {
  createRunnersPoolCreateAction,
  type RunnersPoolCreateInput,
  type RunnersPoolCreateOutput,
} from './createPool';
export {
  createRunnersPoolWaitAction,
  type RunnersPoolWaitInput,
} from './waitForPool';
export { createRunnersPoolDeleteAction } from './deletePool';
