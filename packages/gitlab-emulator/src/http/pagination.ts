import { Json } from './errors';
import { Params } from './params';
import { RawParams } from './requestParsing';

/** Kaminari's `max_per_page` in GitLab. */
export const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;

/** Where the request came in, to build `link` URLs like GitLab does. */
export interface LinkBase {
  /** The emulator's external URL, without a trailing slash. */
  baseUrl: string;
  /** The request path as received (still percent-encoded). */
  path: string;
}

/** One page of a list plus the headers GitLab sends with it. */
export interface PageResult<T> {
  items: T[];
  headers: Record<string, string>;
}

/** Ruby's `CGI.escape`. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function toQueryPairs(value: Json | undefined, key: string): string[] {
  if (Array.isArray(value)) {
    return value.length === 0
      ? []
      : [value.flatMap(v => toQueryPairs(v, `${key}[]`)).join('&')];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      toQueryPairs(v, `${key}[${k}]`),
    );
  }
  const text = value === null || value === undefined ? '' : String(value);
  return [`${cgiEscape(key)}=${cgiEscape(text)}`];
}

/** ActiveSupport's `Hash#to_query`: encoded pairs, sorted. */
export function toQuery(params: RawParams): string {
  return Object.entries(params)
    .flatMap(([k, v]) => toQueryPairs(v, k))
    .sort()
    .join('&');
}

/**
 * `Gitlab::Pagination::OffsetPagination` over an in-memory list: Kaminari's
 * page maths, `x-*` headers and a `link` header listing prev, next, first and
 * last. With `withoutCount`, `x-total`, `x-total-pages` and `rel="last"` are
 * left out, as GitLab does for project jobs.
 */
export function paginate<T>(
  items: T[],
  params: Params,
  base: LinkBase,
  options: { withoutCount?: boolean } = {},
): PageResult<T> {
  const page = Math.max(1, params.int('page') ?? 1);
  const requestedPerPage = params.int('per_page') ?? DEFAULT_PER_PAGE;
  const perPage =
    requestedPerPage <= 0
      ? DEFAULT_PER_PAGE
      : Math.min(requestedPerPage, MAX_PER_PAGE);
  const offset = (page - 1) * perPage;
  const slice = items.slice(offset, offset + perPage);

  let nextPage: number | undefined;
  let prevPage: number | undefined;
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  if (options.withoutCount) {
    const outOfRange = slice.length === 0;
    const lastPage = items.length <= offset + perPage;
    nextPage = lastPage ? undefined : page + 1;
    prevPage = page === 1 || outOfRange ? undefined : page - 1;
  } else {
    const outOfRange = page > totalPages;
    nextPage = page >= totalPages || outOfRange ? undefined : page + 1;
    prevPage = page === 1 || outOfRange ? undefined : page - 1;
  }

  const href = (target: number) =>
    `${base.baseUrl}${base.path}?${toQuery({
      ...params.all,
      page: target,
      per_page: params.all.per_page,
    })}`;
  const links: string[] = [];
  if (prevPage !== undefined) links.push(`<${href(prevPage)}>; rel="prev"`);
  if (nextPage !== undefined) links.push(`<${href(nextPage)}>; rel="next"`);
  links.push(`<${href(1)}>; rel="first"`);
  if (!options.withoutCount) links.push(`<${href(totalPages)}>; rel="last"`);

  const headers: Record<string, string> = {
    'x-per-page': String(perPage),
    'x-page': String(page),
    'x-next-page': nextPage === undefined ? '' : String(nextPage),
    'x-prev-page': prevPage === undefined ? '' : String(prevPage),
    link: links.join(', '),
  };
  if (!options.withoutCount) {
    headers['x-total'] = String(items.length);
    headers['x-total-pages'] = String(totalPages);
  }
  return { items: slice, headers };
}
