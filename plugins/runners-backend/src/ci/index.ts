/**
 * The GitLab side of Runner Fleet: the default {@link @runner-fleet/plugin-runners-node#CiProvider}.
 */
export { GitLabCiProvider } from './GitLabCiProvider';
export type { GitLabCiProviderOptions } from './GitLabCiProvider';
export type { GitLabJobListOptions } from './runnerJobs';
export { GitLabApiError } from './gitlabErrors';
export { GitLabBudget } from './GitLabBudget';
export type { RequestBudget } from './GitLabBudget';
