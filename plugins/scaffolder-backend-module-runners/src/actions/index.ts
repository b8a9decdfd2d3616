export { createRunnersPoolCreateAction } from './createPool';
export { createRunnersPoolWaitAction } from './waitForPool';
export { createRunnersPoolDeleteAction } from './deletePool';
