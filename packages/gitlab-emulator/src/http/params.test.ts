import { declareParams } from './params';
import { parseQuery } from './requestParsing';

describe('parseQuery', () => {
  it('parses like Rack: lists, hashes, and the last value of a repeated key', () => {
    expect(parseQuery('?a[]=1&a[]=2&b[c]=x+y&d=1&d=2&e=%2Fz')).toEqual({
      a: ['1', '2'],
      b: { c: 'x y' },
      d: '2',
      e: '/z',
    });
  });
});

describe('declareParams', () => {
  const rules = {
    params: [
      {
        name: 'kind',
        type: 'string' as const,
        required: true,
        values: ['a', 'b'],
      },
      {
        name: 'count',
        type: 'integer' as const,
        required: true,
        when: (raw: Record<string, unknown>) => raw.kind === 'b',
      },
      { name: 'on', type: 'boolean' as const },
      { name: 'tags', type: 'stringList' as const },
      { name: 'page', type: 'integer' as const, default: 1 },
    ],
  };

  it('coerces like Grape and fills defaults', () => {
    const params = declareParams(
      { kind: 'a', on: 'yes', tags: 'x, y', extra: 'kept' },
      rules,
    );
    expect([
      params.bool('on'),
      params.list('tags'),
      params.int('page'),
    ]).toEqual([true, ['x', 'y'], 1]);
    expect(params.all).toEqual({
      kind: 'a',
      on: true,
      tags: ['x', 'y'],
      page: 1,
      extra: 'kept',
    });
  });

  it('requires conditional parameters only when their condition holds', () => {
    expect(() => declareParams({ kind: 'b' }, rules)).toThrow(
      'count is missing',
    );
    expect(declareParams({ kind: 'a' }, rules).has('count')).toBe(false);
  });

  it('collects every error into one Grape message', () => {
    expect(() =>
      declareParams({ kind: 'c', on: 'maybe', page: '1.5' }, rules),
    ).toThrow(
      expect.objectContaining({
        status: 400,
        body: {
          error:
            'kind does not have a valid value, on is invalid, page is invalid',
        },
      }),
    );
  });
});
