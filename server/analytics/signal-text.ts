/**
 * A click signal in words, the one wording everywhere a person reads it (the replay's moments, webhook payloads):
 * "Rage click: 5 clicks on "Add to cart" button, nothing happened". The element is named by its label, else by its
 * selector (recordings made before labels existed).
 */
import type { SignalKind } from '../../contract/vocabulary.ts';

export interface SignalWords {
  kind: SignalKind;
  selector: string;
  /** '' when the recording has no label. */
  label: string;
  /** Clicks of a rage burst, errors of an error click, 1 for a dead click. */
  count: number;
  /** Clicks of a rage burst that got no response. */
  deadClicks: number;
  /** An error click's first error. */
  message: string;
}

const KIND_NAMES: Record<SignalKind, string> = { rage: 'Rage click', dead: 'Dead click', error: 'Error click' };

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The element as a person reads it: its label, else its selector. */
export function elementName(signal: Pick<SignalWords, 'label' | 'selector'>): string {
  return signal.label || signal.selector || 'an unknown element';
}

/** What came of a rage burst's clicks beyond their number: '' when every click got some response. */
function burstResult({ count, deadClicks }: SignalWords): string {
  if (deadClicks <= 0) return '';
  return deadClicks >= count ? 'nothing happened' : `${deadClicks} with no response`;
}

/** What came of the clicks: "5 clicks, nothing happened", "nothing happened", "1 error: TypeError: …". */
export function signalOutcome(signal: SignalWords): string {
  if (signal.kind === 'dead') return 'nothing happened';
  if (signal.kind === 'error') {
    const errors = plural(signal.count, 'error');
    return signal.message ? `${errors}: ${signal.message}` : errors;
  }
  const result = burstResult(signal);
  return result ? `${plural(signal.count, 'click')}, ${result}` : plural(signal.count, 'click');
}

/** The whole finding in one sentence, as a notification reads it. */
export function describeSignal(signal: SignalWords): string {
  const name = elementName(signal);
  const kind = KIND_NAMES[signal.kind];
  if (signal.kind !== 'rage') return `${kind} on ${name}: ${signalOutcome(signal)}`;
  const result = burstResult(signal);
  return `${kind}: ${plural(signal.count, 'click')} on ${name}${result && `, ${result}`}`;
}
