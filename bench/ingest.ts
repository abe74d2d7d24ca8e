/**
 * Figure 4, ingest throughput: wrk holds 32 connections open for 20 s (after a short warm-up) against (a) the real
 * Sightline server, full validation and derivation, over a database file, and (b) a bare Node server that only
 * inserts each body into a SQLite table. Both sync every commit (synchronous FULL: an acknowledged batch survives
 * power loss), so the ratio compares like with like; the bare server runs once more with NORMAL to show what that
 * durability costs. The bodies are realistic recorder batches (a synthetic shopper's, full snapshots included), sent
 * as plain JSON with every request a distinct (session, window, seq). Afterwards every acknowledged batch is looked
 * up in each database, and a few of the sessions Sightline stored are deleted, timing what secure_delete adds.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatShares, nodeLabeller, profileThisProcess, summarizeProfile, type ProfileSummary } from './profile.ts';
import { median, type FigureResult, type Row } from './report.ts';
import { startBareIngestServer, type BareIngestOptions } from './bare-ingest-server.ts';
import { measureDeletionCost, type DeletionCost } from './deletion-cost.ts';
import { repoRoot, sleep, startBenchServer } from './shared.ts';
import { cutIntoBatches, syntheticSession } from './synthetic-session.ts';

const execFileAsync = promisify(execFile);

export interface IngestBenchOptions {
  /** Length of each measured wrk run, in seconds. Defaults to 20. */
  seconds: number;
  /** Length of the uncounted warm-up before each, in seconds. Defaults to 3. */
  warmupSeconds: number;
  /** Connections wrk keeps open. Defaults to 32. */
  connections: number;
  /** Minutes of synthetic recording whose batches are the request bodies. Defaults to 10. */
  sessionMinutes: number;
  /** Length of a further run against Sightline under the CPU profiler, not counted, in seconds; 0 skips it. Defaults to 5. */
  profileSeconds: number;
  /** The wrk binary. Defaults to /usr/bin/wrk. */
  wrk: string;
  /** Sessions deleted with secure_delete ON, and as many with it OFF, after the runs. Defaults to 10. */
  deletionPairs: number;
}

export const defaultIngestOptions: IngestBenchOptions = {
  seconds: 20,
  warmupSeconds: 3,
  connections: 32,
  sessionMinutes: 10,
  profileSeconds: 5,
  wrk: '/usr/bin/wrk',
  deletionPairs: 10,
};

/** SQLite's code for synchronous FULL, as `PRAGMA synchronous` reads it. */
const SYNCHRONOUS_FULL = 2;
/** statfs type of tmpfs, where fsync costs nothing and durability figures would flatter. */
const TMPFS_MAGIC = 0x01021994;

/** Sightline must sustain this share of the bare server's rate. */
export const INGEST_TARGET_SHARE = 0.7;

interface WrkRun {
  requests: number;
  durationUs: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
  /** Bodies of the 200 answers, one per acknowledged batch. */
  acks: string[];
}

interface Throughput {
  batchesPerSecond: number;
  bytesPerSecond: number;
  acknowledged: number;
  /** Acknowledged batches not found in the database afterwards. */
  missing: number;
  run: Omit<WrkRun, 'acks'>;
}

async function runWrk(options: IngestBenchOptions, url: string, seconds: number, templates: string, prefix: string, dir: string): Promise<WrkRun> {
  const acksFile = join(dir, `acks-${prefix}.txt`);
  // One wrk thread: the server is one Node process, and a second thread would take the core it runs on.
  const args = ['-t1', `-c${options.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', join(repoRoot, 'bench/ingest.lua'), url, '--', templates, prefix];
  const { stdout } = await execFileAsync(options.wrk, args, { env: { ...process.env, WRK_ACKS_FILE: acksFile }, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.split('\n').find((text) => text.startsWith('WRK_SUMMARY '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const acks = readFileSync(acksFile, 'utf8').split('\n').filter(Boolean);
  return { ...(JSON.parse(line.slice('WRK_SUMMARY '.length)) as Omit<WrkRun, 'acks'>), acks };
}

/**
 * Waits until a count stops changing: wrk stops with requests still queued in the server, which must be stored
 * before the next run starts or the database closes under them.
 */
async function untilStable(count: () => number): Promise<void> {
  let last = -1;
  for (let current = count(); current !== last; current = count()) {
    last = current;
    await sleep(300);
  }
}

/** Bytes of the body bench/ingest.lua builds for template `index` of `session`. */
function bodyBytes(template: { sentAt: number; events: string }, session: string, index: number): number {
  const body = `{"v":1,"project":"demo","sessionId":"${session}","windowId":"${session}","seq":${index},"sentAt":${template.sentAt},"events":${template.events}}`;
  return Buffer.byteLength(body);
}

export async function runIngest(options: IngestBenchOptions = defaultIngestOptions): Promise<FigureResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-ingest-'));
  try {
    const batches = cutIntoBatches(syntheticSession({ durationMs: options.sessionMinutes * 60_000, seed: 7 }));
    const templates = batches.map((events) => ({ sentAt: events.at(-1)!.timestamp, events: JSON.stringify(events) }));
    const templatesFile = join(dir, 'templates.txt');
    writeFileSync(templatesFile, templates.map((template) => `${template.sentAt} ${template.events}\n`).join(''));

    const measure = async (
      url: string,
      drain: () => Promise<void>,
      isStored: (ack: string) => { session: string; index: number; stored: boolean },
    ) => {
      await runWrk(options, url, options.warmupSeconds, templatesFile, 'warm', dir);
      await drain();
      const run = await runWrk(options, url, options.seconds, templatesFile, 'main', dir);
      await drain();
      let bytes = 0;
      let missing = 0;
      for (const ack of run.acks) {
        const { session, index, stored } = isStored(ack);
        bytes += bodyBytes(templates[index]!, session, index);
        if (!stored) missing++;
      }
      const seconds = run.durationUs / 1e6;
      const { acks, ...rest } = run;
      return { batchesPerSecond: acks.length / seconds, bytesPerSecond: bytes / seconds, acknowledged: acks.length, missing, run: rest } satisfies Throughput;
    };

    const sightline = await startBenchServer();
    let ours: Throughput;
    let profile: ProfileSummary | null = null;
    let deletion: DeletionCost;
    try {
      // The figure must time the product's durability, whatever db.ts comes to say.
      if (sightline.db.pragma('synchronous', { simple: true }) !== SYNCHRONOUS_FULL) throw new Error('Sightline database is not synchronous=FULL');
      const chunk = sightline.db.prepare('SELECT 1 FROM chunks WHERE session_id = ? AND window_id = ? AND seq = ?').pluck();
      const drain = () => untilStable(() => sightline.db.prepare('SELECT count(*) FROM chunks').pluck().get() as number);
      ours = await measure(sightline.url, drain, (ack) => {
        const { sessionId, windowId, seq, duplicate } = JSON.parse(ack) as { sessionId: string; windowId: string; seq: number; duplicate: boolean };
        if (duplicate) throw new Error(`batch ${sessionId}/${seq} was acknowledged as a duplicate: the ids are not distinct`);
        return { session: sessionId, index: seq, stored: chunk.get(sessionId, windowId, seq) === 1 };
      });
      if (options.profileSeconds > 0) {
        const cpu = await profileThisProcess(async () => {
          await runWrk(options, sightline.url, options.profileSeconds, templatesFile, 'profiled', dir);
        });
        await drain();
        profile = summarizeProfile(cpu, nodeLabeller(repoRoot));
      }
      deletion = await measureDeletionCost(sightline, templates.length, options.deletionPairs);
    } finally {
      await sightline.close();
    }

    const measureBare = async (synchronous: BareIngestOptions['synchronous']) => {
      const bare = await startBareIngestServer(join(dir, `bare-${synchronous}.db`), { synchronous });
      try {
        const row = bare.db.prepare('SELECT 1 FROM batches WHERE id = ?').pluck();
        const drain = () => untilStable(() => bare.db.prepare('SELECT count(*) FROM batches').pluck().get() as number);
        return await measure(bare.url, drain, (ack) => {
          const { id } = JSON.parse(ack) as { id: string };
          const [session, index] = id.split(' ');
          return { session: session!, index: Number(index), stored: row.get(id) === 1 };
        });
      } finally {
        await bare.close();
      }
    };
    const ceiling = await measureBare('FULL');
    const unsynced = await measureBare('NORMAL');

    const baseline = (what: string, value: number, unit: 'per_s' | 'bytes_per_s') => ({ what, measured: { value, unit } });
    const target = { on: 'ratio', op: '>=', limit: INGEST_TARGET_SHARE } as const;
    const rows: Row[] = [
      {
        figure: '4 ingest',
        what: `Sightline batches/s, ${options.connections} connections`,
        measured: { value: ours.batchesPerSecond, unit: 'per_s' },
        baseline: baseline('bare Node + SQLite insert', ceiling.batchesPerSecond, 'per_s'),
        target,
      },
      {
        figure: '4 ingest',
        what: 'Sightline MB/s of request bodies',
        measured: { value: ours.bytesPerSecond, unit: 'bytes_per_s' },
        baseline: baseline('bare Node + SQLite insert', ceiling.bytesPerSecond, 'bytes_per_s'),
        target,
      },
      {
        figure: '4 ingest',
        what: 'acknowledged batches missing from the database',
        measured: { value: ours.missing + ceiling.missing + unsynced.missing, unit: 'count' },
        baseline: null,
        target: { on: 'value', op: '<=', limit: 0 },
      },
      {
        // No target: the ratio is what syncing every commit costs the bare server, the price of durability.
        figure: '4 ingest',
        what: 'bare insert batches/s, synchronous FULL (the baseline above)',
        measured: { value: ceiling.batchesPerSecond, unit: 'per_s' },
        baseline: baseline('same, synchronous NORMAL', unsynced.batchesPerSecond, 'per_s'),
        target: null,
      },
      {
        // No target: the ratio is what overwriting deleted content with zeros costs a deletion.
        figure: '4 ingest',
        what: `delete one stored session (${deletion.batchesPerSession} batches), secure_delete ON, median`,
        measured: { value: median(deletion.secureMs), unit: 'ms' },
        baseline: { what: 'secure_delete OFF', measured: { value: median(deletion.plainMs), unit: 'ms' } },
        target: null,
      },
    ];
    const describe = (name: string, result: Throughput) =>
      `${name}: ${result.acknowledged.toLocaleString('en')} batches acknowledged in ${(result.run.durationUs / 1e6).toFixed(1)} s, ` +
      `${result.missing} of them missing from its database; latency p50 ${(result.run.p50Us / 1000).toFixed(0)} ms, ` +
      `p99 ${(result.run.p99Us / 1000).toFixed(0)} ms; errors: ${result.run.statusErrors} non-2xx, ${result.run.timeouts} timeouts, ` +
      `${result.run.connectErrors + result.run.readErrors + result.run.writeErrors} socket`;
    const onTmpfs = statfsSync(dir).type === TMPFS_MAGIC;
    const sizes = templates.map((template, index) => bodyBytes(template, 'main-1-0', index));
    const meanKb = sizes.reduce((sum, size) => sum + size, 0) / sizes.length / 1024;
    return {
      rows,
      notes: [
        `Ingest bodies: the ${templates.length} batches of a ${options.sessionMinutes}-min synthetic shopper, plain JSON (not gzipped), ` +
          `${meanKb.toFixed(1)} KB on average, largest ${(Math.max(...sizes) / 1024).toFixed(0)} KB (a full snapshot); ` +
          `wrk -t1 -c${options.connections}, ${options.warmupSeconds} s warm-up then ${options.seconds} s.`,
        `Databases on a ${onTmpfs ? 'tmpfs (fsync costs nothing here: the durability figures flatter)' : 'disk'} file system; ` +
          'Sightline and the baseline both synchronous FULL, Sightline sharing each sync among the batches of an ' +
          'event-loop turn (group commit).',
        describe('Sightline', ours),
        describe('Bare server (FULL)', ceiling),
        describe('Bare server (NORMAL)', unsynced),
        `Deletion: ${deletion.secureMs.length} + ${deletion.plainMs.length} sessions deleted through the store (transaction, then WAL ` +
          `checkpoint), alternating secure_delete ON and OFF; ON ${deletion.secureMs.map((ms) => ms.toFixed(0)).join(', ')} ms; ` +
          `OFF ${deletion.plainMs.map((ms) => ms.toFixed(0)).join(', ')} ms.`,
        ...(profile
          ? [
            `Sightline's CPU under the same load (${options.profileSeconds} s profiled, idle ${(profile.idleShare * 100).toFixed(0)}%): ` +
              `by file ${formatShares(profile.byFile)}`,
            `  own code, callees included: ${formatShares(profile.ownInclusive)}`,
          ]
          : []),
      ],
      details: { sightline: ours, bare: ceiling, bareNormal: unsynced, deletion, profile, templates: templates.length, meanBodyBytes: meanKb * 1024 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
