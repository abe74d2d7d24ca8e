import { HttpError } from '../http/errors.ts';
import { IngestError } from '../ingest/errors.ts';

/** Ingest's refusals as the one HTTP error shape, with the status ingest gave them; anything else passes unchanged. */
export function asHttpError(error: unknown): unknown {
  return error instanceof IngestError ? new HttpError(error.status, error.code, error.message) : error;
}
