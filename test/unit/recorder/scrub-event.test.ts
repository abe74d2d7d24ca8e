import { describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import { maskText, scrubPII } from '../../../recorder/pii.ts';
import { scrubEvent } from '../../../recorder/scrub-event.ts';
import { serializeArgs } from '../../../recorder/serialize.ts';

const custom = (tag: string, payload: Record<string, unknown>): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp: 1 });
const payloadOf = (event: RecordedEvent) => (event.data as { payload: Record<string, unknown> }).payload;
const limits = { maxDepth: 3, maxKeys: 20, maxChars: 2_000 };

describe('recorder | console text is masked like page text', () => {
  test.each([
    ['an email in a string argument', ['Coupon for', 'jane.doe@example.test'], 'Coupon for *********************'],
    ['a card number inside an object', ['Declined', { card: '4111 1111 1111 1111', qty: 2 }], 'Declined {card: "**** **** **** ****", qty: 2}'],
    ['a phone number in a format string', ['Call %s now', '+44 20 7946 0958'], 'Call *** ** **** **** now'],
    ['prices, dates and ids, which stay', ['Total', 1299.99, 'on 2024-08-01 for order 100234'], 'Total 1299.99 on 2024-08-01 for order 100234'],
  ])('%s', (_name, args, expected) => {
    const event = custom('sl:console', { level: 'error', message: serializeArgs(args, 10, limits), frames: [] });
    scrubEvent(event, scrubPII);
    expect(payloadOf(event).message).toBe(expected);
  });

  test('strict mode masks the whole line, keeping its spacing', () => {
    const event = custom('sl:console', { level: 'warn', message: 'Stock low: 2 left', frames: [] });
    scrubEvent(event, maskText);
    expect(payloadOf(event).message).toBe('***** **** * ****');
  });
});
