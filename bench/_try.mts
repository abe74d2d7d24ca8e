import { runBytes } from './bytes.ts';
import { evaluate, formatTable } from './report.ts';
const t = performance.now();
const r = await runBytes({ shoppers: 1, pace: 1 });
console.log(formatTable(r.rows.map(evaluate)));
console.log(r.notes.join('\n'), (performance.now() - t) / 1000);
