import type { Request } from 'express';
import { HttpError } from './errors.ts';

const tooLarge = (limit: number) => new HttpError(413, 'payload_too_large', `Request body is over ${limit} bytes`);

/**
 * Reads the request body as bytes, whatever its content type, failing with 413 past `limit` bytes.
 * Hand-rolled rather than express.raw() because ingest sniffs gzip itself: body-parser refuses
 * `Content-Encoding: gzip` unless it inflates, and then it applies its limit after decompression.
 */
export function readRawBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      // Keep draining (not destroying) so the client reads our answer instead of a reset upload;
      // close the connection afterwards so nobody can keep streaming into it.
      req.res?.setHeader('Connection', 'close');
      req.removeListener('data', onData);
      req.resume();
      reject(error);
    };
    const onData = (part: Buffer) => {
      size += part.byteLength;
      if (size > limit) fail(tooLarge(limit));
      else parts.push(part);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return fail(tooLarge(limit));
    req.on('data', onData);
    req.once('end', () => {
      if (!failed) resolve(Buffer.concat(parts, size));
    });
    req.once('error', (error) => fail(new HttpError(400, 'bad_request', `Could not read the body: ${error.message}`)));
  });
}
