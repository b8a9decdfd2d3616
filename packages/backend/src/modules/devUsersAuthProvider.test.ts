import { devUsersAuthenticator } from './devUsersAuthProvider';

const request = (user?: string) =>
  ({ query: user === undefined ? {} : { user } } as unknown as Parameters<
    typeof devUsersAuthenticator.authenticate
  >[0]['req']);

describe('devusers sign-in provider', () => {
  it('signs in as the named example user in development', async () => {
    await expect(
      devUsersAuthenticator.authenticate(
        { req: request('ada.platform') },
        { allowed: true },
      ),
    ).resolves.toEqual({
      result: { userEntityRef: 'user:default/ada.platform' },
    });
  });

  it('refuses outside development mode', async () => {
    await expect(
      devUsersAuthenticator.authenticate(
        { req: request('ada.platform') },
        { allowed: false },
      ),
    ).rejects.toThrow('works only in development mode');
  });

  it('refuses names that are not catalog user names', async () => {
    await expect(
      devUsersAuthenticator.authenticate(
        { req: request('../admin') },
        { allowed: true },
      ),
    ).rejects.toThrow(
      "query parameter 'user' must be the name of a catalog user",
    );
    await expect(
      devUsersAuthenticator.authenticate({ req: request() }, { allowed: true }),
    ).rejects.toThrow();
  });
});
