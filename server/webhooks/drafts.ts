/**
 * What each cause puts in the outbox: a new rage or error click found at ingest, and a session closed after its
 * idle timeout (cart_abandoned, form_abandoned). Pure: the store calls these inside the cause's transaction.
 */
import { abandonedCart } from '../analytics/cart-abandonment.ts';
import type { CheckoutOptions, FormRow, TrackedEvent } from '../../contract/rows.ts';
import { formUsesFromRows } from '../analytics/form-rows.ts';
import { describeSignal } from '../analytics/signal-text.ts';
import type { SignalKind, WebhookEventType } from '../../contract/vocabulary.ts';
import type { WebhookEventDraft } from '../storage/webhook-events.ts';

/** The event a new signal of each kind sends; dead clicks send none. */
export const signalEventTypes: Partial<Record<SignalKind, WebhookEventType>> = { rage: 'rage_click', error: 'error_click' };

/** A stored signal, as much of it as its event carries. */
export interface SignalFacts {
  kind: SignalKind;
  sessionId: string;
  windowId: string;
  ts: number;
  selector: string;
  /** The clicked element as a person reads it; '' when the recording has no label. */
  label: string;
  count: number;
  /** Page key ('' when unknown) and the URL of the page view it happened in ('' when unknown). */
  pageKey: string;
  url: string;
  details: Record<string, unknown>;
}

/** rage_click or error_click for a newly stored signal; null for a dead click, which no webhook is about. */
export function signalDraft(signal: SignalFacts): WebhookEventDraft | null {
  const type = signalEventTypes[signal.kind];
  if (!type) return null;
  const message = typeof signal.details.message === 'string' ? signal.details.message : '';
  const deadClicks = typeof signal.details.deadClicks === 'number' ? signal.details.deadClicks : 0;
  const summary = describeSignal({ ...signal, deadClicks, message });
  const place = { summary, label: signal.label, selector: signal.selector, page: signal.pageKey, url: signal.url, at: signal.ts };
  return {
    type,
    sessionId: signal.sessionId,
    moment: { windowId: signal.windowId, ts: signal.ts },
    data: type === 'rage_click' ? { ...place, clicks: signal.count, deadClicks } : { ...place, errors: signal.count, message },
  };
}

/** A session being closed, with what its judgement reads. */
export interface ClosingSession {
  sessionId: string;
  /** Its cart and purchase events (other tracked events may be left out), in time order. */
  trackedEvents: TrackedEvent[];
  /** Its form events, ordered by window and time. */
  formRows: FormRow[];
}

/** Which closing events to judge: those some webhook of the project subscribed to. */
export interface ClosingWants {
  cart: boolean;
  forms: boolean;
}

/** cart_abandoned (at most one) and one form_abandoned per form started and never submitted. */
export function closingDrafts(
  session: ClosingSession,
  wants: ClosingWants,
  checkout: Partial<CheckoutOptions> = {},
): WebhookEventDraft[] {
  const drafts: WebhookEventDraft[] = [];
  const cart = wants.cart ? abandonedCart(session.trackedEvents, checkout) : null;
  if (cart) {
    drafts.push({
      type: 'cart_abandoned',
      sessionId: session.sessionId,
      moment: cart.lastAdd,
      data: { value: cart.value, items: cart.items, lastAddedAt: cart.lastAdd.ts },
    });
  }
  if (!wants.forms) return drafts;
  for (const use of formUsesFromRows(session.formRows)) {
    if (!use.abandoned) continue;
    const field = use.fields.find((candidate) => candidate.field === use.lastField) ?? null;
    drafts.push({
      type: 'form_abandoned',
      sessionId: session.sessionId,
      moment: use.dropOff && { windowId: use.dropOff.windowId, ts: use.dropOff.ts },
      data: {
        form: use.form,
        page: use.page,
        lastField: field && { label: field.label, selector: field.field, name: field.name, kind: field.kind, at: field.lastTs },
        fieldsTouched: use.fields.length,
      },
    });
  }
  return drafts;
}
