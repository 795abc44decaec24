import { pushAll } from '../../arrays';
import { bicepLinkNeutralEdit } from './link-neutral';
import type { DeploymentScope, Document, Language, ObjectEntry, ObjectValue, Range, Resource, Suppression, TemplateInput, Value } from '../../model';
import { calledConditionally, combineInputs, passThroughDefault } from '../../resolve/inputs';
import { baseName, resolveRelative } from '../../resolve/paths';
import { addLegacyScope, legacyExtension } from '../extension-resources';
import { lineIndexOf } from '../../positions';
import { parseSuppression } from '../../suppressions';
import { allowedValues, knownBoolean, LazyEntry, unknown } from '../../values';
import { BicepEvaluator, type BicepScope } from './evaluate';
import { parseBicep } from './parser';
import type {
  Decorator,
  Expression,
  ModuleDeclaration,
  ObjectExpression,
  ParamDeclaration,
  Program,
  ResourceDeclaration,
  Statement,
  TypedLambdaExpression,
  VarDeclaration,
} from './syntax';

export interface BicepOptions {
  /** Parameter values other documents pass to this file (module calls, parameter files). */
  inputs?: readonly TemplateInput[];
  /** The range of the new text an edit typed (a plain edit, see plainBicepEdit): `facts.linkNeutral` says whether links may have changed. */
  edited?: { start: number; end: number };
  /** The tree of `text`, when the caller has it (parsed before, or patched after an edit: see patchBicep). */
  program?: Program;
}

function scopeOfTarget(v: string | undefined): DeploymentScope {
  switch (v?.toLowerCase()) {
    case 'subscription':
      return 'subscription';
    case 'managementgroup':
      return 'managementGroup';
    case 'tenant':
      return 'tenant';
    default:
      return 'resourceGroup';
  }
}

const range = (n: { start: number; end: number }): Range => ({ start: n.start, end: n.end });

/** The tree of a Bicep file; undefined when the parser gave up (adaptBicep then says so). */
export function parseBicepFile(text: string): Program | undefined {
  try {
    return parseBicep(text);
  } catch {
    return undefined;
  }
}

/** Turns a Bicep file into the model. Never throws. */
export function adaptBicep(uri: string, text: string, version: number, language: Language, options: BicepOptions = {}): Document {
  let program: Program;
  const doc: Document = { uri, language, text, version, resources: [], syntaxErrors: [], suppressions: [], facts: {}, symbols: [] };
  try {
    program = options.program ?? parseBicep(text, { params: language === 'bicepparam' });
  } catch (e) {
    doc.syntaxErrors.push({ message: `avdsec could not parse this file: ${(e as Error).message}`, range: { start: 0, end: 0 } });
    return doc;
  }
  doc.syntaxErrors = program.errors.map((e) => ({ message: e.message, range: range(e) }));
  doc.suppressions = suppressions(program, doc);
  if (options.edited && !program.errors.length && bicepLinkNeutralEdit(program, options.edited.start, options.edited.end)) doc.facts.linkNeutral = true;
  try {
    new BicepReader(doc, program, options).read();
  } catch (e) {
    doc.syntaxErrors.push({ message: `avdsec could not read this file: ${(e as Error).message}`, range: { start: 0, end: 0 } });
  }
  return doc;
}

function suppressions(program: Program, doc: Document): Suppression[] {
  const out: Suppression[] = [];
  for (const c of program.comments) {
    if (!c.text.includes('avdsec-disable-')) continue;
    const s = parseSuppression(lineIndexOf(doc), c.text, c.start);
    if (s) out.push(s);
  }
  return out;
}

/** The name of a decorator (`description`, `sys.description` → `description`). */
export function decoratorName(d: Decorator): string | undefined {
  const e = d.expression;
  if (e.kind === 'call') return e.name.name;
  if (e.kind === 'variableAccess') return e.name;
  return undefined;
}

class BicepReader {
  private readonly params = new Map<string, ParamDeclaration>();
  private readonly vars = new Map<string, VarDeclaration>();
  private readonly resources = new Map<string, ResourceDeclaration>();
  private readonly funcs = new Map<string, TypedLambdaExpression>();
  private readonly modules = new Map<string, ModuleDeclaration>();
  private readonly paramCache = new Map<string, Value>();
  private readonly varCache = new Map<string, Value | 'pending'>();
  private readonly evaluator: BicepEvaluator;
  private deploymentScope: DeploymentScope = 'resourceGroup';
  private readonly resourceGroup: Value;
  private readonly subscription: Value | undefined;
  /** Every module call of this file deploys it under a condition: so are its resources and the modules it calls. */
  private readonly conditional: boolean;

  constructor(
    private readonly doc: Document,
    private readonly program: Program,
    private readonly options: BicepOptions,
  ) {
    const inputs = options.inputs ?? [];
    const given = inputs.length === 1 ? inputs[0].resourceGroup : undefined;
    this.resourceGroup = given ?? unknown({ start: 0, end: 0 }, 'the deployment resource group', `deployment-rg:${doc.uri}`);
    this.subscription = inputs.length === 1 ? inputs[0].subscription : undefined;
    this.conditional = calledConditionally(inputs);
    const scope: BicepScope = {
      uri: doc.uri,
      text: doc.text,
      stale: () => program.stale === true,
      parameter: (name, r) => this.parameter(name, r),
      variable: (name, r) => this.variable(name, r),
      resourceKey: (name) => (this.resources.has(name) ? this.key(name) : undefined),
      resourceName: (name, r) => this.resourceNameValue(name, r),
      isModule: (name) => this.modules.has(name),
      func: (name) => this.funcs.get(name),
    };
    this.evaluator = new BicepEvaluator(scope);
  }

  private key(symbol: string): string {
    return `${this.doc.uri}#${symbol}`;
  }

  read(): void {
    for (const s of this.program.statements) this.declare(s);
    for (const s of this.program.statements) {
      if (s.kind === 'targetScope') {
        const v = this.evaluator.evaluate(s.value);
        this.deploymentScope = scopeOfTarget(v.kind === 'string' && v.parts.length === 1 && v.parts[0].kind === 'text' ? v.parts[0].text : undefined);
      }
    }
    for (const s of this.program.statements) {
      if (s.kind === 'resource') this.resource(s);
      else if (s.kind === 'module') this.moduleCall(s);
      else if (s.kind === 'using') this.using(s);
      else if (s.kind === 'output' && s.name.name) {
        const value = s.value;
        (this.doc.facts.outputs ??= new Map()).set(s.name.name.toLowerCase(), new LazyEntry(s.name.name, range(s.name), () => this.evaluator.evaluate(value)));
      }
    }
  }

  private addInput(input: TemplateInput): void {
    (this.doc.facts.inputs ??= []).push(input);
  }

  /** A module call passes its `params` to the module file, and deploys it to its `scope` (else this deployment's resource group). */
  private moduleCall(s: ModuleDeclaration): void {
    if (s.path.kind !== 'string' || s.path.value === undefined) return;
    // A module whose condition is false under the known values is not deployed from here: it passes nothing.
    const guarded = s.value.kind === 'for' ? s.value.body : s.value;
    const cond = guarded.kind === 'if' ? guarded.condition : undefined;
    const known = cond ? knownBoolean(this.evaluator.evaluate(cond)) : true;
    if (known === false) return;
    const target = resolveRelative(this.doc.uri, s.path.value);
    const body = bodyObject(s.value);
    if (!target) (this.doc.facts.unresolvedModules ??= []).push({ reference: s.path.value, range: range(s.path) });
    if (!target || !body) return;
    const prop = (key: string) => body.properties.find((p) => p.kind === 'property' && p.keyText === key);
    const values = new Map<string, Value>();
    const params = prop('params');
    if (params?.kind === 'property') {
      const v = this.evaluator.evaluate(params.value);
      if (v.kind === 'object') for (const e of v.entries) values.set(e.key, e.value);
    }
    let resourceGroup: Value = this.resourceGroup;
    let subscription = this.subscription;
    const scope = prop('scope');
    if (scope?.kind === 'property') {
      const e = scope.value;
      const fn = e.kind === 'call' ? e.name.name.toLowerCase() : undefined;
      if (e.kind === 'call' && fn === 'resourcegroup' && e.args.length) resourceGroup = this.evaluator.evaluate(e.args[e.args.length - 1]);
      else resourceGroup = unknown(range(e), 'the module scope');
      // `subscription(id)` and `resourceGroup(id, name)` deploy to the subscription they name.
      if (e.kind === 'call' && ((fn === 'subscription' && e.args.length === 1) || (fn === 'resourcegroup' && e.args.length === 2)))
        subscription = this.evaluator.evaluate(e.args[0]);
    }
    this.addInput({
      uri: this.doc.uri,
      targets: [target],
      label: `module '${s.name.name}' in ${baseName(this.doc.uri)}`,
      values,
      resourceGroup,
      ...(subscription ? { subscription } : {}),
      at: range(s.path),
      module: s.name.name,
      ...(known === undefined || this.conditional ? { conditional: true } : {}),
    });
  }

  /** A parameters file gives values to the template it names with `using`. */
  private using(s: Extract<Statement, { kind: 'using' }>): void {
    if (!s.path || s.path.kind !== 'string' || s.path.value === undefined) return;
    const target = resolveRelative(this.doc.uri, s.path.value);
    if (!target) return;
    const values = new Map<string, Value>();
    for (const st of this.program.statements) {
      if (st.kind === 'paramAssignment' && st.name.name) values.set(st.name.name, this.evaluator.evaluate(st.value));
    }
    this.addInput({ uri: this.doc.uri, targets: [target], label: `parameters file ${baseName(this.doc.uri)}`, values });
  }

  private declare(s: Statement): void {
    const sym = this.doc.symbols;
    switch (s.kind) {
      case 'param':
      case 'paramAssignment':
        if (s.name.name) {
          if (s.kind === 'param') {
            this.params.set(s.name.name, s);
            sym.push({
              kind: 'param',
              name: s.name.name,
              range: range(s.name),
              ...(s.decorators.some((d) => decoratorName(d) === 'secure') ? { secure: true } : {}),
              ...(s.value ? { default: range(s.value) } : {}),
            });
          } else sym.push({ kind: 'param', name: s.name.name, range: range(s.name) });
        }
        return;
      case 'var':
        if (s.name.name) {
          this.vars.set(s.name.name, s);
          sym.push({ kind: 'var', name: s.name.name, range: range(s.name) });
        }
        return;
      case 'resource':
        if (s.name.name) {
          this.resources.set(s.name.name, s);
          sym.push({ kind: 'resource', name: s.name.name, range: range(s.name) });
        }
        return;
      case 'module':
        if (s.name.name) {
          this.modules.set(s.name.name, s);
          sym.push({ kind: 'module', name: s.name.name, range: range(s.name) });
        }
        return;
      case 'func':
        if (s.name.name && s.lambda.kind === 'typedLambda') this.funcs.set(s.name.name, s.lambda);
        return;
      case 'output':
        if (s.name.name)
          sym.push({
            kind: 'output',
            name: s.name.name,
            range: range(s.name),
            ...(s.decorators.some((d) => decoratorName(d) === 'secure') ? { secure: true } : {}),
          });
        return;
      default:
        return;
    }
  }

  private parameter(name: string, at: Range): Value {
    let v = this.paramCache.get(name);
    if (!v) {
      v = this.computeParameter(name, at);
      this.paramCache.set(name, v);
    }
    return v.range === at ? v : ({ ...v, range: at, origin: v.origin } as Value);
  }

  private computeParameter(name: string, at: Range): Value {
    return combineInputs(name, this.options.inputs ?? [], () => this.ownParameter(name, at)) ?? this.ownParameter(name, at);
  }

  /** The parameter's value from this file alone: its default, its @allowed list, or unknown. */
  private ownParameter(name: string, at: Range): Value {
    const decl = this.params.get(name);
    const key = `param:${this.doc.uri}#:${name.toLowerCase()}`;
    if (!decl) return unknown(at, `parameter ${name}`, key);
    if (decl.value) {
      const v = passThroughDefault(this.evaluator.evaluate(decl.value));
      return { ...v, origin: { uri: this.doc.uri, range: range(decl.value) } } as Value;
    }
    const allowed = decl.decorators.find((d) => decoratorName(d) === 'allowed');
    if (allowed && allowed.expression.kind === 'call' && allowed.expression.args[0]) {
      const list = this.evaluator.evaluate(allowed.expression.args[0]);
      if (list.kind === 'array' && !list.open && list.items.length) {
        return allowedValues(name, list.items, range(decl.name));
      }
    }
    return unknown(range(decl.name), `parameter ${name}`, key);
  }

  private variable(name: string, at: Range): Value | undefined {
    const decl = this.vars.get(name);
    if (!decl) return undefined;
    const cached = this.varCache.get(name);
    if (cached === 'pending') return unknown(at, `variable ${name}`);
    if (cached) return { ...cached, range: at } as Value;
    this.varCache.set(name, 'pending');
    const v = { ...this.evaluator.evaluate(decl.value), origin: { uri: this.doc.uri, range: range(decl.value) } } as Value;
    this.varCache.set(name, v);
    return { ...v, range: at } as Value;
  }

  /** `res.name` is known before deployment when the declaration writes it. */
  private resourceNameValue(symbol: string, at: Range): Value | undefined {
    const decl = this.resources.get(symbol);
    const body = decl && bodyObject(decl.value);
    const nameProp = body?.properties.find((p) => p.kind === 'property' && p.keyText === 'name');
    if (!nameProp || nameProp.kind !== 'property') return undefined;
    return { ...this.evaluator.evaluate(nameProp.value), range: at } as Value;
  }

  private resource(s: ResourceDeclaration, parent?: { key: string; type: string; apiVersion?: string; symbol: string }): void {
    if (!s.name.name || s.type.kind !== 'string' || s.type.value === undefined) return;
    const [rawType, apiVersion] = s.type.value.split('@');
    let type = rawType;
    if (parent && !type.split('/')[0].includes('.')) type = `${parent.type}/${type}`;
    const symbol = parent ? `${parent.symbol}::${s.name.name}` : s.name.name;
    const key = this.key(symbol);
    let value: Expression = s.value;
    let conditional = false;
    let condition: Value | undefined;
    let loop = false;
    if (value.kind === 'for') {
      loop = true;
      value = value.body;
    }
    if (value.kind === 'if') {
      conditional = true;
      condition = this.evaluator.evaluate(value.condition);
      value = value.body;
    }
    const bodyNode = value.kind === 'object' ? value : undefined;
    const entries: ObjectEntry[] = [];
    if (bodyNode) {
      const evaluated = this.evaluator.evaluate({ ...bodyNode, properties: bodyNode.properties.filter((p) => p.kind !== 'resource') } as ObjectExpression);
      if (evaluated.kind === 'object') pushAll(entries, evaluated.entries);
    }
    const legacy = legacyExtension(type);
    const body: ObjectValue = { kind: 'object', entries, range: range(value), open: !bodyNode || undefined };
    if (legacy && parent) entries.push({ key: 'scope', keyRange: range(s.type), value: { kind: 'ref', target: parent.key, path: [], range: range(s.type) } });
    else if (parent) entries.push({ key: 'parent', keyRange: range(s.type), value: { kind: 'ref', target: parent.key, path: [], range: range(s.type) } });
    else if (legacy) addLegacyScope(body, legacy.parentType);
    const resource: Resource = {
      key,
      type: legacy ? legacy.type : type,
      apiVersion: apiVersion ?? parent?.apiVersion,
      body,
      source: {
        uri: this.doc.uri,
        language: this.doc.language,
        range: range(s),
        headRange: range(s.type),
        symbol,
        conditional: conditional || this.conditional || undefined,
        ...(condition ? { condition } : {}),
        loop: loop || undefined,
        existing: s.existing ? true : undefined,
        deploymentScope: this.deploymentScope,
        resourceGroup: this.resourceGroup,
        ...(this.subscription ? { subscription: this.subscription } : {}),
      },
    };
    this.doc.resources.push(resource);
    if (bodyNode) {
      for (const child of bodyNode.properties) {
        if (child.kind === 'resource') this.resource(child, { key, type, apiVersion: resource.apiVersion, symbol });
      }
    }
  }
}

/** The object of a resource or module body (through `if` and `for`). */
export function bodyObject(e: Expression): ObjectExpression | undefined {
  if (e.kind === 'for') return bodyObject(e.body);
  if (e.kind === 'if') return bodyObject(e.body);
  return e.kind === 'object' ? e : undefined;
}
