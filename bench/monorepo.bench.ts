import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Bench, BenchRow } from './harness';
import { mixedWorkspace } from './lib/inputs';
import { BenchServer } from './lib/lsp';
import { procMemory } from './lib/measure';

/** Copies of the 1,000-file workspace (BENCH_MONOREPO_COPIES; 10 by default: 10,000 files). */
const COPIES = Number(process.env.BENCH_MONOREPO_COPIES ?? 10);

/**
 * A monorepo: the 1,000-file workspace ten times, as `copy-<k>/` folders. The server starts on it and the editor opens
 * one team's main.bicep at once, as a user opening a file from the explorer does: the time to its first diagnostics
 * (the opening answer, while the folders are read), to the full check of the whole workspace, and the server's peak
 * RSS over both.
 */
const bench: Bench = {
  name: `monorepo: ${COPIES * 1000} files, a file opened at start`,
  async run(): Promise<BenchRow[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'avdsec-monorepo-'));
    const server = new BenchServer();
    try {
      const files = mixedWorkspace(1000);
      for (let k = 0; k < COPIES; k++) {
        for (const [rel, text] of files) {
          const file = path.join(dir, `copy-${k}`, rel);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, text);
        }
      }
      const file = path.join(
        dir,
        'copy-0',
        [...files.keys()].find((f) => f.endsWith('main.bicep'))!,
      );
      const uri = pathToFileURL(file).href;
      let hwm = 0;
      const sampler = setInterval(() => (hwm = Math.max(hwm, procMemory(server.pid)?.hwm ?? 0)), 100);
      const t0 = performance.now();
      const first = server.next(uri, (d) => d.length > 0, 600_000);
      await server.initialize(pathToFileURL(dir).href);
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'bicep', version: 1, text: fs.readFileSync(file, 'utf8') },
      });
      const opened = await first;
      const firstMb = hwm / 1048576;
      // How long the server keeps a request waiting meanwhile (a hover, an edit wait behind the same work).
      let longestWait = 0;
      for (;;) {
        const asked = performance.now();
        const status = (await server.connection.sendRequest('avdsec/status')) as { settled: boolean };
        longestWait = Math.max(longestWait, performance.now() - asked);
        if (status.settled) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const settled = performance.now();
      // A pull that changes 50 files on disk: each renames a host pool, so the graph is built again.
      const pulled = [...files.keys()]
        .filter((f) => f.endsWith('bicep/main.bicep'))
        .slice(0, 5)
        .flatMap((rel) => [...Array(COPIES).keys()].map((k) => path.join(dir, `copy-${k}`, rel)));
      for (const f of pulled) fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace("param pool0Name string = 'hp-", "param pool0Name string = 'hpx-"));
      const pulledAt = performance.now();
      await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
        changes: pulled.map((f) => ({ uri: pathToFileURL(f).href, type: 2 })),
      });
      let pullWait = 0;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const asked = performance.now();
        const status = (await server.connection.sendRequest('avdsec/status')) as { settled: boolean };
        pullWait = Math.max(pullWait, performance.now() - asked);
        if (status.settled) break;
      }
      const pullSettled = performance.now();
      clearInterval(sampler);
      hwm = Math.max(hwm, procMemory(server.pid)?.hwm ?? 0);
      return [
        { name: "opened file's first diagnostics after start", value: (opened.at - t0) / 1000, unit: 's', limit: { max: 1 } },
        { name: 'whole workspace checked after start', value: (settled - t0) / 1000, unit: 's' },
        { name: 'longest a request waited until then', value: longestWait, unit: 'ms' },
        { name: `${pulled.length} files changed on disk (host pools renamed): checked after`, value: (pullSettled - pulledAt) / 1000, unit: 's' },
        { name: 'longest a request waited until then', value: pullWait, unit: 'ms' },
        { name: 'server peak RSS until the first diagnostics', value: firstMb, unit: 'MB' },
        { name: 'server peak RSS until the whole workspace is checked', value: hwm / 1048576, unit: 'MB', limit: { max: 1024 } },
      ];
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
