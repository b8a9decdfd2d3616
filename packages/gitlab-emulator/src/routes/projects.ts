import { basicProjectDetails } from '../entities/common';
import { projectWithAccessEntity } from '../entities/projects';
import { authenticateNonGet, PROJECTS_SCOPES } from '../http/auth';
import { declareParams, WITH_CUSTOM_ATTRIBUTES } from '../http/params';
import { Route } from '../http/router';
import { API, findProject } from './helpers';

/** `GET /projects/:id` of `API::Projects`. */
export function projectsRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: `${API}/projects/:id`,
      handler: ctx => {
        const user = authenticateNonGet(ctx, PROJECTS_SCOPES);
        const params = declareParams(ctx.raw, {
          params: [
            { name: 'id', type: 'id', required: true },
            { name: 'statistics', type: 'boolean', default: false },
            WITH_CUSTOM_ATTRIBUTES,
            { name: 'license', type: 'boolean', default: false },
          ],
        });
        const project = findProject(ctx, user, ctx.pathParams.id);
        const options = {
          license: params.bool('license'),
          statistics: params.bool('statistics'),
          customAttributes: Boolean(
            params.bool('with_custom_attributes') && user?.admin,
          ),
        };
        // Signed in: `ProjectWithAccess`; anonymous: `ProjectDetails`.
        return {
          status: 200,
          body: user
            ? projectWithAccessEntity(ctx.core, project, user, options)
            : basicProjectDetails(ctx.core, project, null, options),
        };
      },
    },
  ];
}
