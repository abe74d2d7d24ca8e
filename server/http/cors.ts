import type { RequestHandler } from 'express';

/**
 * Open CORS for endpoints that store pages call from their own origin: ingest and the recorder script.
 * No cookies or credentials travel, so `*` is safe; preflights answer at once with 204.
 */
export function openCors(methods: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', methods);
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Content-Encoding');
    // Browsers cap this (Chrome at 2 h); it still saves a preflight per batch.
    res.setHeader('Access-Control-Max-Age', '86400');
    res.status(204).end();
  };
}
