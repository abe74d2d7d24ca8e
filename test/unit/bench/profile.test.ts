import { describe, expect, test } from 'vitest';
import { nodeLabeller, profileFromTrace, summarizeProfile, type CpuProfile, type TraceNode } from '../../../bench/profile.ts';

const root = '/repo/';
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });

/** (root) → handler (ours) → [validate (zod) 30 hits, save (ours) → save again → run (native) 50 hits], idle 20 hits. */
const profile: CpuProfile = {
  startTime: 0,
  endTime: 100_000,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6] },
    { id: 2, callFrame: frame('handler', 'file:///repo/server/api/ingest.ts'), children: [3, 4] },
    { id: 3, callFrame: frame('validate', 'file:///repo/node_modules/zod/index.js'), hitCount: 30 },
    { id: 4, callFrame: frame('save', 'file:///repo/server/storage/store.ts'), children: [7] },
    { id: 7, callFrame: frame('save', 'file:///repo/server/storage/store.ts'), children: [5] },
    { id: 5, callFrame: frame('run', ''), hitCount: 50 },
    { id: 6, callFrame: frame('(idle)', ''), hitCount: 20 },
  ],
};

describe('bench | CPU profile summary', () => {
  const summary = summarizeProfile(profile, nodeLabeller(root));

  test('shares self time by file, packages named as packages, native code by its caller, idle apart', () => {
    expect(summary.totalMs).toBe(100);
    expect(summary.idleShare).toBeCloseTo(0.2);
    expect(summary.byFile.map(({ name, share }) => [name, share])).toEqual([['(native) run ← server/storage/store.ts', 0.5], ['zod', 0.3]]);
    expect(summary.byFile[0]!.ms).toBeCloseTo(50);
  });

  test('counts time inside our own functions with their callees, once per sample', () => {
    expect(summary.ownInclusive.map(({ name, share }) => [name, share])).toEqual([
      ['handler server/api/ingest.ts', 0.8],
      ['save server/storage/store.ts', 0.5],
    ]);
    expect(summary.ownSelfShare).toBe(0);
  });

  test('rebuilds a profile streamed in trace chunks, keeping the busiest thread', () => {
    const chunk = (pid: number, nodes: TraceNode[], samples: number[], timeDeltas: number[]) =>
      ({ name: 'ProfileChunk', pid, id: '0x1', args: { data: { cpuProfile: { nodes, samples }, timeDeltas } } });
    const traced = profileFromTrace({
      traceEvents: [
        { name: 'Profile', pid: 1, id: '0x1', args: { data: { startTime: 1_000 } } },
        { name: 'Profile', pid: 2, id: '0x1', args: { data: { startTime: 5 } } },
        chunk(1, [{ id: 1, callFrame: frame('(root)', '') }, { id: 2, parent: 1, callFrame: frame('a', 'file:///repo/x.ts') }], [2, 2], [10, 20]),
        chunk(2, [{ id: 1, callFrame: frame('(root)', '') }], [1], [7]),
        chunk(1, [{ id: 3, parent: 2, callFrame: frame('b', 'file:///repo/y.ts') }], [3], [30]),
      ],
    });
    expect(traced.startTime).toBe(1_000);
    expect(traced.endTime).toBe(1_060);
    expect(traced.nodes.map((node) => [node.id, node.hitCount, node.children])).toEqual([[1, 0, [2]], [2, 2, [3]], [3, 1, []]]);
  });
});
