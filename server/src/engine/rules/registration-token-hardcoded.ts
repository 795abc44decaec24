import {
  isRegistrationJwt,
  jwtsIn,
  SCRIPT_AREAS,
  tokenSinks,
  valuesAt,
  type WrittenJwt,
  writtenJwts,
  TF_REGISTRATION_INFO,
} from '../facts/registration-tokens';
import type { AvdGraph } from '../graph';
import { TYPES } from '../graph/links';
import { typeOf } from '../graph/resources';
import { someDocumentMentions } from '../facts/mentions';
import { caseNote, fitting } from '../message';
import type { Document, Fix, Location, Range, RelatedInfo, Resource } from '../model';
import { type Deployment, defineRule, fix, type RuleContext } from '../rule';
import { entry, get } from '../values';
import docs from './registration-token-hardcoded.md';

/** Names of inputs that say they hold a registration token (`registrationToken`, `hostpoolToken`, `avd_registration_key`). */
const TOKEN_NAME = /(regist|host_?pool|pool|avd|wvd|agent).*(token|key)|^(registration_?info_?)?token$/i;

/** How the place a token is written in reads in a message. */
type Where = { kind: 'here' } | { kind: 'default'; name: string } | { kind: 'file'; file: 'parameters' | 'variables' };

const RISK = "anyone who can read the code can register machines with the host pool and receive its users' sessions";
const SHORT_RISK = 'anyone who can read the code can register machines with the host pool';

function message(where: Where): string {
  switch (where.kind) {
    case 'here':
      return fitting(`A host pool registration token is written here: ${RISK}.`, `A host pool registration token is written here: ${SHORT_RISK}.`);
    case 'default':
      return fitting(
        `The default of ${where.name} is a host pool registration token: ${RISK}.`,
        `The default of ${where.name} is a host pool registration token: ${SHORT_RISK}.`,
      );
    case 'file':
      return fitting(
        `This ${where.file} file holds a host pool registration token: anyone who can read it can register machines with the host pool and receive its users' sessions.`,
        `This ${where.file} file holds a host pool registration token: anyone who can read it can register machines with the host pool.`,
      );
  }
}

const within = (inner: Location, outer: { start: number; end: number }) => inner.range.start >= outer.start && inner.range.end <= outer.end;

/** The parameter or variable whose default a location is in. */
function defaultAt(doc: Document, at: Location) {
  return doc.symbols.find((s) => s.default && (s.kind === 'param' || s.kind === 'variable') && within(at, s.default));
}

function whereOf(doc: Document | undefined, at: Location): Where {
  if (doc?.language === 'bicepparam' || doc?.language === 'arm-parameters') return { kind: 'file', file: 'parameters' };
  if (doc?.language === 'tfvars') return { kind: 'file', file: 'variables' };
  const s = doc && defaultAt(doc, at);
  if (s) return { kind: 'default', name: doc.language === 'terraform' ? `var.${s.name}` : `parameter ${s.name}` };
  return { kind: 'here' };
}

/**
 * The one resource a literal written at `at` can read the token from instead: Bicep, the one host pool the file declares
 * (an API version with `listRegistrationTokens()`); ARM, the one host pool of the template that holds the resource,
 * the literal written in that resource (ARM variables cannot call list functions); Terraform, the one registration info
 * of the module. Parameter defaults cannot read resources.
 */
function tokenSource(graph: AvdGraph, doc: Document, at: Location, user: Resource): Resource | undefined {
  if (defaultAt(doc, at)) return undefined;
  if (doc.language === 'bicep' || doc.language === 'arm') {
    if (doc.language === 'arm' && (user.source.uri !== doc.uri || !within(at, user.source.range))) return undefined;
    const pools = doc.resources.filter(
      (r) => typeOf(r) === TYPES.hostPool && r.source.scopePath === (doc.language === 'arm' ? user.source.scopePath : r.source.scopePath),
    );
    const pool = pools.length === 1 && !pools[0].source.loop ? pools[0] : undefined;
    if (doc.language === 'bicep' && !(pool?.apiVersion && pool.apiVersion >= '2023-09-05')) return undefined;
    return pool;
  }
  if (doc.language !== 'terraform') return undefined;
  const dir = doc.uri.slice(0, doc.uri.lastIndexOf('/') + 1);
  const infos = graph.documents
    .filter((d) => d.language === 'terraform' && d.uri.startsWith(dir) && !d.uri.slice(dir.length).includes('/'))
    .flatMap((d) => d.resources.filter((r) => r.type.toLowerCase() === TF_REGISTRATION_INFO && !r.source.existing));
  return infos.length === 1 && !infos[0].source.loop ? infos[0] : undefined;
}

interface Found {
  jwt: WrittenJwt;
  /** The resource that uses it where a token goes, with where the resource shows that value and its path. */
  use?: { resource: Resource; at: Range; path: string[] };
  key: string;
}

/**
 * What a file must hold for one of its values to be a JWT: its text (a JWT opens with `eyJ`), or an escape that may
 * spell it (JSON's, Bicep's and HCL's `\u`).
 */
const MAY_WRITE_JWT = /eyJ|\\[uU]/;

function check(deployment: Deployment, ctx: RuleContext): void {
  const graph = ctx.graph;
  // Every finding is a JWT written in some file: when no file can hold one, there is nothing to walk.
  if (!someDocumentMentions(graph.documents, MAY_WRITE_JWT)) return;
  const byUri = new Map(graph.documents.map((d) => [d.uri, d]));
  const seen = new Set<string>();
  const found: Found[] = [];
  const add = (f: Found) => {
    const k = `${f.jwt.at.uri}:${f.jwt.at.range.start}`;
    const doc = byUri.get(f.jwt.at.uri);
    // A plan is generated from the state: what it holds was not written by anyone.
    if (seen.has(k) || !doc || doc.language === 'tfplan') return;
    seen.add(k);
    found.push(f);
  };
  const resources = deployment.resources.filter((r) => !r.source.existing && r.source.language !== 'tfplan');
  // Where a token goes: the JWT-shaped literals that reach it, wherever they are written.
  for (const r of resources)
    for (const sink of tokenSinks(r))
      for (const jwt of writtenJwts(sink.value, sink.when))
        add({ jwt, use: { resource: r, at: sink.at, path: sink.path }, key: `${r.key}|${sink.path.join('.')}` });
  // A script's text and parameters: a token inside a command line.
  for (const r of resources)
    for (const path of SCRIPT_AREAS[typeOf(r)] ?? [])
      for (const v of valuesAt(r, path)) for (const jwt of writtenJwts(v.value, v.when)) add({ jwt, key: `${r.key}|${path.join('.')}` });
  // Parameters files, module arguments, variables files: a JWT given to an input named for the token.
  for (const doc of graph.documents)
    for (const input of doc.facts.inputs ?? [])
      for (const [name, value] of input.values)
        for (const jwt of writtenJwts(value))
          if (jwt.at.uri === input.uri && (TOKEN_NAME.test(name) || isRegistrationJwt(jwt.text))) add({ jwt, key: `${input.uri}#${name}|input` });
  // Defaults of parameters and variables named for the token.
  for (const doc of graph.documents)
    for (const s of doc.symbols) {
      if (!s.default || (s.kind !== 'param' && s.kind !== 'variable')) continue;
      const text = doc.text.slice(s.default.start, s.default.end);
      for (const j of jwtsIn(text)) {
        const jwt = text.slice(j.start, j.end);
        if (TOKEN_NAME.test(s.name) || isRegistrationJwt(jwt))
          add({
            jwt: { at: { uri: doc.uri, range: { start: s.default.start + j.start, end: s.default.start + j.end } }, whole: false, text: jwt, when: '' },
            key: `${doc.uri}#${s.name}|default`,
          });
      }
    }
  // Anywhere else (a tag, an output, a comment): a JWT whose claims say it is a registration token.
  for (const doc of graph.documents)
    for (const j of jwtsIn(doc.text)) {
      const text = doc.text.slice(j.start, j.end);
      if (isRegistrationJwt(text)) add({ jwt: { at: { uri: doc.uri, range: j }, whole: false, text, when: '' }, key: `${doc.uri}#${j.start}|text` });
    }

  for (const f of found) {
    const { at } = f.jwt;
    const doc = byUri.get(at.uri)!;
    const related: RelatedInfo[] = [];
    if (f.use && !(f.use.resource.source.uri === at.uri && within(at, f.use.at)))
      related.push({ uri: f.use.resource.source.uri, range: f.use.at, message: 'It is used as the registration token here' });
    if (f.jwt.when) related.push({ uri: at.uri, range: at.range, message: caseNote(f.jwt.when) });
    ctx.report({ uri: at.uri, at: at.range, message: message(whereOf(doc, at)), related, fixes: fixesOf(graph, doc, f), key: f.key });
  }
}

function fixesOf(graph: AvdGraph, doc: Document, f: Found): Fix[] {
  const { use, jwt } = f;
  if (!use || !jwt.whole) return [];
  const r = use.resource;
  // A host pool's own registrationInfo.token is an output of the service: the property goes.
  if (typeOf(r) === TYPES.hostPool) {
    const token = entry(get(r.body, 'properties', 'registrationInfo'), 'token');
    if (!token || token.value.origin || r.source.uri !== jwt.at.uri || !within(jwt.at, token.value.range)) return [];
    return [fix('Remove the written token', { kind: 'remove-entry', uri: r.source.uri, key: token.keyRange, value: token.value.range }, true)];
  }
  const source = tokenSource(graph, doc, jwt.at, r);
  if (!source) return [];
  return [
    fix(
      'Read the token from the host pool at deployment',
      { kind: 'reference-registration-token', uri: jwt.at.uri, range: jwt.at.range, resource: source.key },
      true,
    ),
  ];
}

export default defineRule({
  id: 'registration-token-hardcoded',
  title: 'Host pool registration tokens should not be written in code',
  level: 'error',
  severity: 'critical',
  boundary: ['management-plane'],
  summary: 'Finds host pool registration tokens written as literals in templates, parameter files and Terraform variables.',
  docs,
  appliesTo: 'deployment',
  check,
});
