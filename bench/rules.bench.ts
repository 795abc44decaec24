import type { Bench, BenchRow } from './harness';
import { analyze } from './lib/floor';
import { inputs } from './lib/inputs';
import { gc, median } from './lib/measure';
import { engine, GRAMMARS } from './lib/bundle';

/** Issue #22: no rule may take more than this share of a full analysis, on any input. */
const SHARE_LIMIT = 10;
/** Rules under this share of every input are summed in one row, so that the table shows what costs. */
const SHOWN_SHARE = 1;

/**
 * The cost of each rule in a full analysis (fresh workspace, every file's findings, as the CLI runs it), per bench
 * input: the time spent in its checks, including the shared facts it is the first to ask for (facts are computed once
 * per graph and cached, so a fact's cost lands on the first rule that needs it, as it does in a real run). The median of
 * several rounds, as a share of the same round's analysis time: at least three, and on a smaller input as many as fill
 * about two seconds (a rule of 2 ms in a 50 ms analysis moves by half its share when the machine stirs once).
 */
const MIN_ROUNDS = 3;
const MAX_ROUNDS = 15;
const ROUNDS_MS = 2000;
const bench: Bench = {
  name: 'rules: cost of each rule in a full analysis',
  async run(): Promise<BenchRow[]> {
    const { loadGrammars, measureRules } = engine();
    const grammars = await loadGrammars(GRAMMARS);
    const rows: BenchRow[] = [];
    for (const make of [inputs.armClassic, inputs.armV2, inputs.bicep, inputs.terraform, inputs.mixed]) {
      const input = make();
      const root = `/bench/${input.id}`;
      const warm = performance.now();
      analyze(grammars, root, input.files).ws.dispose();
      const rounds = Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, Math.ceil(ROUNDS_MS / (performance.now() - warm))));
      const shares = new Map<string, number[]>();
      const times = new Map<string, number[]>();
      const totals: number[] = [];
      const ruleTotals: number[] = [];
      for (let round = 0; round < rounds; round++) {
        gc();
        const sink = new Map<string, number>();
        measureRules(sink);
        const t0 = performance.now();
        let result: ReturnType<typeof analyze>;
        try {
          result = analyze(grammars, root, input.files);
        } finally {
          measureRules(undefined);
        }
        const total = performance.now() - t0;
        result.ws.dispose();
        totals.push(total);
        ruleTotals.push([...sink.values()].reduce((a, b) => a + b, 0));
        for (const [id, ms] of sink) {
          shares.set(id, [...(shares.get(id) ?? []), (100 * ms) / total]);
          times.set(id, [...(times.get(id) ?? []), ms]);
        }
      }
      const analysis = median(totals);
      rows.push({
        name: `${input.title}: all rules`,
        value: median(ruleTotals),
        unit: 'ms',
        note: `${((100 * median(ruleTotals)) / analysis).toFixed(1)}% of the analysis (${analysis.toFixed(0)} ms: set, adapt, graph, rules, suppressions)`,
      });
      const byShare = [...shares].map(([id, s]) => ({ id, share: median(s), ms: median(times.get(id)!) })).sort((a, b) => b.share - a.share);
      const rest = byShare.filter((r) => r.share < SHOWN_SHARE);
      rows.push({
        name: `${input.title}: slowest rule's share of the analysis`,
        value: byShare[0].share,
        unit: '%',
        note: `${byShare[0].id}, ${byShare[0].ms.toFixed(1)} ms; median of ${rounds} rounds`,
        limit: { max: SHARE_LIMIT },
      });
      for (const r of byShare.filter((x) => x.share >= SHOWN_SHARE))
        rows.push({ name: `${input.title}: rule ${r.id}`, value: r.share, unit: '%', note: `${r.ms.toFixed(1)} ms` });
      if (rest.length) {
        const sum = rest.reduce((a, r) => a + r.ms, 0);
        rows.push({
          name: `${input.title}: ${rest.length} other rules`,
          value: (100 * sum) / analysis,
          unit: '%',
          note: `${sum.toFixed(1)} ms together; each under ${SHOWN_SHARE}%; the slowest ${rest[0].id} ${rest[0].ms.toFixed(2)} ms`,
        });
      }
    }
    return rows;
  },
};

export default bench;
