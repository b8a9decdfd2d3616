import { createBackendModule } from '@backstage/backend-plugin-api';
import { NotAllowedError, InputError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Signs in as any example user: `GET|POST /api/auth/devusers/refresh?user=ada.platform`. For
 * local runs and browser tests only (e.g. to act as a platform approver), so it refuses to work
 * unless the backend runs in development mode AND `auth.providers.devusers` is configured.
 * The user must exist in the catalog.
 */
export const devUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize: () => ({ allowed: process.env.NODE_ENV === 'development' }),
  async authenticate({ req }, { allowed }) {
    if (!allowed) {
      throw new NotAllowedError(
        'the devusers sign-in provider works only in development mode',
      );
    }
    const user = String(req.query.user ?? '');
    if (!USER_NAME.test(user)) {
      throw new InputError(
        "query parameter 'user' must be the name of a catalog user, e.g. ?user=ada.platform",
      );
    }
    return { result: { userEntityRef: `user:default/${user}` } };
  },
});

/** Registers the `devusers` provider. */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'devusers-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'devusers',
          factory: createProxyAuthProviderFactory({
            authenticator: devUsersAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});
