import express, { NextFunction, Request, Response } from 'express';

/** The largest JSON body the runners API accepts; a pool spec is a few hundred bytes. */
export const JSON_BODY_LIMIT = '100kb';

/**
 * Answers with Backstage's error body shape. For middleware that runs before the OpenAPI
 * validator: it answers rather than passing the error on, because the OpenAPI router turns
 * every error it sees into an InputError (400), which would hide the status.
 */
export function reply(
  req: Request,
  res: Response,
  statusCode: number,
  name: string,
  message: string,
): void {
  res.status(statusCode).json({
    error: { name, message },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode },
  });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}

function isJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  return (
    type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)
  );
}

/**
 * The runners API's body parsing: JSON only (415 otherwise), at most {@link JSON_BODY_LIMIT}
 * (413 above), malformed JSON 400. Replaces the OpenAPI router's default `express.json()`,
 * whose errors would all come out as 400.
 */
export function jsonBody(): express.RequestHandler[] {
  const parse = express.json({ limit: JSON_BODY_LIMIT });
  return [
    (req: Request, res: Response, next: NextFunction) => {
      if (hasBody(req) && !isJson(req)) {
        reply(
          req,
          res,
          415,
          'UnsupportedMediaTypeError',
          `request bodies must be JSON: send Content-Type: application/json, not '${
            req.headers['content-type'] ?? 'none'
          }'`,
        );
        return;
      }
      parse(req, res, (error?: unknown) => {
        if (!error) {
          next();
          return;
        }
        const type = (error as { type?: string }).type;
        if (type === 'entity.too.large') {
          reply(
            req,
            res,
            413,
            'PayloadTooLargeError',
            `request body is larger than ${JSON_BODY_LIMIT}; a pool spec needs far less`,
          );
        } else if (
          type === 'encoding.unsupported' ||
          type === 'charset.unsupported'
        ) {
          reply(
            req,
            res,
            415,
            'UnsupportedMediaTypeError',
            'request bodies must be UTF-8 JSON',
          );
        } else {
          reply(req, res, 400, 'InputError', 'request body is not valid JSON');
        }
      });
    },
  ];
}
