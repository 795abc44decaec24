import type { Document, Value } from '../model';
import { accessMember } from '../resolve/functions';
import { unwrap } from './identity';

/**
 * A caller's `mod.outputs.x` (an unknown keyed `module:<caller>#mod.outputs.x` when the caller is read) is the value the
 * module's document gives its output `x`. Modules are read after their callers, so the value is looked up here, when
 * the graph follows a link, and not while the caller is read. Outputs that read other modules' outputs are followed
 * in turn (a host pool's id passed up from a nested module, then down to the session hosts' module).
 */
export class ModuleOutputs {
  /**
   * `<caller uri>#<module symbol>` (Bicep) or `<caller directory>/#<module name>` (Terraform, whose module blocks any
   * file of the directory can read) -> the outputs of the module's document or directory.
   */
  private readonly calls = new Map<string, Map<string, Value>>();

  constructor(documents: readonly Document[]) {
    const byUri = new Map(documents.map((d) => [d.uri, d]));
    // A Terraform module directory's outputs are declared across its files.
    const byDir = new Map<string, Map<string, Value>>();
    for (const d of documents) {
      if (!d.facts.outputs || (d.language !== 'terraform' && d.language !== 'tfvars')) continue;
      const dir = d.uri.slice(0, d.uri.lastIndexOf('/') + 1);
      let outputs = byDir.get(dir);
      if (!outputs) byDir.set(dir, (outputs = new Map()));
      for (const [k, v] of d.facts.outputs) outputs.set(k, v);
    }
    for (const d of documents) {
      for (const input of d.facts.inputs ?? []) {
        if (!input.module) continue;
        const dirTarget = input.targets.find((t) => t.endsWith('/'));
        if (dirTarget) {
          const outputs = byDir.get(dirTarget);
          if (outputs) this.calls.set(`${input.uri.slice(0, input.uri.lastIndexOf('/') + 1)}#${input.module}`, outputs);
          continue;
        }
        const callee = input.targets.map((t) => byUri.get(t)).find((x) => x);
        if (callee?.facts.outputs) this.calls.set(`${input.uri}#${input.module}`, callee.facts.outputs);
      }
    }
  }

  private readonly memo = new WeakMap<Value, Value>();

  /** The value behind a module output, followed through at most a few modules; any other value as it is. */
  resolve(v: Value | undefined, depth = 0): Value | undefined {
    v = unwrap(v);
    if (!v || depth > 8) return v;
    if (depth === 0) {
      let r = this.memo.get(v);
      if (!r) this.memo.set(v, (r = this.resolve(v, 1) ?? v));
      return r;
    }
    // Many cases (a module called from many places, each passing a choice) are not followed: the link stays unknown.
    if (v.kind === 'choice' && v.options.length > 32) return v;
    if (v.kind === 'choice') return { ...v, options: v.options.map((o) => ({ ...o, value: this.resolve(o.value, depth + 1) ?? o.value })) };
    if (v.kind === 'unknown' && v.lastSegmentOf) return nameFromId(this.resolve(v.lastSegmentOf, depth + 1), v);
    if (v.kind !== 'unknown' || !v.key?.startsWith('module:')) return v;
    const m = OUTPUT_KEY.exec(v.key);
    if (!m) return v;
    const [, caller, symbol, output, rest] = m;
    const value = this.calls.get(`${caller}#${symbol}`)?.get(output.toLowerCase());
    if (!value) return v;
    let out: Value = value;
    for (const member of rest ? rest.slice(1).split('.') : []) out = accessMember(out, member, v.range);
    return this.resolve(out, depth + 1);
  }
}

/** The name a resource id gives (its last segment): `x.id` is a reference whose name is `x.name`. */
function nameFromId(id: Value | undefined, fallback: Value): Value {
  if (id?.kind === 'ref' && id.target && id.path.length === 1 && id.path[0].toLowerCase() === 'id') return { ...id, path: ['name'], range: fallback.range };
  if (id?.kind === 'choice') return { ...id, options: id.options.map((o) => ({ ...o, value: nameFromId(o.value, fallback) })), range: fallback.range };
  return fallback;
}

/** `module:<caller>#<symbol>[<index>].outputs.<name>.<member>...` (an index picks one instance of a looped module). */
const OUTPUT_KEY = /^module:(.+)#([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.outputs\.([A-Za-z_$][\w$-]*)((?:\.[A-Za-z_$][\w$-]*)*)$/;
