export { RunnersHttpClient } from './RunnersHttpClient';
export type * from './types';
