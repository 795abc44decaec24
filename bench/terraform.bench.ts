import { performance } from 'node:perf_hooks';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { type Bench, type BenchRow, mbPerSecond } from './harness';
import { engine, GRAMMARS } from './lib/bundle';
import { inputs, totalBytes } from './lib/inputs';
import { median } from './lib/measure';

/**
 * Terraform parsing: the tree-sitter grammar the engine uses against HashiCorp's own HCL parser (Go, compiled to WASM:
 * @cdktf/hcl2json `parse(filename, content)`) on the same files, the 1 MB module. hcl2json also converts the syntax
 * tree to JSON and hands it to JavaScript, which is part of what using it would cost. Rounds alternate the two parsers;
 * MB/s from the median round.
 */
const bench: Bench = {
  name: 'terraform: tree-sitter vs HashiCorp HCL (hcl2json, WASM)',
  async run(): Promise<BenchRow[]> {
    const grammars = await engine().loadGrammars(GRAMMARS);
    const parser = grammars.newParser(grammars.terraform);
    const files = [...inputs.terraform().files];
    const bytes = totalBytes(inputs.terraform().files);
    const treeSitter = () => {
      for (const [, text] of files) parser.parse(text)!.delete();
    };
    const hashicorp = async () => {
      for (const [name, text] of files) await hcl2json(name, text);
    };
    // Warm-up; the first hcl2json call also instantiates its WebAssembly module (timed apart).
    const t0 = performance.now();
    await hcl2json('warm.tf', 'locals {}\n');
    const init = performance.now() - t0;
    treeSitter();
    await hashicorp();
    const ts: number[] = [];
    const hc: number[] = [];
    for (let r = 0; r < 3; r++) {
      let t = performance.now();
      treeSitter();
      ts.push(performance.now() - t);
      t = performance.now();
      await hashicorp();
      hc.push(performance.now() - t);
    }
    parser.delete();
    const a = median(ts);
    const b = median(hc);
    const size = `${files.length} files, ${(bytes / 1e6).toFixed(2)} MB`;
    return [
      { name: 'tree-sitter-terraform (web-tree-sitter), full parse', value: mbPerSecond(bytes, a), unit: 'MB/s', note: `${a.toFixed(0)} ms; ${size}` },
      {
        name: 'HashiCorp HCL via @cdktf/hcl2json, parse to JSON',
        value: mbPerSecond(bytes, b),
        unit: 'MB/s',
        note: `${b.toFixed(0)} ms; WebAssembly start ${init.toFixed(0)} ms (once)`,
      },
      { name: 'tree-sitter speed / hcl2json speed', value: b / a, unit: 'x' },
    ];
  },
};

export default bench;
