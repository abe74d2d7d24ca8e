import type { Plugin } from 'esbuild';

/** Cuts code the recorder never reaches out of @rrweb/record (see trim-rrweb.mjs). */
export const trimRrweb: Plugin;
