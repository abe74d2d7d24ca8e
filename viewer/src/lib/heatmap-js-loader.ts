/**
 * Loads heatmap.js as a classic script. Bundled into an ES module it runs in strict mode, where its colorize step
 * (`img.data = imgData`, an assignment to a read-only ImageData property that sloppy mode ignores) throws and nothing
 * is drawn; as a plain script it works as published, and it sets `window.h337`.
 */
import scriptUrl from 'heatmap.js/build/heatmap.min.js?url';
import type { H337 } from './heatmap-js-types.ts';

let loading: Promise<H337> | null = null;

export function loadHeatmapJs(): Promise<H337> {
  loading ??= new Promise<H337>((resolve, reject) => {
    const loaded = () => (window as unknown as { h337?: H337 }).h337;
    if (loaded()) return resolve(loaded()!);
    const script = document.createElement('script');
    script.src = scriptUrl;
    script.async = true;
    script.onload = () => {
      const h337 = loaded();
      if (h337) resolve(h337);
      else reject(new Error('heatmap.js loaded but did not define h337'));
    };
    script.onerror = () => reject(new Error('heatmap.js could not be loaded'));
    document.head.append(script);
  }).catch((error: unknown) => {
    // A failed load may be retried by the next map.
    loading = null;
    throw error;
  });
  return loading;
}
