import { pushAll } from '../../arrays';
import type { SyntaxNode as Node } from './syntax';
import type { ObjectEntry, Range, StringPart, Value } from '../../model';
import { accessIndex, accessMember, binaryOperation, conditional, not } from '../../resolve/functions';
import { dirOf } from '../../resolve/paths';
import { choice, concatParts, conditionText, knownBoolean, knownString, MAX_ITERATIONS, sizeOf, str, tooManyItems, unknown } from '../../values';
import { decodeQuoted, namedChildren, nodeRange } from './hcl';
import { callTfFunction } from './functions';

/** What an HCL expression can refer to. */
export interface TfScope {
  uri: string;
  text: string;
  variable(name: string, range: Range): Value;
  local(name: string, range: Range): Value;
  /** `azurerm_x.name.attr…` or `data.azurerm_x.name.attr…`: the attribute path after the address. */
  address(kind: 'resource' | 'data', type: string, name: string, path: string[], range: Range): Value;
  /** Iteration variables of enclosing for-expressions. */
  locals?: Map<string, Value>;
  /** The loop iterations left to expressions of this scope (MAX_ITERATIONS when not said). */
  iterations?: number;
  /** What the block's `count` or `for_each` iterates: `count.index` and `each.*` are its current instance. */
  iterating?: Iterating;
}

/** A block's `count` or `for_each`: its value, and a key that two blocks iterating the same collection share. */
export interface Iterating {
  key: string;
  value: Value;
  forEach: boolean;
}

/** A `for_each` over more items than this is not told apart by instance: `each.*` stays one unknown. */
const MAX_INSTANCES = 32;

/** Keys of unknowns that Terraform provides while planning; they vary per instance. */
const CONTEXT_ROOTS = new Set(['count', 'each', 'path', 'terraform', 'self']);

/** Nesting deeper than this is left unknown: real configurations never come close, and recursion must stay bounded. */
const MAX_DEPTH = 200;

export class TfEvaluator {
  private depth = 0;

  /** This evaluator inside a block with `count` or `for_each`. */
  iterating(iterating: Iterating): TfEvaluator {
    return new TfEvaluator({ ...this.scope, iterating });
  }

  constructor(private readonly scope: TfScope) {}

  evaluate(n: Node): Value {
    if (this.depth > MAX_DEPTH) return unknown(nodeRange(n));
    this.depth++;
    try {
      return this.eval(n);
    } catch {
      return unknown(nodeRange(n));
    } finally {
      this.depth--;
    }
  }

  private eval(n: Node): Value {
    const range = nodeRange(n);
    switch (n.type) {
      case 'expression':
        return this.postfix(namedChildren(n), range);
      case 'literal_value': {
        const c = namedChildren(n)[0];
        return c ? this.evaluate(c) : unknown(range);
      }
      case 'numeric_lit':
        return { kind: 'number', value: Number(n.text), range };
      case 'bool_lit':
        return { kind: 'boolean', value: n.text === 'true', range };
      case 'null_lit':
        return { kind: 'null', range };
      case 'string_lit':
      case 'quoted_template':
        return this.quoted(n, range);
      case 'template_expr': {
        const c = namedChildren(n)[0];
        if (!c) return unknown(range);
        return { ...this.evaluate(c), range } as Value;
      }
      case 'heredoc_template':
        return this.heredoc(n, range);
      case 'collection_value': {
        const c = namedChildren(n)[0];
        return c ? this.evaluate(c) : unknown(range);
      }
      case 'tuple':
        return {
          kind: 'array',
          items: namedChildren(n)
            .filter((c) => c.type === 'expression')
            .map((c) => this.evaluate(c)),
          range,
        };
      case 'object':
        return this.object(n, range);
      case 'variable_expr':
        return this.variableRoot(n.text, range);
      case 'function_call':
        return this.call(n, range);
      case 'conditional':
        return this.conditional(n, range);
      case 'operation': {
        const c = namedChildren(n)[0];
        return c ? this.evaluate(c) : unknown(range);
      }
      case 'unary_operation':
        return this.unary(n, range);
      case 'binary_operation':
        return this.binary(n, range);
      case 'for_expr':
        return this.forExpr(n, range);
      case 'parenthesized_expression': {
        const c = namedChildren(n).find((k) => k.type === 'expression');
        return c ? ({ ...this.evaluate(c), range } as Value) : unknown(range);
      }
      default:
        return unknown(range, n.text.length < 60 ? n.text : undefined);
    }
  }

  /** A primary expression followed by attribute, index and splat accesses. */
  private postfix(kids: Node[], range: Range): Value {
    if (!kids.length) return unknown(range);
    const [head, ...rest] = kids;
    if (head.type === 'variable_expr') return this.traversal(head.text, rest, range, nodeRange(head).start);
    let v = this.evaluate(head);
    for (const p of rest) {
      const at: Range = { start: range.start, end: p.endIndex };
      const step = accessor(p);
      if (!step) return unknown(range);
      if (step.kind === 'attr') v = accessMember(v, step.name, at);
      else if (step.kind === 'index') v = accessIndex(v, this.evaluate(step.expr), at);
      else return unknown(range);
    }
    return v.range.start === range.start && v.range.end === range.end ? v : ({ ...v, range } as Value);
  }

  /** `var.x`, `local.x`, `azurerm_t.n.attr`, `data.t.n.attr`, `module.m.out`, `each.value`, iteration variables. */
  private traversal(root: string, rest: Node[], range: Range, start: number): Value {
    const steps = rest.map(accessor);
    const iter = this.scope.locals?.get(root);
    if (iter) return this.applySteps(iter, rest, steps, range, start);
    const attrAt = (i: number) => (steps[i]?.kind === 'attr' ? (steps[i] as { name: string }).name : undefined);
    const endOf = (i: number) => rest[i - 1]?.endIndex ?? start + root.length;
    if (root === 'var' || root === 'local') {
      const name = attrAt(0);
      if (!name) return unknown(range);
      const r = { start, end: endOf(1) };
      const base = root === 'var' ? this.scope.variable(name, r) : this.scope.local(name, r);
      return this.applySteps(base, rest.slice(1), steps.slice(1), range, start);
    }
    if (CONTEXT_ROOTS.has(root) || root === 'module') {
      const path = [root];
      for (const s of steps) {
        if (s?.kind === 'attr') path.push(s.name);
        else break;
      }
      // The current instance of a `count` / `for_each` block: keyed, so `x[count.index]` reads the instance of its own
      // iteration (resolve/functions.ts accessIndex) and names built from it compare.
      const it = this.scope.iterating;
      if (root === 'each' && it?.forEach) {
        const each = eachValue(it.value, path[1], range);
        if (each) return this.applySteps(each, rest.slice(1), steps.slice(1), range, start);
      }
      // Two blocks iterating the same collection have the same instances; any other two do not.
      if ((root === 'count' || root === 'each') && it) return unknown(range, path.join('.'), `${path.join('.')}@${it.key}`);
      if (root !== 'module') return unknown(range, path.join('.'));
      // `module.m.out.rest` reads the output of the module called `m` in this directory (graph/outputs.ts follows it).
      const [, name, output, ...more] = path;
      const dir = dirOf(this.scope.uri);
      const key = output ? `module:${dir}/#${name}.outputs.${[output, ...more].join('.')}` : `module:${dir}/#${name}`;
      return unknown(range, path.join('.'), key);
    }
    const isData = root === 'data';
    const offset = isData ? 1 : 0;
    const type = isData ? attrAt(0) : root;
    const name = attrAt(offset);
    if (!type || !name) return unknown(range);
    // Instance keys (`[0]`, `[each.key]`) and splats select instances of the same declaration.
    const path: string[] = [];
    let i = offset + 1;
    for (; i < steps.length; i++) {
      const s = steps[i];
      if (!s) return unknown(range);
      if (s.kind === 'attr') path.push(s.name);
      else if (s.kind === 'index' || s.kind === 'splat') {
        if (path.length) break;
        continue;
      }
    }
    const v = this.scope.address(isData ? 'data' : 'resource', type, name, path, { start, end: endOf(i) });
    return this.applySteps(v, rest.slice(i), steps.slice(i), range, start);
  }

  private applySteps(v: Value, nodes: Node[], steps: (Step | undefined)[], range: Range, start: number): Value {
    let cur = v;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const at: Range = { start, end: nodes[i].endIndex };
      if (!s || s.kind === 'splat') return unknown(range);
      cur = s.kind === 'attr' ? accessMember(cur, s.name, at) : accessIndex(cur, this.evaluate(s.expr), at);
    }
    return cur.range.start === range.start && cur.range.end === range.end ? cur : ({ ...cur, range } as Value);
  }

  private variableRoot(name: string, range: Range): Value {
    return this.traversal(name, [], range, range.start);
  }

  /** A quoted string: literal text decoded with its source map, interpolations as holes (or their known text). */
  private quoted(n: Node, range: Range): Value {
    const kids = n.children.filter((c): c is Node => !!c);
    const open = kids.find((c) => c.type === 'quoted_template_start');
    const close = kids.find((c) => c.type === 'quoted_template_end');
    const from = open ? open.endIndex : range.start;
    const to = close ? close.startIndex : range.end;
    const parts: StringPart[] = [];
    let pos = from;
    const literal = (a: number, b: number) => {
      if (b <= a) return;
      const d = decodeQuoted(this.scope.text.slice(a, b), a);
      parts.push({ kind: 'text', text: d.text, source: { uri: this.scope.uri, start: a, end: b, offsets: d.verbatim ? undefined : d.offsets } });
    };
    for (const c of kids) {
      if (c.type !== 'template_interpolation' && c.type !== 'template_directive') continue;
      literal(pos, c.startIndex);
      pos = c.endIndex;
      parts.push(this.interpolation(c));
    }
    literal(pos, to);
    return { kind: 'string', parts: concatParts(inline(parts), range), range };
  }

  private interpolation(c: Node): StringPart {
    const r = nodeRange(c);
    if (c.type === 'template_interpolation') {
      const e = namedChildren(c).find((k) => k.type === 'expression');
      if (e) return { kind: 'hole', value: this.evaluate(e), range: r };
    }
    return { kind: 'hole', value: unknown(r), range: r };
  }

  /** A heredoc: its lines, with `<<-` indentation removed, mapped back to the source. */
  private heredoc(n: Node, range: Range): Value {
    const kids = n.children.filter((c): c is Node => !!c);
    const ids = kids.filter((c) => c.type === 'heredoc_identifier');
    const strip = kids.some((c) => c.type === 'heredoc_start' && c.text === '<<-');
    if (ids.length < 2) return unknown(range);
    const text = this.scope.text;
    let from = ids[0].endIndex;
    const nl = text.indexOf('\n', from);
    from = nl < 0 ? from : nl + 1;
    let to = ids[ids.length - 1].startIndex;
    while (to > from && (text[to - 1] === ' ' || text[to - 1] === '\t')) to--;
    const holes = kids.filter((c) => c.type === 'template_interpolation' || c.type === 'template_directive');
    let indent = 0;
    if (strip) {
      // The smallest indentation of a line that is not blank (a loop: a heredoc may have more lines than a call has arguments).
      indent = Infinity;
      for (let lineStart = from; lineStart < to;) {
        const nl = text.indexOf('\n', lineStart);
        const lineEnd = nl < 0 || nl > to ? to : nl;
        let k = lineStart;
        while (k < lineEnd && (text[k] === ' ' || text[k] === '\t')) k++;
        if (text.slice(k, lineEnd).trim().length) indent = Math.min(indent, k - lineStart);
        lineStart = lineEnd + 1;
      }
      if (!Number.isFinite(indent)) indent = 0;
    }
    const parts: StringPart[] = [];
    const literal = (a: number, b: number) => {
      let out = '';
      const offsets: number[] = [];
      for (let i = a; i < b; i++) {
        const lineStart = i === from || text[i - 1] === '\n';
        if (strip && lineStart) {
          let k = 0;
          while (k < indent && i < b && (text[i] === ' ' || text[i] === '\t')) {
            i++;
            k++;
          }
          if (i >= b) break;
        }
        out += text[i];
        offsets.push(i);
      }
      offsets.push(b);
      if (out) parts.push({ kind: 'text', text: out, source: { uri: this.scope.uri, start: a, end: b, offsets } });
    };
    let pos = from;
    for (const h of holes) {
      literal(pos, h.startIndex);
      pos = h.endIndex;
      parts.push(this.interpolation(h));
    }
    literal(pos, to);
    return { kind: 'string', parts: concatParts(inline(parts), range), range };
  }

  private object(n: Node, range: Range): Value {
    const entries: ObjectEntry[] = [];
    let open = false;
    for (const el of namedChildren(n)) {
      if (el.type !== 'object_elem') continue;
      const [k, v] = namedChildren(el).filter((c) => c.type === 'expression');
      if (!k || !v) continue;
      const key = objectKey(k, this);
      if (key === undefined) {
        open = true;
        continue;
      }
      entries.push({ key, keyRange: nodeRange(k), value: this.evaluate(v) });
    }
    return open ? { kind: 'object', entries, range, open } : { kind: 'object', entries, range };
  }

  /** `[for k, v in coll : body if cond]` over a known collection; anything else is an open, unknown list. */
  private forExpr(n: Node, range: Range): Value {
    const inner = namedChildren(n)[0];
    if (!inner || inner.type !== 'for_tuple_expr') return unknown(range);
    const kids = namedChildren(inner);
    const intro = kids.find((c) => c.type === 'for_intro');
    const body = kids.filter((c) => c.type === 'expression');
    const cond = kids.find((c) => c.type === 'for_cond');
    if (!intro || !body.length) return unknown(range);
    const names = namedChildren(intro)
      .filter((c) => c.type === 'identifier')
      .map((c) => c.text);
    const collNode = namedChildren(intro).find((c) => c.type === 'expression');
    const coll = collNode ? this.evaluate(collNode) : undefined;
    const iterations = this.scope.iterations ?? MAX_ITERATIONS;
    if (coll && (coll.kind === 'array' || coll.kind === 'object') && sizeOf(coll) > iterations) return tooManyItems(range);
    const pairs: [Value, Value][] = [];
    if (coll?.kind === 'array' && !coll.open) coll.items.forEach((v, i) => pairs.push([{ kind: 'number', value: i, range: v.range }, v]));
    else if (coll?.kind === 'object' && !coll.open)
      for (const e of coll.entries) pairs.push([{ kind: 'string', parts: [{ kind: 'text', text: e.key }], range: e.keyRange }, e.value]);
    else return { kind: 'array', items: [], open: true, range };
    const each = Math.floor(iterations / Math.max(1, pairs.length));
    const items: Value[] = [];
    for (const [k, v] of pairs) {
      const locals = new Map(this.scope.locals ?? []);
      if (names.length >= 2) {
        locals.set(names[0], k);
        locals.set(names[1], v);
      } else if (names[0]) locals.set(names[0], v);
      const child = new TfEvaluator({ ...this.scope, locals, iterations: each });
      if (cond) {
        const ce = namedChildren(cond).find((c) => c.type === 'expression');
        const keep = ce ? knownBoolean(child.evaluate(ce)) : undefined;
        if (keep === false) continue;
        if (keep === undefined) return { kind: 'array', items, open: true, range };
      }
      items.push(child.evaluate(body[0]));
    }
    return { kind: 'array', items, range };
  }

  private call(n: Node, range: Range): Value {
    const kids = namedChildren(n);
    const name = kids.find((c) => c.type === 'identifier')?.text ?? '';
    const argsNode = kids.find((c) => c.type === 'function_arguments');
    const argNodes = argsNode ? namedChildren(argsNode).filter((c) => c.type === 'expression') : [];
    const expand = argsNode?.children.some((c) => c?.type === 'ellipsis' || c?.text === '...');
    const args = argNodes.map((a) => this.evaluate(a));
    // Without a key: building one reads the whole list too.
    if (expand || args.some((a) => sizeOf(a) > (this.scope.iterations ?? MAX_ITERATIONS))) return unknown(range, `${name}(…)`);
    return callTfFunction(name, args, range);
  }

  /**
   * tree-sitter-hcl nests a chain `a ? b : c ? d : e` to the left, as `(a ? b : c) ? d : e`. HCL reads it to the right,
   * `a ? b : (c ? d : e)`: its condition is never a conditional without parentheses. The chain is read as HCL does.
   */
  private conditional(n: Node, range: Range): Value {
    const chain = conditionalChain(n);
    if (!chain) return unknown(range);
    return this.conditionalFrom(chain, 0, range);
  }

  private conditionalFrom(chain: ConditionalChain, i: number, range: Range): Value {
    const { condition, whenTrue } = chain.cases[i];
    const last = i === chain.cases.length - 1;
    if (this.depth > MAX_DEPTH) return unknown(range);
    this.depth++;
    try {
      return conditional(
        this.evaluate(condition),
        () => this.evaluate(whenTrue),
        () => (last ? this.evaluate(chain.otherwise) : this.conditionalFrom(chain, i + 1, { start: chain.cases[i + 1].condition.startIndex, end: range.end })),
        conditionText(condition.text),
        range,
      );
    } finally {
      this.depth--;
    }
  }

  private unary(n: Node, range: Range): Value {
    const op = n.children.find((c) => c && !c.isNamed)?.text;
    const operand = namedChildren(n)[0];
    const v = operand ? this.evaluate(operand) : unknown(range);
    if (op === '!') return not(v, range);
    if (op === '-' && v.kind === 'number') return { kind: 'number', value: -v.value, range };
    return unknown(range);
  }

  private binary(n: Node, range: Range): Value {
    const kids = n.children.filter((c): c is Node => !!c);
    const opNode = kids.find((c) => !c.isNamed);
    const operands = kids.filter((c) => c.isNamed && c.type !== 'comment');
    if (!opNode || operands.length !== 2) return unknown(range);
    const op = opNode.text;
    return binaryOperation(op, this.evaluate(operands[0]), () => this.evaluate(operands[1]), range, false);
  }
}

type Step = { kind: 'attr'; name: string } | { kind: 'index'; expr: Node } | { kind: 'splat' };

function accessor(p: Node): Step | undefined {
  switch (p.type) {
    case 'get_attr': {
      const id = namedChildren(p).find((c) => c.type === 'identifier');
      return id ? { kind: 'attr', name: id.text } : undefined;
    }
    case 'index': {
      const inner = namedChildren(p)[0];
      if (!inner) return undefined;
      if (inner.type === 'legacy_index') {
        const num = /\d+/.exec(inner.text);
        return num ? { kind: 'index', expr: inner } : undefined;
      }
      const e = namedChildren(inner).find((c) => c.type === 'expression');
      return e ? { kind: 'index', expr: e } : undefined;
    }
    case 'splat':
      return { kind: 'splat' };
    default:
      return undefined;
  }
}

/** Object keys: a bare identifier is a literal key; `(expr)` and strings are evaluated. */
function objectKey(k: Node, ev: TfEvaluator): string | undefined {
  const kids = namedChildren(k);
  if (kids.length === 1 && kids[0].type === 'variable_expr') return kids[0].text;
  return knownString(ev.evaluate(k));
}

/** Inlines interpolations whose value is a known string, keeping their source maps. */
function inline(parts: StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    if (p.kind === 'hole') {
      const v = p.value;
      if (v.kind === 'string') {
        pushAll(out, v.parts);
        continue;
      }
      if (v.kind === 'number' || v.kind === 'boolean') {
        out.push({ kind: 'text', text: String(v.value) });
        continue;
      }
    }
    out.push(p);
  }
  return out;
}

/**
 * `each.key` or `each.value` of a `for_each` whose instances are known: one case per instance, which keeps its key
 * (`for instance 'finance'`); over a resource (`for_each = azurerm_x.vm`), `each.value` is one instance of it.
 */
function eachValue(iterated: Value, member: string | undefined, range: Range): Value | undefined {
  if (member !== 'key' && member !== 'value') return undefined;
  if (iterated.kind === 'ref' && iterated.target && !iterated.path.length) return member === 'value' ? { ...iterated, range } : undefined;
  const items: [string, Value][] | undefined =
    iterated.kind === 'object' && !iterated.open
      ? iterated.entries.map((e) => [e.key, e.value])
      : iterated.kind === 'array' && !iterated.open
        ? iterated.items.flatMap((i): [string, Value][] => {
            const k = knownString(i);
            return k === undefined ? [] : [[k, i]];
          })
        : undefined;
  if (!items?.length || items.length > MAX_INSTANCES || (iterated.kind === 'array' && items.length !== iterated.items.length)) return undefined;
  return choice(
    items.map(([k, v]) => ({ value: member === 'key' ? str(k, range) : v, when: `for instance '${k}'` })),
    range,
  );
}

interface ConditionalChain {
  cases: { condition: Node; whenTrue: Node }[];
  otherwise: Node;
}

/** A conditional's cases in HCL's order (see TfEvaluator.conditional): `a ? b : c ? d : e` is [a: b, c: d], else e. */
function conditionalChain(n: Node): ConditionalChain | undefined {
  const levels: Node[][] = [];
  for (let level: Node | undefined = n; level;) {
    const parts = namedChildren(level).filter((k) => k.type === 'expression');
    if (parts.length !== 3) return undefined;
    levels.push(parts);
    const inner = namedChildren(parts[0]);
    level = inner.length === 1 && inner[0].type === 'conditional' ? inner[0] : undefined;
  }
  levels.reverse();
  const cases = [{ condition: levels[0][0], whenTrue: levels[0][1] }];
  for (let i = 1; i < levels.length; i++) cases.push({ condition: levels[i - 1][2], whenTrue: levels[i][1] });
  return { cases, otherwise: levels[levels.length - 1][2] };
}
