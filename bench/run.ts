import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Bench, BenchRow } from './harness';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort();
  let failed = 0;
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench: Bench = require(path.join(__dirname, file)).default;
    if (filter && !bench.name.includes(filter)) continue;
    console.log(`\n## ${bench.name}`);
    const rows: BenchRow[] = await bench.run();
    for (const row of rows) {
      const out = row.limit && ((row.limit.max !== undefined && row.value > row.limit.max) || (row.limit.min !== undefined && row.value < row.limit.min));
      if (out) failed++;
      const lim = row.limit ? ` (limit ${row.limit.min !== undefined ? '>= ' + row.limit.min : ''}${row.limit.max !== undefined ? '<= ' + row.limit.max : ''})` : '';
      console.log(`${out ? 'FAIL' : '    '} ${row.name.padEnd(60)} ${row.value.toFixed(2).padStart(10)} ${row.unit}${lim}${row.note ? '  ' + row.note : ''}`);
    }
  }
  if (failed) {
    console.error(`\n${failed} benchmark limit(s) exceeded`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
