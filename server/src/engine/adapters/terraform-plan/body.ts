import type { ObjectEntry, ObjectValue, Range, Value } from '../../model';
import { unknown } from '../../values';
import { decodeJsonString, type JsonNode, nodeRange, prop, props } from '../arm/json';
import { jsonStringToValue } from '../terraform/json-string';
import { GRAPH_PATH_OVERRIDES, type TfMapping } from '../terraform/mapping';
import { place } from '../terraform/resources';

export const AFTER_APPLY = 'a value known only after apply';

/**
 * What the plan keeps beside a value, each a mirror of its shape: `after_unknown` (true where the value is known only
 * after apply), `sensitive_values` (true where it is sensitive) and the configuration's `expressions`.
 */
export interface Marks {
  unknown?: JsonNode;
  sensitive?: JsonNode;
  expression?: JsonNode;
}

export interface BodyContext {
  uri: string;
  text: string;
  mapping: TfMapping | undefined;
  /** A value known only after apply, from the expression that writes it: a reference to what it reads, or unknown. */
  later(expression: JsonNode | undefined, range: Range): Value;
}

interface Attribute {
  name: string;
  keyRange: Range;
  /** Absent when the value is known only after apply. */
  node?: JsonNode;
  marks: Marks;
}

/** A planned resource's `values` as an ARM-shaped body: attributes placed at the paths of the Terraform mapping table. */
export function planBody(values: JsonNode | undefined, marks: Marks, range: Range, open: boolean, ctx: BodyContext): ObjectValue {
  const body: ObjectValue = { kind: 'object', entries: [], range, ...(open ? { open } : {}) };
  for (const a of attributes(values, marks)) {
    // A scalar the configuration does not write is the provider's default (azurerm writes public_network_access
    // "Enabled" on every host pool): absent, as the .tf block has it, so plan and configuration agree.
    if (marks.expression && !a.marks.expression && isScalar(a.node)) continue;
    const path = ctx.mapping?.attrs[a.name] ?? [a.name];
    const key = path[path.length - 1];
    if (isBlockList(a.node)) {
      a.node.children!.forEach((item, i) => place(body, path, { key, keyRange: a.keyRange, value: block(item, childMarks(a.marks, i), ctx) }));
      continue;
    }
    let value = attributeValue(a, ctx);
    if (value && ctx.mapping?.json?.includes(a.name) && value.kind === 'string') value = jsonStringToValue(value) ?? value;
    if (value) place(body, path, { key, keyRange: a.keyRange, value });
  }
  return body;
}

/** One top-level attribute of a planned resource, as its body holds it before the mapping places it. */
export function plannedAttribute(values: JsonNode | undefined, marks: Marks, name: string, ctx: BodyContext): Value | undefined {
  const a = attributes(values, marks).find((x) => x.name === name);
  return a && attributeValue(a, ctx);
}

/**
 * The attributes of a resource or nested block: those with a value, and those known only after apply. Terraform writes
 * every attribute of the schema, unset ones as null; those are left out, as the .tf block leaves them out.
 */
function attributes(values: JsonNode | undefined, marks: Marks): Attribute[] {
  const out: Attribute[] = props(values).map((p) => ({ name: p.key, keyRange: nodeRange(p.keyNode), node: p.value, marks: childMarks(marks, p.key) }));
  const seen = new Set(out.map((a) => a.name));
  for (const p of props(marks.unknown)) {
    if (isTrue(p.value) && !seen.has(p.key)) out.push({ name: p.key, keyRange: nodeRange(p.keyNode), marks: childMarks(marks, p.key) });
  }
  return out;
}

/**
 * An attribute's value; undefined when the configuration does not set it: null, an empty list (Terraform's unset
 * block), or computed by the provider (known after apply with no expression written for it).
 */
function attributeValue(a: Attribute, ctx: BodyContext): Value | undefined {
  if (isTrue(a.marks.unknown) && !a.marks.expression) return undefined;
  const v = read(a.node, a.marks, a.keyRange, ctx);
  return v && !(v.kind === 'array' && !v.items.length && !v.open) ? v : undefined;
}

/** A nested block as an object; azuread's snake-case names become Microsoft Graph's, as the .tf adapter reads them. */
function block(node: JsonNode, marks: Marks, ctx: BodyContext): ObjectValue {
  const o: ObjectValue = { kind: 'object', entries: [], range: nodeRange(node), ...(closed(node, ctx.text) ? {} : { open: true }) };
  const rename = ctx.mapping?.nested ?? ((n: string) => n);
  for (const a of attributes(node, marks)) {
    if (isBlockList(a.node)) {
      a.node.children!.forEach((item, i) =>
        place(o, [rename(a.name)], { key: rename(a.name), keyRange: a.keyRange, value: block(item, childMarks(a.marks, i), ctx) }),
      );
      continue;
    }
    const value = attributeValue(a, ctx);
    const path = (ctx.mapping?.nested ? GRAPH_PATH_OVERRIDES[a.name] : undefined) ?? [rename(a.name)];
    if (value) place(o, path, { key: path[path.length - 1], keyRange: a.keyRange, value });
  }
  return o;
}

/** A planned value: plain JSON, except what is known only after apply and what is sensitive (never read, so never quoted). */
function read(node: JsonNode | undefined, marks: Marks, at: Range, ctx: BodyContext): Value | undefined {
  if (isTrue(marks.unknown) || !node) return ctx.later(marks.expression, at);
  const range = nodeRange(node);
  if (isTrue(marks.sensitive)) return unknown(range, 'a sensitive value');
  switch (node.type) {
    case 'string':
      return text(node, ctx);
    case 'number':
      return { kind: 'number', value: Number(node.value), range };
    case 'boolean':
      return { kind: 'boolean', value: !!node.value, range };
    case 'array': {
      const items = (node.children ?? []).map((c, i) => read(c, childMarks(marks, i), nodeRange(c), ctx) ?? { kind: 'null' as const, range: nodeRange(c) });
      return { kind: 'array', items, range, ...(closed(node, ctx.text) ? {} : { open: true }) };
    }
    case 'object': {
      const entries: ObjectEntry[] = [];
      for (const a of attributes(node, marks)) {
        const value = read(a.node, a.marks, a.keyRange, ctx);
        if (value) entries.push({ key: a.name, keyRange: a.keyRange, value });
      }
      return { kind: 'object', entries, range, ...(closed(node, ctx.text) ? {} : { open: true }) };
    }
    default:
      return undefined;
  }
}

/** A JSON string with the source offset of each character, so that findings and hovers point into the plan. */
function text(node: JsonNode, ctx: BodyContext): Value {
  const range = nodeRange(node);
  const s = typeof node.value === 'string' ? node.value : '';
  // A string cut off by the end of a truncated plan is not its value.
  if (node.length < 2 || ctx.text.charCodeAt(node.offset + node.length - 1) !== 0x22) return unknown(range);
  if (s.length === node.length - 2)
    return { kind: 'string', parts: [{ kind: 'text', text: s, source: { uri: ctx.uri, start: range.start + 1, end: range.end - 1 } }], range };
  const { value, offsets } = decodeJsonString(ctx.text, range.start, range.end);
  return {
    kind: 'string',
    parts: [{ kind: 'text', text: value, source: { uri: ctx.uri, start: offsets[0], end: offsets[offsets.length - 1], offsets } }],
    range,
  };
}

/** Nested blocks as a plan writes them: a list of objects. */
function isBlockList(node: JsonNode | undefined): node is JsonNode {
  return node?.type === 'array' && !!node.children?.length && node.children.every((c) => c.type === 'object');
}

/** Whether an object or array ends with its own bracket, not cut off by the end of a truncated plan. */
export function closed(node: JsonNode, text: string): boolean {
  const end = node.offset + node.length;
  const last = node.children?.[node.children.length - 1];
  const bracket = node.type === 'object' ? 0x7d : 0x5d;
  return text.charCodeAt(end - 1) === bracket && (!last || last.offset + last.length < end);
}

function childMarks(m: Marks, key: string | number): Marks {
  return { unknown: child(m.unknown, key), sensitive: child(m.sensitive, key), expression: child(m.expression, key) };
}

function child(n: JsonNode | undefined, key: string | number): JsonNode | undefined {
  if (typeof key === 'number') return n?.type === 'array' ? n.children?.[key] : undefined;
  return prop(n, key);
}

function isTrue(n: JsonNode | undefined): boolean {
  return n?.type === 'boolean' && n.value === true;
}

function isScalar(node: JsonNode | undefined): boolean {
  return node?.type === 'string' || node?.type === 'number' || node?.type === 'boolean';
}
