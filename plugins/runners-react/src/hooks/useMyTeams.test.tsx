import { identityApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider, mockApis } from '@backstage/test-utils';
import { renderHook, waitFor } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { useMyTeams } from './useMyTeams';

describe('useMyTeams', () => {
  it('keeps the default-namespace groups of the identity, sorted', async () => {
    const identity = mockApis.identity({
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs: [
        'user:default/guest',
        'group:default/search',
        'group:other/payments',
        'group:default/payments',
      ],
    });
    const { result } = renderHook(() => useMyTeams(), {
      wrapper: ({ children }: PropsWithChildren<{}>) => (
        <TestApiProvider apis={[[identityApiRef, identity]]}>
          {children}
        </TestApiProvider>
      ),
    });
    await waitFor(() => expect(result.current.value).toBeDefined());
    expect(result.current.value).toEqual({
      userEntityRef: 'user:default/guest',
      teams: ['payments', 'search'],
    });
  });
});
