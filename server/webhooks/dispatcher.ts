/**
 * The webhook dispatcher: claims due deliveries from the outbox with a lease, POSTs each signed event, and records
 * the answer. 2xx is delivered; anything else (another status, a redirect, a network error, no answer within the
 * timeout, a host the outbound policy refuses) is retried with exponential backoff and jitter until the retry window
 * after the event has passed. Every request goes through the outbound policy, which resolves and judges the
 * receiver's host again at each attempt: a receiver whose DNS has moved inward since it was added gets nothing.
 *
 * What "never delivered twice after a restart" means over HTTP: a delivery recorded as delivered is never sent
 * again, by this process or any later one. An HTTP sender cannot know whether a request it never got the answer
 * to reached the receiver, so a crash between sending and recording the answer leaves the delivery pending, and it
 * is sent again once its lease runs out: the same body, the same Sightline-Event-Id. That is the only resend, and
 * a receiver that skips event ids it has already handled processes every event exactly once.
 */
import type { WebhookConfig } from '../config.ts';
import { OutboundRefused, type OutboundPolicy } from '../outbound/policy.ts';
import { failureDetail } from '../outbound/request.ts';
import type { ClaimedDelivery, WebhookStore } from '../storage/webhook-store.ts';
import { nextAttemptAt } from './backoff.ts';
import { webhookBody } from './payload.ts';
import { signatureHeader } from './signing.ts';

export interface DispatcherOptions extends WebhookConfig {
  /** Base URL of replay links in payloads (see resolvePublicUrl). */
  publicUrl: string;
  /** The only way requests leave: resolves, judges and pins each receiver's address. Required. */
  outbound: OutboundPolicy;
  /** Clock, ms since epoch. Defaults to Date.now. */
  now?: () => number;
  /** Jitter's randomness, [0, 1). Defaults to Math.random. */
  random?: () => number;
}

export interface WebhookDispatcher {
  /** Claims what is due now (as many as free slots allow) and resolves once those attempts are recorded. */
  runOnce(): Promise<number>;
  /** Looks for due deliveries every `pollMs` (and as soon as an attempt ends), until stopped. */
  start(): void;
  /** Stops claiming, cuts attempts in flight (recorded as failed attempts, retried later) and waits for them. */
  stop(): Promise<void>;
}

/** The headers of one attempt; the signature's timestamp is the attempt's, the event id the event's. */
function deliveryHeaders(delivery: ClaimedDelivery, body: string, nowMs: number): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Sightline-Webhooks/1',
    'Sightline-Event-Id': delivery.event.id,
    'Sightline-Event-Type': delivery.event.type,
    'Sightline-Signature': signatureHeader(delivery.secret, body, Math.floor(nowMs / 1000)),
  };
}

/** A short, log-worthy reason for a request that got no answer. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error instanceof Error && error.name === 'AbortError') return 'cut short: the server was stopping';
  if (error instanceof OutboundRefused) return `not sent, ${error.code}: ${error.message}`.slice(0, 500);
  return `request failed: ${failureDetail(error)}`.slice(0, 500);
}

export function createWebhookDispatcher(store: WebhookStore, options: DispatcherOptions): WebhookDispatcher {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const body = webhookBody(delivery.event, options.publicUrl);
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      // No redirect is followed (the policy never does): the receiver is the URL the admin gave, and 3xx counts as
      // not delivered, so a receiver cannot bounce the signed request to an address nobody checked.
      const response = await options.outbound.request(new URL(delivery.url), {
        method: 'POST',
        headers: deliveryHeaders(delivery, body, now()),
        body,
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      httpStatus = response.status;
      response.body.destroy();
    } catch (failure) {
      error = failureReason(failure, options.timeoutMs);
    }
    // Outside the try: a failure to record a success must not be mistaken for a failed request and retried.
    if (error === null && httpStatus !== null && httpStatus >= 200 && httpStatus < 300) {
      await store.recordDelivered(delivery.id, delivery.attempt, httpStatus, now());
      return;
    }
    const failedAt = now();
    const retryAt = nextAttemptAt(delivery.attempt, delivery.event.createdAt, failedAt, options, random);
    const result = { httpStatus, error: error ?? `HTTP ${httpStatus}`, retryAt };
    await store.recordFailedAttempt(delivery.id, delivery.attempt, result, failedAt);
  }

  function track(delivery: ClaimedDelivery): Promise<void> {
    const running = attempt(delivery)
      .catch((failure: unknown) => console.error(`Sightline: recording webhook delivery ${delivery.id} failed`, failure))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
    return running;
  }

  async function claim(): Promise<Promise<void>[]> {
    const free = options.concurrency - inFlight.size;
    if (free <= 0 || stopping.signal.aborted) return [];
    const at = now();
    const claimed = await store.claimDeliveries(at, at + options.leaseMs, at - options.retryWindowMs, free);
    return claimed.map(track);
  }

  let timer: ReturnType<typeof setInterval> | undefined;
  let claiming = false;

  /** One claim round; each attempt it starts asks for another round when it ends, to refill its slot. */
  async function poll(): Promise<void> {
    // A slow claim (a busy database) must not overlap the next tick's.
    if (claiming) return;
    claiming = true;
    try {
      for (const running of await claim()) void running.then(poll);
    } catch (error) {
      console.error('Sightline: claiming webhook deliveries failed; will try again', error);
    } finally {
      claiming = false;
    }
  }

  return {
    async runOnce() {
      const attempts = await claim();
      await Promise.all(attempts);
      return attempts.length;
    },
    start() {
      if (timer || options.pollMs <= 0) return;
      timer = setInterval(poll, options.pollMs);
      timer.unref();
      void poll();
    },
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await Promise.all([...inFlight]);
    },
  };
}
