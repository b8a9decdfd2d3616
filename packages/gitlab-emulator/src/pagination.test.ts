import { call, createRunner, useEmulator } from './__testUtils__/api';
import {
  expectDocumentedPagination,
  expectDocumentedPerPage,
} from './__testUtils__/shapes';
import { toQuery } from './http/pagination';
import { seedTokens } from './model/seed';

const admin = seedTokens.admin;

function rels(link: string | null): string[] {
  return [...(link ?? '').matchAll(/rel="(\w+)"/g)].map(m => m[1]);
}

function linkFor(link: string | null, rel: string): URL {
  const match = new RegExp(`<([^>]+)>; rel="${rel}"`).exec(link ?? '');
  if (!match) throw new Error(`no rel="${rel}" in ${link}`);
  return new URL(match[1]);
}

describe('offset pagination', () => {
  const ctx = useEmulator();

  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      await createRunner(ctx.emulator, {
        runner_type: 'instance_type',
        description: `r${i}`,
      });
    }
  });

  it('sends the x-* headers and a link with prev, next, first, last in that order', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?per_page=10&page=2&type=instance_type',
      { token: admin },
    );
    expect(res.body).toHaveLength(10);
    expect(res.body[0].description).toBe('r10');
    expect(
      Object.fromEntries(
        [
          'x-page',
          'x-per-page',
          'x-next-page',
          'x-prev-page',
          'x-total',
          'x-total-pages',
        ].map(h => [h, res.headers.get(h)]),
      ),
    ).toEqual({
      'x-page': '2',
      'x-per-page': '10',
      'x-next-page': '3',
      'x-prev-page': '1',
      'x-total': '25',
      'x-total-pages': '3',
    });
    const link = res.headers.get('link');
    expect(rels(link)).toEqual(['prev', 'next', 'first', 'last']);
    const next = linkFor(link, 'next');
    expect(`${next.origin}${next.pathname}`).toBe(
      `${ctx.emulator.url}/api/v4/runners/all`,
    );
    expect(Object.fromEntries(next.searchParams)).toEqual({
      page: '3',
      per_page: '10',
      type: 'instance_type',
    });
    expect(linkFor(link, 'last').searchParams.get('page')).toBe('3');
    expectDocumentedPagination(res);
  });

  it('uses page 1 and 20 per page by default and caps per_page at 100', async () => {
    const first = await call(ctx.emulator, 'GET', '/api/v4/runners/all', {
      token: admin,
    });
    expect(first.body).toHaveLength(20);
    expect(first.headers.get('x-per-page')).toBe('20');
    expect(first.headers.get('x-prev-page')).toBe('');
    expect(rels(first.headers.get('link'))).toEqual(['next', 'first', 'last']);
    const capped = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?per_page=500',
      { token: admin },
    );
    expect(capped.headers.get('x-per-page')).toBe('100');
    expect(capped.body).toHaveLength(25);
    expectDocumentedPerPage(first, capped);
  });

  it('answers the last page with an empty x-next-page and pages past the end with an empty list', async () => {
    const last = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?per_page=10&page=3',
      { token: admin },
    );
    expect(last.body).toHaveLength(5);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(rels(last.headers.get('link'))).toEqual(['prev', 'first', 'last']);
    const beyond = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?per_page=10&page=9',
      { token: admin },
    );
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('x-prev-page')).toBe('');
    expect(beyond.headers.get('x-next-page')).toBe('');
  });

  it('reports one page for an empty list', async () => {
    const res = await call(
      ctx.emulator,
      'GET',
      '/api/v4/runners/all?type=group_type',
      { token: admin },
    );
    expect(res.body).toEqual([]);
    expect(res.headers.get('x-total')).toBe('0');
    expect(res.headers.get('x-total-pages')).toBe('1');
  });

  it('pages project jobs without counting, knowing only whether a next page exists', async () => {
    await ctx.emulator.control.enqueueJobs({ project: 2, count: 5 });
    const path =
      '/api/v4/projects/engineering%2Fpayments%2Fcheckout-web/jobs?per_page=2';
    const first = await call(ctx.emulator, 'GET', path, { token: admin });
    expect(first.headers.get('x-next-page')).toBe('2');
    expect(first.headers.has('x-total')).toBe(false);
    expect(rels(first.headers.get('link'))).toEqual(['next', 'first']);
    const last = await call(ctx.emulator, 'GET', `${path}&page=3`, {
      token: admin,
    });
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(rels(last.headers.get('link'))).toEqual(['prev', 'first']);
  });
});

describe('toQuery', () => {
  it('encodes like ActiveSupport: sorted pairs, key[] for lists, CGI escaping', () => {
    expect(
      toQuery({
        scope: ['pending', 'running'],
        id: 'a/b c',
        page: 2,
        paused: false,
      }),
    ).toBe(
      'id=a%2Fb+c&page=2&paused=false&scope%5B%5D=pending&scope%5B%5D=running',
    );
  });
});
