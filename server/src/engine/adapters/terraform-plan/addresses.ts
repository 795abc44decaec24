/** Terraform addresses as a plan's JSON writes them: `module.hosts[0].azurerm_x.y["k"]`, and the references of expressions. */

/** An instance key in brackets: a count index or a for_each key (a JSON-quoted string). */
const KEY = String.raw`\[(?:\d+|"(?:[^"\\]|\\.)*")\]`;
const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const MODULE_STEP = new RegExp(`module\\.(${NAME})(?:${KEY})?`, 'g');
const MODULE_REF = new RegExp(`^module\\.(${NAME})(${KEY})?(?:\\.(${NAME}))?`);
const RESOURCE_REF = new RegExp(`^((?:data\\.)?${NAME}\\.${NAME})(${KEY})?(?:\\.(${NAME}))?`);

/** What one entry of an expression's `references` names. */
type Subject =
  | { kind: 'resource'; address: string; key?: string; attr?: string }
  | { kind: 'module'; name: string; key?: string; output?: string }
  | { kind: 'variable'; name: string }
  /** `count.index`, `each.key`, `each.value`: which instance of the referenced resource, the referencing one's own. */
  | { kind: 'instance' };

/**
 * The one thing a list of references names (Terraform lists `x.y.id` and `x.y` for one reference), or undefined when
 * they name several things or something a plan does not describe (`local.*`, `path.*`, `terraform.*`, `self`).
 */
export function subjectOf(references: readonly string[]): { subject: Subject; perInstance: boolean } | undefined {
  let subject: Subject | undefined;
  let perInstance = false;
  for (const ref of references) {
    const s = parseReference(ref);
    if (!s) return undefined;
    if (s.kind === 'instance') {
      perInstance = true;
      continue;
    }
    if (!subject) subject = s;
    else if (!(subject = merge(subject, s))) return undefined;
  }
  return subject && { subject, perInstance };
}

function parseReference(ref: string): Subject | undefined {
  if (/^(count\.index|each\.(key|value))\b/.test(ref)) return { kind: 'instance' };
  const v = new RegExp(`^var\\.(${NAME})`).exec(ref);
  if (v) return { kind: 'variable', name: v[1] };
  if (/^(local|path|terraform|self)\b/.test(ref)) return undefined;
  const m = MODULE_REF.exec(ref);
  if (m) return { kind: 'module', name: m[1], key: m[2], output: m[3] };
  const r = RESOURCE_REF.exec(ref);
  return r ? { kind: 'resource', address: r[1], key: r[2], attr: r[3] } : undefined;
}

/** Two references to the same thing, the more precise one's details kept; undefined when they differ. */
function merge(a: Subject, b: Subject): Subject | undefined {
  if (a.kind === 'resource' && b.kind === 'resource' && a.address === b.address) {
    const key = pick(a.key, b.key);
    const attr = pick(a.attr, b.attr);
    return key === null || attr === null ? undefined : { ...a, key, attr };
  }
  if (a.kind === 'module' && b.kind === 'module' && a.name === b.name) {
    const key = pick(a.key, b.key);
    const output = pick(a.output, b.output);
    return key === null || output === null ? undefined : { ...a, key, output };
  }
  if (a.kind === 'variable' && b.kind === 'variable' && a.name === b.name) return a;
  return undefined;
}

/** The one of two optional details that is set; null when both are set and differ. */
function pick(a: string | undefined, b: string | undefined): string | undefined | null {
  return a === undefined || b === undefined || a === b ? (a ?? b) : null;
}

/** The module call names of a module instance address: `module.a[0].module.b` → ['a', 'b']. */
export function moduleCalls(moduleAddress: string): string[] {
  return [...moduleAddress.matchAll(MODULE_STEP)].map((m) => m[1]);
}

/** An instance address without its instance key: `azurerm_x.y[0]` → `azurerm_x.y`. */
export function withoutKey(address: string): string {
  return address.replace(new RegExp(`${KEY}$`), '');
}
