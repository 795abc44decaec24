import type {
  DeploymentScope,
  Document,
  DocumentSymbolInfo,
  Language,
  NestedDeclarations,
  ObjectEntry,
  ObjectValue,
  Range,
  Resource,
  ResourceSource,
  Suppression,
  TemplateInput,
  Value,
} from '../../model';
import { type ArmScope, evaluateArmExpression, isArmExpression } from '../../resolve/arm-expressions';
import { type LineIndex, lineIndexOf } from '../../positions';
import { parseSuppression } from '../../suppressions';
import {
  allowedValues,
  arrayItems,
  cases,
  knownBoolean,
  knownString,
  LazyEntry,
  MAX_FUNCTION_CALLS,
  MAX_FUNCTION_DEPTH,
  relocate,
  unknown,
} from '../../values';
import { addLegacyScope, legacyExtension } from '../extension-resources';
import { calledConditionally, combineInputs, passThroughDefault } from '../../resolve/inputs';
import { baseName } from '../../resolve/paths';
import { linkedTemplateTargets, parametersFileLabel, parametersFileTargets } from '../../resolve/targets';
import { linksProperty } from '../../graph/links';
import { decodeJsonString, insideString, type JsonNode, nodeRange, type ParsedJson, parseJson, prop, props, stringOf } from './json';

/** Keys of an ARM resource declaration that describe the declaration itself rather than the deployed resource. */
const DECLARATION_KEYS = new Set(['type', 'apiversion', 'resources', 'copy', 'condition', 'dependson', 'comments', 'existing', 'import']);

export interface ArmOptions {
  /** Parameter values other documents pass to the root template (parameters files). */
  inputs?: readonly TemplateInput[];
  /** The text's JSON tree when the caller has it already (kept between edits, see patchJson). */
  parsed?: ParsedJson;
  /** A parameters file: the templates the configuration pairs it with (`parameterFiles`), before those its name says. */
  templates?: readonly string[];
}

export function deploymentScopeOfSchema(schema: string | undefined): DeploymentScope {
  const s = (schema ?? '').toLowerCase();
  if (s.includes('subscriptiondeploymenttemplate')) return 'subscription';
  if (s.includes('managementgroupdeploymenttemplate')) return 'managementGroup';
  if (s.includes('tenantdeploymenttemplate')) return 'tenant';
  return 'resourceGroup';
}

interface TemplateContext {
  path: string;
  deploymentScope: DeploymentScope;
  resourceGroup: Value;
  /** The subscription a caller's `subscriptionId` names (see ResourceSource.subscription). */
  subscription?: Value;
  provided: Map<string, () => Value>;
  /** With `expressionEvaluationOptions.scope: 'outer'` (ARM's default), a nested template reads the outer template's parameters and variables. */
  outer?: ArmScope;
  /** Parameters files that target this (root) template. */
  inputs?: readonly TemplateInput[];
  /** Deployed only under a condition: of a nested deployment that holds it, or of every caller of the template. */
  conditional?: boolean;
}

/** Turns an ARM template or parameters file into the model. Never throws. */
export function adaptArm(uri: string, text: string, version: number, language: Language, options: ArmOptions = {}): Document {
  const parsed = options.parsed ?? parseJson(text);
  const { root } = parsed;
  const errors = [...parsed.errors];
  const doc: Document = {
    uri,
    language,
    text,
    version,
    resources: [],
    syntaxErrors: errors,
    suppressions: [],
    facts: {},
    symbols: [],
  };
  doc.suppressions = findSuppressions(doc, root);
  if (!root || root.type !== 'object') return doc;
  if (stringOf(prop(prop(prop(root, 'metadata'), '_generator'), 'name'))?.toLowerCase() === 'bicep') doc.facts.compiledFromBicep = true;
  try {
    if (language === 'arm-parameters') {
      const reader = new TemplateReader(doc, root, parsed);
      const none: ArmScope = {
        uri,
        parameter: (n, r) => unknown(r, `parameter ${n}`),
        variable: (n, r) => unknown(r, `variable ${n}`),
        symbol: () => undefined,
      };
      const parameters = prop(root, 'parameters');
      for (const p of props(parameters)) doc.symbols.push({ kind: 'param', name: p.key, range: nodeRange(p.keyNode) });
      const values = reader.parameterValues(parameters, none);
      const paired = options.templates ?? [];
      const targets = [...new Set([...paired, ...parametersFileTargets(uri)])];
      // Files the configuration pairs are often named after their environment (`prod/hp.json`): their folder says which.
      const label = paired.length ? uri.split('/').slice(-2).join('/') : parametersFileLabel(uri);
      doc.facts.inputs = [{ uri, targets, label: `parameters file ${label}`, values }];
      return doc;
    }
    const provided = new Map<string, () => Value>();
    new TemplateReader(doc, root, parsed).read({
      path: '',
      deploymentScope: deploymentScopeOfSchema(stringOf(prop(root, '$schema'))),
      // A linked template deployed by one caller to a resource group it names deploys there.
      resourceGroup:
        (options.inputs?.length === 1 ? options.inputs[0].resourceGroup : undefined) ??
        unknown({ start: 0, end: 0 }, 'the deployment resource group', `deployment-rg:${uri}`),
      subscription: options.inputs?.length === 1 ? options.inputs[0].subscription : undefined,
      provided,
      inputs: options.inputs,
      conditional: calledConditionally(options.inputs ?? []) || undefined,
    });
  } catch (e) {
    // A bug in the reader must not cost the user the file: report it as a syntax-level problem and keep what was read.
    doc.syntaxErrors.push({ message: `avdsec could not read this template: ${(e as Error).message}`, range: { start: 0, end: 0 } });
  }
  return doc;
}

/** Line and block comments that start with `avdsec-disable-`, outside strings (each search moves forward: linear in the text). */
function findSuppressions(doc: Document, root: JsonNode | undefined): Suppression[] {
  const out: Suppression[] = [];
  const { text } = doc;
  let lines: LineIndex | undefined;
  for (let at = text.indexOf('avdsec-disable-'); at >= 0; at = text.indexOf('avdsec-disable-', at + 1)) {
    let open = at;
    while (open > 0 && (text[open - 1] === ' ' || text[open - 1] === '\t')) open--;
    if (open < 2) continue;
    const marker = text.slice(open - 2, open);
    if ((marker !== '//' && marker !== '/*') || insideString(root, open - 2)) continue;
    lines ??= lineIndexOf(doc);
    const line = lines.position(at).line;
    let end = lines.lineEnd(line);
    while (end > at && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    if (marker === '/*') {
      const close = text.indexOf('*/', at);
      if (close >= 0 && close < end) end = close + 2;
    }
    const s = parseSuppression(lines, text.slice(open - 2, end), open - 2);
    if (s) out.push(s);
    at = end - 1;
  }
  return out;
}

/** A template's user-defined functions by lower-case `namespace.member`: their parameters' lower-case names, in order, and their output's value. */
type UserFunctions = Map<string, { parameters: string[]; output?: JsonNode }>;

function userFunctions(template: JsonNode): UserFunctions | undefined {
  const list = prop(template, 'functions');
  if (list?.type !== 'array' || !list.children?.length) return undefined;
  const out: UserFunctions = new Map();
  for (const ns of list.children) {
    const namespace = stringOf(prop(ns, 'namespace'));
    if (!namespace) continue;
    for (const m of props(prop(ns, 'members'))) {
      const params = prop(m.value, 'parameters');
      const parameters = (params?.type === 'array' ? (params.children ?? []) : []).map((p) => stringOf(prop(p, 'name'))?.toLowerCase() ?? '');
      out.set(`${namespace}.${m.key}`.toLowerCase(), { parameters, output: prop(prop(m.value, 'output'), 'value') });
    }
  }
  return out;
}

class TemplateReader {
  /** User-defined function calls left to this read (MAX_FUNCTION_CALLS). */
  private functionCalls = MAX_FUNCTION_CALLS;

  constructor(
    private readonly doc: Document,
    private readonly root: JsonNode,
    private readonly parsed: ParsedJson,
  ) {}

  read(ctx: TemplateContext, template: JsonNode = this.root): ArmScope {
    const scope = this.scopeFor(template, ctx);
    const resources = prop(template, 'resources');
    if (resources?.type === 'array') {
      resources.children?.forEach((r, i) => this.resource(r, String(i), ctx, scope));
    } else if (resources?.type === 'object') {
      // languageVersion 2.0: resources is an object keyed by symbolic name.
      for (const p of props(resources)) this.resource(p.value, p.key, ctx, scope);
    }
    return scope;
  }

  private scopeFor(template: JsonNode, ctx: TemplateContext): ArmScope {
    const uri = this.doc.uri;
    const isRoot = template === this.root;
    const paramDecls = new Map(props(prop(template, 'parameters')).map((p) => [p.key.toLowerCase(), p]));
    const varDecls = new Map(props(prop(template, 'variables')).map((p) => [p.key.toLowerCase(), p]));
    const symbols = new Map<string, string>();
    const res = prop(template, 'resources');
    if (res?.type === 'object') for (const p of props(res)) symbols.set(p.key.toLowerCase(), this.key(ctx.path, p.key));
    const paramCache = new Map<string, Value>();
    const varCache = new Map<string, Value | 'pending'>();
    const prefix = `${uri}#${ctx.path}`;
    const functions = ctx.outer ? undefined : userFunctions(template);
    if (isRoot) {
      for (const p of paramDecls.values()) {
        const def = prop(p.value, 'defaultValue');
        this.doc.symbols.push({
          kind: 'param',
          name: p.key,
          range: nodeRange(p.keyNode),
          ...(isSecureType(prop(p.value, 'type')) ? { secure: true } : {}),
          ...(def ? { default: nodeRange(def) } : {}),
        });
      }
      for (const p of varDecls.values()) this.doc.symbols.push({ kind: 'var', name: p.key, range: nodeRange(p.keyNode) });
      for (const p of props(prop(template, 'outputs')))
        this.doc.symbols.push({ kind: 'output', name: p.key, range: nodeRange(p.keyNode), ...(isSecureType(prop(p.value, 'type')) ? { secure: true } : {}) });
    }
    const self: ArmScope = {
      uri,
      parameter: (name, range) => {
        if (ctx.outer) return ctx.outer.parameter(name, range);
        const lower = name.toLowerCase();
        let v = paramCache.get(lower);
        if (!v) {
          v = this.parameterValue(name, paramDecls.get(lower)?.value, ctx, self, prefix);
          paramCache.set(lower, v);
        }
        return relocate(v, range);
      },
      variable: (name, range) => {
        if (ctx.outer) return ctx.outer.variable(name, range);
        const lower = name.toLowerCase();
        const cached = varCache.get(lower);
        if (cached === 'pending') return unknown(range, `variables('${name}')`);
        if (cached) return relocate(cached, range);
        const decl = varDecls.get(lower);
        if (!decl) return unknown(range, `variables('${name}')`);
        varCache.set(lower, 'pending');
        const v = { ...this.value(decl.value, self), origin: { uri, range: nodeRange(decl.value) } } as Value;
        varCache.set(lower, v);
        return relocate(v, range);
      },
      symbol: (name) => symbols.get(name.toLowerCase()) ?? ctx.outer?.symbol(name),
      userFunction: (name, args, range) => (functions ? this.callUserFunction(functions, name, args, range, 0) : ctx.outer?.userFunction?.(name, args, range)),
    };
    // The template's own outputs, as Bicep's and Terraform's: a caller reads them, a rule judges what they expose.
    if (isRoot)
      for (const p of props(prop(template, 'outputs'))) {
        const v = prop(p.value, 'value');
        (this.doc.facts.outputs ??= new Map()).set(
          p.key.toLowerCase(),
          new LazyEntry(p.key, nodeRange(p.keyNode), () => (v ? this.lazyValue(v, self) : unknown(nodeRange(p.value)))),
        );
      }
    return self;
  }

  /**
   * A user-defined function's output, with its parameters bound to the arguments. As in ARM, the output sees the
   * function's parameters and the template's other functions, not the template's parameters, variables or resources.
   */
  private callUserFunction(functions: UserFunctions, name: string, args: Value[], range: Range, depth: number): Value | undefined {
    const f = functions.get(name.toLowerCase());
    if (!f) return undefined;
    if (!f.output || depth >= MAX_FUNCTION_DEPTH || this.functionCalls <= 0) return unknown(range, `${name}(…)`);
    this.functionCalls--;
    const inside: ArmScope = {
      uri: this.doc.uri,
      parameter: (p, r) => {
        const i = f.parameters.indexOf(p.toLowerCase());
        return i >= 0 && i < args.length ? relocate(args[i], r) : unknown(r, `parameters('${p}')`);
      },
      variable: (v, r) => unknown(r, `variables('${v}')`),
      symbol: () => undefined,
      userFunction: (n, a, r) => this.callUserFunction(functions, n, a, r, depth + 1),
    };
    return relocate(this.lazyValue(f.output, inside), range);
  }

  private parameterValue(name: string, decl: JsonNode | undefined, ctx: TemplateContext, scope: ArmScope, prefix: string): Value {
    const provided = ctx.provided.get(name) ?? [...ctx.provided].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (provided) return provided();
    if (ctx.inputs?.length) {
      const fromInputs = combineInputs(name, ctx.inputs, () => this.ownParameter(name, decl, scope, prefix));
      if (fromInputs) return fromInputs;
    }
    return this.ownParameter(name, decl, scope, prefix);
  }

  /** A parameter's value from the template alone: its default, its allowed values, or unknown. */
  private ownParameter(name: string, decl: JsonNode | undefined, scope: ArmScope, prefix: string): Value {
    const at: Range = decl ? nodeRange(decl) : { start: 0, end: 0 };
    const key = `param:${prefix}:${name.toLowerCase()}`;
    if (!decl) return unknown(at, `parameter ${name}`, key);
    const def = prop(decl, 'defaultValue');
    if (def) return { ...passThroughDefault(this.value(def, scope)), origin: { uri: this.doc.uri, range: nodeRange(def) } } as Value;
    const allowed = prop(decl, 'allowedValues');
    const items = allowed ? arrayItems(this.value(allowed, scope)) : undefined;
    if (items && items.length > 0) {
      return allowedValues(name, items, at);
    }
    return unknown(at, `parameter ${name}`, key);
  }

  private key(path: string, symbol: string): string {
    return `${this.doc.uri}#${path ? path + '/' : ''}${symbol}`;
  }

  /** A property's value, read when first asked for (see LazyEntry): never from a tree a later edit moved. */
  lazyValue(n: JsonNode, scope: ArmScope): Value {
    return this.parsed.stale ? unknown(nodeRange(n)) : this.value(n, scope);
  }

  /** Converts a JSON node to a value, evaluating ARM expressions. */
  value(n: JsonNode, scope: ArmScope): Value {
    const range = nodeRange(n);
    switch (n.type) {
      case 'string': {
        const s = typeof n.value === 'string' ? n.value : '';
        // Any escape makes the source longer than the value: same length (plus the quotes) means none.
        if (s.length === n.length - 2) {
          if (isArmExpression(s)) return evaluateArmExpression(s, n.offset + 1, scope, range);
          const skip = s.startsWith('[[') ? 1 : 0;
          return {
            kind: 'string',
            parts: [{ kind: 'text', text: s.slice(skip), source: { uri: this.doc.uri, start: n.offset + 1 + skip, end: n.offset + n.length - 1 } }],
            range,
          };
        }
        const decoded = decodeJsonString(this.doc.text, n.offset, n.offset + n.length);
        if (isArmExpression(decoded.value)) return evaluateArmExpression(decoded.value, decoded.offsets, scope, range);
        const skip = decoded.value.startsWith('[[') ? 1 : 0;
        const offsets = decoded.offsets.slice(skip);
        return {
          kind: 'string',
          parts: [
            { kind: 'text', text: decoded.value.slice(skip), source: { uri: this.doc.uri, start: offsets[0], end: offsets[offsets.length - 1], offsets } },
          ],
          range,
        };
      }
      case 'number':
        return { kind: 'number', value: Number(n.value), range };
      case 'boolean':
        return { kind: 'boolean', value: !!n.value, range };
      case 'null':
        return { kind: 'null', range };
      case 'array':
        return { kind: 'array', items: (n.children ?? []).map((c) => this.value(c, scope)), range };
      case 'object': {
        const entries: ObjectEntry[] = props(n).map((p) => new LazyEntry(p.key, nodeRange(p.keyNode), () => this.lazyValue(p.value, scope)));
        return { kind: 'object', entries, range };
      }
      default:
        return unknown(range);
    }
  }

  private resource(n: JsonNode, symbol: string, ctx: TemplateContext, scope: ArmScope, parent?: { key: string; type: string }): void {
    if (n.type !== 'object') return;
    const typeNode = prop(n, 'type');
    let type = stringOf(typeNode);
    if (!type) return;
    // A nested child may write its type relative to the parent ('extensions', 'providers/diagnosticSettings').
    if (parent && !type.split('/')[0].includes('.')) type = `${parent.type}/${type}`;
    const key = this.key(ctx.path, symbol);
    const apiVersion = stringOf(prop(n, 'apiVersion'));
    const conditionNode = prop(n, 'condition');
    // `"condition": true` is no condition.
    const condition = conditionNode && !(conditionNode.type === 'boolean' && conditionNode.value === true) ? conditionNode : undefined;
    const headRange = nodeRange(typeNode ?? n);
    const legacy = legacyExtension(type);
    // Assigned, not spread: each spread of a conditional object made a throwaway object, for thousands of resources.
    const source: ResourceSource = {
      uri: this.doc.uri,
      language: this.doc.language,
      range: nodeRange(n),
      headRange,
      symbol,
      conditional: !!condition || !!ctx.conditional,
      loop: !!prop(n, 'copy'),
      existing: prop(n, 'existing')?.value === true,
      scopePath: ctx.path || undefined,
      deploymentScope: ctx.deploymentScope,
      resourceGroup: ctx.resourceGroup,
    };
    if (condition) source.condition = this.value(condition, scope);
    if (this.doc.facts.compiledFromBicep) source.compiled = true;
    if (ctx.subscription) source.subscription = ctx.subscription;
    // Bodies are read on first use: a large compiled template holds many resources that no rule looks at.
    const resource = new ArmResource(key, legacy?.type ?? type, apiVersion, source, () => {
      // A later edit moved the tree's nodes (patchJson): this document is an old version, and its text no longer
      // matches the tree. Only the workspace's comparison of versions can still ask; an empty body makes it re-link.
      if (this.parsed.stale) return undefined;
      const body = this.body(n, scope);
      if (parent && !legacy) body.entries.push({ key: 'parent', keyRange: headRange, value: { kind: 'ref', target: parent.key, path: [], range: headRange } });
      if (legacy && parent) body.entries.push({ key: 'scope', keyRange: headRange, value: { kind: 'ref', target: parent.key, path: [], range: headRange } });
      else if (legacy) addLegacyScope(body, legacy.parentType);
      return body;
    });
    this.doc.resources.push(resource);
    this.metadataSuppression(n);
    if (ctx.path === '') this.doc.symbols.push({ kind: 'resource', name: symbol, range: headRange });

    const children = prop(n, 'resources');
    if (children?.type === 'array') {
      children.children?.forEach((c, i) => this.resource(c, `${symbol}/${i}`, ctx, scope, { key, type }));
    } else if (children?.type === 'object') {
      for (const p of props(children)) this.resource(p.value, p.key, ctx, scope, { key, type });
    }
    if (/^microsoft\.resources\/deployments$/i.test(type)) this.nestedDeployment(n, symbol, ctx, scope);
  }

  /**
   * A deployment of a template the workspace may hold (`templateLink.relativePath`, or a `uri` whose path ends like one
   * of its templates): its parameters go to that template as a module call's do, once per case of the link.
   */
  private linkedTemplate(n: JsonNode, properties: JsonNode | undefined, outerScope: ArmScope, caller: TemplateContext, conditional: boolean): void {
    const link = prop(properties, 'templateLink');
    const target = prop(link, 'relativePath') ?? prop(link, 'uri');
    if (!target) return;
    const values = this.parameterValues(prop(properties, 'parameters'), outerScope);
    const rgNode = prop(n, 'resourceGroup');
    // Without a resourceGroup of its own, it deploys to the caller's.
    const resourceGroup = rgNode ? this.value(rgNode, outerScope) : caller.resourceGroup;
    const subNode = prop(n, 'subscriptionId');
    const subscription = subNode ? this.value(subNode, outerScope) : caller.subscription;
    const name = knownString(this.value(prop(n, 'name') ?? n, outerScope));
    for (const c of cases(this.value(target, outerScope))) {
      const path = knownString(c.value);
      if (!path) continue;
      const targets = linkedTemplateTargets(this.doc.uri, path);
      if (!targets.length) continue;
      (this.doc.facts.inputs ??= []).push({
        uri: this.doc.uri,
        targets,
        label: `linked template deployment${name ? ` '${name}'` : ''} in ${baseName(this.doc.uri)}${c.when ? ` (${c.when})` : ''}`,
        values,
        ...(resourceGroup ? { resourceGroup } : {}),
        ...(subscription ? { subscription } : {}),
        at: nodeRange(target),
        ...(conditional ? { conditional: true } : {}),
      });
    }
  }

  /** The values of a parameters object (`{"name": {"value": ...}}`, a parameters file's or a deployment's). */
  parameterValues(parameters: JsonNode | undefined, scope: ArmScope): Map<string, Value> {
    const values = new Map<string, Value>();
    for (const p of props(parameters)) {
      const v = prop(p.value, 'value');
      values.set(
        p.key,
        v ? this.value(v, scope) : (this.keyVaultReference(p.value, scope) ?? unknown(nodeRange(p.value), `parameter ${p.key} (from Key Vault)`)),
      );
    }
    return values;
  }

  /**
   * A parameter given as a Key Vault `reference` (`{"keyVault": {"id": ...}, "secretName": "x"}`, what Bicep's
   * `kv.getSecret('x')` compiles to): the secret is read at deployment, so its value is unknown here, but the graph can
   * follow which secret it is (a host pool's registration token written to the vault).
   */
  private keyVaultReference(n: JsonNode, scope: ArmScope): Value | undefined {
    const reference = prop(n, 'reference');
    const id = prop(prop(reference, 'keyVault'), 'id');
    const secret = stringOf(prop(reference, 'secretName'));
    if (!id || secret === undefined) return undefined;
    return { kind: 'ref', targetId: this.value(id, scope), path: ['getSecret', secret], range: nodeRange(n) };
  }

  /** ARM has no comments in every tool, so a resource can also say `"metadata": {"avdsec": {"suppress": [...], "reason": "..."}}`. */
  private metadataSuppression(n: JsonNode): void {
    const avdsec = prop(prop(n, 'metadata'), 'avdsec');
    const list = prop(avdsec, 'suppress');
    if (!avdsec || !list || list.type !== 'array') return;
    const items = (list.children ?? []).filter((c) => c.type === 'string');
    this.doc.suppressions.push({
      scope: 'resource',
      line: 0,
      within: nodeRange(n),
      ruleIds: items.map((c) => String(c.value)),
      idRanges: items.map(nodeRange),
      range: nodeRange(prop(n, 'metadata')!),
      reason: stringOf(prop(avdsec, 'reason')),
    });
  }

  private body(n: JsonNode, scope: ArmScope): ObjectValue {
    const entries: ObjectEntry[] = [];
    for (const p of props(n)) {
      if (DECLARATION_KEYS.has(p.key.toLowerCase())) continue;
      entries.push(new LazyEntry(p.key, nodeRange(p.keyNode), () => this.lazyValue(p.value, scope)));
    }
    return { kind: 'object', entries, range: nodeRange(n) };
  }

  private nestedDeployment(n: JsonNode, symbol: string, ctx: TemplateContext, outerScope: ArmScope): void {
    const properties = prop(n, 'properties');
    const template = prop(properties, 'template');
    const key = this.key(ctx.path, symbol);
    // What it passes and declares, whether or not it deploys (a linked template, or one written as an expression,
    // declares nothing here).
    const declarations = template?.type === 'object' ? nestedDeclarations(properties, template) : { passed: [], parameters: new Map(), outputs: [] };
    if (declarations) (this.doc.facts.nestedDeclarations ??= new Map()).set(key, declarations);
    // A deployment whose condition is false under the known values deploys nothing.
    const condition = prop(n, 'condition');
    const known = condition ? knownBoolean(this.value(condition, outerScope)) : true;
    if (known === false) return;
    const conditional = known === undefined || !!ctx.conditional;
    if (!template) this.linkedTemplate(n, properties, outerScope, ctx, conditional);
    if (!template || template.type !== 'object') return;
    const inner = stringOf(prop(prop(properties, 'expressionEvaluationOptions'), 'scope'))?.toLowerCase() === 'inner';
    const provided = new Map<string, () => Value>();
    if (inner) {
      const values = new Map<string, () => Value>();
      for (const p of props(prop(properties, 'parameters'))) {
        const valueNode = prop(p.value, 'value');
        let cached: Value | undefined;
        if (valueNode) {
          const passed = () => (cached ??= this.value(valueNode, outerScope));
          provided.set(p.key, passed);
          values.set(p.key, passed);
        } else if (prop(p.value, 'reference'))
          provided.set(p.key, () => (cached ??= this.keyVaultReference(p.value, outerScope) ?? unknown(nodeRange(p.value))));
      }
      (this.doc.facts.nestedParameterValues ??= new Map()).set(key, values);
    }
    const rgNode = prop(n, 'resourceGroup');
    const subNode = prop(n, 'subscriptionId');
    const schemaScope = deploymentScopeOfSchema(stringOf(prop(template, '$schema')));
    let resourceGroup = ctx.resourceGroup;
    if (rgNode) resourceGroup = this.value(rgNode, outerScope);
    else if (subNode || schemaScope !== 'resourceGroup')
      resourceGroup = unknown(nodeRange(n), 'a resource group of the nested deployment', `deployment-rg:${this.key(ctx.path, symbol)}`);
    const scope = this.read(
      {
        path: `${ctx.path ? ctx.path + '/' : ''}${symbol}`,
        deploymentScope: rgNode ? 'resourceGroup' : schemaScope,
        resourceGroup,
        subscription: subNode ? this.value(subNode, outerScope) : ctx.subscription,
        provided,
        outer: inner ? undefined : outerScope,
        conditional: conditional || undefined,
      },
      template,
    );
    // Its outputs, read when the graph follows `reference(<this deployment>).outputs.x.value` (graph/outputs.ts).
    const outputs = prop(template, 'outputs');
    if (outputs?.type === 'object') {
      const entries = props(outputs).map(
        (p) =>
          new LazyEntry(p.key, nodeRange(p.keyNode), () => {
            const v = prop(p.value, 'value');
            return v ? this.value(v, scope) : unknown(nodeRange(p.value));
          }),
      );
      (this.doc.facts.deploymentOutputs ??= new Map()).set(this.key(ctx.path, symbol), { kind: 'object', entries, range: nodeRange(outputs) });
    }
  }
}

export type { DocumentSymbolInfo };

/** `securestring` and `secureObject`: values ARM keeps out of the deployment's history. */
function isSecureType(type: JsonNode | undefined): boolean {
  const t = stringOf(type)?.toLowerCase();
  return t === 'securestring' || t === 'secureobject';
}

/**
 * Whether an edit inside the string at the end of `path` (root to string, as patchJson walks it) leaves how the template
 * links to the rest unchanged: the string is a value under a resource's `properties`, in a property the graph does not
 * read (an RDP string, a description, a VM size), in the template or in a nested deployment's template. Anything else
 * (names, types, scopes, tags, parameters, variables, outputs, property names, a nested deployment's parameters) may
 * change links. Conservative: false when unsure.
 */
export function linkNeutralEdit(path: readonly JsonNode[]): boolean {
  let i = 0;
  const key = (n: JsonNode | undefined) =>
    n?.type === 'property' && typeof n.children?.[0]?.value === 'string' ? (n.children[0].value as string).toLowerCase() : undefined;
  // Each step: a template object, its `resources` property, the collection, then one resource (by index or symbolic name).
  for (;;) {
    if (path[i]?.type !== 'object' || key(path[i + 1]) !== 'resources') return false;
    const collection = path[i + 2];
    let resource: JsonNode | undefined;
    if (collection?.type === 'array') {
      resource = path[i + 3];
      i += 3;
    } else if (collection?.type === 'object' && path[i + 3]?.type === 'property') {
      resource = path[i + 4];
      i += 4;
    } else return false;
    if (resource?.type !== 'object' || key(path[i + 1]) !== 'properties' || path[i + 2]?.type !== 'object') return false;
    const type = stringOf(prop(resource, 'type'))?.toLowerCase() ?? '';
    const property = path[i + 3];
    const name = key(property);
    // The edited string must be the property's value or inside it, never a property name.
    if (!name || property!.children?.[0] === path[i + 4]) return false;
    // A nested deployment: its template is read like the root one; its parameters, scope and the rest decide values.
    if (type === 'microsoft.resources/deployments') {
      if (name !== 'template') return false;
      i += 4;
      continue;
    }
    return !linksProperty(type, name) && !path.slice(i + 4).some((n, k, rest) => n.type === 'property' && n.children?.[0] === rest[k + 1]);
  }
}

/**
 * What a nested deployment passes and its template declares, from the JSON alone (DocumentFacts.nestedDeclarations);
 * undefined when a type is written as an expression, which only evaluating it can read.
 */
function nestedDeclarations(properties: JsonNode | undefined, template: JsonNode): NestedDeclarations | undefined {
  let computed = false;
  const typeOf = (declaration: JsonNode): string | undefined => {
    const type = stringOf(prop(declaration, 'type'));
    if (type?.startsWith('[')) computed = true;
    return type;
  };
  const parameters = new Map<string, { type?: string; keyRange: Range }>();
  for (const p of props(prop(template, 'parameters'))) parameters.set(p.key.toLowerCase(), { type: typeOf(p.value), keyRange: nodeRange(p.keyNode) });
  const outputs = props(prop(template, 'outputs')).map((p) => ({ name: p.key, type: typeOf(p.value), keyRange: nodeRange(p.keyNode) }));
  if (computed) return undefined;
  return { passed: props(prop(properties, 'parameters')).map((p) => p.key), parameters, outputs };
}

/**
 * A resource whose body is made on first read. A class, so that every resource has one shape: a getter defined on each
 * object (`Object.defineProperty`) made V8 keep its properties in a dictionary, and every read of `type` or `key` by
 * the graph and the rules a lookup.
 */
class ArmResource implements Resource {
  private made: ObjectValue | undefined;

  constructor(
    readonly key: string,
    readonly type: string,
    readonly apiVersion: string | undefined,
    readonly source: ResourceSource,
    /** Undefined when the tree has moved on (an old version): its body is then empty, and not kept. */
    private readonly make: () => ObjectValue | undefined,
  ) {}

  get body(): ObjectValue {
    if (!this.made) {
      const made = this.make();
      if (!made) return { kind: 'object', entries: [], range: this.source.headRange };
      this.made = made;
    }
    return this.made;
  }
}
