import type { IngestBatch } from '../contract/protocol.ts';

/** Writes an IngestBatch's JSON around events that the batcher already serialized, without parsing them again. */
export function encodeBatch(header: Omit<IngestBatch, 'events'>, events: readonly string[]): string {
  const head = JSON.stringify(header);
  return `${head.slice(0, -1)},"events":[${events.join(',')}]}`;
}

export function canGzip(): boolean {
  return typeof CompressionStream === 'function';
}

/** Gzips text with the browser's CompressionStream (also in Node 18+); the server sniffs the gzip magic bytes. */
export async function gzip(text: string): Promise<Uint8Array> {
  // From bytes, not a Blob: a Blob copies the text into the browser's blob store on the page's main thread.
  const stream = new Response(utf8(text)).body!.pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}
