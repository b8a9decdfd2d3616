import { EmulatorCore } from '../EmulatorCore';
import { basicProjectDetails } from '../entities/common';
import { groupDetailEntity } from '../entities/groups';
import { projectEntity } from '../entities/projects';
import { authenticateNonGet, GROUPS_SCOPES } from '../http/auth';
import { paginate } from '../http/pagination';
import {
  declareParams,
  PAGINATION_PARAMS,
  Params,
  ParamSpec,
  WITH_CUSTOM_ATTRIBUTES,
} from '../http/params';
import { Route } from '../http/router';
import { ACCESS_LEVELS, ProjectRecord, UserRecord } from '../model/types';
import { API, findGroup, linkBase } from './helpers';

/** `Gitlab::VisibilityLevel.string_values` */
const VISIBILITY_VALUES = ['private', 'internal', 'public'];

/** `Gitlab::Access.all_values`: Guest, Planner, Reporter … Owner. */
const ACCESS_LEVEL_VALUES = ['10', '15', '20', '30', '40', '50'];

const PROJECT_ORDER_BY = [
  'id',
  'name',
  'path',
  'created_at',
  'updated_at',
  'last_activity_at',
  'similarity',
  'star_count',
];

/** The `params` block of `GET /groups/:id/projects`, defaults included. */
const GROUP_PROJECTS_PARAMS: ParamSpec[] = [
  { name: 'id', type: 'id', required: true },
  { name: 'active', type: 'boolean' },
  { name: 'archived', type: 'boolean' },
  { name: 'visibility', type: 'string', values: VISIBILITY_VALUES },
  { name: 'search', type: 'string' },
  {
    name: 'order_by',
    type: 'string',
    values: PROJECT_ORDER_BY,
    default: 'created_at',
  },
  { name: 'sort', type: 'string', values: ['asc', 'desc'], default: 'desc' },
  { name: 'simple', type: 'boolean', default: false },
  { name: 'owned', type: 'boolean', default: false },
  { name: 'starred', type: 'boolean', default: false },
  { name: 'with_issues_enabled', type: 'boolean', default: false },
  { name: 'with_merge_requests_enabled', type: 'boolean', default: false },
  { name: 'with_shared', type: 'boolean', default: true },
  { name: 'include_subgroups', type: 'boolean', default: false },
  { name: 'include_ancestor_groups', type: 'boolean', default: false },
  { name: 'min_access_level', type: 'integer', values: ACCESS_LEVEL_VALUES },
  ...PAGINATION_PARAMS,
  WITH_CUSTOM_ATTRIBUTES,
];

/**
 * `Project.search`: a case-insensitive substring of the path, name or
 * description; queries under 3 characters must match one of them whole.
 */
function matchesSearch(project: ProjectRecord, query: string): boolean {
  const wanted = query.toLowerCase();
  return [project.path, project.name, project.description].some(field => {
    const text = field.toLowerCase();
    return wanted.length < 3 ? text === wanted : text.includes(wanted);
  });
}

/** A rough `sorted_by_similarity_desc`: whole match, prefix, substring. */
function similarity(project: ProjectRecord, query: string): number {
  const wanted = query.toLowerCase();
  return Math.max(
    ...[project.path, project.name].map(field => {
      const text = field.toLowerCase();
      if (text === wanted) return 3;
      if (text.startsWith(wanted)) return 2;
      return text.includes(wanted) ? 1 : 0;
    }),
  );
}

/**
 * `reorder_projects_with_order_support`: `created_at` orders by id (the
 * tie-breaker GitLab substitutes), other columns break ties by id in the
 * same direction. `updated_at` and `last_activity_at` are the creation time
 * here, and every `star_count` is 0. `similarity` without `search` is name
 * ascending.
 */
function sortProjects(projects: ProjectRecord[], params: Params): void {
  const direction = params.string('sort') === 'asc' ? 1 : -1;
  const byId = (a: ProjectRecord, b: ProjectRecord) =>
    (a.id - b.id) * direction;
  const search = params.string('search');
  let primary: (a: ProjectRecord, b: ProjectRecord) => number;
  switch (params.string('order_by')) {
    case 'name':
      primary = (a, b) => a.name.localeCompare(b.name, 'en') * direction;
      break;
    case 'path':
      primary = (a, b) => a.path.localeCompare(b.path, 'en') * direction;
      break;
    case 'updated_at':
    case 'last_activity_at':
      primary = (a, b) => a.createdAt.localeCompare(b.createdAt) * direction;
      break;
    case 'similarity':
      primary = search
        ? (a, b) => similarity(b, search) - similarity(a, search)
        : (a, b) => a.name.localeCompare(b.name, 'en');
      break;
    default:
      primary = () => 0;
  }
  projects.sort((a, b) => primary(a, b) || byId(a, b));
}

/** `GroupProjectsFinder` with the list's filters, for `user` (null: anonymous). */
function groupProjects(
  core: EmulatorCore,
  groupId: number,
  user: UserRecord | null,
  params: Params,
): ProjectRecord[] {
  const { store, access } = core;
  const groupIds = new Set([groupId]);
  for (const other of store.groups.values()) {
    if (
      (params.bool('include_subgroups') &&
        store.isGroupWithin(other.id, groupId)) ||
      (params.bool('include_ancestor_groups') &&
        store.isGroupWithin(groupId, other.id))
    ) {
      groupIds.add(other.id);
    }
  }
  const visibility = params.string('visibility');
  const search = params.string('search');
  const minAccess = params.int('min_access_level');
  const role = (p: ProjectRecord) => (user ? access.projectAccess(user, p) : 0);
  return [...store.projects.values()]
    .filter(p => groupIds.has(p.groupId) && access.canSeeProject(user, p))
    .filter(p => !visibility || p.visibility === visibility)
    .filter(p => !search || matchesSearch(p, search))
    .filter(() => params.bool('archived') !== true)
    .filter(() => params.bool('active') !== false)
    .filter(() => !user || !params.bool('starred'))
    .filter(
      p => !user || !params.bool('owned') || role(p) >= ACCESS_LEVELS.owner,
    )
    .filter(p => !user || minAccess === undefined || role(p) >= minAccess);
}

/** `GET /groups/:id` and `GET /groups/:id/projects` of `API::Groups`. */
export function groupsRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${API}/groups/:id`,
      handler: ctx => {
        const user = authenticateNonGet(ctx, GROUPS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'id', required: true },
            WITH_CUSTOM_ATTRIBUTES,
            { name: 'with_projects', type: 'boolean', default: true },
          ],
        });
        const group = findGroup(ctx, user, ctx.pathParams.id);
        return {
          status: 200,
          body: groupDetailEntity(ctx.core, group, user, {
            withProjects: params.bool('with_projects') ?? true,
            customAttributes: Boolean(
              params.bool('with_custom_attributes') && user?.admin,
            ),
          }),
        };
      },
    },
    {
      method: 'GET',
      pattern: `${API}/groups/:id/projects`,
      handler: ctx => {
        const user = authenticateNonGet(ctx, GROUPS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: GROUP_PROJECTS_PARAMS,
        });
        const group = findGroup(ctx, user, ctx.pathParams.id);
        const projects = groupProjects(ctx.core, group.id, user, params);
        sortProjects(projects, params);
        const page = paginate(projects, params, linkBase(ctx));
        const options = {
          customAttributes: Boolean(
            params.bool('with_custom_attributes') && user?.admin,
          ),
        };
        return {
          status: 200,
          headers: page.headers,
          body: page.items.map(p =>
            params.bool('simple')
              ? basicProjectDetails(ctx.core, p, user, options)
              : projectEntity(ctx.core, p, user, options),
          ),
        };
      },
    },
  ];
}
