import { isAllowedValue, RDP_PROPERTIES, rdpProperty, type RdpPropertyInfo, rdsOnlyProperty } from '../knowledge/rdp-properties';
import type { HostPoolNode } from '../graph';
import type { Fix } from '../model';
import { RDP_TOKEN_HEAD, type RdpToken } from '../rdp';
import { defineRule, fix, type RuleContext } from '../rule';
import docs from './rdp-property-invalid.md';
import { inOnePiece, poolName, type RdpCase, rdpCases, rdpReport } from '../facts/rdp';
import { clip, fitting } from '../message';
import { ownString } from '../strings';

const ID = 'rdp-property-invalid';

/** The more secure value of properties the property table gives no recommendation for (absent is the default). */
const INTEGER = /^[-+]?\d+$/;

/** Whether wrong values of a property weaken a security control (then the rule's level, else one lower). */
function securityRelevant(info: RdpPropertyInfo): boolean {
  if (info.recommended !== undefined) return true;
  return info.security !== undefined && info.security !== 'none';
}

/** The integer values a property supports, when the table lists them. */
function integerValues(info: RdpPropertyInfo): string[] | undefined {
  const keys = info.values ? Object.keys(info.values) : [];
  return info.type === 'i' && keys.length && keys.every((k) => INTEGER.test(k)) ? keys : undefined;
}

/** What a property accepts, for messages: "0 or 1", "a whole number from 200 to 8192", "'', '*' or a list of …". */
function accepted(info: RdpPropertyInfo): string {
  const literals = Object.keys(info.values ?? {}).map((k) => (k === '' ? 'an empty value' : info.type === 'i' ? k : `'${k}'`));
  if (info.type === 'i') {
    if (literals.length) return orList(literals);
    return info.range ? `a whole number from ${info.range.min} to ${info.range.max}` : 'a whole number';
  }
  return orList(info.forms ? [...literals, info.forms] : literals);
}

/** Whether avdsec can tell a string value is wrong: the table lists its values, a pattern, or nothing beyond literals. */
function judgesStrings(info: RdpPropertyInfo): boolean {
  return !!info.pattern || (!!info.values && info.forms === undefined);
}

/** The name of a token as the user wrote it (case and spaces kept). */
function writtenName(t: RdpToken): string {
  return t.text.slice(0, t.text.indexOf(':'));
}

/**
 * The properties a token is made of when several were run together without `;` (`audiomode:i:0redirectprinters:i:0`,
 * typically from string concatenation), or undefined when it is one property. An integer value followed by a
 * `name:type:` head is always a glue; a string value is split only before a known property of the written type, since
 * string values may contain anything.
 */
function splitGlued(text: string): string[] | undefined {
  const m = RDP_TOKEN_HEAD.exec(text);
  if (!m) return undefined;
  const head = text.slice(0, text.length - m[3].length);
  const value = m[3];
  let at: number | undefined;
  if (m[2].toLowerCase() === 'i') {
    const g = /^(\s*[-+]?\d+)\s*(?=[A-Za-z][A-Za-z0-9 ]*?:[isbISB]:)/.exec(value);
    if (g) at = g[0].length;
  } else if (m[2].toLowerCase() === 's') at = knownHeadIn(value);
  if (at === undefined) return undefined;
  const first = head + value.slice(0, at).trimEnd();
  const rest = value.slice(at);
  return [first, ...(splitGlued(rest) ?? [rest])];
}

const NAME_CHAR = /[A-Za-z0-9 ]/;
const LETTER = /[A-Za-z]/;
const LONGEST_NAME = Math.max(...RDP_PROPERTIES.map((p) => p.name.length));

/**
 * Where a known property of the written type starts inside a string value (`…xyzaudiomode:i:0`), or undefined: the
 * first `name:type:` whose name, read back from the colon over letters, digits and spaces (at most as long as the
 * longest property name), is a property of that type. Bounded look-back keeps a long value linear.
 */
function knownHeadIn(value: string): number | undefined {
  for (let q = value.indexOf(':'); q >= 0; q = value.indexOf(':', q + 1)) {
    const type = value[q + 1]?.toLowerCase();
    if ((type !== 'i' && type !== 's' && type !== 'b') || value[q + 2] !== ':') continue;
    let from = q;
    while (from > 0 && q - from < LONGEST_NAME && NAME_CHAR.test(value[from - 1])) from--;
    for (let p = from; p < q; p++) {
      if (!LETTER.test(value[p])) continue;
      if (rdpProperty(value.slice(p, q))?.type === type) return p;
    }
  }
  return undefined;
}

/**
 * `redirectclipboard:0` or `redirectclipboard : 0`: a name, one colon and a value, without the type letter. The name
 * (letters, digits, spaces) starts with a letter; the value holds no further colon.
 */
function missingType(text: string): { name: string; value: string } | undefined {
  const colon = text.indexOf(':');
  if (colon < 1 || text.indexOf(':', colon + 1) >= 0 || !LETTER.test(text[0])) return undefined;
  let nameEnd = colon;
  while (nameEnd > 1 && /\s/.test(text[nameEnd - 1])) nameEnd--;
  for (let i = 1; i < nameEnd; i++) if (!NAME_CHAR.test(text[i])) return undefined;
  let valueStart = colon + 1;
  while (valueStart < text.length && /\s/.test(text[valueStart])) valueStart++;
  return { name: text.slice(0, nameEnd), value: text.slice(valueStart) };
}

/**
 * Damerau-Levenshtein distance (adjacent transpositions count one), computed only in the band of cells within `max`
 * of the diagonal; any distance above `max` comes back as `max + 1`.
 */
function distance(a: string, b: string, max: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => Math.min(j, over));
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(over);
    row[0] = Math.min(i, over);
    let rowMin = row[0];
    for (let j = Math.max(1, i - max); j <= Math.min(b.length, i + max); j++) {
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      row[j] = Math.min(d, over);
      rowMin = Math.min(rowMin, row[j]);
    }
    if (rowMin > max) return over;
    before = prev;
    prev = row;
  }
  return prev[b.length];
}

/** Suggestions already computed, by name: a string may repeat one unknown name thousands of times. */
const suggestions = new Map<string, RdpPropertyInfo | undefined>();

/** The known property a mistyped name most likely meant: the single closest one within two edits. */
function suggest(name: string): RdpPropertyInfo | undefined {
  // A name longer than any property by more than two letters is more than two edits away from all of them.
  if (name.length > LONGEST_NAME + 2) return undefined;
  if (suggestions.has(name)) return suggestions.get(name);
  let best: RdpPropertyInfo[] = [];
  let bestDistance = 3;
  for (const p of RDP_PROPERTIES) {
    const d = distance(name, p.name, 2);
    if (d < bestDistance) {
      best = [p];
      bestDistance = d;
    } else if (d === bestDistance) best.push(p);
  }
  const found = best.length === 1 && bestDistance <= 2 ? best[0] : undefined;
  if (suggestions.size >= 10_000) suggestions.clear();
  suggestions.set(ownString(name), found);
  return found;
}

/** A token that is not a property but an item of the list in the string value before it (`usbdevicestoredirect:s:{…};{…}`). */
function looksLikeListItem(text: string): boolean {
  return /^(?:[-*{\\]|dynamic(?:drives|devices)$|[A-Za-z]:|[A-Za-z0-9]+\\)/i.test(text);
}

interface Finding {
  token: RdpToken;
  message: string;
  /** A shorter wording, when the message may not fit (long tokens, long names). */
  short?: string;
  key: string;
  shift: number;
  fixes: Fix[];
}

function checkCase(ctx: RuleContext, c: RdpCase): void {
  const rdp = c.rdp;
  if (!rdp) return;
  const pool = poolName(c);
  const findings: Finding[] = [];
  const replace = (t: RdpToken, to: string, title: string, preferred: boolean): Fix[] =>
    inOnePiece(c, t) ? [fix(title, { kind: 'replace-rdp-token', resource: c.hp.key, from: t.text, to }, preferred)] : [];
  const editableByName = new Map<string, boolean>();
  const editable = (name: string) => {
    let e = editableByName.get(name);
    if (e === undefined) editableByName.set(name, (e = tokensOf(rdp.tokens, name).every((x) => inOnePiece(c, x))));
    return e;
  };
  const occurrence = new Map<string, number>();
  const wellFormed: RdpToken[] = [];
  let afterString = false;

  for (const t of rdp.tokens) {
    const n = occurrence.get(t.name) ?? 0;
    occurrence.set(t.name, n + 1);
    const key = `${t.name}#${n}`;

    if (t.malformed) {
      if (afterString && looksLikeListItem(t.text)) continue;
      afterString = false;
      // `redirectclipboard:0`: a known name with its value but no type letter.
      const m = missingType(t.text);
      const info = m ? rdpProperty(m.name) : undefined;
      const repaired = info && m && isAllowedValue(info, m.value) ? `${m.name}:${info.type}:${m.value}` : undefined;
      findings.push({
        token: t,
        message: `${pool} has '${show(t.text)}' in its RDP properties, which is not written as name:type:value, so it sets no property.`,
        key: `malformed:${key}`,
        shift: 0,
        fixes: repaired ? replace(t, repaired, `Write it as ${repaired}`, true) : [],
      });
      continue;
    }
    afterString = t.type === 's';

    const parts = splitGlued(t.text);
    if (parts) {
      const joined = parts.join(';');
      findings.push({
        token: t,
        message:
          parts.length === 2
            ? `${pool} sets '${show(t.text)}': a ';' is missing after '${show(parts[0])}', so '${show(parts[1])}' is read as part of ` +
              `the value of ${writtenName(t)} and does not take effect.`
            : `${pool} sets '${show(t.text)}': ';' is missing ${parts.length - 1} times, so ` +
              `${joinList(
                parts.slice(1, 4).map((p) => `'${show(p)}'`),
                'and',
              )}${parts.length > 4 ? ` (and ${parts.length - 4} more)` : ''} are read as part of the value of ` +
              `${writtenName(t)} and do not take effect.`,
        short: `${pool} sets '${show(t.text)}': a ';' is missing, so part of it does not take effect.`,
        key: `glued:${key}`,
        shift: 0,
        fixes: replace(t, joined, `Insert the missing ';' (${joined})`, true),
      });
      continue;
    }

    if (rdsOnlyProperty(t.name)) {
      findings.push({
        token: t,
        message:
          `${pool} sets '${show(t.text)}': Azure Virtual Desktop ignores ${writtenName(t)}, which is for Remote Desktop Services ` +
          `or Remote PC connections only.`,
        short: `${pool} sets '${show(t.text)}', which Azure Virtual Desktop ignores (Remote Desktop Services only).`,
        key: `rds-only:${key}`,
        shift: -1,
        fixes: inOnePiece(c, t) ? [fix(`Remove ${writtenName(t)}`, { kind: 'remove-rdp-property', resource: c.hp.key, name: t.name })] : [],
      });
      continue;
    }

    const info = rdpProperty(t.name);
    if (!info) {
      const s = suggest(t.name);
      const to = s ? `${s.name}:${t.type}:${t.value}` : undefined;
      findings.push({
        token: t,
        message: `${pool} sets '${show(t.text)}', which is not an RDP property Azure Virtual Desktop documents${s ? `; did you mean '${s.name}'?` : '.'}`,
        key: `unknown:${key}`,
        shift: -1,
        fixes: s && to ? replace(t, to, `Change to ${to}`, t.type === s.type && t.name.length >= 5) : [],
      });
      continue;
    }

    const shift = securityRelevant(info) ? 0 : -1;
    if (t.type !== info.type) {
      const to = `${writtenName(t)}:${info.type}:${t.value}`;
      const kind = (type: string) => (type === 'i' ? 'an integer (i)' : type === 's' ? 'a string (s)' : `type ${type}`);
      findings.push({
        token: t,
        message:
          `${pool} sets '${show(t.text)}': ${info.name} takes ${kind(info.type)}, not ${kind(t.type)}, so the client may ignore it` +
          `${info.default !== undefined ? ` and keep the default (${info.default})` : ''}.`,
        short: `${pool} sets '${show(t.text)}': ${info.name} takes ${kind(info.type)}, so the client may ignore it.`,
        key: `type:${key}`,
        shift,
        // An integer written as a string is repaired; a string value written as `i:` is left to the author.
        fixes: info.type === 'i' && isAllowedValue(info, t.value) ? replace(t, to, `Change the type letter (${to})`, true) : [],
      });
      continue;
    }
    if (!isAllowedValue(info, t.value) && (info.type === 'i' || judgesStrings(info))) {
      const v = t.value.trim();
      const allowed = integerValues(info);
      findings.push({
        token: t,
        message:
          info.type === 'i' && !INTEGER.test(v)
            ? `${pool} sets '${show(t.text)}': ${info.name} takes ${accepted(info)}, so the client may ignore it.`
            : info.type === 'i'
              ? `${pool} sets '${show(t.text)}': ${info.name} takes ${accepted(info)}, not ${show(v)}.`
              : `${pool} sets '${show(t.text)}': ${info.name} does not take ${v === '' ? 'an empty value' : `'${show(v)}'`} (it takes ${accepted(info)}).`,
        short: `${pool} sets '${show(t.text)}', a value ${info.name} does not take.`,
        key: `value:${key}`,
        shift,
        // One fix per supported value, none preferred: which one was meant is the author's call.
        fixes:
          editable(t.name) && allowed
            ? allowed.slice(0, 4).map((a) =>
                fix(`Set ${info.name}:i:${a}${info.values?.[a] ? ` (${info.values[a]})` : ''}`, {
                  kind: 'set-rdp-property',
                  resource: c.hp.key,
                  name: info.name,
                  value: `i:${a}`,
                }),
              )
            : [],
      });
      continue;
    }
    wellFormed.push(t);
  }

  // The same property twice with different values: which copy the client honours is undocumented.
  const byName = new Map<string, RdpToken[]>();
  for (const t of wellFormed) {
    const copies = byName.get(t.name);
    if (copies) copies.push(t);
    else byName.set(t.name, [t]);
  }
  for (const [name, copies] of byName) {
    const norm = (t: RdpToken) => t.value.trim().toLowerCase();
    const conflicting = copies.find((t) => norm(t) !== norm(copies[0]));
    if (!conflicting) continue;
    const info = rdpProperty(name)!;
    const values = [...new Set(copies.map(norm))];
    const secure = info.recommended;
    // Titles show a value as first written (`DynamicDrives`); the fix compares values case-insensitively.
    const written = (v: string) => copies.find((t) => norm(t) === v)!.value.trim();
    const keepFix = (v: string, preferred: boolean, why: string) =>
      fix(`Keep only ${info.name}:${info.type}:${written(v)}${why}`, { kind: 'remove-rdp-property', resource: c.hp.key, name, keep: v }, preferred);
    const fixes: Fix[] = !editable(name)
      ? []
      : secure !== undefined && values.includes(secure)
        ? [keepFix(secure, true, ', the most secure value')]
        : values.slice(0, 3).map((v) => keepFix(v, false, ''));
    findings.push({
      token: conflicting,
      message:
        `${pool} sets ${info.name} ${copies.length} times with different values (${copies
          .slice(0, 3)
          .map((t) => `'${show(t.text)}'`)
          .join(', ')}${copies.length > 3 ? `, …` : ''}): ` + `which copy the client honours is not documented.`,
      short: `${pool} sets ${info.name} ${copies.length} times with different values: which one the client honours is not documented.`,
      key: `duplicate:${name}`,
      shift: securityRelevant(info) ? 0 : -1,
      fixes,
    });
  }

  for (const f of findings) {
    ctx.report(
      rdpReport(c, {
        token: inOnePiece(c, f.token) ? f.token : undefined,
        message: fitting(f.message, f.short ?? f.message),
        key: f.key,
        shift: f.shift,
        fixes: f.fixes,
      }),
    );
  }
}

/** A token or value for a message: long ones are cut. */
function show(text: string): string {
  return clip(text, 40);
}

function tokensOf(tokens: readonly RdpToken[], name: string): RdpToken[] {
  return tokens.filter((t) => t.name === name);
}

function orList(values: string[]): string {
  return joinList(values, 'or');
}

function joinList(values: string[], word: 'and' | 'or'): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} ${word} ${values[values.length - 1]}`;
}

function check(pool: HostPoolNode, ctx: RuleContext): void {
  for (const c of rdpCases(pool)) checkCase(ctx, c);
}

export default defineRule({
  id: ID,
  title: 'RDP properties should be well formed, known and set once',
  level: 'warning',
  severity: 'low',
  boundary: ['data-egress', 'identity'],
  summary:
    'Finds host pool RDP properties that are malformed, run together, of the wrong type, out of range, set twice with different values, unknown, or ignored by Azure Virtual Desktop.',
  docs,
  appliesTo: 'hostPool',
  local: true,
  check,
});
