// Root hooks of the editor suite. The suite starts browsers, code-server, editors and language servers; one left
// running keeps mocha (and CI, which waits for its output to close) alive after the last test. Once every test has
// run, this names what is still running, so the log shows the leak, and ends it, so the run always finishes.
import fs from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  args: string;
}

/** The processes of this machine, read from /proc (no dependency on ps). */
function processes(): Proc[] {
  const found: Proc[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses; the fields after its last ')' are plain.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const args = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(name), ppid, args });
    } catch {
      // ended while being read
    }
  }
  return found;
}

/** Every process below this one, children first found first. */
export function descendants(root = process.pid): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all.filter((x) => x.ppid === parent)) {
      found.push(p);
      queue.push(p.pid);
    }
  }
  return found;
}

export const mochaHooks = {
  async afterAll(): Promise<void> {
    // Give processes stopped in the suites' own after hooks a moment to exit.
    await new Promise((r) => setTimeout(r, 2000));
    // tsx's esbuild service is the test process's own helper; it ends with it.
    const left = descendants().filter((p) => p.args !== '' && !/\besbuild --service\b/.test(p.args));
    const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    if (left.length === 0) return;
    process.stderr.write(
      `editor suite: ${left.length} process(es) still running after the last test (a suite does not stop what it started):\n` +
        left.map((p) => `  ${p.pid} (parent ${p.ppid}): ${p.args.slice(0, 200)}`).join('\n') +
        `\n  active resources of the test process: ${resources.join(', ') || 'none'}\nending them.\n`,
    );
    for (const p of left.reverse()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  },
};
