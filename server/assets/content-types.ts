/**
 * The media types the asset proxy serves: images, fonts and CSS, nothing that can be a document or a script.
 * Upstream types are normalized to one name each; a generic binary type is accepted only when the bytes are an
 * image or font format (object stores often serve fonts as application/octet-stream).
 */

export const CSS_TYPE = 'text/css';

/** Upstream media type (lower case, parameters dropped) → the type served. */
const SERVED_TYPES: Readonly<Record<string, string>> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'image/avif': 'image/avif',
  'image/svg+xml': 'image/svg+xml',
  'image/x-icon': 'image/x-icon',
  'image/vnd.microsoft.icon': 'image/x-icon',
  'font/woff': 'font/woff',
  'font/woff2': 'font/woff2',
  'font/ttf': 'font/ttf',
  'font/otf': 'font/otf',
  'application/font-woff': 'font/woff',
  'application/x-font-woff': 'font/woff',
  'application/font-woff2': 'font/woff2',
  'application/x-font-ttf': 'font/ttf',
  'application/x-font-truetype': 'font/ttf',
  'application/x-font-otf': 'font/otf',
  'application/x-font-opentype': 'font/otf',
  'text/css': CSS_TYPE,
};

/** Types that say only "bytes": decided by the bytes themselves. */
const GENERIC_TYPES: ReadonlySet<string> = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** Leading bytes of the binary formats served (ASCII signatures as text, others as byte lists), checked in order. */
const SIGNATURES: ReadonlyArray<{ type: string; at: number; bytes: string | number[] }> = [
  { type: 'image/png', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', at: 0, bytes: 'GIF8' },
  { type: 'image/webp', at: 8, bytes: 'WEBP' },
  { type: 'image/avif', at: 4, bytes: 'ftypavif' },
  { type: 'image/x-icon', at: 0, bytes: [0x00, 0x00, 0x01, 0x00] },
  { type: 'font/woff', at: 0, bytes: 'wOFF' },
  { type: 'font/woff2', at: 0, bytes: 'wOF2' },
  { type: 'font/ttf', at: 0, bytes: [0x00, 0x01, 0x00, 0x00] },
  { type: 'font/ttf', at: 0, bytes: 'true' },
  { type: 'font/otf', at: 0, bytes: 'OTTO' },
];

/** The media type of a Content-Type header: lower case, without parameters; '' when absent. */
export function mediaTypeOf(header: string | null | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export type TypeDecision =
  /** Served with this type. */
  | { kind: 'serve'; type: string }
  /** Generic bytes: decide with `sniffType` once the body is in. */
  | { kind: 'sniff' }
  | { kind: 'refuse' };

/** What to do with an upstream answer of this Content-Type, before reading its body. */
export function decideType(header: string | null | undefined): TypeDecision {
  const media = mediaTypeOf(header);
  const served = SERVED_TYPES[media];
  if (served) return { kind: 'serve', type: served };
  return GENERIC_TYPES.has(media) ? { kind: 'sniff' } : { kind: 'refuse' };
}

/** The image or font type the bytes start like, or undefined. */
export function sniffType(body: Uint8Array): string | undefined {
  const matches = ({ at, bytes }: (typeof SIGNATURES)[number]) => {
    const expected = typeof bytes === 'string' ? [...bytes].map((char) => char.charCodeAt(0)) : bytes;
    return body.length >= at + expected.length && expected.every((byte, index) => body[at + index] === byte);
  };
  return SIGNATURES.find(matches)?.type;
}
