/**
 * Long fuzzing campaigns (test/harness/fuzz.ts): `npm run fuzz -- --count 100000 --seed 7`.
 *   --count N   mutated and adversarial inputs (default 10,000); with them N/2 incremental edits, N/5 folder edits and N/5 typing sessions
 *   --seed S    the seed (default: the time); printed first, so that any run can be repeated
 *   --dump F    write the failing input to F
 *   --seeds DIR start from the sources below DIR (up to 256 KB each; e.g. the public AVD repositories) instead of the
 *               fixtures and examples
 * Prints progress with memory (a leak shows as growth), and exits 1 at the first failure, naming the seed and input.
 */
import { parseArgs } from 'node:util';
import { grammars } from '../test/harness/engine';
import {
  type Campaign,
  firstAnswerCampaign,
  folderCampaign,
  incrementalCampaign,
  MAX_SEED_BYTES,
  mutationCampaign,
  seeds,
  typingCampaign,
} from '../test/harness/fuzz';

const MB = 1024 * 1024;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { count: { type: 'string' }, seed: { type: 'string' }, dump: { type: 'string' }, seeds: { type: 'string' } } });
  const count = Number(values.count ?? 10_000);
  const seed = Number(values.seed ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
    process.stderr.write('usage: npm run fuzz -- [--count N] [--seed S] [--dump FILE] [--seeds DIR]\n');
    return 2;
  }
  if (values.seeds !== undefined && !seeds(undefined, values.seeds).length) {
    process.stderr.write(`fuzz: no .bicep, .bicepparam, .json, .tf or .tfvars file of ${MAX_SEED_BYTES / 1024} KB or less below ${values.seeds}\n`);
    return 2;
  }
  process.stdout.write(
    `fuzz: seed ${seed}, ${count} mutations, ${Math.ceil(count / 2)} incremental edits, ${Math.ceil(count / 5)} folder edits, ${Math.ceil(count / 5)} typing sessions\n`,
  );
  const g = await grammars();
  const started = performance.now();
  const memory = () => {
    const m = process.memoryUsage();
    return { rss: m.rss / MB, heap: m.heapUsed / MB, buffers: m.arrayBuffers / MB };
  };
  const samples: ReturnType<typeof memory>[] = [];
  const report = (phase: string, total: number) => (done: number) => {
    const m = memory();
    if (phase === 'mutations') samples.push(m);
    const s = (performance.now() - started) / 1000;
    process.stdout.write(
      `  ${phase} ${done}/${total}  ${s.toFixed(0)} s  rss ${m.rss.toFixed(0)} MB, heap ${m.heap.toFixed(0)} MB, buffers ${m.buffers.toFixed(0)} MB\n`,
    );
  };
  const campaign = (n: number, s: number, phase: string): Campaign => ({
    count: n,
    seed: s,
    dump: values.dump,
    seedDir: values.seeds,
    every: Math.max(1, Math.ceil(n / 20)),
    progress: report(phase, n),
  });
  try {
    const m = mutationCampaign(g, campaign(count, seed, 'mutations'));
    incrementalCampaign(g, campaign(Math.ceil(count / 2), seed + 1, 'incremental'));
    folderCampaign(g, campaign(Math.ceil(count / 5), seed + 2, 'folders'));
    const first = firstAnswerCampaign(g, campaign(Math.ceil(count / 2), seed + 3, 'first answers'));
    const typing = typingCampaign(g, campaign(Math.ceil(count / 5), seed + 4, 'typing'));
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `fuzz: seed ${seed} passed: ${count} mutations (slowest analysis ${m.slowestMs.toFixed(0)} ms of CPU, ${m.fixes} fixes applied), ${Math.ceil(count / 2)} incremental and ${Math.ceil(count / 5)} folder edits, ${first.answered} first answers to ${first.inputs} edits, ${typing.inputs} typing sessions (${typing.answered} first answers), in ${(seconds / 60).toFixed(1)} min\n`,
    );
    // Memory after the first tenth of the inputs and at the end: freed workspaces must leave nothing behind.
    if (samples.length >= 4) {
      const early = samples[1];
      const late = samples[samples.length - 1];
      process.stdout.write(
        `fuzz: memory from ${early.rss.toFixed(0)} to ${late.rss.toFixed(0)} MB rss, heap ${early.heap.toFixed(0)} to ${late.heap.toFixed(0)} MB, buffers ${early.buffers.toFixed(0)} to ${late.buffers.toFixed(0)} MB\n`,
      );
    }
    return 0;
  } catch (e) {
    process.stdout.write(`fuzz: seed ${seed} FAILED\n${(e as Error).message}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
