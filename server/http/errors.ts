import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiError, ReasonCode } from '../../contract/reason-codes.ts';

/** An error a route throws to answer with `{ error: { code, message } }`; the only way routes report failure. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ReasonCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Errors raised by Express's own body parsers carry a `type`; map the ones a client can cause. */
function fromBodyParser(error: { type?: unknown; status?: unknown; message?: unknown }): HttpError | undefined {
  if (error.type === 'entity.too.large') return new HttpError(413, 'payload_too_large', 'Request body is too large');
  if (error.type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', 'Request body is not valid JSON');
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return new HttpError(error.status, 'bad_request', String(error.message ?? 'Bad request'));
  }
  return undefined;
}

/** Anything no route answered: unknown API paths and methods. */
export const notFound: RequestHandler = (req) => {
  // originalUrl: under app.use('/api', …) req.path has lost its mount point.
  throw new HttpError(404, 'not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`);
};

export const errorMiddleware: ErrorRequestHandler = (error, _req, res, _next) => {
  const isObject = typeof error === 'object' && error !== null;
  const known = error instanceof HttpError ? error : isObject ? fromBodyParser(error) : undefined;
  if (!known) console.error('Sightline: unexpected error while answering a request', error);
  const answer = known ?? new HttpError(500, 'internal', 'Internal server error');
  // The response may have started (a stream failed half-way): then all we can do is cut it.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ApiError = { error: { code: answer.code, message: answer.message } };
  res.status(answer.status).json(body);
};
