/**
 * The steady load of the lag figure (bench/derivation-lag.ts), run as its own process so that it never takes the
 * server's event loop: POSTs recorder batches at a fixed rate (open loop: request n leaves at start + n / rate,
 * whenever earlier ones are answered), keeps when each was acknowledged, and meanwhile asks GET /api/status every
 * few ms, keeping what each answer says about the oldest chunk still waiting. It goes on asking after the last
 * acknowledgement until nothing waits, or `settleMs` have passed.
 *   node --import tsx bench/paced-sender.ts <options JSON file>   (writes the result JSON to options.output)
 * wrk cannot do this: Debian's wrk has no -R (constant rate) and its Lua has no clock finer than a second.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';

/** One batch of the synthetic shopper, as the templates file holds it: its sentAt and its events as JSON. */
export interface BatchTemplate {
  sentAt: number | string;
  events: string;
}

/**
 * Which batch request `n` sends when `sessions` sessions record at a time, taking turns (as bench/ingest.lua does):
 * each session's batches go out in template order, `sessions` requests apart.
 */
export function interleavedBatch(n: number, templateCount: number, sessions: number): { session: number; seq: number } {
  const perRound = sessions * templateCount;
  const within = n % perRound;
  return { session: Math.floor(n / perRound) * sessions + (within % sessions), seq: Math.floor(within / sessions) };
}

/** The plain-JSON body of template `index` as seq `index` of `session`: what bench/ingest.lua sends too. */
export function batchBody(template: BatchTemplate, session: string, index: number): string {
  return `{"v":1,"project":"demo","sessionId":"${session}","windowId":"${session}","seq":${index},"sentAt":${template.sentAt},"events":${template.events}}`;
}

export interface PacedSenderOptions {
  /** The server's base URL. */
  url: string;
  /** Authorization header value for GET /api/status. */
  authorization: string;
  /** Batches per second. */
  rate: number;
  /** How long to send, in seconds. */
  seconds: number;
  /** File of "<sentAt> <events JSON>" lines, as bench/ingest.lua reads. */
  templatesFile: string;
  /** Session ids start with this, so runs never collide. */
  prefix: string;
  /** How often the status is asked, in ms. */
  statusEveryMs: number;
  /** How long to keep asking after the last acknowledgement for the backlog to drain, in ms. */
  settleMs: number;
  /** Connections kept open for the batches. */
  connections: number;
  /** Sessions recording at a time, taking turns (see interleavedBatch). */
  sessions: number;
  /** Where the result is written. */
  output: string;
}

/** One batch sent: which, when it left and when its answer arrived (ms since epoch), and the answer's status. */
export interface SentBatch {
  session: string;
  seq: number;
  sentAt: number;
  answeredAt: number;
  status: number;
}

/**
 * One status answer. `askedAt` and `answeredAt` bracket the moment the server measured (same machine, same clock);
 * `oldestPendingAgeMs` is null when nothing waited.
 */
export interface StatusSample {
  askedAt: number;
  answeredAt: number;
  pendingChunks: number;
  oldestPendingAgeMs: number | null;
}

export interface PacedSenderResult {
  batches: SentBatch[];
  samples: StatusSample[];
  /** When sending started and when the last answer arrived, ms since epoch. */
  startedAt: number;
  lastAnsweredAt: number;
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    // A refused or broken connection counts as an unacknowledged batch (status 0), never as a crash of the run.
    outgoing.on('error', () => resolve(0));
    outgoing.end(body);
  });
}

function getJson(agent: Agent, url: URL, authorization: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent, headers: { Authorization: authorization } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (text += part));
      response.on('end', () => {
        if (response.statusCode !== 200) reject(new Error(`GET ${url.pathname} answered ${response.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export async function runPacedSender(options: PacedSenderOptions): Promise<PacedSenderResult> {
  const templates = readFileSync(options.templatesFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const space = line.indexOf(' ');
      return { sentAt: line.slice(0, space), events: line.slice(space + 1) };
    });
  const ingestUrl = new URL('/api/ingest', options.url);
  const statusUrl = new URL('/api/status', options.url);
  const batchAgent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const statusAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const total = Math.round(options.rate * options.seconds);
  const batches: SentBatch[] = [];
  const samples: StatusSample[] = [];
  const answers: Array<Promise<void>> = [];

  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const askedAt = Date.now();
      const status = (await getJson(statusAgent, statusUrl, options.authorization)) as {
        derivation: { pendingChunks: number; oldestPendingAgeMs: number | null };
      };
      samples.push({ askedAt, answeredAt: Date.now(), ...status.derivation });
      await new Promise((resolve) => setTimeout(resolve, options.statusEveryMs));
    }
  })();

  const startedAt = Date.now();
  for (let n = 0; n < total; n++) {
    const dueAt = startedAt + (n * 1000) / options.rate;
    const wait = dueAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const turn = interleavedBatch(n, templates.length, options.sessions);
    const index = turn.seq;
    const session = `${options.prefix}-${turn.session}`;
    const body = batchBody(templates[index]!, session, index);
    const sentAt = Date.now();
    answers.push(
      post(batchAgent, ingestUrl, body).then((status) => void batches.push({ session, seq: index, sentAt, answeredAt: Date.now(), status })),
    );
  }
  await Promise.all(answers);
  const lastAnsweredAt = Math.max(...batches.map((batch) => batch.answeredAt));

  // Until an answer asked after the last acknowledgement says nothing waits, or settleMs pass.
  while (Date.now() - lastAnsweredAt < options.settleMs) {
    const last = samples.at(-1);
    if (last && last.askedAt > lastAnsweredAt && last.pendingChunks === 0) break;
    await new Promise((resolve) => setTimeout(resolve, options.statusEveryMs));
  }
  sampling = false;
  await sampler;
  batchAgent.destroy();
  statusAgent.destroy();
  return { batches, samples, startedAt, lastAnsweredAt };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PacedSenderOptions;
  const result = await runPacedSender(options);
  writeFileSync(options.output, JSON.stringify(result));
}
