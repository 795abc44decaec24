import { pushAll } from '../../arrays';
import type { ObjectEntry, Range, StringPart, Value } from '../../model';
import {
  accessIndex,
  accessMember,
  binaryOperation,
  callFunction,
  conditional,
  not,
  operatorKey,
  perDeploymentCall,
  unknownCall,
} from '../../resolve/functions';
import { type AppliedLambda, callWithLambda } from '../../resolve/lambdas';
import {
  concatParts,
  conditionText,
  knownBoolean,
  knownString,
  LazyEntry,
  MAX_ARRAY_ITEMS,
  MAX_FUNCTION_CALLS,
  MAX_FUNCTION_DEPTH,
  MAX_ITERATIONS,
  relocate,
  sizeOf,
  tooManyItems,
  unknown,
} from '../../values';
import type { Expression, ObjectExpression, SpreadExpression, StringExpression, StringSegment, TypedLambdaExpression } from './syntax';

/** What a Bicep expression can refer to in its file. */
export interface BicepScope {
  uri: string;
  text: string;
  /** Whether a later edit moved the tree in place (see patchBicep): what was not read before is unknown now. */
  stale(): boolean;
  parameter(name: string, range: Range): Value;
  /** Undefined when no variable has that name. */
  variable(name: string, range: Range): Value | undefined;
  /** The resource key of a resource symbol, when `name` is one. */
  resourceKey(name: string): string | undefined;
  /** `symbol.name` when the declaration writes it. */
  resourceName(name: string, range: Range): Value | undefined;
  isModule(name: string): boolean;
  /** A user-defined function (`func name(…) type => body`) declared in the file. */
  func(name: string): TypedLambdaExpression | undefined;
}

/** The user-defined function calls left to one read of a file (MAX_FUNCTION_CALLS), shared by all its evaluators. */
interface CallBudget {
  left: number;
}

/** Functions that describe the deployment; their key is shared by every file of the deployment, as in ARM. */
const CONTEXT_FUNCTIONS = new Set(['resourcegroup', 'subscription', 'tenant', 'managementgroup', 'deployment', 'environment']);

const MAX_DEPTH = 500;

/** Whether a string segment is written as it reads (no escapes): its characters' offsets follow each other. */
const VERBATIM = new WeakMap<StringSegment, boolean>();

const rangeOf = (n: { start: number; end: number }): Range => ({ start: n.start, end: n.end });

/**
 * Evaluates Bicep expressions to model values: literals with their source maps, parameters (defaults, @allowed),
 * variables, ternaries on known conditions, the shared ARM function library. Anything else is unknown.
 */
export class BicepEvaluator {
  private depth = 0;

  constructor(
    private readonly scope: BicepScope,
    private readonly locals: Map<string, Value> = new Map(),
    /** The loop iterations left to this evaluator (MAX_ITERATIONS). */
    private readonly iterations = MAX_ITERATIONS,
    private readonly calls: CallBudget = { left: MAX_FUNCTION_CALLS },
    /** How many user-defined function calls this evaluator is inside. */
    private readonly callDepth = 0,
  ) {}

  evaluate(e: Expression | SpreadExpression): Value {
    if (this.depth > MAX_DEPTH || this.scope.stale()) return unknown(rangeOf(e));
    this.depth++;
    try {
      return this.eval(e);
    } catch {
      return unknown(rangeOf(e));
    } finally {
      this.depth--;
    }
  }

  private eval(e: Expression | SpreadExpression): Value {
    const range = rangeOf(e);
    switch (e.kind) {
      case 'string':
        return this.string(e, range);
      case 'integer':
        return { kind: 'number', value: e.value, range };
      case 'boolean':
        return { kind: 'boolean', value: e.value, range };
      case 'null':
        return { kind: 'null', range };
      case 'variableAccess':
        return this.name(e.name, range);
      case 'parenthesized':
        return { ...this.evaluate(e.expression), range } as Value;
      case 'nonNull':
        return { ...this.evaluate(e.base), range } as Value;
      case 'array':
        return this.array(e.items, range);
      case 'object':
        return this.object(e, range);
      case 'memberAccess': {
        if (e.base.kind === 'variableAccess' && !this.locals.has(e.base.name) && e.property.name === 'name') {
          const key = this.scope.resourceKey(e.base.name);
          if (key) return this.scope.resourceName(e.base.name, range) ?? { kind: 'ref', target: key, path: ['name'], range };
        }
        const base = this.evaluate(e.base);
        if (e.safe && base.kind === 'null') return { kind: 'null', range };
        // `.?` on an object that is known to lack the property gives null, which `??` can then replace.
        if (e.safe && base.kind === 'object' && !base.open && !base.entries.some((x) => x.key.toLowerCase() === e.property.name.toLowerCase()))
          return { kind: 'null', range };
        return accessMember(base, e.property.name, range);
      }
      case 'indexAccess': {
        const base = this.evaluate(e.base);
        // `hosts[i]` picks one instance of a looped resource: the same declaration.
        if (base.kind === 'ref' && base.target && base.path.length === 0) return { ...base, range };
        if (e.fromEnd) return unknown(range);
        return accessIndex(base, this.evaluate(e.index), range);
      }
      case 'resourceAccess': {
        const base = e.base.kind === 'variableAccess' ? e.base.name : undefined;
        const key = base ? this.scope.resourceKey(base) : undefined;
        return key ? { kind: 'ref', target: `${key}::${e.property.name}`, path: [], range } : unknown(range);
      }
      case 'call':
        return this.call(e, range);
      case 'unary': {
        const v = this.evaluate(e.operand);
        if (e.operator === '!') return not(v, range);
        return v.kind === 'number' ? { kind: 'number', value: -v.value, range } : unknown(range);
      }
      case 'binary':
        return this.binary(e.operator, e.left, e.right, range);
      case 'ternary': {
        const cond = this.evaluate(e.condition);
        // As in ARM, a condition that is a parameter reads "parameter x"; anything else reads as written.
        const text = cond.kind === 'unknown' && cond.text ? cond.text : conditionText(this.scope.text.slice(e.condition.start, e.condition.end));
        return conditional(
          cond,
          () => this.evaluate(e.whenTrue),
          () => this.evaluate(e.whenFalse),
          text,
          range,
        );
      }
      case 'for':
        return this.forExpression(e, range);
      case 'spread':
        return this.evaluate(e.expression);
      default:
        return unknown(range);
    }
  }

  private name(name: string, range: Range): Value {
    const local = this.locals.get(name);
    if (local) return { ...local, range } as Value;
    const v = this.scope.variable(name, range);
    if (v) return v;
    const key = this.scope.resourceKey(name);
    if (key) return { kind: 'ref', target: key, path: [], range };
    if (this.scope.isModule(name)) return unknown(range, `module ${name}`, `module:${this.scope.uri}#${name}`);
    return this.scope.parameter(name, range);
  }

  private string(e: StringExpression, range: Range): Value {
    const parts: StringPart[] = [];
    e.segments.forEach((seg, i) => {
      if (seg.text) parts.push(this.segment(seg));
      const x = e.expressions[i];
      if (!x) return;
      const v = this.evaluate(x);
      if (v.kind === 'string') pushAll(parts, v.parts);
      else if (v.kind === 'number' || v.kind === 'boolean') parts.push({ kind: 'text', text: String(v.value) });
      else parts.push({ kind: 'hole', value: v, range: rangeOf(x) });
    });
    return { kind: 'string', parts: concatParts(parts, range), range };
  }

  private segment(seg: StringSegment): StringPart {
    const o = seg.offsets;
    // Once per segment, not per reading: a loop reads a long literal in its body once per item.
    let verbatim = VERBATIM.get(seg);
    if (verbatim === undefined) VERBATIM.set(seg, (verbatim = o.every((x, i) => x === o[0] + i)));
    return { kind: 'text', text: seg.text, source: { uri: this.scope.uri, start: o[0], end: o[o.length - 1], offsets: verbatim ? undefined : o } };
  }

  private array(items: (Expression | SpreadExpression)[], range: Range): Value {
    const out: Value[] = [];
    let open = false;
    for (const item of items) {
      const v = this.evaluate(item);
      if (item.kind === 'spread') {
        if (v.kind === 'array') {
          pushAll(out, v.items);
          open ||= !!v.open;
        } else open = true;
      } else out.push(v);
      if (out.length > MAX_ARRAY_ITEMS) return tooManyItems(range);
    }
    return open ? { kind: 'array', items: out, range, open } : { kind: 'array', items: out, range };
  }

  private object(e: ObjectExpression, range: Range): Value {
    const entries: ObjectEntry[] = [];
    let open = false;
    for (const p of e.properties) {
      if (p.kind === 'property') {
        if (p.keyText === undefined) {
          open = true;
          continue;
        }
        // Read on first use; the evaluator's loop variables are fixed when it is made, so a later read sees the same.
        const value = p.value;
        entries.push(new LazyEntry(p.keyText, rangeOf(p.key), () => this.evaluate(value)));
      } else if (p.kind === 'spread') {
        const v = this.evaluate(p.expression);
        if (v.kind === 'object') {
          pushAll(entries, v.entries);
          open ||= !!v.open;
        } else open = true;
      }
    }
    return open ? { kind: 'object', entries, range, open } : { kind: 'object', entries, range };
  }

  private call(e: Extract<Expression, { kind: 'call' }>, range: Range): Value {
    const name = e.name.name;
    const ns = e.namespace?.name;
    // A method on a resource: `hostPool.listRegistrationTokens()`, `kv.getSecret('x')`.
    if (e.base && ns !== 'az' && ns !== 'sys') {
      const base = this.evaluate(e.base);
      // `kv.getSecret('x')` says which secret: the graph follows it to what wrote the secret (a registration token).
      const secret = name.toLowerCase() === 'getsecret' && e.args[0] ? knownString(this.evaluate(e.args[0])) : undefined;
      if (base.kind === 'ref') return { ...base, path: [...base.path, name, ...(secret !== undefined ? [secret] : [])], range };
      return unknown(range, `${name}(…)`);
    }
    const func = ns === undefined ? this.scope.func(name) : undefined;
    if (func) return this.callUserFunction(name, func, e.args, range);
    if (e.args.some((a) => a.kind === 'lambda')) return this.withLambda(name.toLowerCase(), e.args, range);
    const args = e.args.map((a) => this.evaluate(a));
    // Without a key: building one reads the whole list too.
    if (args.some((a) => sizeOf(a) > this.iterations)) return unknown(range, `${name}(…)`);
    const lower = name.toLowerCase();
    if (CONTEXT_FUNCTIONS.has(lower)) {
      if (args.length === 0) return unknown(range, `${name}()`, `${lower}()`);
      return unknownCall(lower, args, range);
    }
    switch (lower) {
      case 'reference':
        return args[0] && args[0].kind === 'ref'
          ? { ...args[0], path: ['properties'], range }
          : args[0]
            ? { kind: 'ref', targetId: args[0], path: ['properties'], range }
            : unknown(range);
      default:
        return perDeploymentCall(name, args, range, this.scope.uri) ?? callFunction(name, args, range, this.iterations);
    }
  }

  /**
   * A user-defined function's body, evaluated with its parameters bound to the arguments. As in Bicep, the body sees
   * its parameters and the file's other functions, not the file's parameters, variables or resources.
   */
  private callUserFunction(name: string, func: TypedLambdaExpression, argExprs: Expression[], range: Range): Value {
    if (this.callDepth >= MAX_FUNCTION_DEPTH || this.calls.left <= 0) return unknown(range, `${name}(…)`);
    this.calls.left--;
    const locals = new Map<string, Value>();
    func.params.forEach((p, i) => {
      if (p.kind !== 'typedParameter' || !p.name.name) return;
      const arg = argExprs[i];
      locals.set(p.name.name, arg ? this.evaluate(arg) : unknown(range, p.name.name));
    });
    const scope = this.scope;
    const inside: BicepScope = {
      uri: scope.uri,
      text: scope.text,
      stale: () => scope.stale(),
      parameter: (n, r) => unknown(r, n),
      variable: () => undefined,
      resourceKey: () => undefined,
      resourceName: () => undefined,
      isModule: () => false,
      func: (n) => scope.func(n),
    };
    return relocate(new BicepEvaluator(inside, locals, this.iterations, this.calls, this.callDepth + 1).evaluate(func.body), range);
  }

  /** A function that takes a lambda (`map`, `filter`, ...): see callWithLambda. */
  private withLambda(name: string, argExprs: Expression[], range: Range): Value {
    const lambdas = argExprs.map((a): AppliedLambda | undefined => {
      if (a.kind !== 'lambda') return undefined;
      return (values, iterations) => {
        const locals = new Map(this.locals);
        a.params.forEach((p, i) => {
          if (p.name && values[i]) locals.set(p.name, values[i]);
        });
        return new BicepEvaluator(this.scope, locals, iterations, this.calls, this.callDepth).evaluate(a.body);
      };
    });
    return callWithLambda({
      name,
      list: argExprs[0] && argExprs[0].kind !== 'lambda' ? this.evaluate(argExprs[0]) : undefined,
      initial: () => (argExprs[1] ? this.evaluate(argExprs[1]) : unknown(range)),
      lambdas,
      argCount: argExprs.length,
      iterations: this.iterations,
      range,
    });
  }

  private binary(op: string, l: Expression, r: Expression, range: Range): Value {
    const a = this.evaluate(l);
    if (op === '??') {
      if (a.kind === 'null') return this.evaluate(r);
      if (a.kind === 'string' || a.kind === 'number' || a.kind === 'boolean' || a.kind === 'object' || a.kind === 'array') return a;
      return unknown(range, undefined, operatorKey('??', [a, this.evaluate(r)]));
    }
    return binaryOperation(op, a, () => this.evaluate(r), range, true);
  }

  private forExpression(e: Extract<Expression, { kind: 'for' }>, range: Range): Value {
    const coll = this.evaluate(e.iterable);
    if (coll.kind !== 'array' || coll.open) return { kind: 'array', items: [], open: true, range };
    if (coll.items.length > this.iterations) return tooManyItems(range);
    const each = Math.floor(this.iterations / Math.max(1, coll.items.length));
    const items: Value[] = [];
    for (let i = 0; i < coll.items.length; i++) {
      const item = coll.items[i];
      const locals = new Map(this.locals);
      if (e.item.name) locals.set(e.item.name, item);
      if (e.index?.name) locals.set(e.index.name, { kind: 'number', value: i, range: item.range });
      const child = new BicepEvaluator(this.scope, locals, each, this.calls, this.callDepth);
      let body: Expression = e.body;
      if (body.kind === 'if') {
        const keep = knownBoolean(child.evaluate(body.condition));
        if (keep === false) continue;
        if (keep === undefined) return { kind: 'array', items, open: true, range };
        body = body.body;
      }
      items.push(child.evaluate(body));
    }
    return { kind: 'array', items, range };
  }
}
