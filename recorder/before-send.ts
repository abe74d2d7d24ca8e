import type { RecordedEvent } from '../contract/protocol.ts';
import { SightlineError, type Reporter } from './errors.ts';

export type BeforeSend = (event: RecordedEvent) => RecordedEvent | null;

/**
 * The store's `beforeSend` hook, guarded. It returns the event to keep (the same or another) or null to drop it.
 * A hook that throws, or returns anything but an event or null, drops that event and reports `before_send_failed`:
 * such hooks are usually filters, so sending what one failed on could send what it meant to remove. Recording
 * goes on with the next event.
 */
export function guardBeforeSend(hook: BeforeSend | undefined, report: Reporter): BeforeSend {
  return (event) => {
    if (!hook) return event;
    let kept: RecordedEvent | null | undefined;
    let why = 'returned neither the event nor null';
    try {
      kept = hook(event);
    } catch (error) {
      why = `threw: ${error}`;
    }
    if (kept === null || (typeof kept?.type === 'number' && typeof kept.timestamp === 'number')) return kept;
    report(new SightlineError('before_send_failed', `beforeSend ${why}; the event was dropped`));
    return null;
  };
}
