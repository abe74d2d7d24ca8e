/**
 * What ingest derives from a chunk for the insight reports, as the store receives it. Ingest computes these with
 * pure functions; the store supplies what they need from earlier chunks, inside the chunk's transaction.
 */
import type { PageErrorKind } from '../../contract/insights.ts';
import type { DeviceClass, SignalKind } from '../../contract/vocabulary.ts';
import type { ClickPayload, RecordedEvent } from '../../contract/protocol.ts';
import type { ScoreSession } from './session-facts.ts';

/** Where a window stood after its latest chunk, so the next chunk's rows continue from there. */
export interface WindowCarry {
  /** URL of the page view the window is on; '' while no navigation has named it. */
  url: string;
  /** Last known viewport size in CSS px; 0 while unknown. */
  viewportWidth: number;
  viewportHeight: number;
  /** Document scroll offset in CSS px. */
  scrollX: number;
  scrollY: number;
  /** rrweb node id of the document (page scrolls carry it). */
  documentNodeId: number;
  /** Mouse and touch positions seen so far (move thinning counts across chunks). */
  movePositions: number;
  /** Latest event time of the window so far (ms since epoch). */
  lastTs: number;
}

export interface DerivedPageView {
  /** The view the window was already on (from the carry): its row is extended, not inserted. */
  continues: boolean;
  url: string;
  pageKey: string;
  /** When the view began and its latest event in this chunk (ms since epoch). */
  ts: number;
  lastTs: number;
  device: DeviceClass;
  viewportWidth: number;
  viewportHeight: number;
  /** Deepest viewport bottom seen in this chunk, CSS px; null while the viewport height is unknown. */
  maxSeenBottom: number | null;
  /** Tallest document height an sl:click reported in this chunk, CSS px; null when none did. */
  documentHeight: number | null;
  /** First full snapshot in the view within this chunk (ms since epoch), else null. */
  snapshotTs: number | null;
}

/** One sl:click with its time and device; `view` indexes DerivedChunk.views. */
export interface DerivedClick extends ClickPayload {
  /** '' when the recorder sent none. */
  label: string;
  view: number;
  ts: number;
  device: DeviceClass;
}

/** Mouse-move samples of one page bucket, already summed over the chunk. */
export interface DerivedMoveCell {
  view: number;
  device: DeviceClass;
  day: number;
  /** Viewport width the samples were taken at, standing in for the document width (moves do not report it). */
  documentWidth: number;
  cx: number;
  cy: number;
  count: number;
}

export type FormAction = 'focus' | 'blur' | 'change' | 'submit';

export interface DerivedFormEvent {
  view: number;
  ts: number;
  action: FormAction;
  /** Form selector ('' for a field outside any form). */
  form: string;
  /** Field selector, name, kind and label as a person reads it ('' for a submit, and label '' when not sent). */
  field: string;
  name: string;
  kind: string;
  label: string;
}

/** An uncaught error (sl:error) or a console error (sl:console at level error), on the view it happened in. */
export interface DerivedPageError {
  view: number;
  ts: number;
  kind: PageErrorKind;
  message: string;
}

export interface DerivedChunk {
  /** The carried view first when the chunk continues it, then the views the chunk entered, in order. */
  views: DerivedPageView[];
  clicks: DerivedClick[];
  moves: DerivedMoveCell[];
  formEvents: DerivedFormEvent[];
  errors: DerivedPageError[];
  /** The window's state after this chunk. */
  carry: WindowCarry;
}

/** A rage, dead or error click as the detectors found it. */
export interface SignalFinding {
  kind: SignalKind;
  /** Time of the (first) click, ms since epoch. */
  ts: number;
  selector: string;
  /** The clicked element as a person reads it; '' when the recording has no label. */
  label: string;
  x: number;
  y: number;
  /** Clicks in a rage burst; errors blamed on an error click; 1 for a dead click. */
  count: number;
  /**
   * Kind-specific facts kept as JSON: a rage burst's last click time and its dead clicks (lastTs, deadClicks), a dead
   * click's tag, an error click's tag, error time and message.
   */
  details: Record<string, unknown>;
}

/** Ingest's derivation of one chunk, called by the store inside the chunk's transaction. */
export interface ChunkDerivation {
  /** Rows from the chunk's own events, given where its window stood (null for a window's first chunk). */
  rows(carry: WindowCarry | null): DerivedChunk;
  /** Signals found in the window's events around the chunk (the chunk's own included), in any order. */
  signals(events: readonly RecordedEvent[]): SignalFinding[];
  /**
   * How far around the chunk signals depend on other events, in ms: signals within this margin of the chunk are
   * replaced, and events this far beyond that are read as context.
   */
  signalContextMs: number;
  /** The session's facts and friction from what storage read of it, once the chunk's rows are in. */
  scoreSession: ScoreSession;
}
