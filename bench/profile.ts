/**
 * Where the time of a full analysis goes: `npx tsx bench/profile.ts <input> [runs] [top]`, input one of
 * arm-classic, arm-v2, bicep, terraform, mixed. Profiles `runs` full analyses (fresh Workspace each, after one warm-up)
 * with V8's sampling profiler, prints the top functions by self and by inclusive time, and writes the profile to
 * bench/results/<input>.cpuprofile (open it in Chrome DevTools or VS Code).
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import { engine, GRAMMARS } from './lib/bundle';
import { analyze } from './lib/floor';
import { inputsById } from './lib/inputs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

const modulesOf = new Map<string, { line: number; file: string }[]>();

/** Source file of a line of an esbuild bundle: esbuild writes `// path/of/module.ts` before each module. */
function where(url: string, line: number, root: string): string {
  if (!url.endsWith('.js') || !fs.existsSync(url)) return url.replace(root, '');
  let marks = modulesOf.get(url);
  if (!marks) {
    marks = [];
    fs.readFileSync(url, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /^\/\/ ((?:server|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(text);
        if (m) marks!.push({ line: i, file: m[1] });
      });
    modulesOf.set(url, marks);
  }
  let file: string | undefined;
  for (const m of marks) {
    if (m.line > line) break;
    file = m.file;
  }
  return file ?? `${url.replace(root, '')}:${line + 1}`;
}

export function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const root = path.join(__dirname, '..') + path.sep;
  const key = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url.replace(/^file:\/\//, ''), n.callFrame.lineNumber, root)}`;
  const time = new Map<number, number>();
  profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (const [id, t] of time) {
    total += t;
    const k = key(byId.get(id)!);
    self.set(k, (self.get(k) ?? 0) + t);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = key(byId.get(cur)!);
      if (seen.has(ck)) continue;
      seen.add(ck);
      incl.set(ck, (incl.get(ck) ?? 0) + t);
    }
  }
  const table = (m: Map<string, number>, title: string) =>
    [`${title} (of ${(total / 1000).toFixed(0)} ms sampled)`]
      .concat(
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([k, t]) => `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`),
      )
      .join('\n');
  return `${table(self, 'self time')}\n\n${table(incl, 'inclusive time')}`;
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'terraform';
  const runs = Number(process.argv[3] ?? 3);
  const top = Number(process.argv[4] ?? 30);
  const input = inputsById[id]?.();
  if (!input) throw new Error(`unknown input ${id}: one of ${Object.keys(inputsById).join(', ')}`);
  const grammars = await engine().loadGrammars(GRAMMARS);
  const root = `/bench/${input.id}`;
  analyze(grammars, root, input.files);
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 200 });
  await post(session, 'Profiler.start');
  for (let i = 0; i < runs; i++) analyze(grammars, root, input.files);
  const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
  session.disconnect();
  const out = path.join(__dirname, 'results', `${input.id}.cpuprofile`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(profile));
  console.log(summarize(profile, top));
  console.log(`\nprofile: ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
