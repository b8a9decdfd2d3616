/**
 * Domain types, flavor maths, validation and permissions shared by the runners plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './flavors';
export * from './validation';
export * from './permissions';
export * from './labels';
export * from './health';
export * from './poolStates';
export * from './poolReasons';
export * from './defaultFlavors';
export * from './capacity';
export * from './client';
export * from './teamVerdict';
