import { typeIs } from './graph';
import { RDP_PROPERTIES, rdpProperty } from './knowledge/rdp-properties';
import type { Document, Range } from './model';
import { cases, get } from './values';

export interface CompletionItem {
  label: string;
  kind: 'property' | 'value';
  detail?: string;
  documentation?: string;
  /** Text that replaces `range`. */
  insertText: string;
  range: Range;
}

/**
 * Completion inside a host pool's RDP string: property names where a property starts, the allowed values after
 * `name:type:`. Only inside a literal written in this document, never inside an interpolation.
 */
export function completionsAt(doc: Document, offset: number): CompletionItem[] | undefined {
  for (const r of doc.resources) {
    if (!typeIs(r, 'microsoft.desktopvirtualization/hostpools')) continue;
    const v = get(r.body, 'properties', 'customRdpProperty');
    if (!v) continue;
    for (const c of cases(v)) {
      const s = c.value;
      if (s.kind !== 'string' || offset <= s.range.start || offset >= s.range.end) continue;
      // The cursor must sit in text written here: a part whose source covers it.
      const inText = s.parts.some((p) => p.kind === 'text' && p.source?.uri === doc.uri && offset >= p.source.start && offset <= p.source.end);
      if (!inText) continue;
      return itemsAt(doc.text, s.range.start + 1, offset);
    }
  }
  return undefined;
}

function itemsAt(text: string, stringStart: number, offset: number): CompletionItem[] {
  let start = offset;
  while (start > stringStart && text[start - 1] !== ';' && text[start - 1] !== '"' && text[start - 1] !== "'") start--;
  const prefix = text.slice(start, offset);
  if (prefix.includes('${') || prefix.includes('}')) return [];
  const lead = prefix.length - prefix.trimStart().length;
  const tokenStart = start + lead;
  const typed = prefix.trimStart();
  const m = /^([^:]*):([isb]):(.*)$/i.exec(typed);
  if (m) {
    const info = rdpProperty(m[1]);
    if (!info?.values) return [];
    const valueStart = offset - m[3].length;
    return Object.entries(info.values).map(([value, meaning]) => ({
      label: value === '' ? '(empty)' : value,
      kind: 'value',
      detail: meaning,
      documentation:
        value === info.default
          ? 'The host pool default when the property is absent.'
          : value === info.recommended
            ? 'Recommended by avdsec for pooled host pools.'
            : undefined,
      insertText: value,
      range: { start: valueStart, end: offset },
    }));
  }
  return RDP_PROPERTIES.map((p) => ({
    label: p.name,
    kind: 'property',
    detail: `${p.name}:${p.type}:${p.default !== undefined ? ` (default ${p.default === '' ? 'empty' : p.default})` : ''}`,
    documentation: p.meaning,
    insertText: `${p.name}:${p.type}:`,
    range: { start: tokenStart, end: offset },
  }));
}
