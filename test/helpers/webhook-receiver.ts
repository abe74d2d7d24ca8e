/**
 * A real webhook receiver for tests: an HTTP server on 127.0.0.1 that records every request (headers and raw body)
 * and answers as the test says: a status, or `hold` to keep the request open until the receiver closes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** 0 for the first request the receiver got, then 1, 2, … */
  index: number;
  eventId: string;
  eventType: string;
  signature: string;
  /** The body exactly as received. */
  body: string;
  /** Receiver clock at arrival, ms since epoch. */
  at: number;
}

/** How to answer a request: an HTTP status, or `hold` to never answer. */
export type Answer = number | 'hold';

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hook`. */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Requests held open right now. */
  held(): number;
  /** Replaces how the next requests are answered. */
  answerWith(answer: (request: ReceivedRequest) => Answer): void;
  close(): Promise<void>;
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

export interface ReceiverOptions {
  /** Address to listen on; `::` takes every local address, IPv4 and IPv6 (to prove a refused spelling got nothing). Defaults to 127.0.0.1. */
  host?: string;
}

export async function startWebhookReceiver(
  answer: (request: ReceivedRequest) => Answer = () => 200,
  { host = '127.0.0.1' }: ReceiverOptions = {},
): Promise<WebhookReceiver> {
  let respond = answer;
  const requests: ReceivedRequest[] = [];
  const holding = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        index: requests.length,
        eventId: header(req, 'sightline-event-id'),
        eventType: header(req, 'sightline-event-type'),
        signature: header(req, 'sightline-signature'),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(request);
      const status = respond(request);
      if (status === 'hold') {
        holding.add(res);
        res.on('close', () => holding.delete(res));
        return;
      }
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    held: () => holding.size,
    answerWith(next) {
      respond = next;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
