/**
 * Extension points, permission rules and the runners service for other backend plugins.
 *
 * @packageDocumentation
 */
export * from './CiProvider';
export * from './extensions';
export * from './permissions';
export * from './RunnersService';
export * from './restrictedTokens';
