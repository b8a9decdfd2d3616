/**
 * Runner Fleet web library: the runners API client, data hooks and reusable components such
 * as the CI capacity card.
 *
 * @packageDocumentation
 */

export * from './api';
export * from './hooks';
export * from './components';
export { formatCost, formatPercent, formatSeconds } from './util/format';
