/**
 * Scaffolder actions for runner pools: `runners:pool:create`, `runners:pool:wait` and
 * `runners:pool:delete`.
 *
 * @packageDocumentation
 */
export { runnersScaffolderModule as default } from './module';
export * from './actions';
