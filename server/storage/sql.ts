import type { Statement } from 'better-sqlite3';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';

/** Bounds standing in for an open time range, so one statement serves ranges with and without ends. */
export const NO_LOWER_BOUND = -Number.MAX_SAFE_INTEGER;
export const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * SQL reading `path` of the JSON in `column`, NULL when the column holds no valid JSON: json_extract alone fails the
 * whole statement on one malformed row.
 */
export function jsonField(column: string, path: string): string {
  return `CASE WHEN json_valid(${column}) THEN json_extract(${column}, '${path}') END`;
}

/**
 * A statement filtered on a device column, prepared twice: `= @device` for one device class, and an IN list of
 * every class for all of them. Both let SQLite seek an index on (…, device, time) and then use the time range,
 * which `@device IS NULL OR device = @device` would not.
 */
export function perDevice<Row>(db: Database, build: (deviceTest: string) => string) {
  const one = db.prepare<unknown[], Row>(build('= @device'));
  const any = db.prepare<unknown[], Row>(build(`IN ('mobile', 'tablet', 'desktop')`));
  return (device: DeviceClass | undefined): Statement<unknown[], Row> => (device ? one : any);
}
