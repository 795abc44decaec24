import type { Document, ObjectEntry, Range, Resource, StringPart, Value } from '../model';
import { entry, isKnown } from '../values';

/**
 * A Terraform plan scanned with the configuration it was made from: each .tf resource takes the values the plan
 * resolved where its own are not known (a variable, a module input, a for_each value), placed at the .tf expression they
 * come from, so that its findings point at the code and quote what the plan resolved. The plan's own copy of the
 * resource stays out of the graph (Targets), so each resource is judged once.
 */
export function planOverlays(documents: readonly Document[]): Map<string, Resource> {
  const planned = new Map<string, Resource>();
  for (const d of documents)
    if (d.language === 'tfplan') for (const r of d.resources) if (r.source.declaredAt && !r.source.existing) planned.set(r.source.declaredAt, r);
  return planned;
}

/** The .tf resource with the plan's values where its own are not known; the resource itself when the plan adds none. */
export function overlay(declared: Resource, planned: Resource): Resource {
  const body = merge(declared.body, planned.body, declared.body.range);
  return body === declared.body ? declared : { ...declared, body: body as Resource['body'] };
}

function merge(own: Value, plan: Value, at: Range): Value {
  if (own.kind === 'object' && plan.kind === 'object') {
    let changed = false;
    const entries: ObjectEntry[] = own.entries.map((e) => {
      const p = entry(plan, e.key);
      if (!p) return e;
      const v = merge(e.value, p.value, e.value.range);
      if (v === e.value) return e;
      changed = true;
      return { key: e.key, keyRange: e.keyRange, value: v };
    });
    // What the configuration leaves to something it does not show (a spread, a dynamic block) the plan says.
    if (own.open)
      for (const p of plan.entries)
        if (!entry(own, p.key)) {
          entries.push({ key: p.key, keyRange: { start: own.range.start, end: own.range.start }, value: placed(p.value, own.range) });
          changed = true;
        }
    if (!changed) return own;
    return own.open ? { ...own, entries, open: plan.open } : { ...own, entries };
  }
  if (isKnown(own) || !isKnown(plan)) return own;
  return placed(plan, at);
}

/** A value the plan resolved, placed at the .tf expression it comes from (its text has no place of its own there). */
function placed(v: Value, at: Range): Value {
  switch (v.kind) {
    case 'string':
      return { kind: 'string', parts: v.parts.map((p): StringPart => (p.kind === 'text' ? { kind: 'text', text: p.text } : { ...p, range: at })), range: at };
    case 'object':
      return {
        kind: 'object',
        entries: v.entries.map((e) => ({ key: e.key, keyRange: at, value: placed(e.value, at) })),
        range: at,
        ...(v.open ? { open: true } : {}),
      };
    case 'array':
      return { kind: 'array', items: v.items.map((i) => placed(i, at)), range: at, ...(v.open ? { open: true } : {}) };
    default:
      return { ...v, range: at, origin: undefined } as Value;
  }
}
