import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** The built viewer that every end-to-end test serves (test/helpers/global-setup.ts builds it). */
export const builtViewerDir = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/viewer');

/**
 * How many distinct colours a PNG shows on a grid of samples, decoded by Chromium in `page`: a blank or
 * single-colour screenshot gives 1 or 2, a drawn page dozens.
 */
export function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    for (let y = 0; y < canvas.height; y += 5) {
      for (let x = 0; x < canvas.width; x += 5) {
        const at = (y * canvas.width + x) * 4;
        colours.add((data[at] << 16) | (data[at + 1] << 8) | data[at + 2]);
      }
    }
    return colours.size;
  }, png.toString('base64'));
}
