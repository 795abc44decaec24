import {
  carriedToken,
  isJwt,
  type Place,
  placeOf,
  SCRIPT_AREAS,
  TF_REGISTRATION_INFO,
  TOKEN_SINKS,
  tokenSinks,
  type ValueAt,
  valuesAt,
} from '../facts/registration-tokens';
import { SCALE_SET_EXTENSION, SCALE_SET } from '../graph/session-hosts';
import { secretSources } from '../facts/secret-sources';
import type { AvdGraph } from '../graph';
import { TYPES } from '../graph/links';
import { typeOf } from '../graph/resources';
import { caseNote, fitting } from '../message';
import type { Document, DocumentSymbolInfo, Fix, Location, ObjectEntry, Range, RelatedInfo, Resource, Value } from '../model';
import { type Deployment, defineRule, fix, type Report, type RuleContext } from '../rule';
import { cases, contentOf, entry, get, knownString } from '../values';
import docs from './registration-token-exposed.md';
import { visit, visits, type Visits } from '../visits';

const DEPLOYMENT = 'microsoft.resources/deployments';

/** Places anyone who can read the resource sees, per resource type, and how a message names them. */
type Area = 'settings' | 'parameters' | 'script' | 'deployment-script' | 'file';

const PUBLIC_AREAS: Record<string, { path: string[]; area: Area }[]> = {
  [TYPES.extension]: [{ path: ['properties', 'settings'], area: 'settings' }],
  [SCALE_SET_EXTENSION]: [{ path: ['properties', 'settings'], area: 'settings' }],
  [TYPES.runCommand]: [
    { path: ['properties', 'parameters'], area: 'parameters' },
    { path: ['properties', 'source'], area: 'script' },
    // Terraform's run command keeps its `parameter` blocks unmapped.
    { path: ['parameter'], area: 'parameters' },
  ],
  'microsoft.resources/deploymentscripts': [
    { path: ['properties', 'arguments'], area: 'deployment-script' },
    { path: ['properties', 'scriptContent'], area: 'deployment-script' },
    { path: ['properties', 'environmentVariables'], area: 'deployment-script' },
  ],
  'terraform:local_file': [{ path: ['content'], area: 'file' }],
};

/**
 * The resource types whose properties the rule reads: where a token shows, where it goes, nested deployments, and the
 * secrets and registration infos a value reads it through. Of a host pool, its registration info; of any resource,
 * its tags, which lie outside `properties`.
 */
const READ_TYPES: ReadonlySet<string> = new Set([
  ...Object.keys(PUBLIC_AREAS),
  ...Object.keys(SCRIPT_AREAS),
  ...TOKEN_SINKS.map((s) => s.type).filter((t) => t !== TYPES.hostPool),
  SCALE_SET,
  DEPLOYMENT,
  TYPES.secret,
  TF_REGISTRATION_INFO,
]);

const READERS = 'anyone who can read the VM can see';

function areaMessage(area: Area): string {
  switch (area) {
    case 'settings':
      return `The host pool registration token is in the extension's public settings, which ${READERS}; protected settings are encrypted.`;
    case 'parameters':
      return `The host pool registration token is a public parameter of the run command, which ${READERS}; protected parameters are not shown.`;
    case 'script':
      return `The host pool registration token is written into the run command's script, which ${READERS}; pass it as a protected parameter.`;
    case 'deployment-script':
      return 'The host pool registration token is in public arguments or variables of the deployment script, which anyone who can read the resource group can see.';
    case 'file':
      return 'The host pool registration token is written to a file on disk in plain text by local_file, where anyone with access to that machine can read it.';
  }
}

const HISTORY = 'the deployment history keeps its value for anyone who can read the deployment';

interface Carrier {
  value: Value;
  path: string[];
  place: Place;
  /** The case that leads to it (a module several callers call), empty for a plain value. */
  when: string;
}

const and = (a: string, b: string) => (a && b ? `${a} and ${b}` : a || b);

/**
 * The values in an area that carry a token: the innermost value written where a reader sees it (a setting, a tag), or
 * the value another document gave, where the resource uses it.
 */
function carriersIn(
  graph: AvdGraph,
  uri: string,
  v: Value,
  path: string[],
  place: Place,
  when: string,
  out: Carrier[],
  depth = 0,
  seen = new Map<object, { placed: boolean; at: Set<string> }>(),
  budget: Visits = visits(),
): void {
  if (depth > 30 || !visit(budget) || !carriedToken(graph, v)) return;
  // A value reached again by another path (a variable read at each level of another) gives the same findings: the
  // first path is the one reported, and following each path is exponential in the depth. Where they are depends on
  // where the value is only for a value reported whole, or one that holds a value another document gave.
  let known = seen.get(contentOf(v));
  if (!known) seen.set(contentOf(v), (known = { placed: placeMatters(uri, v), at: new Set() }));
  const here = place.foreign || known.placed ? `${place.at.start}:${place.at.end}:${place.foreign}:${when}` : when;
  if (known.at.has(here)) return;
  known.at.add(here);
  if (v.kind === 'choice') {
    for (const o of v.options) carriersIn(graph, uri, o.value, path, placeOf(uri, place, o.value), and(when, o.when), out, depth + 1, seen, budget);
    return;
  }
  if (v.kind === 'object' && !place.foreign) {
    // A deployment script's `secureValue` is not shown.
    for (const e of v.entries)
      if (e.key.toLowerCase() !== 'securevalue')
        carriersIn(graph, uri, e.value, [...path, e.key], placeOf(uri, place, e.value), when, out, depth + 1, seen, budget);
    return;
  }
  if (v.kind === 'array' && !place.foreign) {
    v.items.forEach((item, i) => carriersIn(graph, uri, item, [...path, String(i)], placeOf(uri, place, item), when, out, depth + 1, seen, budget));
    return;
  }
  out.push({ value: v, path, place, when });
}

/**
 * Whether the findings under a value depend on where it is: it is reported whole (no object, array or choice), or it
 * holds a value another document gave, which is reported at the place of the value that holds it.
 */
function placeMatters(uri: string, v: Value): boolean {
  const foreign = (c: Value) => !!c.origin && c.origin.uri !== uri;
  if (v.kind === 'object') return v.entries.some((e) => foreign(e.value));
  if (v.kind === 'array') return v.items.some(foreign);
  if (v.kind === 'choice') return v.options.some((o) => foreign(o.value));
  return true;
}

/** Whether a value written where the DSC configuration reads the token is one (not empty, not the PrivateSettingsRef pointer). */
function holdsToken(v: Value): boolean {
  if (v.kind === 'null') return false;
  const text = knownString(v);
  if (text !== undefined) return isJwt(text);
  if (v.kind === 'choice') return v.options.some((o) => holdsToken(o.value));
  return v.kind === 'ref' || v.kind === 'unknown' || v.kind === 'string';
}

/** What follows a word that names the token in a script's text (`-RegistrationToken ${token}`): a value, or written text. */
type Piece = { value: Value; range: Range } | { source: Location; range: Range };

/** The pieces of a script's text right after a word that names the token, with where the resource shows the string. */
function namedTokenPieces(uri: string, v: Value, place: Place, out: Piece[], depth = 0, budget: Visits = visits()): void {
  if (depth > 30 || !visit(budget)) return;
  switch (v.kind) {
    case 'string': {
      let before = '';
      for (const p of v.parts) {
        const named = /token["'\s:=]*$/i.test(before);
        if (p.kind === 'hole') {
          if (named) out.push({ value: p.value, range: place.at });
          namedTokenPieces(uri, p.value, placeOf(uri, place, p.value), out, depth + 1, budget);
          before = '';
        } else {
          // Text given elsewhere (a parameters file's value of the parameter the script reads).
          if (named && p.source) out.push({ source: { uri: p.source.uri, range: { start: p.source.start, end: p.source.end } }, range: place.at });
          before = p.text;
        }
      }
      return;
    }
    case 'object':
      for (const e of v.entries) namedTokenPieces(uri, e.value, placeOf(uri, place, e.value), out, depth + 1, budget);
      return;
    case 'array':
      for (const i of v.items) namedTokenPieces(uri, i, placeOf(uri, place, i), out, depth + 1, budget);
      return;
    case 'choice':
      for (const o of v.options) namedTokenPieces(uri, o.value, placeOf(uri, place, o.value), out, depth + 1, budget);
      return;
    default:
      return;
  }
}

function check(deployment: Deployment, ctx: RuleContext): void {
  const graph = ctx.graph;
  const byUri = new Map(graph.documents.map((d) => [d.uri, d]));
  const seen = new Set<string>();
  const report = (r: Report) => {
    // One finding per decision: a value another document gave shows at one place whichever path found it.
    const said = `${r.uri}:${r.at.start}:${r.at.end}:${r.message}`;
    if (seen.has(r.key) || seen.has(said)) return;
    seen.add(r.key).add(said);
    ctx.report(r);
  };
  const resources = deployment.resources.filter((r) => !r.source.existing && r.source.language !== 'tfplan');

  // Outputs: the deployment history (Bicep, ARM) or Terraform's output shows them.
  for (const doc of graph.documents) {
    if (doc.language === 'tfplan' || !doc.facts.outputs) continue;
    for (const s of doc.symbols) {
      if (s.kind !== 'output' || s.secure) continue;
      const value = doc.facts.outputs.get(s.name.toLowerCase())?.value;
      const token = carriedToken(graph, value);
      if (token) report(outputReport(doc, s, token.nonsensitive ?? false));
    }
  }

  for (const r of resources) {
    const type = typeOf(r);
    // Public settings, parameters and scripts.
    let areas = PUBLIC_AREAS[type] ?? [];
    if (type === SCALE_SET) {
      areas = [...areas];
      const items = get(r.body, 'properties', 'virtualMachineProfile', 'extensionProfile', 'extensions');
      if (items?.kind === 'array')
        items.items.forEach((_, i) =>
          areas.push({
            path: ['properties', 'virtualMachineProfile', 'extensionProfile', 'extensions', String(i), 'properties', 'settings'],
            area: 'settings',
          }),
        );
    }
    for (const a of areas) {
      const found: Carrier[] = [];
      for (const v of valuesAt(r, a.path)) carriersIn(graph, r.source.uri, v.value, a.path, v, v.when, found);
      for (const f of found) report(areaReport(r, a.area, f, type));
    }
    // DSC's registration settings in public: whatever is written there is the token.
    for (const sink of tokenSinks(r))
      if (sink.public && holdsToken(sink.value)) report(areaReport(r, 'settings', { value: sink.value, path: sink.path, place: sink, when: sink.when }, type));
    // Tags.
    for (const tags of valuesAt(r, ['tags']))
      if (tags.value.kind === 'object')
        for (const e of tags.value.entries) if (carriedToken(graph, e.value)) report(tagReport(r, tags, e, placeOf(r.source.uri, tags, e.value)));
  }

  // Template parameters that are not secure: a caller passes them the token, or a resource uses them as the token.
  const inputs = inputIndex(graph);
  for (const doc of graph.documents) {
    if (doc.language !== 'bicep' && doc.language !== 'arm') continue;
    for (const input of doc.facts.inputs ?? []) {
      if (!input.module && !input.label.startsWith('linked template')) continue;
      const callee = input.targets.map((t) => byUri.get(t)).find((d) => d);
      if (!callee || (callee.language !== 'bicep' && callee.language !== 'arm')) continue;
      for (const [name, value] of input.values) {
        if (!carriedToken(graph, value)) continue;
        const s = callee.symbols.find((x) => x.kind === 'param' && x.name.toLowerCase() === name.toLowerCase());
        if (s && !s.secure) report(parameterReport(callee, s, { uri: input.uri, range: value.range, message: 'The token is passed here' }));
      }
    }
  }
  for (const r of resources) if (typeOf(r) === DEPLOYMENT) nestedParameters(graph, byUri.get(r.source.uri), r, report);
  for (const r of resources) {
    const sinks = tokenSinks(r);
    const scripts = SCRIPT_AREAS[typeOf(r)];
    if (!sinks.length && !scripts) continue;
    const doc = byUri.get(r.source.uri);
    if (!doc || (doc.language !== 'bicep' && doc.language !== 'arm')) continue;
    const pieces: { piece: Piece; named: boolean }[] = sinks.map((s) => ({ piece: { value: s.value, range: s.at }, named: false }));
    const named: Piece[] = [];
    for (const path of scripts ?? []) for (const v of valuesAt(r, path)) namedTokenPieces(r.source.uri, v.value, v, named);
    pieces.push(...named.map((piece) => ({ piece, named: true })));
    for (const { piece, named: byName } of pieces) {
      const note: RelatedInfo = {
        uri: r.source.uri,
        range: piece.range,
        message: byName ? 'It is passed here after a token argument' : 'It is used as the registration token here',
      };
      // A script argument named for the token says less than a setting the agent reads as one.
      const found = (decl: { doc: Document; symbol: DocumentSymbolInfo }) => {
        if (decl.symbol.secure || decl.symbol.kind !== 'param' || (decl.doc.language !== 'bicep' && decl.doc.language !== 'arm')) return;
        const p = parameterReport(decl.doc, decl.symbol, note);
        report(byName ? { ...p, shift: -1 } : p);
      };
      // The parameter the value comes through: one without a value here, or one a caller or a parameters file gives it.
      const written: Location[] = [];
      if ('value' in piece) {
        for (const s of secretSources(graph, r.source.uri, piece.value))
          if ((s.kind === 'parameter' || s.kind === 'default') && s.declaration) found(s.declaration);
        for (const c of cases(piece.value)) if (c.value.origin) written.push(c.value.origin);
      } else written.push(piece.source);
      for (const at of written) {
        const given = inputs(at);
        const s = given && doc.symbols.find((x) => x.kind === 'param' && x.name.toLowerCase() === given.name.toLowerCase());
        if (given && s && given.targets.includes(doc.uri)) found({ doc, symbol: s });
      }
    }
  }
}

/**
 * The input value (a module argument, a parameters file's value) written at a place, with the parameter it is given
 * to and the templates it may target: how a value the template reads is traced back to its parameter.
 */
function inputIndex(graph: AvdGraph): (at: Location) => { name: string; targets: string[] } | undefined {
  const byUri = new Map<string, { range: { start: number; end: number }; name: string; targets: string[] }[]>();
  for (const doc of graph.documents)
    for (const input of doc.facts.inputs ?? [])
      for (const [name, value] of input.values) {
        let list = byUri.get(input.uri);
        if (!list) byUri.set(input.uri, (list = []));
        list.push({ range: value.range, name, targets: input.targets });
      }
  return (at) => byUri.get(at.uri)?.find((e) => e.range.start <= at.range.start && at.range.end <= e.range.end);
}

function outputReport(doc: Document, s: DocumentSymbolInfo, nonsensitive: boolean): Report {
  const name = `'${s.name}'`;
  const tf = doc.language === 'terraform';
  const message = nonsensitive
    ? `Output ${name} unwraps the host pool registration token with nonsensitive(): Terraform prints it in plan and apply output and logs.`
    : tf
      ? fitting(
          `Output ${name} returns the host pool registration token without sensitive = true: Terraform shows such outputs in plan, apply and terraform output.`,
          `Output ${name} returns the host pool registration token without sensitive = true: Terraform shows it in plan and apply output.`,
        )
      : fitting(
          `Output ${name} returns the host pool registration token and is not secure: ${HISTORY}.`,
          `Output ${name} returns the host pool registration token and is not secure: the deployment history keeps it.`,
        );
  return {
    uri: doc.uri,
    at: s.range,
    message,
    fixes: [fix(tf ? 'Mark the output sensitive' : 'Mark the output secure', { kind: 'secure-output', uri: doc.uri, name: s.name }, true)],
    key: `${doc.uri}#${s.name}|output`,
  };
}

function areaReport(r: Resource, area: Area, { value, path, place, when }: Carrier, type: string): Report {
  const fixes: Fix[] = [];
  // A setting of its own moves to the protected settings; not DSC's `properties`, which holds the pool's name too, nor a
  // command line with text written in it (the move would write that text anew, and the intent refuses it).
  const key = path[2];
  const written = value.kind === 'string' && value.parts.some((p) => p.kind === 'text' && p.text !== '');
  if (
    !place.foreign &&
    area === 'settings' &&
    (type === TYPES.extension || type === SCALE_SET_EXTENSION) &&
    path.length === 3 &&
    key &&
    key.toLowerCase() !== 'properties' &&
    !written
  )
    fixes.push(fix('Move it to the protected settings', { kind: 'move-to-protected-settings', resource: r.key, key }, true));
  const related = when ? [{ uri: r.source.uri, range: place.at, message: caseNote(when) }] : [];
  return { uri: r.source.uri, at: place.at, message: fitting(areaMessage(area)), related, fixes, key: `${r.key}|${path.join('.')}` };
}

function tagReport(r: Resource, tags: ValueAt, e: ObjectEntry, place: Place): Report {
  const fixes: Fix[] = [];
  // Only a tag written in the resource itself (not in a variable several resources share) is removed.
  if (!tags.foreign && !tags.value.origin && !place.foreign && !e.value.origin)
    fixes.push(fix('Remove the tag', { kind: 'remove-entry', uri: r.source.uri, key: e.keyRange, value: e.value.range }, true));
  return {
    uri: r.source.uri,
    at: place.at,
    message: fitting(
      `Tag '${e.key}' holds the host pool registration token: tags are readable by anyone with read access and are copied into cost and inventory reports.`,
      `Tag '${e.key.slice(0, 40)}' holds the host pool registration token: tags are readable by anyone with read access.`,
    ),
    fixes,
    key: `${r.key}|tags.${e.key}`,
  };
}

function parameterReport(doc: Document, s: DocumentSymbolInfo, note: RelatedInfo): Report {
  return {
    uri: doc.uri,
    at: s.range,
    message: fitting(
      `Parameter ${s.name} carries the host pool registration token but is not secure: ${HISTORY}.`,
      `Parameter ${s.name} carries the host pool registration token but is not secure: the deployment history keeps it.`,
    ),
    related: [note],
    fixes: [
      fix(
        s.default ? 'Mark the parameter secure and remove its default' : 'Mark the parameter secure',
        { kind: 'secure-parameter', uri: doc.uri, name: s.name },
        true,
      ),
    ],
    key: `${doc.uri}#${s.name}|parameter`,
  };
}

/**
 * A nested deployment with its template written inline (what Bicep compiles a module to): a parameter it passes the
 * token to, declared without `securestring` in the inner template. Its outputs that return the token, the same.
 */
function nestedParameters(graph: AvdGraph, doc: Document | undefined, r: Resource, report: (r: Report) => void): void {
  const declared = doc?.facts.nestedDeclarations?.get(r.key);
  const given = doc?.facts.nestedParameterValues?.get(r.key);
  // What the template declares, read without evaluating the template (a compiled module's template is most of the file).
  // Values passed to a template of outer scope are evaluated below, as the deployment's body gives them.
  if (declared && (given || !declared.passed.length)) {
    for (const key of declared.passed) {
      const decl = declared.parameters.get(key.toLowerCase());
      if (!decl || decl.type === undefined || /^secure/i.test(decl.type)) continue;
      reportParameter(graph, r, key, decl.keyRange, given?.get(key)?.(), report);
    }
    if (!declared.outputs.length) return;
    const outputs = doc?.facts.deploymentOutputs?.get(r.key);
    for (const o of declared.outputs) {
      if (o.type === undefined || /^secure/i.test(o.type)) continue;
      reportOutput(graph, r, o.name, o.keyRange, entry(outputs, o.name)?.value, report);
    }
    return;
  }
  const template = get(r.body, 'properties', 'template');
  if (template?.kind !== 'object') return;
  const passed = get(r.body, 'properties', 'parameters');
  const parameters = get(template, 'parameters');
  // The values the template itself reads: evaluated once for both.
  for (const e of passed?.kind === 'object' ? passed.entries : []) {
    // The declaration first: it is cheap to read, and a secure one makes the value's origin moot.
    const decl = entry(parameters, e.key);
    const type = knownString(get(decl?.value, 'type'));
    if (!decl || type === undefined || /^secure/i.test(type)) continue;
    reportParameter(graph, r, e.key, decl.keyRange, given?.get(e.key)?.() ?? get(e.value, 'value'), report);
  }
  const declaredOutputs = get(template, 'outputs');
  if (declaredOutputs?.kind !== 'object' || !declaredOutputs.entries.length) return;
  const outputs = doc?.facts.deploymentOutputs?.get(r.key);
  for (const e of declaredOutputs?.kind === 'object' ? declaredOutputs.entries : []) {
    const type = knownString(get(e.value, 'type'));
    if (type === undefined || /^secure/i.test(type)) continue;
    reportOutput(graph, r, e.key, e.keyRange, entry(outputs, e.key)?.value, report);
  }
}

function reportParameter(graph: AvdGraph, r: Resource, key: string, at: Range, value: Value | undefined, report: (r: Report) => void): void {
  if (!carriedToken(graph, value)) return;
  report({
    uri: r.source.uri,
    at,
    message: fitting(
      `Parameter ${key} carries the host pool registration token but is not secure: ${HISTORY}.`,
      `Parameter ${key} carries the host pool registration token but is not secure: the deployment history keeps it.`,
    ),
    related: [{ uri: r.source.uri, range: value!.range, message: 'The token is passed here' }],
    key: `${r.source.uri}#${r.source.symbol ?? ''}/${key}|parameter`,
  });
}

function reportOutput(graph: AvdGraph, r: Resource, name: string, at: Range, value: Value | undefined, report: (r: Report) => void): void {
  if (!carriedToken(graph, value)) return;
  report({
    uri: r.source.uri,
    at,
    message: fitting(
      `Output '${name}' returns the host pool registration token and is not secure: ${HISTORY}.`,
      `Output '${name}' returns the host pool registration token and is not secure: the deployment history keeps it.`,
    ),
    key: `${r.source.uri}#${r.source.symbol ?? ''}/${name}|output`,
  });
}

export default defineRule({
  id: 'registration-token-exposed',
  title: 'Host pool registration tokens should not be exposed',
  level: 'error',
  severity: 'high',
  boundary: ['management-plane'],
  summary: 'Finds registration tokens that reach outputs, public extension settings, tags or parameters that are not secure.',
  docs,
  appliesTo: 'deployment',
  reads: (type, properties) => !properties || READ_TYPES.has(type) || (type === TYPES.hostPool && properties.has('registrationinfo')),
  check,
});
