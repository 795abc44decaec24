import type { Level } from '../../server/src/engine/model';

/**
 * Inline expectations, written under the line they point at (rust-analyzer style):
 *
 *     customRdpProperty: 'audiomode:i:0;'
 *   //                   ^^^^^^^^^^^^^^^^ host-pool-sso-disabled warning [fix]: Host pool
 *
 * The comment marker is the language's line comment (`//` or `#`). Carets sit under the start of the finding's range
 * and end at its end when the range ends on that line (a range that goes on to later lines has carets up to the end
 * of the line). `[fix]` says the finding has a preferred fix; `: text` is a prefix of the message.
 * Marker lines are removed before the file is parsed, so JSON stays valid and ranges are those of the clean text.
 *
 * A marker that cannot be checked is a problem, never a silent no-op: a comment line whose text starts with a caret but
 * does not parse (a typo in the level, a missing rule id), a marker with no line above it, carets that start or end
 * outside the line they point at.
 */
export interface Expectation {
  line: number;
  startColumn: number;
  endColumn: number;
  /** The carets reach the end of the line: the finding may go on past it. */
  toLineEnd: boolean;
  ruleId: string;
  level: Level;
  fix: boolean;
  messagePrefix?: string;
  /** Line of the marker in the annotated file, for error messages. */
  markerLine: number;
}

const MARKER = /^(\s*)(\/\/|#)(\s*)(\^+)\s+([a-z0-9-]+)\s+(error|warning|info|hint)(\s+\[fix\])?(?:\s*:\s*(.*))?\s*$/;
/** What a marker looks like before its details are read: a line comment whose text starts with a caret. */
const MARKER_LIKE = /^\s*(\/\/|#)\s*\^/;

export interface Markers {
  /** The text without the marker lines. */
  text: string;
  expectations: Expectation[];
  /** Marker lines that cannot be checked, with their line in the annotated file (`12: ...`). */
  problems: string[];
}

export function parseMarkers(annotated: string): Markers {
  const eol = annotated.includes('\r\n') ? '\r\n' : '\n';
  const lines = annotated.split(/\r?\n/);
  const kept: string[] = [];
  const expectations: Expectation[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (!m) {
      if (MARKER_LIKE.test(line)) problems.push(`${i + 1}: not a marker (expected carets, a rule id, a level, [fix], ": message"): ${line.trim()}`);
      kept.push(line);
      return;
    }
    if (kept.length === 0) {
      problems.push(`${i + 1}: a marker on the first line points at no line`);
      kept.push(line);
      return;
    }
    const target = kept.length - 1;
    const startColumn = line.indexOf('^');
    const endColumn = startColumn + m[4].length;
    const length = kept[target].length;
    if (startColumn >= length || endColumn > length) {
      problems.push(`${i + 1}: carets at columns ${startColumn}-${endColumn} are outside the line they point at (${length} characters)`);
    }
    expectations.push({
      line: target,
      startColumn,
      endColumn,
      toLineEnd: endColumn >= kept[target].length,
      ruleId: m[5],
      level: m[6] as Level,
      fix: !!m[7],
      messagePrefix: m[8]?.trim() || undefined,
      markerLine: i + 1,
    });
  });
  return { text: kept.join(eol), expectations, problems };
}
