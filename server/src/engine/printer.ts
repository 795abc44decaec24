import type { Document, FixObject, Range, Resource, TextEdit } from './model';

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
  addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean | FixObject): TextEdit[] | undefined;

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

  /** The Guest Attestation extension of a VM or scale set, declared after it. Undefined when the language has none. */
  guestAttestation?(resource: Resource): string | undefined;

  /**
   * A Defender for Servers Plan 2 pricing for the subscription, appended to `doc` (Bicep only in a file that targets the
   * subscription). Undefined when the document cannot declare one.
   */
  defenderPlan?(doc: Document): string | undefined;

  /**
   * Edits that make the parameter or variable `name` of `doc` secret and remove its default unless `keepDefault` (FixIntent
   * `secure-parameter`). Undefined when it is not declared there or its type cannot be secret (a number, a boolean).
   */
  secureParameter?(doc: Document, name: string, keepDefault?: boolean): TextEdit[] | undefined;

  /**
   * A new property at the ARM `path` of the resource (its last key) whose value is an object of `lines` (entries as this
   * language writes them, already indented for inside the object), the object's braces at `indent`: Bicep
   * `protectedSettings: {…}`, ARM `"protectedSettings": {…}`, Terraform `protected_settings = jsonencode({…})`.
   */
  objectProperty?(resource: Resource, path: string[], lines: string[], indent: string, eol: string): string | undefined;

  /**
   * Edits that replace the string literal whose characters between the quotes are `at` (a registration token written
   * out) with a read of the token of `pool` (a host pool, or Terraform's registration info) declared in `poolDoc`
   * (FixIntent `reference-registration-token`). Undefined when the literal is not a value of its own (part of a longer
   * string) or the reference cannot be written there.
   */
  registrationTokenReference?(doc: Document, at: Range, pool: Resource, poolDoc: Document): TextEdit[] | undefined;

  /** Edits that make the output `name` of `doc` secret (FixIntent `secure-output`); undefined when it is not declared there. */
  secureOutput?(doc: Document, name: string): TextEdit[] | undefined;

  /**
   * Edits that rename the local variable whose value holds `offset` (a Bicep `var`, an ARM template variable, a
   * Terraform local) to `rename(name)`, at its declaration and every use: a fix that changes what the variable holds
   * keeps its name true. Undefined when there is none, `rename` gives undefined, or the rename is not safe (another file
   * uses the variable, the new name is taken, a use cannot be told apart).
   */
  renameLocal?(doc: Document, offset: number, rename: (name: string) => string | undefined): TextEdit[] | undefined;

  /** The comment that suppresses `ruleId` on the next line, without indentation or newline. */
  suppressionComment(ruleId: string): string;

  /** The line comment marker of the language (`//`, `#`). */
  lineComment: string;
}
