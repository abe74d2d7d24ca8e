import type { IdentifyPayload } from '../contract/protocol.ts';
import { createBatcher } from './batcher.ts';
import { guardBeforeSend } from './before-send.ts';
import { encodeBatch } from './body.ts';
import { loadCapture } from './capture-loader.ts';
import { startEnrichment, type EmitCustom } from './enrich.ts';
import { createReporter, guard, SightlineError } from './errors.ts';
import { lastFieldEvent } from './last-field.ts';
import { listen } from './listen.ts';
import type { ResolvedOptions } from './options.ts';
import { createPrivacy } from './privacy.ts';
import { createRecording } from './recording.ts';
import { scrubEvent } from './scrub-event.ts';
import { createSharedTexts } from './shared-texts.ts';
import { createSessionTracker, forgetStoredState, randomId } from './session.ts';
import type { StatusReporter } from './status.ts';
import { safeStore, type KeyValueStore } from './storage.ts';
import { realTimers, type Timers } from './timers.ts';
import { createTransport, type TransportDeps } from './transport.ts';

/**
 * What `init()` returns, and what the script tag exposes as `window.Sightline`. None of it ever throws: wrong
 * arguments go to onError. While the session is not sampled, track() and identify() record nothing.
 */
export interface SightlineClient {
  /** Records a custom event, e.g. `track('add_to_cart', { value: 30 })`; props must be JSON-serializable. */
  track(name: string, props?: Record<string, unknown>): void;
  /** Ties the session to your user id; traits are optional JSON-serializable details. */
  identify(userId: string, traits?: Record<string, unknown>): void;
  /** Sends what is buffered now; resolves once delivered, or when a send fails (it stays queued for retry). */
  flush(): Promise<void>;
  /** Stops recording and sends what is buffered; init() may then start a new client. */
  stop(): void;
  /** The current session id (also when this session is not sampled for recording); '' while nothing is recorded for want of consent. */
  getSessionId(): string;
  /**
   * The visitor's choice, from your consent banner, on every page load (Sightline does not remember it):
   * 'granted' starts recording (unless a privacy signal says no); 'denied' stops it, discards what was not
   * sent yet and removes Sightline's keys from localStorage and sessionStorage.
   */
  consent(decision: 'granted' | 'denied'): void;
}

/** A started recorder, before consent handling (consent.ts) wraps it. */
export interface Recorder extends Omit<SightlineClient, 'consent'> {
  /** Stops without sending anything more and forgets the stored session and window. */
  discard(): void;
}

/** Everything the client takes from the browser, in one place so tests and embedders can substitute it. */
export interface ClientEnvironment {
  win: Window;
  timers: Timers;
  random: () => number;
  newId: () => string;
  /** Shared by the visitor's tabs (localStorage). */
  shared: KeyValueStore;
  /** This tab only (sessionStorage). */
  tab: KeyValueStore;
  fetch: TransportDeps['fetch'];
  sendBeacon?: TransportDeps['sendBeacon'];
  /** Loads the developer capture's module (a dynamic import). */
  importModule: (url: string) => Promise<unknown>;
}

export function browserEnvironment(win: Window): ClientEnvironment {
  const beacon = win.navigator.sendBeacon;
  return {
    win,
    timers: realTimers,
    random: Math.random,
    newId: randomId,
    shared: safeStore(() => win.localStorage),
    tab: safeStore(() => win.sessionStorage),
    // Called through win: fetch and sendBeacon throw "Illegal invocation" when detached from their owner.
    fetch: (url, init) => win.fetch(url, init),
    sendBeacon: typeof beacon === 'function' ? (url, body) => win.navigator.sendBeacon(url, body) : undefined,
    importModule: (url) => import(/* @vite-ignore */ url),
  };
}

/** User input that keeps a session alive. Not scroll: pages scroll themselves (carousels, anchors). */
const ACTIVITY_EVENTS = ['mousedown', 'mousemove', 'keydown', 'touchstart', 'touchmove', 'wheel'];

/** The parts of the Navigation API's NavigateEvent we read (not in TypeScript's DOM types yet). */
interface NavigateLike {
  destination?: { sameDocument?: boolean };
  downloadRequest?: string | null;
}

/** Whether a `navigate` event takes the page away: not a same-document change, not a download. */
function leavesDocument(event: NavigateLike): boolean {
  return event.destination?.sameDocument === false && !event.downloadRequest;
}

function copyJson(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SightlineError('invalid_call', `${what} must be a plain object`);
  }
  // A copy: the caller may change the object afterwards; and a cycle or BigInt fails here, not in the batcher.
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export function startClient(options: ResolvedOptions, env: ClientEnvironment, status: StatusReporter): Recorder {
  const { win, timers } = env;
  const doc = win.document;
  const report = createReporter(options.onError);
  const beforeSend = guardBeforeSend(options.beforeSend, report);
  const privacy = createPrivacy(options);
  const sessions = createSessionTracker(options, { ...env, now: () => timers.now() });
  const sharedTexts = createSharedTexts(env.tab);
  const transport = createTransport(options, {
    ...env,
    report,
    acknowledged: guard(report, (batch) => sharedTexts.delivered(batch, batch.seq)),
  });
  const batcher = createBatcher(
    { maxAgeMs: options.flushIntervalMs, maxEvents: options.maxBatchEvents, maxBytes: options.maxBatchBytes },
    (cut) => {
      const header = {
        v: 1 as const,
        project: options.project,
        sessionId: cut.sessionId,
        windowId: sessions.windowId,
        seq: sessions.nextSeq(cut.sessionId),
        sentAt: timers.now(),
      };
      sharedTexts.cut(header, header.seq, cut.carries);
      transport.enqueue({ sessionId: header.sessionId, windowId: header.windowId, seq: header.seq, json: encodeBatch(header, cut.events) });
    },
    timers,
  );

  // Re-announced after a session rollover, so the new session knows its user too.
  let identity: { payload: IdentifyPayload; sessionId: string } | undefined;
  const recording = createRecording({
    privacy,
    recordCanvas: options.recordCanvas,
    report,
    timers,
    onEvent: (event) => {
      // Past the idle timeout nothing is kept until the visitor acts again and a new session begins.
      if (sessions.isExpired(timers.now())) return;
      scrubEvent(event, privacy.maskFreeText);
      const kept = beforeSend(event);
      if (!kept) return;
      // After beforeSend, which sees every event whole: a stylesheet this window delivered becomes a reference.
      const scope = { sessionId: sessions.session.id, windowId: sessions.windowId };
      batcher.add(kept, scope.sessionId, sharedTexts.replace(kept, scope));
    },
    onSnapshot: () => {
      recording.addCustom('sl:page', enrichment.currentPage());
      if (identity && identity.sessionId !== sessions.session.id) {
        identity.sessionId = sessions.session.id;
        recording.addCustom('sl:identify', identity.payload);
      }
    },
  });
  const emit: EmitCustom = (tag, payload) => recording.addCustom(tag, payload);

  // Before rrweb starts, so a password toggled to text is known before rrweb masks its first keystroke.
  const stopPasswordWatch = privacy.watchPasswordToggles(doc);
  // Before anything is left: the field being typed in gets the value rrweb would record on blur.
  let lastField: { id: number; text: string } | undefined;
  function keepLastField(): void {
    if (!recording.active) return;
    const event = lastFieldEvent(doc, privacy, recording.idOf, timers.now());
    const input = event?.data as { id: number; text: string } | undefined;
    if (!event || !input || (input.id === lastField?.id && input.text === lastField.text)) return;
    lastField = input;
    recording.addEvent(event);
  }
  const enrichment = startEnrichment({
    win,
    emit,
    privacy,
    blockSelector: privacy.recordOptions.blockSelector,
    report,
    onNavigation: keepLastField,
    framesOf: (stack) => capture.framesOf(stack),
  });
  const capture = loadCapture(options, {
    win,
    shared: env.shared,
    sessionId: () => sessions.session.id,
    active: () => recording.active,
    now: () => timers.now(),
    mask: privacy.maskFreeText,
    emit: (tag, payload, time) => recording.addCustom(tag, payload, time),
    report,
    importModule: env.importModule,
  });

  /** Before a batch is cut for a page exit: the DOM changes held back for coalescing, then the field being typed in. */
  function beforeExit(): void {
    recording.flushMutations();
    keepLastField();
  }

  function startOrStop(): void {
    status(sessions.session.sampled ? 'recording' : 'not_sampled');
    if (!sessions.session.sampled) recording.stop();
    else if (recording.active) recording.snapshotAgain();
    else recording.start();
  }
  startOrStop();

  function rollover(): void {
    batcher.cut(); // the old session's events leave in their own batch
    startOrStop();
  }

  const removers: Array<() => void> = [];
  const on = (target: EventTarget, types: string[], handler: (event: Event) => void) =>
    listen(target, types, handler, report, removers);
  // Capture on window runs before rrweb's listeners on document, so a rollover precedes the event that caused it.
  on(win, ACTIVITY_EVENTS, () => {
    // DOM changes held back belong to the session that is ending (where, idle-expired, they are dropped as before).
    if (sessions.isExpired(timers.now())) recording.flushMutations();
    if (sessions.noteActivity(timers.now())) rollover();
  });
  on(doc, ['visibilitychange'], () => {
    if (doc.visibilityState !== 'hidden') return;
    beforeExit();
    batcher.cut();
    void transport.flush();
  });
  // A link or form leaving the page fires `navigate` (Navigation API) while the next page still loads: time enough
  // to gzip what is buffered, which pagehide would have to send plain. Without the API, window never fires it.
  const navigation = (win as { navigation?: EventTarget }).navigation || win;
  on(navigation, ['navigate'], (event) => {
    beforeExit();
    batcher.cut();
    if (leavesDocument(event as NavigateLike)) transport.leaving();
  });
  on(win, ['pagehide'], () => {
    beforeExit();
    batcher.cut();
    transport.sendOnExit();
    sessions.suspend();
  });
  on(win, ['pageshow'], (event) => {
    if (!(event as PageTransitionEvent).persisted) return;
    sessions.resume();
    transport.stayed();
  });

  let stopped = false;
  function halt(send: boolean): void {
    if (stopped) return;
    stopped = true;
    removers.splice(0).forEach((remove) => remove());
    capture.stop();
    enrichment.stop();
    stopPasswordWatch();
    recording.stop();
    if (send) batcher.cut();
    batcher.dispose();
  }
  return {
    track: (name, props) =>
      guard(report, () => {
        if (typeof name !== 'string' || name === '') throw new SightlineError('invalid_call', 'track(): name must be a non-empty string');
        emit('sl:track', { name, props: copyJson(props, 'track(): props') });
      })(),
    identify: (userId, traits) =>
      guard(report, () => {
        if (typeof userId !== 'string' || userId === '') throw new SightlineError('invalid_call', 'identify(): userId must be a non-empty string');
        identity = { payload: { userId, traits: copyJson(traits, 'identify(): traits') }, sessionId: sessions.session.id };
        emit('sl:identify', identity.payload);
      })(),
    flush: () => {
      try {
        recording.flushMutations();
        batcher.cut();
        return transport.flush();
      } catch (error) {
        report(error);
        return Promise.resolve();
      }
    },
    stop: guard(report, () => halt(true)),
    discard: guard(report, () => {
      halt(false);
      transport.discard();
      forgetStoredState(env.shared, env.tab);
    }),
    getSessionId: () => sessions.session.id,
  };
}
