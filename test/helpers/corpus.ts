import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '../../contract/protocol.ts';

/** Root of the copied corpus (see test/fixtures/corpus/SOURCES.md). */
export const corpusDir = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));

/** The one stream that is malformed upstream: event 155 spells its `type` key "t`ype". */
export const MALFORMED_STREAM = 'real-timestamped/filipkrw-playground-counter.events.json';
export const MALFORMED_EVENT_INDEX = 155;

/** Where timestamps start for streams recorded without them, and the step between events, in ms. */
export const SYNTHETIC_START_TS = 1_700_000_000_000;
export const SYNTHETIC_STEP_MS = 50;

/** Names like `rrweb-fixtures/iframe.json` of every event stream in the corpus, sorted. */
export function listCorpusStreams(): string[] {
  const eventsDir = join(corpusDir, 'events');
  return readdirSync(eventsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      readdirSync(join(eventsDir, folder.name))
        .filter((file) => file.endsWith('.json'))
        .map((file) => `${folder.name}/${file}`),
    )
    .sort();
}

/** The stream's events as stored, except that events without a timestamp get increasing synthetic ones. */
export function loadCorpusStream(name: string): RecordedEvent[] {
  const events = JSON.parse(readFileSync(join(corpusDir, 'events', name), 'utf8')) as RecordedEvent[];
  return events.map((event, index) =>
    typeof event.timestamp === 'number' ? event : { ...event, timestamp: SYNTHETIC_START_TS + index * SYNTHETIC_STEP_MS },
  );
}

/** Every well-formed stream with its events, for tests that must accept them all. */
export function loadValidCorpus(): Array<{ name: string; events: RecordedEvent[] }> {
  return listCorpusStreams()
    .filter((name) => name !== MALFORMED_STREAM)
    .map((name) => ({ name, events: loadCorpusStream(name) }));
}
