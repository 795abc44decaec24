import type { AvdGraph } from '../graph';
import { TYPES } from '../graph/links';
import { SCALE_SET_EXTENSION } from '../graph/session-hosts';
import { typeIs, typeOf } from '../graph/resources';
import { targetsOf } from '../graph/targets';
import type { Document, Location, Range, RefValue, Resource, Value } from '../model';
import { contentOf, entry, get } from '../values';
import { visit, visits, type Visits } from '../visits';

/**
 * Host pool registration tokens as the secrets rules follow them: where a value carries one (a reference to a pool's
 * token, through string interpolations, module outputs, nested deployments' outputs and Key Vault secrets), and where a
 * token is written out as text (a JWT-shaped literal).
 */

/** The shape of a JWT: a base64url header that starts `{"` (`eyJ`), a payload, then the signature. */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Whether a text, as a whole (spaces aside), is JWT-shaped. */
export function isJwt(text: string): boolean {
  const t = text.trim();
  JWT.lastIndex = 0;
  const m = JWT.exec(t);
  return !!m && m.index === 0 && m[0].length === t.length;
}

/** Where JWT-shaped tokens sit in a text: start and end offsets (a command line may embed one). */
export function jwtsIn(text: string): { start: number; end: number }[] {
  if (!text.includes('eyJ')) return [];
  const out: { start: number; end: number }[] = [];
  JWT.lastIndex = 0;
  for (let m = JWT.exec(text); m; m = JWT.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/**
 * Whether a JWT's payload says it is an Azure Virtual Desktop registration token: issued by `RDInfraTokenManager`, or
 * carrying a `RegistrationId` claim. Such a token is one wherever it is written; other JWTs count only where a token goes.
 */
export function isRegistrationJwt(jwt: string): boolean {
  const json = base64UrlText(jwt.trim().split('.')[1] ?? '');
  return /"iss"\s*:\s*"RDInfraTokenManager"/i.test(json) || /"RegistrationId"\s*:/i.test(json);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The text a base64url string encodes, read as Latin-1 (enough to find ASCII claim names); at most 4 KB of it. */
function base64UrlText(s: string): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const c of s.slice(0, 5464)) {
    const v = BASE64URL.indexOf(c);
    if (v < 0) return '';
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** A JWT written out in some document: where its characters are, and the text (for shape checks only, never shown). */
export interface WrittenJwt {
  at: Location;
  /** The whole string literal is the JWT (a fix may replace the literal); else it is part of a longer text. */
  whole: boolean;
  text: string;
  /** The case of the value it is written in ("when env is 'prod'"), empty for a plain value. */
  when: string;
}

const and = (a: string, b: string) => (a && b ? `${a} and ${b}` : a || b);

/**
 * The JWT-shaped tokens written in the known text of a value (each case, each interpolation's known text, objects
 * and arrays within it), at the characters of the document they are written in (through the parts' source maps).
 */
export function writtenJwts(v: Value | undefined, when = '', depth = 0, budget: Visits = visits()): WrittenJwt[] {
  if (!v || depth > 40 || !visit(budget)) return [];
  switch (v.kind) {
    case 'string': {
      const out: WrittenJwt[] = [];
      const single = v.parts.length === 1;
      for (const p of v.parts) {
        if (p.kind === 'hole') {
          out.push(...writtenJwts(p.value, when, depth + 1, budget));
          continue;
        }
        if (!p.source) continue;
        const src = p.source;
        for (const j of jwtsIn(p.text)) {
          const start = src.offsets ? src.offsets[j.start] : src.start + j.start;
          const end = src.offsets ? src.offsets[j.end] : src.start + j.end;
          if (start === undefined || end === undefined) continue;
          const text = p.text.slice(j.start, j.end);
          out.push({ at: { uri: src.uri, range: { start, end } }, whole: single && p.text.trim() === text, text, when });
        }
      }
      return out;
    }
    case 'object':
      return v.entries.flatMap((e) => writtenJwts(e.value, when, depth + 1, budget));
    case 'array':
      return v.items.flatMap((i) => writtenJwts(i, when, depth + 1, budget));
    case 'choice':
      return v.options.flatMap((o) => writtenJwts(o.value, and(when, o.when), depth + 1, budget));
    default:
      return [];
  }
}

/** How a value carries a token: the reference read, and whether `nonsensitive()` unwrapped it (Terraform). */
export interface CarriedToken {
  ref: RefValue;
  nonsensitive?: boolean;
}

/** Whether a reference reads a host pool's registration token: `listRegistrationTokens()`, `registrationInfo.token`. */
export function readsToken(ref: RefValue): boolean {
  const path = ref.path.map((p) => p.toLowerCase());
  return path.includes('listregistrationtokens') || path.includes('retrieveregistrationtoken') || (path.includes('registrationinfo') && path.includes('token'));
}

/** Terraform's registration info resource, which the mapping keeps under its own name: it holds a pool's token. */
export const TF_REGISTRATION_INFO = 'terraform:azurerm_virtual_desktop_host_pool_registration_info';

/**
 * The registration token a value carries, if any: a reference to a pool's token anywhere in it (an interpolation, an
 * object's entry, a case), followed through module outputs, nested deployments' outputs, Key Vault secrets the
 * workspace writes a token to, and Terraform's `nonsensitive()` (which the evaluator keeps only as a key).
 */
export function carriedToken(graph: AvdGraph, v: Value | undefined): CarriedToken | undefined {
  if (!v) return undefined;
  // Rules ask again for the values inside a value they asked for (each level of a setting); the answer depends only on
  // the documents, as targetsOf's does.
  // Known by content: a variable read at many places (each entry of a value shared at each level) is asked once.
  let known = answers.get(graph.documents);
  if (!known) answers.set(graph.documents, (known = new WeakMap()));
  const before = known.get(contentOf(v));
  if (before !== undefined) return before ?? undefined;
  const found = carried(graph, v, 0, new Set());
  known.set(contentOf(v), found ?? null);
  return found;
}

const answers = new WeakMap<readonly Document[], WeakMap<object, CarriedToken | null>>();

function carried(graph: AvdGraph, v: Value | undefined, depth: number, seen: Set<object>): CarriedToken | undefined {
  if (!v || depth > 24 || seen.has(contentOf(v))) return undefined;
  seen.add(contentOf(v));
  const targets = targetsOf(graph.documents);
  switch (v.kind) {
    case 'ref': {
      if (readsToken(v)) return { ref: v };
      const resolved = targets.outputs.resolve(v);
      if (resolved && resolved !== v) return carried(graph, resolved, depth + 1, seen);
      const target = v.target ? graph.byKey.get(v.target) : undefined;
      if (!target) return undefined;
      // The whole registration info resource (`output "x" { value = azurerm_..._registration_info.x }`) holds the token.
      if (target.type.toLowerCase() === TF_REGISTRATION_INFO && (!v.path.length || v.path[v.path.length - 1].toLowerCase() === 'token')) return { ref: v };
      // A Key Vault secret the workspace writes a token to, read back.
      if (typeIs(target, TYPES.secret) && v.path[v.path.length - 1]?.toLowerCase() === 'value') {
        const secret = targets.deployed(target);
        const inner = secret.source.existing ? undefined : carried(graph, get(secret.body, 'properties', 'value'), depth + 1, seen);
        return inner && { ref: v };
      }
      return undefined;
    }
    case 'unknown': {
      const resolved = targets.outputs.resolve(v);
      if (resolved && resolved !== v) return carried(graph, resolved, depth + 1, seen);
      const unwrapped = v.key ? nonsensitiveArgument(v) : undefined;
      if (!unwrapped) return undefined;
      const inner = carried(graph, unwrapped, depth + 1, seen);
      return inner && { ...inner, nonsensitive: true };
    }
    case 'string':
      for (const p of v.parts) {
        const c = p.kind === 'hole' ? carried(graph, p.value, depth + 1, seen) : undefined;
        if (c) return c;
      }
      return undefined;
    case 'object':
      for (const e of v.entries) {
        const c = carried(graph, e.value, depth + 1, seen);
        if (c) return c;
      }
      return undefined;
    case 'array':
      for (const i of v.items) {
        const c = carried(graph, i, depth + 1, seen);
        if (c) return c;
      }
      return undefined;
    case 'choice':
      for (const o of v.options) {
        const c = carried(graph, o.value, depth + 1, seen);
        if (c) return c;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The argument of Terraform's `nonsensitive(x)`, rebuilt from the key the evaluator gives the call (it does not keep
 * the argument's value): a reference `ref(<key>).<path>`, or a module output or variable by its key.
 */
function nonsensitiveArgument(v: Extract<Value, { kind: 'unknown' }>): Value | undefined {
  const m = /^nonsensitive\((.*)\)$/s.exec(v.key ?? '');
  if (!m) return undefined;
  const arg = m[1];
  const ref = /^ref\(([^()]*)\)\.(.*)$/s.exec(arg);
  if (ref) return { kind: 'ref', target: ref[1], path: ref[2] ? ref[2].split('.') : [], range: v.range };
  if (/^(module|var):/.test(arg) && !arg.includes('(')) return { kind: 'unknown', key: arg, range: v.range };
  return undefined;
}

/**
 * Where a value flows to a registration token's use in a resource, read by its path: the DSC registration settings,
 * a host pool's own `registrationInfo.token`, a run command's parameter named for the token.
 */
export const TOKEN_SINKS: { type: string; path: string[]; public?: boolean }[] = [
  { type: TYPES.hostPool, path: ['properties', 'registrationInfo', 'token'] },
  { type: TYPES.extension, path: ['properties', 'protectedSettings', 'Items', 'RegistrationInfoToken'] },
  { type: TYPES.extension, path: ['properties', 'protectedSettings', 'properties', 'registrationInfoToken'] },
  { type: TYPES.extension, path: ['properties', 'settings', 'properties', 'registrationInfoToken'], public: true },
  { type: TYPES.extension, path: ['properties', 'settings', 'properties', 'registrationInfoTokenCredential', 'Password'], public: true },
];

/** TOKEN_SINKS by resource type: every rule about tokens asks for every resource. */
const SINKS_BY_TYPE = new Map<string, typeof TOKEN_SINKS>();
for (const sink of TOKEN_SINKS) SINKS_BY_TYPE.set(sink.type, [...(SINKS_BY_TYPE.get(sink.type) ?? []), sink]);

/** A value read at a path of a resource, in one case, with where in the resource's document it shows. */
export interface ValueAt {
  value: Value;
  /** The case that leads to it ("when x is true", "with module 'm'"), empty for a plain value. */
  when: string;
  /** Where the resource's document shows it, and whether another document wrote it (see Place). */
  at: Range;
  foreign: boolean;
}

/**
 * Where a value shows in the document of the resource that holds it. A value given by another document (a module's
 * caller, a parameters file) keeps that document's ranges for what lies inside it: those are not places in this
 * document, so what is inside shows where the given value is used (or, when even that is not known, where its
 * parent is written).
 */
export interface Place {
  at: Range;
  /** Inside a value another document wrote. */
  foreign: boolean;
}

const inside = (a: Range, b: Range) => a.start >= b.start && a.end <= b.end;

/** The place of `child`, a value inside (or a case of) a value at `parent`, in the document `uri`. */
export function placeOf(uri: string, parent: Place, child: Value): Place {
  if (parent.foreign) return parent;
  if (child.origin && child.origin.uri !== uri) return { at: inside(child.range, parent.at) ? child.range : parent.at, foreign: true };
  return { at: child.range, foreign: false };
}

/** The values at a path of a resource body, through the cases of choices on the way (a module several callers call). */
export function valuesAt(r: Resource, path: readonly string[]): ValueAt[] {
  const out: ValueAt[] = [];
  const uri = r.source.uri;
  const budget = visits();
  const walk = (v: Value, i: number, when: string, place: Place, depth: number) => {
    if (depth > 40 || out.length >= 64 || !visit(budget)) return;
    if (v.kind === 'choice') {
      for (const o of v.options) walk(o.value, i, and(when, o.when), placeOf(uri, place, o.value), depth + 1);
      return;
    }
    if (i === path.length) {
      out.push({ value: v, when, ...place });
      return;
    }
    const next = entry(v, path[i])?.value;
    if (next) walk(next, i + 1, when, placeOf(uri, place, next), depth + 1);
  };
  walk(r.body, 0, '', { at: r.body.range, foreign: false }, 0);
  return out;
}

type TokenSink = ValueAt & { path: string[]; public: boolean };

/** Per resource (a version's resources do not change): the token rules each ask for every resource's sinks. */
const sinksOf = new WeakMap<Resource, TokenSink[]>();

/** The values a resource passes where a registration token goes, with their paths and whether the place is public. */
export function tokenSinks(r: Resource): readonly TokenSink[] {
  const sinks = SINKS_BY_TYPE.get(typeOf(r));
  // Most resources are of no type a token goes to: nothing to keep for them.
  if (!sinks) return NO_SINKS;
  let found = sinksOf.get(r);
  if (!found) sinksOf.set(r, (found = sinks.flatMap((s) => valuesAt(r, s.path).map((v) => ({ ...v, path: s.path, public: !!s.public })))));
  return found;
}

const NO_SINKS: readonly TokenSink[] = [];

/** Where a script or an extension may carry a token in its text (a command line, a script, a parameter). */
export const SCRIPT_AREAS: Record<string, string[][]> = {
  [TYPES.extension]: [
    ['properties', 'settings'],
    ['properties', 'protectedSettings'],
  ],
  [SCALE_SET_EXTENSION]: [
    ['properties', 'settings'],
    ['properties', 'protectedSettings'],
  ],
  [TYPES.runCommand]: [['properties', 'parameters'], ['properties', 'protectedParameters'], ['properties', 'source'], ['parameter'], ['protected_parameter']],
};
