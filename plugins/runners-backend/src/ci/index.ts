/**
 * The GitLab side of Runner Fleet: the default {@link @runner-fleet/plugin-runners-node#CiProvider}.
 */
export { GitLabCiProvider } from './GitLabCiProvider';
export type {
  GitLabCiProviderOptions,
  GitLabJobListOptions,
} from './GitLabCiProvider';
export { GitLabApiError } from './gitlabErrors';
