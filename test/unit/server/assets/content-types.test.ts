import { describe, expect, test } from 'vitest';
import { decideType, sniffType } from '../../../../server/assets/content-types.ts';

const ascii = (text: string, padTo = 16) => {
  const bytes = new Uint8Array(Math.max(padTo, text.length));
  bytes.set([...text].map((char) => char.charCodeAt(0)));
  return bytes;
};

describe('assets | content types', () => {
  test.each([
    ['image/png', 'image/png'],
    ['IMAGE/JPEG; charset=binary', 'image/jpeg'],
    ['image/jpg', 'image/jpeg'],
    ['image/svg+xml', 'image/svg+xml'],
    ['image/vnd.microsoft.icon', 'image/x-icon'],
    ['image/avif', 'image/avif'],
    ['font/woff2', 'font/woff2'],
    ['application/font-woff', 'font/woff'],
    ['application/x-font-ttf', 'font/ttf'],
    ['text/css; charset=utf-8', 'text/css'],
  ])('serves %s as %s', (header, type) => {
    expect(decideType(header)).toEqual({ kind: 'serve', type });
  });

  test.each(['text/html', 'application/javascript', 'text/javascript', 'image/svg', 'video/mp4', 'application/json', 'text/plain', 'application/xml'])(
    'refuses %s',
    (header) => {
      expect(decideType(header)).toEqual({ kind: 'refuse' });
    },
  );

  test.each([null, '', 'application/octet-stream', 'binary/octet-stream'])('decides %s by the bytes', (header) => {
    expect(decideType(header)).toEqual({ kind: 'sniff' });
  });

  test.each([
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'image/png'],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'image/jpeg'],
    [ascii('GIF89a'), 'image/gif'],
    [ascii('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [ascii('\0\0\0\x1cftypavif'), 'image/avif'],
    [ascii('wOFF'), 'font/woff'],
    [ascii('wOF2'), 'font/woff2'],
    [new Uint8Array([0x00, 0x01, 0x00, 0x00, 0x00, 0x10]), 'font/ttf'],
    [ascii('OTTO'), 'font/otf'],
  ])('sniffs %#: %s', (bytes, type) => {
    expect(sniffType(bytes)).toBe(type);
  });

  test('does not sniff text, scripts or HTML into an allowed type', () => {
    for (const body of ['<html><script>alert(1)</script>', 'alert(1)', '<svg onload=alert(1)>', 'body{color:red}', '']) {
      expect(sniffType(ascii(body, 0))).toBeUndefined();
    }
  });
});
