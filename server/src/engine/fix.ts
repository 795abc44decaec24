import { roleByGuid } from './knowledge/roles';
import type { Document, EditSet, FixIntent, FixObject, Language, ObjectEntry, Range, Resource, TextEdit, Value } from './model';
import type { Printer } from './printer';
import { findRdp, parseRdpString, type RdpString, type RdpToken } from './rdp';
import { dirOf } from './resolve/paths';
import { renamedForRole } from './role-names';
import { cases, entry, get, isAbsent, knownBoolean, knownString } from './values';

export interface FixContext {
  document(uri: string): Document | undefined;
  resource(key: string): Resource | undefined;
  printer(language: Language): Printer | undefined;
  /** A new file's text for `add-ca-policy`, with its uri, or undefined when the language has no such file. */
  conditionalAccessFile?(nearUri: string): { uri: string; text: string } | undefined;
}

/**
 * Renders a fix intent as edits. The language-independent part lives here (which characters of a known value to
 * replace, found through the source map of its parts); each language's printer answers the rest. Undefined when the
 * fix cannot be rendered safely (the value is unknown, or written in another file).
 */
export function renderFix(intent: FixIntent, ctx: FixContext): EditSet | undefined {
  switch (intent.kind) {
    case 'set-rdp-property': {
      const set = setRdpProperty(intent.resource, [{ name: intent.name, value: intent.value }, ...(intent.also ?? [])], ctx);
      if (!intent.without?.length) return wrap(set);
      const names = intent.without;
      const removed = editRdpTokens(
        intent.resource,
        ctx,
        (rdp) => names.flatMap((n) => findRdp(rdp, n)),
        () => undefined,
      );
      return set && removed ? wrap(dedupe([...set, ...removed])) : undefined;
    }
    case 'remove-rdp-property':
      return wrap(
        editRdpTokens(
          intent.resource,
          ctx,
          (rdp) => {
            const copies = findRdp(rdp, intent.name);
            const doomed = intent.keep === undefined ? copies : copies.filter((t) => t.value.trim().toLowerCase() !== intent.keep!.toLowerCase());
            // Removing duplicates keeps one copy even when none holds the value to keep.
            return intent.keep !== undefined && doomed.length === copies.length ? doomed.slice(1) : doomed;
          },
          () => undefined,
        ),
      );
    case 'replace-rdp-token':
      return wrap(
        editRdpTokens(
          intent.resource,
          ctx,
          (rdp) => rdp.tokens.filter((t) => t.text === intent.from),
          () => intent.to,
        ),
      );
    case 'replace-role':
      return wrap(replaceRole(intent, ctx));
    case 'set-property':
      return wrap(setProperty(intent.resource, intent.path, intent.value, ctx));
    case 'add-list-item':
      return wrap(addListItem(intent.resource, intent.path, intent.value, ctx));
    case 'replace-list-item':
    case 'remove-list-item':
    case 'set-list':
      return wrap(editList(intent, ctx));
    case 'remove-resource':
      return wrap(removeResource(intent.resource, ctx));
    case 'secure-parameter': {
      const doc = ctx.document(intent.uri);
      return wrap(doc && ctx.printer(doc.language)?.secureParameter?.(doc, intent.name, intent.keepDefault));
    }
    case 'move-to-protected-settings':
      return wrap(moveToProtectedSettings(intent.resource, intent.key, ctx));
    case 'reference-registration-token': {
      const doc = ctx.document(intent.uri);
      const pool = ctx.resource(intent.resource);
      const poolDoc = pool && ctx.document(pool.source.uri);
      // Only a token as it was judged (JWT-shaped, unchanged since); the intent never carries the token itself.
      const written = doc?.text.slice(intent.range.start, intent.range.end) ?? '';
      if (!doc || !pool || !poolDoc || !/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(written)) return undefined;
      return wrap(ctx.printer(doc.language)?.registrationTokenReference?.(doc, intent.range, pool, poolDoc));
    }
    case 'secure-output': {
      const doc = ctx.document(intent.uri);
      return wrap(doc && ctx.printer(doc.language)?.secureOutput?.(doc, intent.name));
    }
    case 'replace-literal': {
      const doc = ctx.document(intent.uri);
      const printer = doc && ctx.printer(doc.language);
      if (!doc || !printer) return undefined;
      const text = doc.text.slice(intent.range.start, intent.range.end);
      const quote = text[0];
      // Only the literal as it was judged: quoted, unchanged since.
      if ((quote !== '"' && quote !== "'") || text !== `${quote}${printer.escapeStringText(intent.from)}${quote}`) return undefined;
      return wrap([{ uri: doc.uri, range: { start: intent.range.start + 1, end: intent.range.end - 1 }, newText: printer.escapeStringText(intent.to) }]);
    }
    case 'add-private-endpoint':
    case 'add-diagnostic-setting': {
      const r = ctx.resource(intent.resource);
      const doc = r && ctx.document(r.source.uri);
      const printer = doc && ctx.printer(doc.language);
      const text = intent.kind === 'add-private-endpoint' ? printer?.privateEndpoint?.(r!, intent.groupId) : printer?.diagnosticSetting?.(r!);
      if (!r || !doc || !text) return undefined;
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      const at = r.source.range.end;
      return wrap([{ uri: doc.uri, range: { start: at, end: at }, newText: `${eol}${eol}${text.split('\n').join(eol)}` }]);
    }
    case 'add-guest-attestation': {
      const r = ctx.resource(intent.resource);
      const doc = r && ctx.document(r.source.uri);
      const text = doc && ctx.printer(doc.language)?.guestAttestation?.(r!);
      if (!r || !doc || !text) return undefined;
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      const at = r.source.range.end;
      return wrap([{ uri: doc.uri, range: { start: at, end: at }, newText: `${eol}${eol}${text.split('\n').join(eol)}` }]);
    }
    case 'add-defender-plan': {
      const doc = ctx.document(intent.uri);
      const text = doc && ctx.printer(doc.language)?.defenderPlan?.(doc);
      if (!doc || !text) return undefined;
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      const at = doc.text.length;
      const body = text.split('\n').join(eol);
      // After the last declaration, separated by a blank line; the file keeps its final line break (or its lack of one).
      const newText = doc.text.endsWith('\n') ? `${eol}${body}${eol}` : `${eol}${eol}${body}`;
      return wrap([{ uri: doc.uri, range: { start: at, end: at }, newText }]);
    }
    case 'merge-properties':
      return wrap(mergeProperties(intent.resource, intent.path, intent.value, ctx));
    case 'remove-entry':
      return wrap(removeEntry(intent.uri, intent.key, intent.value, ctx));
    case 'replace-entry': {
      const doc = ctx.document(intent.uri);
      // Only the entry as it was judged, unchanged since.
      if (!doc || intent.value.start < intent.key.end || doc.text.slice(intent.key.start, intent.value.end) !== intent.from) return undefined;
      return wrap([
        { uri: doc.uri, range: intent.key, newText: intent.toKey },
        { uri: doc.uri, range: intent.value, newText: intent.toValue },
      ]);
    }
    case 'set-api-version':
      return wrap(setApiVersion(intent.resource, intent.apiVersion, ctx));
    case 'set-reference':
      return wrap(setReference(intent.resource, intent.path, intent.target, ctx));
    case 'several': {
      // All or nothing: a part that cannot be written makes the whole fix unavailable.
      const sets = intent.intents.map((i) => renderFix(i, ctx));
      if (sets.some((x) => !x)) return undefined;
      return wrap(dedupe(sets.flatMap((x) => x!.edits)));
    }
    case 'suppress': {
      const doc = ctx.document(intent.uri);
      const printer = doc && ctx.printer(doc.language);
      return doc && printer ? wrap(suppress(doc, printer, intent.ruleId, intent.range.start)) : undefined;
    }
    case 'suppress-file': {
      const doc = ctx.document(intent.uri);
      const printer = doc && ctx.printer(doc.language);
      if (!doc || !printer) return undefined;
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      return wrap([{ uri: doc.uri, range: { start: 0, end: 0 }, newText: `${printer.lineComment} avdsec-disable-file ${intent.ruleId}${eol}` }]);
    }
    case 'remove-suppression':
      return wrap([{ uri: intent.uri, range: intent.range, newText: '' }]);
    case 'add-ca-policy': {
      const file = ctx.conditionalAccessFile?.(intent.nearUri);
      return file ? { edits: [], creates: [file] } : undefined;
    }
    case 'set-config':
      // Written by the face that knows where the configuration file is.
      return undefined;
  }
}

/**
 * The edits of a fix, or undefined when there are none or they overlap. Edits written each against the original text
 * (the parts of a `several`, merge-properties' settings and additions) may collide in a file whose syntax error the
 * parser read around: applied together they would garble it, so the fix is not offered.
 */
function wrap(edits: TextEdit[] | undefined): EditSet | undefined {
  return edits && edits.length && !overlapping(edits) ? { edits, creates: [] } : undefined;
}

function setRdpProperty(key: string, properties: readonly { name: string; value: string }[], ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  if (!r || !doc || !printer) return undefined;
  const path = ['properties', 'customRdpProperty'];
  const v = get(r.body, ...path);
  const token = (p: { name: string; value: string }) => `${p.name}:${p.value}`;
  if (!v) return isAbsent(r.body, ...path) ? printer.addProperty(doc, r, path, properties.map((p) => `${token(p)};`).join('')) : undefined;
  const edits: TextEdit[] = [];
  for (const c of cases(v)) {
    // Properties written in the string are repaired where they are; the others are appended together, in one edit.
    const rdp = c.value.kind === 'string' ? parseRdpString(c.value) : undefined;
    const written = properties.filter((p) => rdp && findRdp(rdp, p.name).length);
    const missing = properties.filter((p) => !written.includes(p));
    for (const p of written) {
      const e = rdpEdit(c.value, doc, ctx, p.name, token(p));
      if (!e) return undefined;
      edits.push(...e);
    }
    if (missing.length) {
      const e = rdpEdit(c.value, doc, ctx, missing[0].name, missing.map(token).join(';'));
      if (!e) return undefined;
      edits.push(...e);
    }
  }
  return dedupe(edits);
}

/** The printer of the document a piece of text is written in: the resource's own, or another (a parameters file). */
function printerFor(uri: string, ctx: FixContext): Printer | undefined {
  const d = ctx.document(uri);
  return d && ctx.printer(d.language);
}

function rdpEdit(v: Value, doc: Document, ctx: FixContext, name: string, token: string): TextEdit[] | undefined {
  if (v.kind !== 'string') return undefined;
  const rdp = parseRdpString(v);
  const existing = findRdp(rdp, name);
  if (existing.length) {
    if (existing.every((t) => t.text === token)) return [];
    // Repair every copy, so that duplicates cannot switch it back.
    const edits: TextEdit[] = [];
    for (const t of existing.filter((x) => x.text !== token)) {
      const printer = t.uri && printerFor(t.uri, ctx);
      if (!t.range || !t.uri || !printer) return undefined;
      edits.push({ uri: t.uri, range: t.range, newText: printer.escapeStringText(token) });
    }
    return edits;
  }
  if (rdp.append) {
    const printer = printerFor(rdp.append.uri, ctx);
    if (!printer) return undefined;
    const text = `${rdp.append.needsSeparator ? ';' : ''}${token};`;
    return [{ uri: rdp.append.uri, range: { start: rdp.append.offset, end: rdp.append.offset }, newText: printer.escapeStringText(text) }];
  }
  // The string ends with an interpolation: add after it, before the closing quote, never inside it.
  const last = v.parts[v.parts.length - 1];
  const close = v.range.end - 1;
  const printer = ctx.printer(doc.language);
  if (printer && last?.kind === 'hole' && !v.origin && (doc.text[close] === "'" || doc.text[close] === '"')) {
    return [{ uri: doc.uri, range: { start: close, end: close }, newText: printer.escapeStringText(`;${token};`) }];
  }
  return undefined;
}

/**
 * Edits chosen tokens of a host pool's RDP string in every case it can take: replaces each with `replacement()`, or
 * removes it with its separator when that gives undefined. Undefined when a chosen token is not written in the source.
 */
function editRdpTokens(key: string, ctx: FixContext, choose: (rdp: RdpString) => RdpToken[], replacement: () => string | undefined): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const v = r && get(r.body, 'properties', 'customRdpProperty');
  if (!v) return undefined;
  const edits: TextEdit[] = [];
  for (const c of cases(v)) {
    if (c.value.kind !== 'string') continue;
    for (const t of choose(parseRdpString(c.value))) {
      const doc = t.uri ? ctx.document(t.uri) : undefined;
      const printer = doc && ctx.printer(doc.language);
      if (!t.range || !doc || !printer) return undefined;
      const to = replacement();
      if (to !== undefined) {
        edits.push({ uri: doc.uri, range: t.range, newText: printer.escapeStringText(to) });
        continue;
      }
      // Take the `;` after the token with it, else the one before, so that no empty entry is left.
      let { start, end } = t.range;
      if (doc.text[end] === ';') end++;
      else if (doc.text[start - 1] === ';') start--;
      edits.push({ uri: doc.uri, range: { start, end }, newText: '' });
    }
  }
  return edits.length ? mergeDeletions(dedupe(edits)) : undefined;
}

/**
 * Deletions that overlap or touch become one: two removed tokens side by side can each take the `;` between them
 * (the first the one after it, the last the one before it), and edits must not overlap.
 */
function mergeDeletions(edits: TextEdit[]): TextEdit[] {
  const kept = edits.filter((e) => e.newText !== '');
  const deletions = edits.filter((e) => e.newText === '').sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start - b.range.start);
  for (const d of deletions) {
    const last = kept[kept.length - 1];
    if (last && last.newText === '' && last.uri === d.uri && d.range.start <= last.range.end) {
      kept[kept.length - 1] = { ...last, range: { start: last.range.start, end: Math.max(last.range.end, d.range.end) } };
    } else kept.push({ ...d });
  }
  return kept;
}

function replaceRole(intent: Extract<FixIntent, { kind: 'replace-role' }>, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(intent.resource);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  if (!r || !doc || !printer) return undefined;
  const id = get(r.body, 'properties', 'roleDefinitionId');
  const name = get(r.body, 'properties', 'roleDefinitionName');
  const from = roleByGuid(intent.fromGuid);
  const edits = id
    ? replaceText(id, ctx, intent.fromGuid, intent.toGuid, true)
    : name && from
      ? replaceText(name, ctx, from.name, intent.toName, false)
      : undefined;
  return edits && from ? [...edits, ...renameRoleVariables(edits, ctx, from.name, intent.toName)] : edits;
}

/**
 * Renames the local variables the role was swapped in (`var vmAdminLoginRoleId = '…'`) when their name names the old
 * role, so that it names the new one: `vmUserLoginRoleId`. Each at most once, never overlapping the swap itself.
 */
function renameRoleVariables(swaps: TextEdit[], ctx: FixContext, from: string, to: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const swap of swaps) {
    const doc = ctx.document(swap.uri);
    const renames = doc && ctx.printer(doc.language)?.renameLocal?.(doc, swap.range.start, (n) => renamedForRole(n, from, to));
    if (!renames) continue;
    const clash = (e: TextEdit) => [...swaps, ...out].some((x) => x.uri === e.uri && x.range.start < e.range.end && e.range.start < x.range.end);
    if (renames.some((e) => out.some((x) => x.uri === e.uri && x.range.start === e.range.start))) continue;
    if (!renames.some(clash)) out.push(...renames);
  }
  return out;
}

/** Replaces every occurrence of `from` in the known text of a value, in the documents where it is written. */
function replaceText(v: Value, ctx: FixContext, from: string, to: string, partial: boolean): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const c of cases(v)) {
    if (c.value.kind !== 'string') continue;
    for (const p of c.value.parts) {
      if (p.kind !== 'text' || !p.source) continue;
      const printer = printerFor(p.source.uri, ctx);
      if (!printer) continue;
      const lower = p.text.toLowerCase();
      const target = from.toLowerCase();
      if (!partial && lower.trim() !== target) continue;
      for (let i = lower.indexOf(target); i >= 0; i = lower.indexOf(target, i + target.length)) {
        const s = p.source.offsets ? p.source.offsets[i] : p.source.start + i;
        const e = p.source.offsets ? p.source.offsets[i + target.length] : p.source.start + i + target.length;
        edits.push({ uri: p.source.uri, range: { start: s, end: e }, newText: printer.escapeStringText(to) });
      }
    }
  }
  return edits.length ? dedupe(edits) : undefined;
}

function setProperty(key: string, path: string[], value: string | number | boolean, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  if (!r || !doc || !printer) return undefined;
  const v = get(r.body, ...path);
  if (!v) {
    const added = isAbsent(r.body, ...path) ? printer.addProperty(doc, r, path, value) : undefined;
    // JSON's printer rewrites the property before the one it adds (for its comma): the edit is cut down to what changes,
    // so that a fix of that property (another finding's) can be applied with it.
    return added && added.length > 1 ? added : added?.map((e) => difference(e.uri, doc.text.slice(e.range.start, e.range.end), e.newText, e.range.start));
  }
  if (typeof value !== 'string') {
    // A boolean or number written in place (not read from a parameter or variable): the literal is replaced.
    const written = doc.text.slice(v.range.start, v.range.end);
    const literal = (v.kind === 'boolean' || v.kind === 'number') && !v.origin && written === String(v.value);
    return literal ? [{ uri: doc.uri, range: v.range, newText: String(value) }] : undefined;
  }
  const current = knownString(v);
  if (current === undefined || v.kind !== 'string' || v.parts.length !== 1) return undefined;
  return replaceText(v, ctx, current, value, false);
}

/**
 * Merges an object into the object at `path` (FixIntent `merge-properties`). A written leaf is set as setProperty sets
 * it, or left alone when it holds the value already; what is absent is added, an absent object whole. The additions
 * are rendered one after the other, each on the text the previous one left, and given as one edit: a printer may
 * rewrite the property before the one it adds (JSON's comma), and two such edits would overlap.
 */
function mergeProperties(key: string, path: string[], value: FixObject, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  if (!r || !doc || !printer) return undefined;
  const sets: TextEdit[] = [];
  const adds: { path: string[]; value: FixObject[string] }[] = [];
  const walk = (p: string[], v: FixObject[string]): boolean => {
    const cur = get(r.body, ...p);
    if (!cur) {
      if (!isAbsent(r.body, ...p)) return false;
      adds.push({ path: p, value: v });
      return true;
    }
    if (typeof v === 'object') return cur.kind === 'object' && Object.entries(v).every(([k, x]) => walk([...p, k], x));
    const same = typeof v === 'boolean' ? knownBoolean(cur) === v : typeof v === 'string' ? knownString(cur) === v : cur.kind === 'number' && cur.value === v;
    if (same) return true;
    const e = setProperty(key, p, v, ctx);
    if (e) sets.push(...e);
    return !!e;
  };
  if (!walk(path, value)) return undefined;
  if (!adds.length) return sets;
  // The Terraform printer places an attribute by its syntax tree, which does not see an earlier addition.
  if (adds.length > 1 && doc.language === 'terraform') return undefined;
  let text = doc.text;
  for (const a of adds) {
    const e = printer.addProperty({ ...doc, text }, r, a.path, a.value);
    if (!e) return undefined;
    text = applyTextEdits(text, e);
  }
  return [...sets, difference(doc.uri, doc.text, text)];
}

/**
 * The one edit that turns `before` into `after` (the text from `offset` on): what lies between their common start and
 * their common end.
 */
function difference(uri: string, before: string, after: string, offset = 0): TextEdit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { uri, range: { start: offset + start, end: offset + before.length - end }, newText: after.slice(start, after.length - end) };
}

/**
 * Adds a string after the last item of a list literal written in the resource's document, in the same quotes, on a line
 * of its own when the list has one item per line. Undefined when the list is not written there as literals.
 */
function addListItem(key: string, path: string[], value: string, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  const v = r && get(r.body, ...path);
  if (!doc || !printer || v?.kind !== 'array' || !v.items.length || v.origin) return undefined;
  const last = v.items[v.items.length - 1];
  const written = doc.text.slice(last.range.start, last.range.end);
  const quote = written[0];
  if (last.kind !== 'string' || (quote !== '"' && quote !== "'") || written[written.length - 1] !== quote) return undefined;
  const item = `${quote}${printer.escapeStringText(value)}${quote}`;
  const lineStart = doc.text.lastIndexOf('\n', last.range.start - 1) + 1;
  const before = doc.text.slice(lineStart, last.range.start);
  if (!/^\s*$/.test(before)) return [{ uri: doc.uri, range: { start: last.range.end, end: last.range.end }, newText: `, ${item}` }];
  // One item per line: a new line with the same indentation; Bicep separates such items by line breaks alone.
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  if (doc.language === 'bicep') return [{ uri: doc.uri, range: { start: last.range.end, end: last.range.end }, newText: `${eol}${before}${item}` }];
  // The new line goes after the last item's line, so a comment at its end stays with it.
  const trailing = doc.text[last.range.end] === ',';
  let lineEnd = doc.text.indexOf('\n', last.range.end);
  if (lineEnd < 0) lineEnd = doc.text.length;
  if (doc.text[lineEnd - 1] === '\r') lineEnd--;
  const edits: TextEdit[] = [{ uri: doc.uri, range: { start: lineEnd, end: lineEnd }, newText: `${eol}${before}${item}${trailing ? ',' : ''}` }];
  if (!trailing) edits.unshift({ uri: doc.uri, range: { start: last.range.end, end: last.range.end }, newText: ',' });
  return edits;
}

/**
 * Removes a declaration that stands on lines of its own in Terraform or Bicep (not one of a loop's instances, not an
 * ARM array item, whose commas another edit would have to mend): its lines, its comments just above it, and one blank
 * line after it.
 */
function removeResource(key: string, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  if (!r || !doc || (doc.language !== 'terraform' && doc.language !== 'bicep') || r.source.loop) return undefined;
  const text = doc.text;
  let start = text.lastIndexOf('\n', r.source.range.start - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(start, r.source.range.start))) return undefined;
  // Comment lines right above belong to it.
  for (;;) {
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    if (start === 0 || !/^[ \t]*(#|\/\/)/.test(text.slice(prev, start))) break;
    start = prev;
  }
  const eol = /^[ \t]*\r?\n/.exec(text.slice(r.source.range.end));
  if (!eol && r.source.range.end !== text.length) return undefined;
  let end = r.source.range.end + (eol ? eol[0].length : 0);
  const blank = /^[ \t]*\r?\n/.exec(text.slice(end));
  if (blank) end += blank[0].length;
  return [{ uri: doc.uri, range: { start, end }, newText: '' }];
}

/**
 * Points a property at another resource of the same template (Bicep: its symbol) or module directory (Terraform:
 * `address.id`), replacing the value written there, or adding the property first in a Bicep body that lacks it. ARM and
 * resources built in loops are left alone: their references need an expression avdsec does not write.
 */
function setReference(key: string, path: string[], targetKey: string, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const t = ctx.resource(targetKey);
  const doc = r && ctx.document(r.source.uri);
  if (!r || !t || !doc || t.source.loop || !t.source.symbol) return undefined;
  const language = doc.language;
  if (
    language === 'bicep'
      ? t.source.uri !== doc.uri || t.source.scopePath !== r.source.scopePath
      : language !== 'terraform' || dirOf(t.source.uri) !== dirOf(doc.uri)
  )
    return undefined;
  const symbol = t.source.symbol;
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)?$/.test(symbol)) return undefined;
  const ref = language === 'terraform' ? `${symbol}.id` : symbol;
  const v = get(r.body, ...path);
  if (v) {
    // Only a value written here, in this property: not one read from a variable or a parameter elsewhere.
    if (v.origin || v.range.end <= v.range.start || v.range.end > doc.text.length) return undefined;
    return [{ uri: doc.uri, range: v.range, newText: ref }];
  }
  if (language !== 'bicep' || path.length !== 1 || !isAbsent(r.body, ...path)) return undefined;
  const open = doc.text.indexOf('{', r.source.headRange.end);
  const nextLine = doc.text.indexOf('\n', open);
  if (open < 0 || nextLine < 0 || open > r.source.range.end) return undefined;
  const indent = /^[ \t]*/.exec(doc.text.slice(nextLine + 1))![0];
  const eol = doc.text[nextLine - 1] === '\r' ? '\r\n' : '\n';
  return [{ uri: doc.uri, range: { start: nextLine + 1, end: nextLine + 1 }, newText: `${indent}${path[0]}: ${ref}${eol}` }];
}

/**
 * Rewrites the API version where the declaration writes it: `@2022-09-09` in a Bicep or azapi type string, or the value
 * of an ARM `apiVersion`. Only when the declaration writes the current version exactly once, as a literal.
 */
function setApiVersion(key: string, apiVersion: string, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const current = r?.apiVersion;
  // An API version is a date and a suffix: anything longer was not written as one (and is no pattern to search for).
  if (!r || !doc || !current || current.length > 64 || !/^[\w.-]+$/.test(apiVersion)) return undefined;
  const { start, end } = r.source.range;
  const text = doc.text.slice(start, end);
  // Where the current version starts in each place the declaration writes it: after `"apiVersion": "` (ARM, any case)
  // or after `@` followed by a quote (Bicep and azapi type strings).
  const at: number[] = [];
  if (doc.language === 'arm') {
    const lower = current.toLowerCase();
    for (const m of text.matchAll(/"apiVersion"\s*:\s*"/gi)) {
      const from = m.index! + m[0].length;
      if (text.slice(from, from + current.length).toLowerCase() === lower && text[from + current.length] === '"') at.push(from);
    }
  } else {
    for (let i = text.indexOf(`@${current}`); i >= 0; i = text.indexOf(`@${current}`, i + 1))
      if (text[i + 1 + current.length] === "'" || text[i + 1 + current.length] === '"') at.push(i + 1);
  }
  if (at.length !== 1) return undefined;
  return [{ uri: doc.uri, range: { start: start + at[0], end: start + at[0] + current.length }, newText: apiVersion }];
}

/**
 * Removes a property that stands on lines of its own: from the start of its key's line to the end of its value's line
 * (with a comment there). In JSON the comma goes too: the one after it, or, for the last property, the one before it.
 */
function removeEntry(uri: string, key: Range, value: Range, ctx: FixContext): TextEdit[] | undefined {
  const doc = ctx.document(uri);
  if (!doc || value.end <= key.start || value.end > doc.text.length) return undefined;
  const text = doc.text;
  const start = text.lastIndexOf('\n', key.start - 1) + 1;
  if (!/^[ \t]*["']?$/.test(text.slice(start, key.start))) return undefined;
  const json = doc.language === 'arm' || doc.language === 'arm-parameters' || doc.language === 'graph-json';
  const rest = (json ? /^[ \t]*(,)?[ \t]*\r?\n/ : /^[ \t]*(?:(?:#|\/\/)[^\r\n]*)?\r?\n/).exec(text.slice(value.end + (text[value.end] === '"' ? 1 : 0)));
  if (!rest) return undefined;
  const end = value.end + (text[value.end] === '"' ? 1 : 0) + rest[0].length;
  const edits: TextEdit[] = [{ uri, range: { start, end }, newText: '' }];
  if (json && !rest[1]) {
    // The last property: the comma of the one before it goes.
    const before = /,(\s*)$/.exec(text.slice(0, start));
    if (!before) return undefined;
    edits.unshift({ uri, range: { start: before.index, end: before.index + 1 }, newText: '' });
  }
  return edits;
}

/** A list literal of strings written in the resource's own document, with the document and its printer. */
function writtenList(key: string, path: string[], ctx: FixContext) {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  const v = r && get(r.body, ...path);
  if (!doc || !printer || v?.kind !== 'array' || v.origin || doc.text[v.range.start] !== '[') return undefined;
  const items = v.items.map((item) => {
    const text = doc.text.slice(item.range.start, item.range.end);
    const quoted = item.kind === 'string' && text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0];
    return { item, value: quoted ? knownString(item) : undefined, quote: quoted ? text[0] : undefined };
  });
  return { doc, printer, list: v, items };
}

function editList(intent: Extract<FixIntent, { kind: 'replace-list-item' | 'remove-list-item' | 'set-list' }>, ctx: FixContext): TextEdit[] | undefined {
  const w = writtenList(intent.resource, intent.path, ctx);
  if (!w) return undefined;
  const { doc, printer, list, items } = w;
  const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
  if (intent.kind === 'set-list') {
    const quote = items[0]?.quote ?? (doc.language === 'bicep' ? "'" : '"');
    if (items.some((i) => !i.quote)) return undefined;
    const sep = doc.language === 'bicep' ? ' ' : ', ';
    return [{ uri: doc.uri, range: list.range, newText: `[${intent.values.map((x) => `${quote}${printer.escapeStringText(x)}${quote}`).join(sep)}]` }];
  }
  const target = items.find((i) => i.quote && same(i.value, intent.kind === 'replace-list-item' ? intent.from : intent.value));
  if (!target) return undefined;
  if (intent.kind === 'replace-list-item') {
    return [{ uri: doc.uri, range: target.item.range, newText: `${target.quote}${printer.escapeStringText(intent.to)}${target.quote}` }];
  }
  // Remove the item: its whole line when it stands alone on one, else with the separator after it (or before it).
  const { start, end } = target.item.range;
  const lineStart = doc.text.lastIndexOf('\n', start - 1) + 1;
  const rest = /^,?[ \t]*(?:(?:#|\/\/)[^\r\n]*)?\r?\n/.exec(doc.text.slice(end));
  if (/^[ \t]*$/.test(doc.text.slice(lineStart, start)) && rest) return [{ uri: doc.uri, range: { start: lineStart, end: end + rest[0].length }, newText: '' }];
  const after = /^[ \t]*,[ \t]*/.exec(doc.text.slice(end));
  if (after && items[items.length - 1] !== target) return [{ uri: doc.uri, range: { start, end: end + after[0].length }, newText: '' }];
  const before = /[ \t]*,[ \t]*$/.exec(doc.text.slice(list.range.start + 1, start));
  if (before) return [{ uri: doc.uri, range: { start: start - before[0].length, end }, newText: '' }];
  return [{ uri: doc.uri, range: { start, end }, newText: '' }];
}

function suppress(doc: Document, printer: Printer, ruleId: string, offset: number): TextEdit[] {
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(doc.text.slice(lineStart))![0];
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  return [{ uri: doc.uri, range: { start: lineStart, end: lineStart }, newText: `${indent}${printer.suppressionComment(ruleId)}${eol}` }];
}

/** Whether two edits of a file change the same text (insertions at one place do not: they are applied in order). */
function overlapping(edits: readonly TextEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start - b.range.start || a.range.end - b.range.end));
  let end = -1;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.uri !== e.uri) end = -1;
    if (e.range.start < end) return true;
    end = Math.max(end, e.range.end);
  }
  return false;
}

function dedupe(edits: TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const k = `${e.uri}:${e.range.start}:${e.range.end}:${e.newText}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const within = (inner: Range, outer: Range) => inner.start >= outer.start && inner.end <= outer.end && inner.end > inner.start;
const lineEndAt = (text: string, offset: number) => {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
};
const indentBefore = (text: string, offset: number): string | undefined => {
  const before = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
};

/**
 * Moves an entry of an extension's public settings to its protected settings (FixIntent `move-to-protected-settings`).
 * Both objects must be written in the resource's own document (in Terraform as `jsonencode({...})`), the entry on lines
 * of its own. A string literal written in the entry is never moved: that would write the secret anew.
 */
function moveToProtectedSettings(key: string, name: string, ctx: FixContext): TextEdit[] | undefined {
  const r = ctx.resource(key);
  const doc = r && ctx.document(r.source.uri);
  const printer = doc && ctx.printer(doc.language);
  if (!r || !doc || !printer) return undefined;
  const text = doc.text;
  const tf = doc.language === 'terraform';
  const written = (v: Value | undefined): v is Extract<Value, { kind: 'object' }> =>
    v?.kind === 'object' && !v.origin && !v.open && within(v.range, r.source.range) && (!tf || text.startsWith('jsonencode(', v.range.start));
  const settingsEntry = entry(get(r.body, 'properties'), 'settings');
  const settings = written(settingsEntry?.value) ? (settingsEntry!.value as Extract<Value, { kind: 'object' }>) : undefined;
  const moved = settings && entry(settings, name);
  const removal = moved && removeEntry(doc.uri, moved.keyRange, moved.value.range, ctx);
  if (!settingsEntry || !moved || !removal) return undefined;
  if (tf) removal.push(...hclPads(text, doc.uri, hclRun(text, settings!.entries, moved)));
  const target = get(r.body, 'properties', 'protectedSettings');
  if (target && entry(target, name)) return removal;
  const v = moved.value;
  if (v.kind === 'string' && !v.origin && v.parts.some((p) => p.kind === 'text' && p.text !== '')) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const json = doc.language === 'arm';
  let entryText = text.slice(moved.keyRange.start, moved.value.range.end);
  // In Terraform the moved entry takes the `=` alignment of where it goes: alone, one space.
  if (tf) entryText = entryText.replace(/^([^=]*?)[ \t]*=/, '$1 =');
  const inner = indentBefore(text, moved.keyRange.start);
  if (inner === undefined) return undefined;
  if (target) {
    if (!written(target)) return undefined;
    const last = target.entries[target.entries.length - 1];
    if (!last) {
      // `{}`: opened up, with the entry inside.
      const open = text.indexOf('{', target.range.start);
      const close = text.lastIndexOf('}', target.range.end - 1);
      if (open < 0 || close <= open || text.slice(open + 1, close).trim()) return undefined;
      const lineIndent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', target.range.start - 1) + 1))![0];
      return [...removal, { uri: doc.uri, range: { start: open + 1, end: close }, newText: `${eol}${inner}${entryText}${eol}${lineIndent}` }];
    }
    const indent = indentBefore(text, last.keyRange.start);
    const end = last.value.range.end;
    const lineEnd = lineEndAt(text, end);
    if (indent === undefined || !(json ? /^[ \t]*$/ : /^[ \t]*(?:(?:\/\/|#)[^\r\n]*)?$/).test(text.slice(end, lineEnd))) return undefined;
    const at = json ? end : lineEnd;
    if (tf) {
      const run = hclRun(text, target.entries, undefined, last);
      const width = Math.max(name.length, ...run.map((e) => e.keyRange.end - e.keyRange.start));
      removal.push(...hclPads(text, doc.uri, run, width));
      entryText = entryText.replace(/^([^=]*?) =/, (_m, k: string) => `${k.padEnd(width)} =`);
    }
    return [...removal, { uri: doc.uri, range: { start: at, end: at }, newText: `${json ? ',' : ''}${eol}${indent}${entryText}` }];
  }
  if (!isAbsent(r.body, 'properties', 'protectedSettings')) return undefined;
  const indent = indentBefore(text, settingsEntry.keyRange.start);
  const property = printer.objectProperty?.(r, ['properties', 'protectedSettings'], [`${inner}${entryText}`], indent ?? '', eol);
  const end = settings!.range.end;
  const lineEnd = lineEndAt(text, end);
  if (indent === undefined || !property || !/^[ \t]*,?[ \t]*(?:(?:\/\/|#)[^\r\n]*)?$/.test(text.slice(end, lineEnd))) return undefined;
  const at = json ? end : lineEnd;
  return [...removal, { uri: doc.uri, range: { start: at, end: at }, newText: `${json ? ',' : ''}${eol}${indent}${property}` }];
}

/**
 * The run of one-line entries of an HCL object on consecutive lines that holds `around` (or, when `skip` is removed, its
 * neighbours, which its removal may join), as the text reads once `skip` is gone: `terraform fmt` aligns `=` per run.
 */
function hclRun(text: string, entries: readonly ObjectEntry[], skip?: ObjectEntry, around?: ObjectEntry): ObjectEntry[] {
  const oneLine = (e: ObjectEntry) => !text.slice(e.keyRange.start, e.value.range.end).includes('\n');
  const lineStart = (o: number) => text.lastIndexOf('\n', o - 1) + 1;
  const gone = skip ? { start: lineStart(skip.keyRange.start), end: lineEndAt(text, skip.value.range.end) + 1 } : undefined;
  const adjacent = (a: ObjectEntry, b: ObjectEntry) => {
    let between = text.slice(a.value.range.end, b.keyRange.start);
    if (gone && gone.start >= a.value.range.end && gone.end <= b.keyRange.start)
      between = text.slice(a.value.range.end, gone.start) + text.slice(gone.end, b.keyRange.start);
    return /^[ \t]*(?:(?:#|\/\/)[^\n]*)?\r?\n[ \t]*$/.test(between);
  };
  const list = entries.filter((e) => e !== skip).sort((a, b) => a.keyRange.start - b.keyRange.start);
  const after = skip ? list.findIndex((e) => e.keyRange.start > skip.keyRange.start) : -1;
  const index = skip ? (after < 0 ? list.length - 1 : Math.max(0, after - 1)) : list.indexOf(around!);
  if (index < 0 || !list[index] || !oneLine(list[index])) return [];
  let from = index;
  while (from > 0 && oneLine(list[from - 1]) && adjacent(list[from - 1], list[from])) from--;
  let to = index;
  while (to + 1 < list.length && oneLine(list[to + 1]) && adjacent(list[to], list[to + 1])) to++;
  return list.slice(from, to + 1);
}

/** Edits that pad the keys of a run of HCL entries so that their `=` align at `width` (the longest key by default). */
function hclPads(
  text: string,
  uri: string,
  run: readonly ObjectEntry[],
  width = Math.max(0, ...run.map((e) => e.keyRange.end - e.keyRange.start)),
): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const e of run) {
    const from = e.keyRange.end;
    const to = text.indexOf('=', from);
    const pad = ' '.repeat(width - (e.keyRange.end - e.keyRange.start) + 1);
    if (to > from && !text.slice(from, to).trim() && text.slice(from, to) !== pad) edits.push({ uri, range: { start: from, end: to }, newText: pad });
  }
  return edits;
}

/** Applies edits to a text (for tests and the CLI); edits must not overlap. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}
