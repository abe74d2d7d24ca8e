/**
 * Where the time goes when a target is missed: V8 CPU profiles (Node's own inspector, or Chromium's through CDP;
 * both speak the DevTools `Profiler` protocol) summarized as self time per source file and per function.
 */
import { Session } from 'node:inspector/promises';

/** The parts of a DevTools `Profiler.Profile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
    hitCount?: number;
    children?: number[];
  }>;
  /** Start and end of sampling, in µs. */
  startTime: number;
  endTime: number;
}

export interface ProfileShare {
  name: string;
  ms: number;
  /** Share of all samples, idle included, 0..1. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples in which the thread waited for work, 0..1. */
  idleShare: number;
  /** Self time per file (a package's files count as the package), busiest first, idle left out. */
  byFile: ProfileShare[];
  /** Self time per function (name and file), busiest first, idle left out. */
  byFunction: ProfileShare[];
  /** Time with a function of the project's own code on the stack (its callees included), busiest first. */
  ownInclusive: ProfileShare[];
}

/** A file as a reader knows it: `zod`, `server/ingest/ingest.ts`, or V8's own entries such as `(garbage collector)`. */
export function fileLabel(url: string, functionName: string, repoRoot: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1]!;
  if (path.startsWith(repoRoot)) return path.slice(repoRoot.length).replace(/^\//, '');
  if (path.startsWith('node:')) return path;
  // A browser script: keep its path, not its origin, which changes with the port.
  return path.replace(/^https?:\/\/[^/]+/, '');
}

/** V8's label for time the thread waited for work. ('(program)' is V8's own native work, not idle.) */
const IDLE = '(idle)';

export function summarizeProfile(profile: CpuProfile, repoRoot: string, top = 10): ProfileSummary {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  const parents = new Map<number, number>();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const isOwn = (url: string) => url !== '' && !url.includes('node_modules') && decodeURIComponent(url).includes(repoRoot);
  const functionLabel = (functionName: string, file: string) => `${functionName || '(anonymous)'} ${file}`;
  let idle = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    const { functionName, url } = node.callFrame;
    const file = fileLabel(url, functionName, repoRoot);
    if (file === IDLE) {
      idle += node.hitCount;
      continue;
    }
    byFile.set(file, (byFile.get(file) ?? 0) + node.hitCount);
    const name = url === '' ? file : functionLabel(functionName, file);
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.hitCount);
    // Each of our functions on this sample's stack, once even when it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (!isOwn(frame.url)) continue;
      const label = functionLabel(frame.functionName, fileLabel(frame.url, frame.functionName, repoRoot));
      if (!seen.has(label)) ownInclusive.set(label, (ownInclusive.get(label) ?? 0) + node.hitCount);
      seen.add(label);
    }
  }
  const ranked = (counts: Map<string, number>): ProfileShare[] =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, ms: (count / hits) * totalMs, share: count / hits }));
  return {
    totalMs,
    idleShare: idle / hits,
    byFile: ranked(byFile),
    byFunction: ranked(byFunction),
    ownInclusive: ranked(ownInclusive),
  };
}

/** One line for the notes: "server/ingest/ingest.ts 21%, zod 14%, …". */
export function formatShares(shares: readonly ProfileShare[]): string {
  return shares.map((share) => `${share.name} ${(share.share * 100).toFixed(0)}%`).join(', ');
}

/** Profiles this Node process (where an in-process server runs) while `work` runs. */
export async function profileThisProcess(work: () => Promise<void>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    // 1 ms between samples: enough resolution for a few seconds of work without slowing it noticeably.
    await session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    return profile as CpuProfile;
  } finally {
    session.disconnect();
  }
}
