import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';

/** What {@link limitUrlLength} uses of Express's request and response. */
interface UrlRequest {
  originalUrl: string;
  method: string;
}
interface JsonResponse {
  status(code: number): { json(body: unknown): unknown };
}

/**
 * The longest request target (path and query) the backend accepts. Every route's ids are
 * short; Node itself refuses a request line and headers over 16 KB with 431.
 */
export const MAX_URL_LENGTH = 8 * 1024;

/** Answers 414 to a URL over {@link MAX_URL_LENGTH}, in Backstage's error body shape. */
export function limitUrlLength(
  req: UrlRequest,
  res: JsonResponse,
  next: () => void,
): void {
  if (req.originalUrl.length <= MAX_URL_LENGTH) {
    next();
    return;
  }
  res.status(414).json({
    error: {
      name: 'UriTooLongError',
      message: `the URL is ${req.originalUrl.length} characters long; at most ${MAX_URL_LENGTH} are accepted`,
    },
    request: { method: req.method, url: req.originalUrl.slice(0, 200) },
    response: { statusCode: 414 },
  });
}

/** Backstage's root HTTP router with {@link limitUrlLength} in front of everything. */
export const rootHttpRouter = rootHttpRouterServiceFactory({
  configure({ app, applyDefaults }) {
    app.use(limitUrlLength);
    applyDefaults();
  },
});
