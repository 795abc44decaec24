import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Document, Range, Resource, Value } from '../../server/src/engine/model';
import { LineIndex } from '../../server/src/engine/positions';
import { Workspace } from '../../server/src/engine/workspace';
import { grammars, ROOT } from './engine';

/**
 * Model snapshots: what the adapters make of a set of files, printed as stable, readable JSON and compared with a
 * committed file. The printer is all here, so that when the model changes on purpose, regenerating every snapshot is
 * one command: `npm run snapshots` (UPDATE_SNAPSHOTS=1).
 *
 * Each file of the set is one entry: its language (or why it is not read), syntax errors, suppressions, the values it
 * passes to other templates (module calls, parameter files, tfvars) and its resources: key, type, apiVersion, name,
 * the head range, flags, scope, resource group and body. Values print as one string each:
 *
 *     'text' @12:20                   a known string, where its expression is written (1-based line:column, UTF-16)
 *     'a;${unknown(parameter x)}'     a string with holes: the known text around each hole
 *     3 @4:9, true @4:9, null @4:9    known scalars
 *     unknown(parameter x) @4:9       an unknown value and its label (`unknown` when it has none)
 *     ref(main.bicep#hp).id @4:9      a reference to a resource of the workspace and the attribute path read
 *     … from main.bicepparam:3:7      where a resolved value was declared (its origin: a parameter default, a variable,
 *                                     a module argument, a parameters file)
 *     … @(the origin's range) from …  a value from another document still at the range it has there, not re-anchored
 *                                     where the resource uses it
 *     … @(offset 596, past the end of modules/pool.bicep)   a range that cannot be in the document that holds it
 *
 * Objects print as JSON objects (a key written twice gets ` #2`), arrays as JSON arrays; an open object or array
 * (it may hold more than is listed) says `"$open": true` or ends with `"$open"`; a choice is `{"$choice": {"<when>":
 * value}}`, and `choice(<when>: value | …)` inside a string hole.
 *
 * Ranges: only where findings point, compactly: the resource head (start-end) and the start of each leaf value, with
 * its origin's start. Findings are placed from these, and a snapshot is where a change to them shows (a value that
 * lost its origin, a range left in another document). Containers print no range (their leaves say where they are),
 * and ends of leaf values are left out: they follow from the text, and would only repeat it. Inputs are committed
 * files, so positions move only when the model changes.
 */

/** Where the snapshot's files are put: an unlikely folder, printed as `.` (and files in it by their relative path). */
const BASE_DIR = '/avdsec-snapshot';
const BASE = `${BASE_DIR}/`;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

class Printer {
  private readonly lines = new Map<string, LineIndex>();

  constructor(private readonly ws: Workspace) {}

  pos(uri: string, offset: number): string {
    const text = this.ws.text(uri) ?? '';
    // A range in the offsets of another document (a bug): say so rather than print a column no line has.
    if (offset > text.length) return `(offset ${offset}, past the end of ${rel(uri)})`;
    let idx = this.lines.get(uri);
    if (!idx) this.lines.set(uri, (idx = new LineIndex(text)));
    const p = idx.position(offset);
    return `${p.line + 1}:${p.character + 1}`;
  }

  range(uri: string, r: Range): string {
    return `${this.pos(uri, r.start)}-${this.pos(uri, r.end)}`;
  }

  /** A value written in `uri` (the document that holds it). */
  value(uri: string, v: Value | undefined, depth = 0): Json {
    if (!v) return '(absent)';
    if (depth > 40) return '(too deep)';
    const o = v.origin;
    // A value from another document that was not re-anchored where it is used has its origin's range.
    const unmoved = o && o.uri !== uri && o.range.start === v.range.start && o.range.end === v.range.end;
    const at = ` @${unmoved ? "(the origin's range)" : this.pos(uri, v.range.start)}${o ? ` from ${rel(o.uri)}:${this.pos(o.uri, o.range.start)}` : ''}`;
    switch (v.kind) {
      case 'string':
        return `'${v.parts.map((p) => (p.kind === 'text' ? p.text : `\${${this.inline(p.value)}}`)).join('')}'${at}`;
      case 'number':
      case 'boolean':
        return `${v.value}${at}`;
      case 'null':
        return `null${at}`;
      case 'unknown':
      case 'ref':
        return `${this.inline(v)}${at}`;
      case 'object': {
        const out: { [key: string]: Json } = {};
        for (const e of v.entries) out[unique(out, e.key)] = this.value(uri, e.value, depth + 1);
        if (v.open) out[unique(out, '$open')] = true;
        return out;
      }
      case 'array': {
        const out = v.items.map((x) => this.value(uri, x, depth + 1));
        return v.open ? [...out, '$open'] : out;
      }
      case 'choice': {
        const out: { [key: string]: Json } = {};
        for (const o of v.options) out[unique(out, o.when || '(always)')] = this.value(uri, o.value, depth + 1);
        return { $choice: out };
      }
      default:
        return `(unexpected value ${JSON.stringify((v as { kind: unknown }).kind)})`;
    }
  }

  /** A value inside a string hole or a reference: its kind and label, without a position. */
  inline(v: Value): string {
    switch (v.kind) {
      case 'unknown':
        return v.text ? `unknown(${rel(v.text)})` : 'unknown';
      case 'ref': {
        const target = v.target !== undefined ? rel(v.target) : `id: ${v.targetId ? this.inline(v.targetId) : '?'}`;
        return `ref(${target})${v.path.map((p) => `.${p}`).join('')}`;
      }
      case 'string':
        return `'${v.parts.map((p) => (p.kind === 'text' ? p.text : `\${${this.inline(p.value)}}`)).join('')}'`;
      case 'number':
      case 'boolean':
        return String(v.value);
      case 'null':
        return 'null';
      case 'choice':
        return `choice(${v.options.map((o) => `${o.when || '(always)'}: ${this.inline(o.value)}`).join(' | ')})`;
      default:
        return v.kind;
    }
  }

  resource(r: Resource): Json {
    const uri = r.source.uri;
    const flags = (['conditional', 'loop', 'existing'] as const).filter((f) => r.source[f]);
    const out: { [key: string]: Json } = { key: rel(r.key), type: r.type };
    if (r.apiVersion !== undefined) out.apiVersion = r.apiVersion;
    const nameEntry = r.body.entries.find((e) => e.key === 'name');
    out.name = nameEntry ? this.value(uri, nameEntry.value) : '(absent)';
    out.head = this.range(uri, r.source.headRange);
    if (r.source.symbol !== undefined) out.symbol = r.source.symbol;
    if (r.source.nativeType !== undefined) out.nativeType = r.source.nativeType;
    if (flags.length) out.flags = flags;
    if (r.source.scopePath !== undefined) out.scopePath = rel(r.source.scopePath);
    if (r.source.deploymentScope !== undefined) out.deploymentScope = r.source.deploymentScope;
    if (r.source.resourceGroup) out.resourceGroup = this.value(uri, r.source.resourceGroup);
    const body: { [key: string]: Json } = {};
    for (const e of r.body.entries) if (e !== nameEntry) body[unique(body, e.key)] = this.value(uri, e.value, 1);
    if (r.body.open) body[unique(body, '$open')] = true;
    out.body = body;
    return out;
  }

  document(doc: Document): Json {
    const out: { [key: string]: Json } = { language: doc.language };
    out.syntaxErrors = doc.syntaxErrors.map(
      (e) => `${this.range(doc.uri, e.range)} ${e.message}${e.fatal ? ' (fatal: not read)' : ''}${e.retry ? ' (retry)' : ''}`,
    );
    out.suppressions = doc.suppressions.map((s) => {
      const where = s.scope === 'resource' && s.within ? `resource ${this.range(doc.uri, s.within)}` : s.scope === 'file' ? 'file' : `line ${s.line + 1}`;
      return `${where}: ${s.ruleIds.join(', ') || '(no rule id)'}${s.reason !== undefined ? ` -- ${s.reason}` : ''}`;
    });
    const f = doc.facts;
    if (f.providers?.length) out.providers = [...f.providers];
    if (f.inputs?.length)
      out.inputs = f.inputs.map((i) => {
        const values: { [key: string]: Json } = {};
        for (const [k, v] of i.values) values[unique(values, k)] = this.value(i.uri, v);
        const input: { [key: string]: Json } = { label: rel(i.label), targets: i.targets.map(rel) };
        if (i.resourceGroup) input.resourceGroup = this.value(i.uri, i.resourceGroup);
        input.values = values;
        return input;
      });
    if (f.unresolvedModules?.length) out.unresolvedModules = f.unresolvedModules.map((m) => `${m.reference} @${this.pos(doc.uri, m.range.start)}`);
    out.resources = doc.resources.map((r) => this.resource(r));
    return out;
  }
}

function unique(o: object, key: string): string {
  if (!(key in o)) return key;
  for (let i = 2; ; i++) if (!(`${key} #${i}` in o)) return `${key} #${i}`;
}

function rel(s: string): string {
  return s.split(`${BASE}#`).join('./#').split(BASE).join('').split(BASE_DIR).join('.');
}

/**
 * The model of a set of files (paths relative to the set, forward slashes, and their texts), as the workspace reads
 * them together: a module and its caller, a template and its parameter files, a Terraform module directory.
 */
export async function modelSnapshot(files: ReadonlyMap<string, string>): Promise<Json> {
  const ws = new Workspace(await grammars());
  try {
    const out: { [key: string]: Json } = {};
    const read: string[] = [];
    for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
      if (ws.set(BASE + name, text)) read.push(name);
      else out[name] = 'not read';
    }
    const printer = new Printer(ws);
    for (const name of read) out[name] = printer.document(ws.document(BASE + name)!);
    // Keys in path order, whether read or not.
    return Object.fromEntries(
      Object.keys(out)
        .sort()
        .map((k) => [k, out[k]]),
    );
  } finally {
    ws.dispose();
  }
}

export const SNAPSHOTS = path.join(ROOT, 'test', 'snapshots');
export const updating = () => process.env.UPDATE_SNAPSHOTS === '1';

/**
 * Compares a snapshot with its committed file (relative to test/snapshots), or writes it with UPDATE_SNAPSHOTS=1.
 * Throws with a unified diff (committed -> now) when they differ.
 */
export function matchSnapshot(name: string, actual: Json): void {
  const file = path.join(SNAPSHOTS, name);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (committed === text) return;
  if (updating()) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  if (committed === undefined) throw new Error(`no snapshot test/snapshots/${name}: write it with npm run snapshots, then review it`);
  const patch = createTwoFilesPatch(`test/snapshots/${name} (committed)`, `test/snapshots/${name} (now)`, committed, text, undefined, undefined, {
    context: 3,
  });
  const error = new Error(`the model differs from test/snapshots/${name} (npm run snapshots rewrites it; review the diff):\n${patch}`);
  // Mocha would print its own diff of the values too: the patch says it all.
  error.stack = error.message;
  throw error;
}
