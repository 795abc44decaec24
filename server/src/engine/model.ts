/**
 * The one model every language is parsed into: ARM-shaped resources whose property values are either known
 * (with the source range they came from) or unknown. Rules read only these types.
 */

/** Offsets are UTF-16 code units into the document text (what LSP and SARIF count); `end` is exclusive. */
export interface Range {
  start: number;
  end: number;
}

export interface Location {
  uri: string;
  range: Range;
}

/**
 * `graph-json`: Conditional Access policies in Microsoft Graph JSON (exports, Microsoft365DSC-style repositories).
 * `tfplan`: a Terraform plan in JSON form (`terraform show -json plan.out`); generated, so never edited by a fix.
 */
export type Language = 'bicep' | 'bicepparam' | 'arm' | 'arm-parameters' | 'graph-json' | 'terraform' | 'tfvars' | 'tfplan';

/** A run of decoded string text and where each of its characters sits in a source file. */
export interface TextSource {
  uri: string;
  start: number;
  end: number;
  /**
   * Source offset of each decoded character (length = text length + 1). Absent when the text is written verbatim
   * in the source (no escapes), so that character i is at `start + i`.
   */
  offsets?: number[];
}

export type StringPart =
  | { kind: 'text'; text: string; source?: TextSource }
  /** An interpolated or computed piece whose text is not known. `value` says what it is when that is known (a reference). */
  | { kind: 'hole'; value: Value; range: Range };

interface ValueBase {
  /** Where the expression that produced this value is written, in the document that holds the resource. */
  range: Range;
  /** Where a resolved value was declared (parameter default, variable, local), when that is not `range`. */
  origin?: Location;
}

/**
 * A string. Fully known when every part is text. Interpolations that cannot be resolved stay holes, so a rule can
 * still read the known text around them and a fix never edits inside an interpolation.
 */
export interface StringValue extends ValueBase {
  kind: 'string';
  parts: StringPart[];
}

export interface NumberValue extends ValueBase {
  kind: 'number';
  value: number;
}

export interface BooleanValue extends ValueBase {
  kind: 'boolean';
  value: boolean;
}

export interface NullValue extends ValueBase {
  kind: 'null';
}

export interface ObjectEntry {
  key: string;
  keyRange: Range;
  value: Value;
}

export interface ObjectValue extends ValueBase {
  kind: 'object';
  entries: ObjectEntry[];
  /** True when the object may hold more entries than those listed (spread of an unknown value, dynamic blocks). */
  open?: boolean;
  /**
   * Entries written before an unknown operand that may replace them (`union({ tag: id }, unknownTags)`): not values a
   * rule may judge, but hints the graph may link by (graph/links.ts `linkHint`).
   */
  overridable?: ObjectEntry[];
}

export interface ArrayValue extends ValueBase {
  kind: 'array';
  items: Value[];
  /** True when the array may hold more items than those listed (for-expression over an unknown list, concat of unknowns). */
  open?: boolean;
}

/** A reference to another resource of the workspace (a Bicep symbol, a Terraform address), with the attribute path read. */
export interface RefValue extends ValueBase {
  kind: 'ref';
  /** `Resource.key` of the target, when the reference names it (a Bicep symbol, a Terraform address). */
  target?: string;
  /** The target's resource id when the reference is by id (ARM `reference(resourceId(...))`, `listRegistrationTokens(...)`). */
  targetId?: Value;
  /** Attribute path read from the target, e.g. ['id'], ['name'], ['properties', 'registrationInfo', 'token']. */
  path: string[];
}

/** One of several known values, e.g. a ternary on an unknown condition or a parameter restricted by @allowed. */
export interface ChoiceValue extends ValueBase {
  kind: 'choice';
  options: { value: Value; when: string }[];
}

export interface UnknownValue extends ValueBase {
  kind: 'unknown';
  /**
   * Identity of the unknown expression when two places can be seen to hold the same value (the same parameter, the
   * same variable): e.g. `param:hostPoolName`. Two unknowns with the same key in the same scope are equal.
   */
  key?: string;
  /** Short human text of the expression, for messages ("parameter hostPoolName"). */
  text?: string;
  /**
   * The value this is the last `/` segment of (`last(split(id, '/'))`: a resource's name taken from its id), so that
   * the graph can follow it once the id is known (a module output; graph/outputs.ts).
   */
  lastSegmentOf?: Value;
  /** `split(x, sep)` of a value that is not known: what `last(...)` of it reads. */
  splitOf?: { value: Value; separator: string };
  /**
   * A point in time: `add` added to `base` (`dateTimeAdd`, Terraform `timeadd`), or with no base the time the
   * deployment runs (`utcNow()`, `timestamp()`). What a registration token's lifetime is read from.
   */
  time?: { base?: Value; add?: Value };
}

export type Value = StringValue | NumberValue | BooleanValue | NullValue | ObjectValue | ArrayValue | RefValue | ChoiceValue | UnknownValue;

export interface ResourceSource {
  uri: string;
  language: Language;
  /** The whole declaration. */
  range: Range;
  /** The declaration's head (Bicep `resource x 'T@v'`, Terraform `resource "t" "n"`, ARM the `type` value): where a finding on an absent property points. */
  headRange: Range;
  /** Bicep symbolic name, Terraform address (`azurerm_x.name`), ARM symbolic name (languageVersion 2.0) or index path. */
  symbol?: string;
  /** Original type in its own language, e.g. `azurerm_virtual_desktop_host_pool`. */
  nativeType?: string;
  /** Deployed only when a condition holds (`if`, `count`, ARM `condition`). */
  conditional?: boolean;
  /** Bicep `if (...)` and ARM `condition` that are not known to be true: the condition itself (a loop's count is not one). */
  condition?: Value;
  /** Declared in a loop (`for`, `count`, `for_each`, ARM `copy`). */
  loop?: boolean;
  /** Declared in an ARM template Bicep compiled: when its source is in the workspace too, the same resource twice. */
  compiled?: boolean;
  /** Declared as `existing` / a Terraform data source: not deployed here, only referenced. */
  existing?: boolean;
  /**
   * A resource read from a Terraform plan: the key of the .tf resource it is planned from. When that declaration is in
   * the workspace, it is the one judged (findings point at the code), and this copy stays out of the graph.
   */
  declaredAt?: string;
  /** The module instance path (Terraform module directory, nested ARM deployment) that declares the resource. */
  scopePath?: string;
  /** Scope of the deployment that declares the resource (ARM `$schema`, Bicep `targetScope`, nested deployments). */
  deploymentScope?: DeploymentScope;
  /**
   * The resource group the resource is deployed to: Terraform `resource_group_name`, or for Bicep/ARM the deployment's
   * resource group (an unknown keyed per deployment, so resources of one deployment compare equal) or the resource
   * group a module / nested deployment names.
   */
  resourceGroup?: Value;
  /**
   * The subscription the resource is deployed to when a module or nested deployment names one (`subscription(id)`,
   * `resourceGroup(id, name)`, ARM `subscriptionId`); absent for the deployment's own subscription.
   */
  subscription?: Value;
}

export type DeploymentScope = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

export interface Resource {
  /** Stable identity within the workspace: uri + symbol, used by references and finding keys. */
  key: string;
  /** ARM resource type as written, e.g. `Microsoft.DesktopVirtualization/hostPools` (compare case-insensitively). */
  type: string;
  apiVersion?: string;
  /** The resource body in ARM shape: `name`, `location`, `properties`, `identity`, `tags`, `scope`, `parent`, … */
  body: ObjectValue;
  source: ResourceSource;
}

export interface SyntaxError {
  message: string;
  range: Range;
  /** The file was not read at all (refused before parsing, or its parser failed): it has no model, not a partial one. */
  fatal?: boolean;
  /** Not the file's fault (its parser was restarting): it is read again once the parser is back. */
  retry?: boolean;
}

export interface Suppression {
  /** `next-line`: the line after the comment; `file`: the whole document; `resource`: an ARM resource's `metadata.avdsec`. */
  scope?: 'next-line' | 'file' | 'resource';
  /** Zero-based line the suppression applies to (the line after the comment); for `resource`, unused. */
  line: number;
  /** For `resource` suppressions: the resource's range; findings inside it are suppressed. */
  within?: Range;
  ruleIds: string[];
  /** Range of the comment itself and of each id in it, for diagnostics on unknown ids. */
  range: Range;
  idRanges: Range[];
  reason?: string;
}

/**
 * A Terraform provider, module or other configuration fact that is not a resource but that rules need
 * (e.g. whether the `azuread` provider is configured).
 */
export interface DocumentFacts {
  providers?: string[];
  /** Values this document passes to other templates: module calls, parameter files, Terraform module blocks. */
  inputs?: TemplateInput[];
  /**
   * The template's outputs (lower-case name -> entry, evaluated when first read, with the inputs the template was read with): a caller's
   * `mod.outputs.x` reads them when the graph follows a link (see graph/outputs.ts).
   */
  outputs?: Map<string, ObjectEntry>;
  /** The outputs of the nested deployments an ARM template holds, by the key of the `Microsoft.Resources/deployments` resource. */
  deploymentOutputs?: Map<string, ObjectValue>;
  /**
   * The values an ARM nested deployment with inner scope passes to its template's parameters, by the deployment's
   * resource key and the parameter's name: evaluated once, when the template or a rule first reads them.
   */
  nestedParameterValues?: Map<string, ReadonlyMap<string, () => Value>>;
  /**
   * What an ARM nested deployment declares, by the deployment's resource key, read from the JSON without evaluating
   * it: the parameters it is passed (in order), and the types its template gives its parameters and outputs (none for
   * a linked template). Undefined for a deployment whose template writes a type as an expression.
   */
  nestedDeclarations?: Map<string, NestedDeclarations>;
  /** An ARM template Bicep compiled (`metadata._generator.name` is `bicep`). */
  compiledFromBicep?: boolean;
  /** Module references avdsec does not follow (registries `br:`/`ts:`, remote sources): their resources are not seen. */
  unresolvedModules?: { reference: string; range: Range }[];
  /**
   * The edit that made this version (handed to the adapter) stayed inside a string the AVD graph does not link by:
   * the graph can take this version in place of the previous one without comparing link facts.
   */
  linkNeutral?: boolean;
}

/** See DocumentFacts.nestedDeclarations. */
export interface NestedDeclarations {
  /** The keys of `properties.parameters`, as written and in order. */
  passed: string[];
  /** The template's parameters by lower-case name (the last of a name wins, as ARM reads it): type and key. */
  parameters: ReadonlyMap<string, { type?: string; keyRange: Range }>;
  /** The template's outputs, in order: name, type and key. */
  outputs: { name: string; type?: string; keyRange: Range }[];
}

/**
 * Parameter values one document passes to a template: a Bicep module call, a `.bicepparam` or ARM parameters file, a
 * Terraform `module` block or `-var-file`. The values are evaluated where they are written, so their ranges are in
 * `uri`; the template reads them as its parameters and remembers where they came from.
 */
export interface TemplateInput {
  /** The document that writes the values. */
  uri: string;
  /** The template it targets, as candidates tried in order (an ARM parameters file may serve `x.json` or `x.bicep`); a Terraform module directory ends with `/`. */
  targets: string[];
  /** Where the values come from, for messages: "parameters file main.prod.bicepparam", "module 'hosts' in main.bicep". */
  label: string;
  values: Map<string, Value>;
  /** The resource group the template's resources deploy to, when the input says (a module's `scope`). */
  resourceGroup?: Value;
  /** The subscription they deploy to, when the input names one other than the caller's own (see ResourceSource). */
  subscription?: Value;
  /** Where the document names the template (a module's path or `source`). */
  at?: Range;
  /** The module's symbolic name in the calling document (Bicep `module x`), which its outputs are read through. */
  module?: string;
  /**
   * The call deploys the template only under a condition the code does not settle (Bicep `if`, ARM `condition`,
   * Terraform `count` or `for_each`). A template all of whose callers are conditional deploys its resources conditionally.
   */
  conditional?: boolean;
}

export interface Document {
  uri: string;
  language: Language;
  text: string;
  version: number;
  resources: Resource[];
  syntaxErrors: SyntaxError[];
  suppressions: Suppression[];
  facts: DocumentFacts;
  /** Names of parameters / variables with where they are declared, for hovers and fixes. */
  symbols: DocumentSymbolInfo[];
}

export interface DocumentSymbolInfo {
  kind: 'param' | 'var' | 'local' | 'variable' | 'output' | 'resource' | 'module';
  name: string;
  range: Range;
  value?: Value;
  /**
   * A parameter, variable or output declared secret: Bicep `@secure()`, ARM `securestring`/`secureObject`, Terraform
   * `sensitive = true`. Deployment history and plan output do not show its value.
   */
  secure?: boolean;
  /** Where a parameter's or variable's default value is written, when it has one. */
  default?: Range;
}

export type Level = 'error' | 'warning' | 'info' | 'hint';
export const LEVELS: readonly Level[] = ['error', 'warning', 'info', 'hint'];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface RelatedInfo {
  uri: string;
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: string;
  level: Level;
  message: string;
  uri: string;
  range: Range;
  related: RelatedInfo[];
  fixes: Fix[];
  /** Set on findings a suppression silenced, when they are asked for (`--show-suppressed`, SARIF `suppressions`). */
  suppressed?: { kind: 'next-line' | 'file' | 'resource'; reason?: string };
  /** Stable identity: rule id + resource identity + property path; never a hash of the message. */
  key: string;
  /** The decision this finding shares with other rules' findings, which are then reported as one (finding-groups.ts). */
  group?: FindingGroup;
  /** The other rules whose findings this one stands for, once a group is reported as one. */
  alsoRules?: string[];
}

/**
 * One decision that several rules judge: a host pool that writes no RDP properties leaves drives, the clipboard, USB
 * and other devices to their defaults. The findings of one group at one place are reported once, under the first of
 * their rules in catalog order, naming what each covers.
 */
export interface FindingGroup {
  /** Identity of the decision: the same for every rule's finding on it. */
  key: string;
  /** The message of the merged finding, given what the findings cover in catalog order ("drives", "the clipboard"). */
  message(items: readonly string[]): string;
  /** What this finding covers, as short noun phrases. */
  items: readonly string[];
}

export interface Fix {
  /** Imperative, no final period. */
  title: string;
  preferred?: boolean;
  intent: FixIntent;
}

/** An object a fix writes (`merge-properties`): literals, and objects of them. */
export interface FixObject {
  readonly [key: string]: string | number | boolean | FixObject;
}

/** What a fix changes, independent of the language it is written in; adapters' printers render it as edits. */
export type FixIntent =
  /**
   * Set the RDP property `name` to `value` (e.g. `i:1`) in the host pool's RDP string: repair the token or add it; and
   * the properties of `also` with it, and remove those of `without`, in one edit (a finding about several properties).
   */
  | { kind: 'set-rdp-property'; resource: string; name: string; value: string; also?: { name: string; value: string }[]; without?: string[] }
  /** Remove the RDP property `name` from the host pool's RDP string (every copy, or only copies whose value is not `keep`). */
  | { kind: 'remove-rdp-property'; resource: string; name: string; keep?: string }
  /** Replace one RDP token, written exactly as `from`, with `to` (repair a glued token, a type letter, a typo). */
  | { kind: 'replace-rdp-token'; resource: string; from: string; to: string }
  /** Replace the role of a role assignment with another built-in role. */
  | { kind: 'replace-role'; resource: string; fromGuid: string; toGuid: string; toName: string }
  /** Set a property (ARM path) of a resource to a literal. */
  | { kind: 'set-property'; resource: string; path: string[]; value: string | number | boolean }
  /**
   * Merge `value` into the object at `path` (ARM path) of a resource: what is absent is added (an absent object whole,
   * one edit per object that gains properties), what is written is set as `set-property` sets it (a session host's
   * `securityProfile` with its `uefiSettings`).
   */
  | { kind: 'merge-properties'; resource: string; path: string[]; value: FixObject }
  /** Add the string `value` to the list at `path` of the resource body, written as its last item is (an id to a policy's apps). */
  | { kind: 'add-list-item'; resource: string; path: string[]; value: string }
  /** Replace the item `from` of the list at `path` with `to`, in its quotes (one app id for another). */
  | { kind: 'replace-list-item'; resource: string; path: string[]; from: string; to: string }
  /** Remove the item `value` from the list at `path`, with its separator. */
  | { kind: 'remove-list-item'; resource: string; path: string[]; value: string }
  /** Write the list at `path` as `values`, in the quotes of its first item. */
  | { kind: 'set-list'; resource: string; path: string[]; values: string[] }
  /** Point the property at `path` (a role assignment's `scope`) at the resource `target`: its Bicep symbol, its Terraform `address.id`. */
  | { kind: 'set-reference'; resource: string; path: string[]; target: string }
  /**
   * Replace a string literal written at `range` of `uri` (its text between the quotes is `from`) with `to`: a value no
   * property path reaches, such as a field of an item of a list (an NSG's inline rule).
   */
  | { kind: 'replace-literal'; uri: string; range: Range; from: string; to: string }
  /**
   * Remove the property whose key and value are written at `key` and `value` of `uri` (a NIC's public IP), with its
   * lines and, in JSON, the comma that separates it.
   */
  | { kind: 'remove-entry'; uri: string; key: Range; value: Range }
  /**
   * Rewrite the property whose key and value are written at `key` and `value` of `uri` (its text from key to value is
   * `from`) as `toKey` and `toValue`, written as they are given: a time_rotating's `rotation_days = 30` as `rotation_hours = 8`.
   */
  | { kind: 'replace-entry'; uri: string; key: Range; value: Range; from: string; toKey: string; toValue: string }
  /** Add a private endpoint for `resource` and the sub-resource `groupId` after its declaration (a skeleton to complete). */
  | { kind: 'add-private-endpoint'; resource: string; groupId: string }
  /** Add a diagnostic setting sending `resource`'s `allLogs` to a Log Analytics workspace after its declaration (a skeleton to complete). */
  | { kind: 'add-diagnostic-setting'; resource: string }
  /** Add the Guest Attestation extension to the VM or scale set `resource`, after its declaration. */
  | { kind: 'add-guest-attestation'; resource: string }
  /** Add a Defender for Servers Plan 2 pricing for the subscription at the end of the document `uri` (a skeleton to review). */
  | { kind: 'add-defender-plan'; uri: string }
  /** Move a resource to another API version: the `@version` of a Bicep or azapi type, an ARM `apiVersion` literal. */
  | { kind: 'set-api-version'; resource: string; apiVersion: string }
  /** Remove a whole resource declaration (a Terraform block, a Bicep resource), with the blank line after it. */
  | { kind: 'remove-resource'; resource: string }
  /**
   * Make the parameter or variable `name` declared in `uri` secret and drop its default: Bicep `@secure()`, ARM
   * `securestring` / `secureObject`, Terraform `sensitive = true`. The value must then come from the deployment.
   * `keepDefault`: an empty default (`null`, `''`) that holds no secret stays.
   */
  | { kind: 'secure-parameter'; uri: string; name: string; keepDefault?: boolean }
  /**
   * Move the entry `key` of an extension's `properties.settings` (readable in the VM's instance view) to
   * `properties.protectedSettings`, created when absent; when the protected settings hold `key` already, only remove it
   * from the settings. Never offered for a literal written in the entry: the move would write it anew.
   */
  | { kind: 'move-to-protected-settings'; resource: string; key: string }
  /**
   * Replace the host pool registration token written at `range` of `uri` (the JWT's characters, in a string literal of
   * its own) with a read of the pool's token at deployment: `resource` is the Bicep or ARM host pool
   * (`listRegistrationTokens()`), or the Terraform `azurerm_virtual_desktop_host_pool_registration_info` (`.token`).
   */
  | { kind: 'reference-registration-token'; uri: string; range: Range; resource: string }
  /** Make the output `name` declared in `uri` secret: Bicep `@secure()`, ARM `securestring` / `secureObject`, Terraform `sensitive = true`. */
  | { kind: 'secure-output'; uri: string; name: string }
  /** Several of the above in one edit (a finding about several properties of one resource). */
  | { kind: 'several'; intents: FixIntent[] }
  /** Add a Conditional Access policy requiring MFA for Azure Virtual Desktop next to the given document. */
  | { kind: 'add-ca-policy'; nearUri: string }
  /** Record in .avdsec.json that a rule option holds (e.g. Conditional Access is managed outside the repository). */
  | { kind: 'set-config'; ruleId: string; option: string; value: boolean | string }
  /** Insert an `avdsec-disable-next-line` comment above the finding. */
  | { kind: 'suppress'; ruleId: string; uri: string; range: Range }
  /** Insert an `avdsec-disable-file` comment at the top of the document. */
  | { kind: 'suppress-file'; ruleId: string; uri: string }
  /** Delete a suppression comment (or one rule id of it) that names an unknown rule or silences nothing. */
  | { kind: 'remove-suppression'; uri: string; range: Range };

/** Edits a printer produces: replacements in existing documents and new files. */
export interface TextEdit {
  uri: string;
  range: Range;
  newText: string;
}

export interface FileCreate {
  uri: string;
  text: string;
}

export interface EditSet {
  edits: TextEdit[];
  creates: FileCreate[];
}
