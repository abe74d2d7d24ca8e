/**
 * Where the time goes when a target is missed: V8 CPU profiles (Node's own inspector, or Chromium's through CDP;
 * both speak the DevTools `Profiler` protocol) summarized as self time per source file and per function, and as
 * time spent inside each of the project's own functions (callees included).
 */
import { Session } from 'node:inspector/promises';
import { SourceMap } from 'node:module';

export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based position of the function in its script. */
  lineNumber: number;
  columnNumber: number;
}

/** The parts of a DevTools `Profiler.Profile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }>;
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
  /** Self time per file (a package's files count as the package; native code by the file calling it), busiest first, idle left out. */
  byFile: ProfileShare[];
  /** Self time per function (name and file), busiest first, idle left out. */
  byFunction: ProfileShare[];
  /** Time with a function of the project's own code on the stack (its callees included), busiest first. */
  ownInclusive: ProfileShare[];
  /** Share of samples in the project's own code itself, 0..1. */
  ownSelfShare: number;
}

/** Names a frame's file and function as a reader knows them, and tells whether it is the project's own code. */
export interface FrameLabeller {
  file(frame: CallFrame): string;
  /** e.g. `contextEvents server/pipeline/fold-chunk.ts`; minified code is named by its source line instead. */
  function(frame: CallFrame): string;
  isOwn(frame: CallFrame): boolean;
}

/** `zod`, `server/ingest/ingest.ts`, or V8's own entries such as `(garbage collector)`. */
export function pathLabel(path: string, repoRoot: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage) return inPackage[1]!;
  if (path.startsWith(repoRoot)) return path.slice(repoRoot.length).replace(/^\//, '');
  return path;
}

const nativeLabel = (frame: CallFrame) =>
  frame.functionName.startsWith('(') ? frame.functionName : `(native) ${frame.functionName || 'anonymous'}`;

/** Frames of a Node process: files under the repository are ours, node_modules are packages. */
export function nodeLabeller(repoRoot: string): FrameLabeller {
  const path = (frame: CallFrame) => decodeURIComponent(frame.url.replace(/^file:\/\//, ''));
  const file = (frame: CallFrame) => (frame.url === '' ? nativeLabel(frame) : pathLabel(path(frame), repoRoot));
  return {
    file,
    function: (frame) => (frame.url === '' ? file(frame) : `${frame.functionName || '(anonymous)'} ${file(frame)}`),
    isOwn: (frame) => frame.url !== '' && !frame.url.includes('node_modules') && path(frame).startsWith(repoRoot),
  };
}

/**
 * Frames of a browser page: scripts with a source map (our minified recorder) are mapped back to their source
 * files, so rrweb's time and ours inside one bundle come apart; other scripts keep their path.
 * `sourceMaps` maps a script's path (e.g. `/recorder.js`) to its parsed map, `sources` relative to the repository.
 */
export function browserLabeller(repoRoot: string, sourceMaps: ReadonlyMap<string, SourceMap>): FrameLabeller {
  const original = (frame: CallFrame) => {
    const path = frame.url.replace(/^https?:\/\/[^/]+/, '');
    const entry = sourceMaps.get(path)?.findEntry(frame.lineNumber, frame.columnNumber);
    return entry && 'originalSource' in entry ? entry : null;
  };
  const file = (frame: CallFrame) => {
    if (frame.url === '') return nativeLabel(frame);
    const entry = original(frame);
    if (!entry) return frame.url.replace(/^https?:\/\/[^/]+/, '');
    return pathLabel(entry.originalSource.replace(/^(\.\.\/)+/, `${repoRoot}/`), repoRoot);
  };
  return {
    file,
    function(frame) {
      if (frame.url === '') return file(frame);
      const entry = original(frame);
      return entry ? `${file(frame)}:${entry.originalLine + 1}` : `${frame.functionName || '(anonymous)'} ${file(frame)}`;
    },
    isOwn: (frame) => {
      const entry = original(frame);
      return entry !== null && !entry.originalSource.includes('node_modules');
    },
  };
}

/** V8's label for time the thread waited for work. ('(program)' is V8's own native work, not idle.) */
const IDLE = '(idle)';

export function summarizeProfile(profile: CpuProfile, labeller: FrameLabeller, top = 10): ProfileSummary {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const ownInclusive = new Map<string, number>();
  const add = (counts: Map<string, number>, key: string, count: number) => counts.set(key, (counts.get(key) ?? 0) + count);
  const parents = new Map<number, number>();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  let idle = 0;
  let ownSelf = 0;
  for (const node of profile.nodes) {
    if (!node.hitCount) continue;
    if (labeller.isOwn(node.callFrame)) ownSelf += node.hitCount;
    let file = labeller.file(node.callFrame);
    if (file === IDLE) {
      idle += node.hitCount;
      continue;
    }
    // A native function says little on its own ("write"): name the file that called it ("write ← node:zlib").
    if (file.startsWith('(native)')) {
      let caller = parents.get(node.id);
      while (caller !== undefined && nodes.get(caller)!.callFrame.url === '') caller = parents.get(caller);
      if (caller !== undefined) file = `${file} ← ${labeller.file(nodes.get(caller)!.callFrame)}`;
    }
    add(byFile, file, node.hitCount);
    add(byFunction, node.callFrame.url === '' ? file : labeller.function(node.callFrame), node.hitCount);
    // Each of our functions on this sample's stack, once even when it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parents.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (!labeller.isOwn(frame)) continue;
      const label = labeller.function(frame);
      if (!seen.has(label)) add(ownInclusive, label, node.hitCount);
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
    ownSelfShare: ownSelf / hits,
  };
}

/** One line for the notes: "server/ingest/ingest.ts 21%, zod 14%, …", or in ms for a mostly idle profile. */
export function formatShares(shares: readonly ProfileShare[], as: 'share' | 'ms' = 'share'): string {
  return shares.map((share) => `${share.name} ${as === 'ms' ? `${Math.round(share.ms)} ms` : `${(share.share * 100).toFixed(0)}%`}`).join(', ');
}

/** A profile node as a trace streams it: parent links instead of child lists. */
export interface TraceNode {
  id: number;
  parent?: number;
  callFrame: Partial<CallFrame>;
}

/** The fields of a Chromium trace event that carry a CPU profile. */
export interface TraceEvent {
  name: string;
  id?: string;
  pid?: number;
  tid?: number;
  args?: {
    data?: {
      startTime?: number;
      cpuProfile?: { nodes?: TraceNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
  };
}

/**
 * Rebuilds a CPU profile from a Chromium trace recorded with the `disabled-by-default-v8.cpu_profiler` category.
 * Unlike CDP's Profiler, a trace keeps sampling across the navigations of a journey (same renderer process). The
 * trace streams each profile as chunks of new nodes and samples; the busiest profile is the page's main thread.
 */
export function profileFromTrace(trace: { traceEvents?: TraceEvent[] } | TraceEvent[]): CpuProfile {
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
  const profiles = new Map<string, { startTime: number; elapsed: number; nodes: Map<number, CpuProfile['nodes'][number]>; hits: Map<number, number> }>();
  for (const event of events) {
    const key = `${event.pid}/${event.id}`;
    const data = event.args?.data;
    if (event.name === 'Profile') profiles.set(key, { startTime: data?.startTime ?? 0, elapsed: 0, nodes: new Map(), hits: new Map() });
    if (event.name !== 'ProfileChunk' || !data) continue;
    const profile = profiles.get(key);
    if (!profile) continue;
    for (const node of data.cpuProfile?.nodes ?? []) {
      const callFrame = { functionName: '', url: '', lineNumber: 0, columnNumber: 0, ...node.callFrame };
      profile.nodes.set(node.id, { id: node.id, callFrame, children: [] });
      if (node.parent !== undefined) profile.nodes.get(node.parent)?.children!.push(node.id);
    }
    for (const sample of data.cpuProfile?.samples ?? []) profile.hits.set(sample, (profile.hits.get(sample) ?? 0) + 1);
    profile.elapsed += (data.timeDeltas ?? []).reduce((sum, delta) => sum + delta, 0);
  }
  const sampleCount = (profile: { hits: Map<number, number> }) => [...profile.hits.values()].reduce((sum, n) => sum + n, 0);
  const busiest = [...profiles.values()].sort((a, b) => sampleCount(b) - sampleCount(a))[0];
  if (!busiest) throw new Error('the trace holds no CPU profile');
  const nodes = [...busiest.nodes.values()].map((node) => ({ ...node, hitCount: busiest.hits.get(node.id) ?? 0 }));
  return { nodes, startTime: busiest.startTime, endTime: busiest.startTime + busiest.elapsed };
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
