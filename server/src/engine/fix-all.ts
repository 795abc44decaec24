import type { AvdsecConfig } from './config';
import { applyTextEdits, renderFix } from './fix';
import type { Finding, Fix, TextEdit } from './model';
import type { Workspace } from './workspace';

/** "Fix all": the preferred fixes of many findings applied together, as the CLI's `--fix` and the editor do it. */

/** ESLint's bound: fixes that made room for others are followed by a few more passes, never an endless loop. */
const MAX_PASSES = 10;

export interface FixOutcome {
  /** Files whose text changed: the text read and the text after every pass. */
  changed: Map<string, { before: string; after: string }>;
  /** Fixes applied, over all passes. */
  applied: number;
  /** Files where a pass's edits left more syntax errors than before: those fixes were taken back. */
  broken: string[];
}

/**
 * The fix `--fix` applies for a finding: its preferred fix, when it edits files in place. Creating files (a new
 * Conditional Access policy) and writing the configuration are left to the user, as the editor's "fix all" does.
 */
export function preferredFix(f: Finding): Fix | undefined {
  const fix = f.fixes.find((x) => x.preferred);
  return fix && fix.intent.kind !== 'set-config' && fix.intent.kind !== 'add-ca-policy' ? fix : undefined;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.uri !== b.uri) return false;
  // Two insertions (or an insertion and a replacement) at the same place have no defined order: one waits.
  return a.range.start === b.range.start || (a.range.start < b.range.end && b.range.start < a.range.end);
}

function same(a: TextEdit, b: TextEdit): boolean {
  return a.uri === b.uri && a.range.start === b.range.start && a.range.end === b.range.end && a.newText === b.newText;
}

/**
 * Applies the preferred fixes of every finding in the given documents, in passes: each pass takes the fixes whose
 * edits render and overlap none taken before (whole fixes only), applies them to the workspace, and finds again; it
 * stops when a pass changes nothing. Only the workspace changes: writing files is the caller's business.
 */
export function applyFixes(ws: Workspace, uris: readonly string[], configOf: (uri: string) => AvdsecConfig): FixOutcome {
  const within = new Set(uris);
  const changed = new Map<string, { before: string; after: string }>();
  const broken = new Set<string>();
  /** Fixes taken back once (their edits broke the syntax), by finding key and fix title. */
  const banned = new Set<string>();
  let applied = 0;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const ctx = ws.fixContext();
    const taken: TextEdit[] = [];
    const owners: { id: string; edits: TextEdit[] }[] = [];
    for (const uri of uris) {
      for (const f of ws.findings(uri, configOf(uri))) {
        const fix = preferredFix(f);
        const id = `${f.key}\u0000${fix?.title}`;
        if (!fix || banned.has(id)) continue;
        const set = renderFix(fix.intent, ctx);
        // Only edits in the documents being fixed: the editor fixes one file, the CLI every file it scanned.
        if (!set || set.creates.length || set.edits.some((e) => !within.has(e.uri))) continue;
        const edits = set.edits.filter((e) => ws.document(e.uri)!.text.slice(e.range.start, e.range.end) !== e.newText);
        if (!edits.length) continue;
        const fresh = edits.filter((e) => !taken.some((t) => same(t, e)));
        if (fresh.some((e) => taken.some((t) => overlaps(t, e)))) continue;
        taken.push(...fresh);
        owners.push({ id, edits: fresh });
      }
    }
    if (!taken.length) break;

    const byUri = new Map<string, TextEdit[]>();
    for (const e of taken) {
      let list = byUri.get(e.uri);
      if (!list) byUri.set(e.uri, (list = []));
      list.push(e);
    }
    const previous = new Map<string, { text: string; errors: number }>();
    for (const [uri, edits] of byUri) {
      const doc = ws.document(uri)!;
      previous.set(uri, { text: doc.text, errors: doc.syntaxErrors.length });
      ws.set(uri, applyTextEdits(doc.text, edits), doc.version + 1);
    }
    // A fix must never leave a file that no longer parses: take the whole pass back and try again without its fixes.
    const worse = [...previous].filter(([uri, p]) => (ws.document(uri)?.syntaxErrors.length ?? 0) > p.errors).map(([uri]) => uri);
    if (worse.length) {
      for (const [uri, p] of previous) ws.set(uri, p.text, (ws.document(uri)?.version ?? 0) + 1);
      for (const uri of worse) broken.add(uri);
      for (const o of owners) if (o.edits.some((e) => worse.includes(e.uri))) banned.add(o.id);
      continue;
    }
    applied += owners.length;
    for (const [uri, p] of previous) {
      const entry = changed.get(uri);
      changed.set(uri, { before: entry?.before ?? p.text, after: ws.document(uri)!.text });
    }
  }
  for (const [uri, c] of changed) if (c.before === c.after) changed.delete(uri);
  return { changed, applied, broken: [...broken] };
}
