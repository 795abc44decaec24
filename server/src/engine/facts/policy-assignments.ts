import { typeOf } from '../graph/resources';
import type { AvdGraph } from '../graph';
import { carryOver } from '../graph/carried';
import { identityKey, unwrap } from '../graph/identity';
import {
  type InitiativeInfo,
  initiativeByGuid,
  initiativeByName,
  policiesOf,
  policyByGuid,
  policyByName,
  policyDefinitionId,
  type PolicyInfo,
} from '../knowledge/policies';
import type { Document, RelatedInfo, Resource, Value } from '../model';
import { arrayItems, entry, get, knownBoolean, knownString } from '../values';
import { displayName, relatedResource } from './host-pools';

export { policiesOf } from '../knowledge/policies';

/**
 * Whether the workspace assigns an Azure Policy built-in that audits or enforces what a rule checks: directly, or
 * through a built-in initiative or one the workspace declares. Assignments are read as ARM
 * `Microsoft.Authorization/policyAssignments` (Bicep, ARM JSON, azapi) and Terraform `azurerm_*_policy_assignment`
 * (kept unmapped: their attributes under their HCL names). An assignment counts only when everything that decides it is
 * known: deployed unconditionally, enforced (not `DoNotEnforce`, not `enforce = false`), and an effect other than
 * `Disabled`. Where it is assigned (which scope, which exclusions) is not judged: any assignment in the workspace counts.
 */
export interface EnforcingAssignment {
  assignment: Resource;
  policy: { id: string; name: string };
  /** The effect the assignment gives the policy: Deny, Modify, DeployIfNotExists, Audit, AuditIfNotExists. */
  effect: string;
  /** The initiative the policy is assigned through, when it is (`resource` when the workspace declares it). */
  initiative?: { name: string; resource?: Resource };
}

const ASSIGNMENT_TYPES: ReadonlySet<string> = new Set([
  'microsoft.authorization/policyassignments',
  'terraform:azurerm_resource_group_policy_assignment',
  'terraform:azurerm_subscription_policy_assignment',
  'terraform:azurerm_management_group_policy_assignment',
  'terraform:azurerm_resource_policy_assignment',
  // azurerm 2.x
  'terraform:azurerm_policy_assignment',
]);
const DEFINITION_TYPES: ReadonlySet<string> = new Set([
  'microsoft.authorization/policydefinitions',
  'terraform:azurerm_policy_definition',
  'terraform:azurerm_policy_definition_built_in',
]);
const SET_TYPES: ReadonlySet<string> = new Set([
  'microsoft.authorization/policysetdefinitions',
  'terraform:azurerm_policy_set_definition',
  'terraform:azurerm_management_group_policy_set_definition',
]);

/** A property under its ARM path (`properties.x`) or its HCL name at the top of an unmapped Terraform body. */
function prop(r: Resource, arm: string, hcl: string): Value | undefined {
  return get(r.body, 'properties', arm) ?? get(r.body, hcl);
}

/**
 * A parameter object (`{ name: { value } }` of an assignment, `{ name: { defaultValue } }` of a definition), written as
 * an object or as JSON text (Terraform `parameters = <<JSON`). The lookup answers a known string, `null` when the
 * parameter is not given, `undefined` when it cannot be told; the whole is undefined when the object cannot be read.
 */
type Lookup = (name: string) => string | null | undefined;

function parameters(v: Value | undefined, field: 'value' | 'defaultValue'): Lookup | undefined {
  v = unwrap(v);
  if (!v || v.kind === 'null') return () => null;
  if (v.kind === 'object') {
    return (name) => {
      const e = entry(v, name);
      if (!e) return v.open ? undefined : null;
      return knownString(get(e.value, field));
    };
  }
  const text = knownString(v);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  return (name) => {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) return null;
    const p = record[key];
    const value = p && typeof p === 'object' ? (p as Record<string, unknown>)[field] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
}

/** What a policy definition id names. */
type Definition = { kind: 'policy'; policy: PolicyInfo } | { kind: 'initiative'; info: InitiativeInfo } | { kind: 'set'; resource: Resource };

interface Context {
  graph: AvdGraph;
  /** Policy set definitions the workspace deploys, by the identity key of their name. */
  sets: Map<string, Resource>;
}

/** The known text of a string with each interpolation as NUL, so that a known tail can be read after an unknown head. */
function textOf(v: Value): string | undefined {
  if (v.kind !== 'string') return undefined;
  return v.parts.map((p) => (p.kind === 'text' ? p.text : '\u0000')).join('');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_TAIL = /(policySetDefinitions|policyDefinitions)\/([^/]*)$/i;

/** The definition a policyDefinitionId names: a resourceId()/tenantResourceId() or literal id, a symbol's `.id`, a data source. */
function definitionOf(ctx: Context, v: Value | undefined): Definition | undefined {
  v = unwrap(v);
  if (!v) return undefined;
  if (v.kind === 'ref') {
    const r = v.target ? ctx.graph.byKey.get(v.target) : undefined;
    return r ? definitionResource(r) : undefined;
  }
  const text = textOf(v);
  if (text === undefined) return undefined;
  const m = ID_TAIL.exec(text.trim());
  if (!m) {
    const policy = GUID.test(text.trim()) ? policyByGuid(text.trim()) : undefined;
    return policy && { kind: 'policy', policy };
  }
  const [, kind, name] = m;
  const isSet = kind.toLowerCase() === 'policysetdefinitions';
  if (!name.includes('\u0000')) {
    if (!isSet) {
      const policy = policyByGuid(name);
      return policy && { kind: 'policy', policy };
    }
    const info = initiativeByGuid(name);
    if (info) return { kind: 'initiative', info };
    const set = ctx.sets.get(`s:${name.toLowerCase()}`);
    return set && { kind: 'set', resource: set };
  }
  // `.../policySetDefinitions/${set.name}`: the name is one interpolation, compared with the declared sets' names.
  const last = v.kind === 'string' ? v.parts[v.parts.length - 1] : undefined;
  if (!isSet || name !== '\u0000' || last?.kind !== 'hole') return undefined;
  const hole = unwrap(last.value);
  if (hole?.kind === 'ref' && hole.target) {
    const r = ctx.graph.byKey.get(hole.target);
    return r ? definitionResource(r) : undefined;
  }
  const key = identityKey(hole);
  const set = key !== undefined ? ctx.sets.get(key) : undefined;
  return set && { kind: 'set', resource: set };
}

/** A definition resource: an `existing` / data source reading a built-in, or an initiative the workspace deploys. */
function definitionResource(r: Resource): Definition | undefined {
  const t = typeOf(r);
  const name = knownString(get(r.body, 'name'));
  const display = knownString(get(r.body, 'display_name') ?? get(r.body, 'properties', 'displayName'));
  if (DEFINITION_TYPES.has(t)) {
    // A definition the workspace deploys is a custom one, whatever it is named.
    if (!r.source.existing) return undefined;
    const policy = (name !== undefined ? policyByGuid(name) : undefined) ?? (display !== undefined ? policyByName(display) : undefined);
    return policy && { kind: 'policy', policy };
  }
  if (!SET_TYPES.has(t)) return undefined;
  if (!r.source.existing) return { kind: 'set', resource: r };
  const info = (name !== undefined ? initiativeByGuid(name) : undefined) ?? (display !== undefined ? initiativeByName(display) : undefined);
  return info && { kind: 'initiative', info };
}

/** `[parameters('x')]` (ARM writes `[[` in a template to keep it from the template's own functions). */
const PARAMETER_REF = /^\[\[?parameters\(\s*'([^']+)'\s*\)\]$/i;

interface Counted {
  assignment: Resource;
  policy: PolicyInfo;
  effect: string;
  initiative?: { name: string; resource?: Resource };
}

/** The policies an assignment puts in force, each with its effect; empty when any deciding value is unknown. */
function assigned(ctx: Context, r: Resource): Counted[] {
  if (r.source.existing || r.source.conditional) return [];
  if (!enforced(r)) return [];
  const params = parameters(prop(r, 'parameters', 'parameters'), 'value');
  if (!params) return [];
  const def = definitionOf(ctx, prop(r, 'policyDefinitionId', 'policy_definition_id'));
  if (!def) return [];
  const out: Counted[] = [];
  const add = (policy: PolicyInfo, effect: string | null | undefined, initiative?: Counted['initiative']) => {
    if (typeof effect === 'string' && effect.toLowerCase() !== 'disabled') out.push({ assignment: r, policy, effect, initiative });
  };
  if (def.kind === 'policy') {
    const given = params('effect');
    add(def.policy, given === null ? def.policy.defaultEffect : given);
  } else if (def.kind === 'initiative') {
    for (const m of def.info.members) {
      const policy = policyByGuid(m.guid);
      const given = m.effectParameter ? params(m.effectParameter) : null;
      if (policy) add(policy, given === null ? m.defaultEffect : given, { name: def.info.name });
    }
  } else {
    const set = def.resource;
    const defaults = parameters(prop(set, 'parameters', 'parameters'), 'defaultValue');
    const name = knownString(get(set.body, 'properties', 'displayName') ?? get(set.body, 'display_name'));
    for (const member of setMembers(set)) {
      const inner = definitionOf(ctx, member.id);
      if (inner?.kind !== 'policy') continue;
      const memberParams = parameters(member.parameters, 'value');
      let effect = memberParams ? memberParams('effect') : undefined;
      if (effect === null) effect = inner.policy.defaultEffect;
      const ref = typeof effect === 'string' ? PARAMETER_REF.exec(effect.trim()) : null;
      if (ref) {
        const fromAssignment = params(ref[1]);
        effect = fromAssignment === null ? (defaults ? defaults(ref[1]) : undefined) : fromAssignment;
      }
      add(inner.policy, effect, { name: name ?? displayName(set).replace(/^'|'$/g, ''), resource: set });
    }
  }
  return out;
}

/** Enforced: ARM `enforcementMode` absent or `Default`; Terraform `enforce` absent or true (`enforcement_mode` in 2.x). */
function enforced(r: Resource): boolean {
  const mode = get(r.body, 'properties', 'enforcementMode');
  if (mode) return knownString(mode)?.toLowerCase() === 'default';
  const enforce = get(r.body, 'enforce') ?? get(r.body, 'enforcement_mode');
  return enforce === undefined || knownBoolean(enforce) === true;
}

/** The members of a policy set definition: ARM `policyDefinitions[]`, Terraform `policy_definition_reference` blocks. */
function setMembers(set: Resource): { id: Value | undefined; parameters: Value | undefined }[] {
  const arm = arrayItems(get(set.body, 'properties', 'policyDefinitions'));
  if (arm) return arm.map((m) => ({ id: get(m, 'policyDefinitionId'), parameters: get(m, 'parameters') }));
  // A repeated block keeps one entry per block.
  return set.body.entries
    .filter((e) => e.key === 'policy_definition_reference')
    .map((e) => ({ id: get(e.value, 'policy_definition_id'), parameters: get(e.value, 'parameter_values') }));
}

/** Once per version of the workspace's documents: an edit that keeps the graph's links still gives new documents. */
const countedCache = new WeakMap<readonly Document[], Counted[]>();

function countedOf(graph: AvdGraph): Counted[] {
  let counted =
    countedCache.get(graph.documents) ??
    carryOver(
      graph,
      countedCache,
      (r) => ASSIGNMENT_TYPES.has(typeOf(r)) || DEFINITION_TYPES.has(typeOf(r)) || SET_TYPES.has(typeOf(r)),
      (before, now) =>
        before.map((c) => ({
          ...c,
          assignment: now(c.assignment),
          ...(c.initiative?.resource ? { initiative: { ...c.initiative, resource: now(c.initiative.resource) } } : {}),
        })),
    );
  if (counted) return counted;
  const resources = [...graph.byKey.values()];
  const sets = new Map<string, Resource>();
  for (const r of resources) {
    if (!SET_TYPES.has(typeOf(r)) || r.source.existing) continue;
    const key = identityKey(get(r.body, 'name'));
    if (key !== undefined) sets.set(key, r);
  }
  const ctx: Context = { graph, sets };
  counted = resources.filter((r) => ASSIGNMENT_TYPES.has(typeOf(r))).flatMap((r) => assigned(ctx, r));
  countedCache.set(graph.documents, counted);
  return counted;
}

const STRENGTH: Record<string, number> = { deny: 3, modify: 2, deployifnotexists: 2, audit: 1, auditifnotexists: 1 };

/**
 * The assignment that puts one of the rule's built-in policies in force, when the workspace has one: the strongest
 * effect first (Deny, then Modify or DeployIfNotExists, then the audits), a source before a compiled copy.
 */
export function enforcingAssignment(graph: AvdGraph, ruleId: string): EnforcingAssignment | undefined {
  const wanted = policiesOf(ruleId).map((p) => p.guid);
  if (!wanted.length) return undefined;
  let best: Counted | undefined;
  let bestScore = -Infinity;
  for (const c of countedOf(graph)) {
    const i = wanted.indexOf(c.policy.guid);
    if (i < 0) continue;
    const score = (STRENGTH[c.effect.toLowerCase()] ?? 0) * 1000 - (c.assignment.source.compiled ? 100 : 0) - i;
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  if (!best) return undefined;
  const out: EnforcingAssignment = {
    assignment: best.assignment,
    policy: { id: policyDefinitionId(best.policy.guid), name: best.policy.name },
    effect: best.effect,
  };
  if (best.initiative) out.initiative = best.initiative;
  return out;
}

/** The related line a finding gives the assignment: which policy it assigns, with which effect, through what. */
export function assignmentNote(a: EnforcingAssignment): RelatedInfo {
  const through = a.initiative ? ` through initiative '${a.initiative.name}'` : '';
  return relatedResource(a.assignment, `Policy assignment ${displayName(a.assignment)} assigns '${a.policy.name}' (${a.effect})${through}`);
}
