import { pushAll } from '../../arrays';
import type { Language, ObjectEntry, ObjectValue, Range, Resource, Value } from '../../model';
import { knownBoolean, knownString } from '../../values';
import { valueKey } from '../../resolve/functions';
import type { TfEvaluator } from './evaluate';
import { type HclBlock, items, nodeRange } from './hcl';
import { jsonStringToValue } from './json-string';
import { GRAPH_PATH_OVERRIDES, type TfMapping, tfMapping } from './mapping';

export interface BlockContext {
  key: string;
  address: string;
  nativeType: string;
  existing: boolean;
  uri: string;
  language: Language;
  scopePath: string;
  evaluator: TfEvaluator;
  text: string;
  /** Values other blocks add to this resource's lists (the mapping's `joins`). */
  joined?: readonly { path: string[]; value: Value }[];
  /** Every module call of its directory deploys it under a condition (`count`, `for_each`). */
  conditional?: boolean;
}

/** Terraform's meta-arguments: they shape the declaration, not the deployed resource. */
const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection', 'timeouts']);

/** A `resource` or `data` block as a model resource, its attributes placed at ARM paths by the mapping table. */
export function readBlock(b: HclBlock, ctx: BlockContext): Resource | undefined {
  const typeLabel = b.labels[0];
  if (!typeLabel) return undefined;
  const mapping = tfMapping(ctx.nativeType);
  const headRange = nodeRange(typeLabel);
  const { attributes } = items(b.body);
  const count = attributes.find((a) => a.name === 'count');
  const forEach = attributes.find((a) => a.name === 'for_each');
  const countValue = count ? ctx.evaluator.evaluate(count.value) : undefined;
  const countN = countValue?.kind === 'number' ? countValue.value : undefined;
  const iterated = countValue ?? (forEach ? ctx.evaluator.evaluate(forEach.value) : undefined);
  if (iterated) ctx = { ...ctx, evaluator: ctx.evaluator.iterating({ key: instancesKey(iterated, ctx.key), value: iterated, forEach: !count }) };

  let type = mapping?.armType ?? `terraform:${ctx.nativeType}`;
  let apiVersion: string | undefined;
  let body: ObjectValue;
  if (ctx.nativeType === 'azapi_resource' || ctx.nativeType === 'azapi_update_resource') {
    const read = azapi(b, ctx);
    type = read.type ?? type;
    apiVersion = read.apiVersion;
    body = read.body;
  } else if (ctx.nativeType === 'msgraph_resource') {
    const read = msgraph(b, ctx);
    type = read.type ?? type;
    body = read.body;
  } else {
    body = mapped(b, ctx, mapping);
  }
  for (const j of ctx.joined ?? []) join(body, j.path, j.value);
  const rg = body.entries.find((e) => e.key === 'resourceGroupName')?.value;
  return {
    key: ctx.key,
    type,
    apiVersion,
    body,
    source: {
      uri: ctx.uri,
      language: ctx.language,
      range: nodeRange(b.node),
      headRange,
      symbol: ctx.address,
      nativeType: ctx.nativeType,
      conditional: (!!count && countN === undefined) || countN === 0 || !!forEach || ctx.conditional || undefined,
      loop: !!forEach || (countN !== undefined && countN > 1) || (!!count && countN === undefined) || undefined,
      existing: ctx.existing || undefined,
      scopePath: ctx.scopePath,
      deploymentScope: 'resourceGroup',
      resourceGroup: rg,
    },
  };
}

function mapped(b: HclBlock, ctx: BlockContext, mapping: TfMapping | undefined): ObjectValue {
  const body: ObjectValue = { kind: 'object', entries: [], range: nodeRange(b.node) };
  const { attributes, blocks } = items(b.body);
  for (const a of attributes) {
    if (META.has(a.name)) continue;
    let value = ctx.evaluator.evaluate(a.value);
    if (mapping?.json?.includes(a.name) && value.kind === 'string') value = jsonStringToValue(value) ?? value;
    const path = mapping?.attrs[a.name] ?? [a.name];
    place(body, path, { key: path[path.length - 1], keyRange: nodeRange(a.nameNode), value });
  }
  for (const inner of blocks) {
    if (META.has(inner.type)) continue;
    if (inner.type === 'dynamic') {
      body.open = true;
      continue;
    }
    const path = mapping?.attrs[inner.type] ?? [inner.type];
    const value = nested(inner, ctx, mapping);
    place(body, path, { key: path[path.length - 1], keyRange: nodeRange(inner.node), value });
  }
  return body;
}

/** A nested block as an object; azuread's snake-case names become Microsoft Graph's. */
function nested(b: HclBlock, ctx: BlockContext, mapping: TfMapping | undefined): ObjectValue {
  const o: ObjectValue = { kind: 'object', entries: [], range: nodeRange(b.node) };
  const { attributes, blocks } = items(b.body);
  const rename = (n: string) => (mapping?.nested ? mapping.nested(n) : n);
  for (const a of attributes) {
    const value = ctx.evaluator.evaluate(a.value);
    const override = mapping?.nested ? GRAPH_PATH_OVERRIDES[a.name] : undefined;
    const path = override ?? [rename(a.name)];
    place(o, path, { key: path[path.length - 1], keyRange: nodeRange(a.nameNode), value });
  }
  for (const inner of blocks) {
    if (inner.type === 'dynamic') {
      o.open = true;
      continue;
    }
    place(o, [rename(inner.type)], { key: rename(inner.type), keyRange: nodeRange(inner.node), value: nested(inner, ctx, mapping) });
  }
  return o;
}

/**
 * Puts an entry at a path, creating the objects on the way. Those objects are not written in HCL: they span the
 * block and have an empty key range, so a hover on an attribute finds the attribute, not its synthetic parent.
 */
export function place(root: ObjectValue, path: readonly string[], e: ObjectEntry): void {
  let cur = root;
  for (const key of path.slice(0, -1)) {
    let next = cur.entries.find((x) => x.key === key);
    if (!next || next.value.kind !== 'object') {
      next = { key, keyRange: { start: root.range.start, end: root.range.start }, value: { kind: 'object', entries: [], range: root.range } };
      cur.entries.push(next);
    }
    cur = next.value as ObjectValue;
  }
  cur.entries.push(e);
}

/**
 * Adds an item to the array at a path. An array made here is open: another configuration may associate more (a
 * workspace's application groups).
 */
export function join(root: ObjectValue, path: readonly string[], value: Value): void {
  const leaf = path[path.length - 1];
  let holder: ObjectValue | undefined = root;
  for (const key of path.slice(0, -1)) {
    const next: Value | undefined = holder?.entries.find((e) => e.key === key)?.value;
    // A list inside a value that is not written as an object (an unknown `properties`) cannot be added to.
    if (next && next.kind !== 'object') return;
    holder = next;
  }
  const existing = holder?.entries.find((e) => e.key === leaf);
  if (existing?.value.kind === 'array') existing.value = { ...existing.value, items: [...existing.value.items, value] };
  else if (!existing)
    place(root, path, {
      key: leaf,
      keyRange: { start: root.range.start, end: root.range.start },
      value: { kind: 'array', items: [value], open: true, range: root.range },
    });
}

/** azapi: `type = "Microsoft.X/y@version"`, `body` in ARM shape, `parent_id` the scope or parent. */
function azapi(b: HclBlock, ctx: BlockContext): { type?: string; apiVersion?: string; body: ObjectValue } {
  const body: ObjectValue = { kind: 'object', entries: [], range: nodeRange(b.node) };
  let type: string | undefined;
  let apiVersion: string | undefined;
  let parent: { value: Value; keyRange: Range } | undefined;
  for (const a of items(b.body).attributes) {
    if (META.has(a.name)) continue;
    const value = ctx.evaluator.evaluate(a.value);
    const keyRange = nodeRange(a.nameNode);
    if (a.name === 'type') {
      const t = knownString(value);
      if (t) [type, apiVersion] = t.split('@');
    } else if (a.name === 'body') {
      const v = value.kind === 'string' ? (jsonStringToValue(value) ?? value) : value;
      if (v.kind === 'object') pushAll(body.entries, v.entries);
      else body.entries.push({ key: 'body', keyRange, value: v });
    } else if (a.name === 'name') body.entries.push({ key: 'name', keyRange, value });
    else if (a.name === 'parent_id') parent = { value, keyRange };
    else if (a.name === 'location') body.entries.push({ key: 'location', keyRange, value });
    else body.entries.push({ key: a.name, keyRange, value });
  }
  if (parent && type) {
    // An extension resource (role assignment) takes its scope from parent_id; a child resource its parent.
    const key = /roleassignments$/i.test(type) ? 'scope' : type.split('/').length > 2 ? 'parent' : 'parentId';
    body.entries.push({ key, keyRange: parent.keyRange, value: parent.value });
  }
  return { type, apiVersion, body };
}

/** msgraph: `url = "identity/conditionalAccess/policies"` and `body` in Microsoft Graph shape. */
function msgraph(b: HclBlock, ctx: BlockContext): { type?: string; body: ObjectValue } {
  const body: ObjectValue = { kind: 'object', entries: [], range: nodeRange(b.node) };
  let type: string | undefined;
  for (const a of items(b.body).attributes) {
    const value = ctx.evaluator.evaluate(a.value);
    if (a.name === 'url') {
      const url = knownString(value)?.toLowerCase() ?? '';
      if (url.includes('conditionalaccess/policies')) type = 'microsoft.graph/conditionalAccessPolicies';
    } else if (a.name === 'body') {
      const v = value.kind === 'string' ? (jsonStringToValue(value) ?? value) : value;
      if (v.kind === 'object') pushAll(body.entries, v.entries);
    }
  }
  return { type, body };
}

export { knownBoolean };

/** The key of what a block iterates: its collection's when that can be compared, else one of the block's own. */
export function instancesKey(iterated: Value, block: string): string {
  const k = valueKey(iterated);
  return k.includes('?') ? `block(${block})` : k;
}
