import type { Document, ObjectEntry, ObjectValue, Value } from '../model';
import { accessMember } from '../resolve/functions';
import { dirOf } from '../resolve/paths';
import { parseResourceId } from '../resource-id';
import { identityKey, unwrap } from './identity';

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
  private readonly calls = new Map<string, Map<string, ObjectEntry>>();

  /** Outputs of ARM nested deployments, by the key of the deployment resource. */
  private readonly deployments = new Map<string, ObjectValue>();

  /** `deploymentOf` finds the nested deployment resource a `reference(id)` names (Targets does, by id or name). */
  constructor(
    documents: readonly Document[],
    private readonly deploymentOf: (id: Value) => string | undefined = () => undefined,
  ) {
    for (const d of documents) for (const [key, outputs] of d.facts.deploymentOutputs ?? []) this.deployments.set(key, outputs);
    const byUri = new Map(documents.map((d) => [d.uri, d]));
    // A Terraform module directory's outputs are declared across its files.
    const byDir = new Map<string, Map<string, ObjectEntry>>();
    for (const d of documents) {
      if (!d.facts.outputs || (d.language !== 'terraform' && d.language !== 'tfvars')) continue;
      const dir = `${dirOf(d.uri)}/`;
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
          if (outputs) this.calls.set(`${dirOf(input.uri)}/#${input.module}`, outputs);
          continue;
        }
        const callee = input.targets.map((t) => byUri.get(t)).find((x) => x);
        if (callee?.facts.outputs) this.calls.set(`${input.uri}#${input.module}`, callee.facts.outputs);
      }
    }
  }

  private readonly memo = new WeakMap<Value, Value>();

  /**
   * The identity keys of a value and of each value it leads to, one hop at a time (a module output, a nested
   * deployment's output, a name taken from an id): two names that lead to the same place at any hop are the same name,
   * even when where they lead is not known (a Bicep function compiled into the template).
   */
  chainKeys(v: Value | undefined): string[] {
    const keys: string[] = [];
    let cur = unwrap(v);
    for (let i = 0; cur && i < 8; i++) {
      const k = identityKey(cur);
      if (k !== undefined && !keys.includes(k)) keys.push(k);
      const next = this.resolve(cur, 8);
      if (!next || next === cur) break;
      cur = unwrap(next);
    }
    const end = this.resolve(v);
    const k = identityKey(end);
    if (k !== undefined && !keys.includes(k)) keys.push(k);
    return keys;
  }

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
    if (v.kind === 'ref' && this.deployments.size) {
      const out = this.deploymentOutput(v);
      if (out) return this.resolve(out, depth + 1);
    }
    if (v.kind !== 'unknown' || !v.key?.startsWith('module:')) return v;
    const m = OUTPUT_KEY.exec(v.key);
    if (!m) return v;
    const [, caller, symbol, output, rest, instance] = m;
    const value = this.calls.get(`${caller}#${symbol}`)?.get(output.toLowerCase())?.value;
    if (!value) return v;
    // One instance of an output that lists a looped resource's instances (`vm[*].id`) is that resource.
    if (instance && !(value.kind === 'ref' && value.target)) return v;
    let out: Value = value;
    for (const member of rest ? rest.slice(1).split('.') : []) out = accessMember(out, member, v.range);
    return this.resolve(out, depth + 1);
  }

  /**
   * `reference(<nested deployment>).outputs.x.value` (ARM, compiled Bicep): the value the nested template gives its
   * output `x`, with any further members read from it.
   */
  private deploymentOutput(v: Extract<Value, { kind: 'ref' }>): Value | undefined {
    const path = v.path[0]?.toLowerCase() === 'properties' ? v.path.slice(1) : v.path;
    if (path.length < 3 || path[0].toLowerCase() !== 'outputs' || path[2].toLowerCase() !== 'value') return undefined;
    const key = v.target ?? (v.targetId ? this.deploymentOf(v.targetId) : undefined);
    const outputs = key ? this.deployments.get(key) : undefined;
    let out = outputs?.entries.find((e) => e.key.toLowerCase() === path[1].toLowerCase())?.value;
    for (const member of path.slice(3)) if (out) out = accessMember(out, member, v.range);
    return out;
  }
}

/** The name a resource id gives (its last segment): `x.id` is a reference whose name is `x.name`. */
function nameFromId(id: Value | undefined, fallback: Value): Value {
  if (id?.kind === 'ref' && id.target && id.path.length === 1 && id.path[0].toLowerCase() === 'id') return { ...id, path: ['name'], range: fallback.range };
  if (id?.kind === 'choice') return { ...id, options: id.options.map((o) => ({ ...o, value: nameFromId(o.value, fallback) })), range: fallback.range };
  // An id built from known pieces and the names in it (`resourceId(...)` passed up as an output): its last name.
  const parsed = id && parseResourceId(id);
  const name = parsed?.kind === 'resource' ? parsed.names[parsed.names.length - 1] : undefined;
  return name ? { ...name, range: fallback.range } : fallback;
}

/**
 * `module:<caller>#<symbol>[<index>].outputs.<name>.<member>...[*]` (an index picks one instance of a looped module; a
 * trailing `[*]`, the current instance of the caller's loop, one instance of what the output lists).
 */
const OUTPUT_KEY = /^module:(.+)#([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.outputs\.([A-Za-z_$][\w$-]*)((?:\.[A-Za-z_$][\w$-]*)*)(\[\*\])?$/;
