import * as fs from 'node:fs';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { Workspace } from '../server/src/engine/workspace';
import { FIXTURES, grammars, ROOT } from './harness/engine';
import { exercise, firstAnswerCampaign, folderCampaign, incrementalCampaign, mutationCampaign, typingCampaign } from './harness/fuzz';

/**
 * The fuzzer (test/harness/fuzz.ts) on a few hundred inputs: no exception may escape, no analysis may take over 2 s,
 * every fix must apply cleanly, and an edit applied incrementally must find what a fresh workspace finds. Long
 * campaigns: `npm run fuzz -- --count 100000 --seed 7`.
 */
/** A budget no parse fits in: what a parse gets on a machine too busy to run it. */
const NO_TIME = { baseMs: 0, msPerMB: 0 };
const COUNT = Number(process.env.FUZZ_COUNT ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);

describe(`fuzzing every adapter, rule and printer (${COUNT} mutations, seed ${SEED})`, function () {
  this.timeout(Math.max(60_000, COUNT * 400));

  it('inputs earlier runs found (test/fixtures/fuzz/) go through cleanly', async () => {
    const g = await grammars();
    const dir = path.join(FIXTURES, 'fuzz');
    for (const name of fs.readdirSync(dir)) exercise(g, `/fuzz/found/${name}`, fs.readFileSync(path.join(dir, name), 'utf8'), name);
  });

  it('a Terraform file the parse budget stopped passes when its parse alone is fast (a campaign shares a busy machine)', async () => {
    const g = await grammars();
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'terraform', 'main.tf'), 'utf8');
    const ws = new Workspace(g, { terraformParseBudget: NO_TIME });
    try {
      ws.set('/busy/main.tf', text, 1);
      assert.match(ws.document('/busy/main.tf')!.syntaxErrors[0].message, /parser gave up/);
    } finally {
      ws.dispose();
    }
    exercise(g, '/busy/main.tf', text, 'busy', NO_TIME);
  });

  it('never throws, stays fast, and every fix applies and re-parses', async () => {
    mutationCampaign(await grammars(), { count: COUNT, seed: SEED, dump: process.env.FUZZ_DUMP });
  });

  it('an edit applied incrementally (ARM tree patch, Terraform re-parse, link shortcuts) finds what a fresh workspace finds', async () => {
    incrementalCampaign(await grammars(), { count: Math.ceil(COUNT / 2), seed: SEED + 1, dump: process.env.FUZZ_DUMP });
  });

  it("an edit's first answer finds what a fresh workspace finds, but for the rules about the whole deployment", async () => {
    const { answered } = firstAnswerCampaign(await grammars(), { count: Math.ceil(COUNT / 2), seed: SEED + 3, dump: process.env.FUZZ_DUMP });
    assert.ok(answered > 0, 'some edits got a first answer');
  });

  it('keystrokes typed one after another into a string find, after each, what a fresh workspace finds', async () => {
    const { answered } = typingCampaign(await grammars(), { count: Math.ceil(COUNT / 5), seed: SEED + 4, dump: process.env.FUZZ_DUMP });
    assert.ok(answered > 0, 'some keystrokes got a first answer');
  });

  it('an edit applied incrementally in a folder of several files finds, in every file, what a fresh workspace finds', async () => {
    folderCampaign(await grammars(), { count: Math.ceil(COUNT / 5), seed: SEED + 2 });
  });
});
