import { describe, expect, test } from 'vitest';
import { describeSignal, signalOutcome, type SignalWords } from '../../../server/analytics/signal-text.ts';

const apply = { selector: '#apply-promo', label: '"Apply" button', message: '' };

describe('analytics | signals in words', () => {
  test.each<[string, SignalWords, string, string]>([
    ['a rage burst on a button that does nothing', { ...apply, kind: 'rage', count: 5, deadClicks: 5 },
      '5 clicks, nothing happened', 'Rage click: 5 clicks on "Apply" button, nothing happened'],
    ['a rage burst answered at first', { ...apply, kind: 'rage', count: 5, deadClicks: 2 },
      '5 clicks, 2 with no response', 'Rage click: 5 clicks on "Apply" button, 2 with no response'],
    ['a rage burst that got responses', { ...apply, kind: 'rage', count: 3, deadClicks: 0 },
      '3 clicks', 'Rage click: 3 clicks on "Apply" button'],
    ['a dead click', { ...apply, kind: 'dead', count: 1, deadClicks: 0 },
      'nothing happened', 'Dead click on "Apply" button: nothing happened'],
    ['an error click', { ...apply, kind: 'error', count: 2, deadClicks: 0, message: 'TypeError: x is undefined' },
      '2 errors: TypeError: x is undefined', 'Error click on "Apply" button: 2 errors: TypeError: x is undefined'],
    ['a recording without labels, by its selector', { ...apply, label: '', kind: 'dead', count: 1, deadClicks: 0 },
      'nothing happened', 'Dead click on #apply-promo: nothing happened'],
  ])('%s', (_, signal, outcome, sentence) => {
    expect(signalOutcome(signal)).toBe(outcome);
    expect(describeSignal(signal)).toBe(sentence);
  });
});
