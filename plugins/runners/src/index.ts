/**
 * Runner Fleet portal: self-service GitLab runner pools, fleet health and approvals.
 *
 * The default export is the plugin for the new frontend system; the named exports serve apps
 * on the legacy frontend system.
 *
 * @packageDocumentation
 */

export { runnersFrontendPlugin as default } from './plugin';
export {
  runnersPlugin,
  RunnersPage,
  EntityCiCapacityCard,
  EntityTeamCiHealthCard,
  EntityRunnersContent,
  RunnerFlavorPickerFieldExtension,
  isRunnersAvailable,
} from './legacy';
