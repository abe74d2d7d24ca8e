import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { IngestError } from './errors.ts';

const gunzipAsync = promisify(gunzip);

/** gzip's magic bytes; sniffed because sendBeacon and text/plain posts cannot be trusted to carry headers. */
function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/** Decodes an ingest body (gzip or plain, whatever the headers say) into a JSON value. */
export async function decodeBody(body: Buffer, maxInflatedBytes: number): Promise<unknown> {
  let text: string;
  if (isGzip(body)) {
    try {
      text = (await gunzipAsync(body, { maxOutputLength: maxInflatedBytes })).toString('utf8');
    } catch (error) {
      // zlib stops with ERR_BUFFER_TOO_LARGE at maxOutputLength: a zip bomb never reaches memory in full.
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new IngestError('payload_too_large', `Decompressed body is over ${maxInflatedBytes} bytes`, 413);
      }
      throw new IngestError('invalid_gzip', 'Request body starts like gzip but does not decompress');
    }
  } else {
    text = body.toString('utf8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IngestError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}
