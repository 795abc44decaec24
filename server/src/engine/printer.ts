import type { Document, Resource, TextEdit } from './model';

/**
 * What a language adapter knows about writing its own syntax. The language-independent part of a fix (which
 * characters of a known string to replace, using the source map of its parts) lives in fix.ts; a printer only
 * answers the questions that depend on the language.
 */
export interface Printer {
  /** Escapes `text` so that it reads as plain characters when inserted inside a string literal of this language. */
  escapeStringText(text: string): string;

  /**
   * Edits that add a property that is absent, at an ARM path of the resource body (e.g. ['properties',
   * 'customRdpProperty']), creating the objects on the way when they are absent too. Undefined when the printer
   * cannot place it (the body is not a literal object, the property has no mapping in this language).
   */
  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean): TextEdit[] | undefined;

  /**
   * A private endpoint declaration for `resource` and the sub-resource `groupId` (`connection`, `feed`), with a
   * placeholder for the subnet the user must fill in: the catalog's skeleton. Undefined when the language has none.
   */
  privateEndpoint?(resource: Resource, groupId: string): string | undefined;

  /**
   * A diagnostic setting for `resource` sending the `allLogs` category group to a Log Analytics workspace, with a
   * placeholder for the workspace id: the catalog's skeleton. Undefined when the language has none.
   */
  diagnosticSetting?(resource: Resource): string | undefined;

  /** The comment that suppresses `ruleId` on the next line, without indentation or newline. */
  suppressionComment(ruleId: string): string;

  /** The line comment marker of the language (`//`, `#`). */
  lineComment: string;
}
