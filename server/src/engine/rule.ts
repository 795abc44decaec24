import type { OptionSpec, OptionValues, RedirectionProfile } from './config';
import type { AvdGraph, AppGroupNode, ApplicationNode, HostPoolNode, RoleAssignmentNode, SessionHostNode, WorkspaceNode } from './graph';
import type { Fix, FindingGroup, Level, Range, RelatedInfo, Resource, Severity, Value } from './model';
import { catalogEntry, type RuleId } from './rule-catalog';

/** The repository, as package.json's `repository` names it: the rule pages and the configuration schema are published there. */
export const REPOSITORY_URL = 'https://github.com/avdsec/avdsec';

/** The published rule pages, docs/rules/<id>.md as `npm run docs` writes them: the help link of a rule is its page. */
export const DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs/rules`;

/** The AVD security boundary a rule protects (Microsoft's list plus identity, management plane and data egress). */
export type Boundary = 'network' | 'kernel' | 'process' | 'user' | 'session' | 'vm' | 'vsm' | 'identity' | 'management-plane' | 'data-egress';

/**
 * The whole linked set of a deployment: what a rule about the deployment as a whole (no MFA policy anywhere) judges.
 * Until deployments are told apart, the workspace is one deployment.
 */
export interface Deployment {
  hostPools: readonly HostPoolNode[];
  appGroups: readonly AppGroupNode[];
  /** Resources of every document, for rules that fall back from host pools to other AVD resources. */
  resources: readonly Resource[];
  caPolicies: readonly Resource[];
}

/** What each kind of subject is: the graph node a rule with that `appliesTo` is called with. */
export interface Subjects {
  hostPool: HostPoolNode;
  sessionHost: SessionHostNode;
  roleAssignment: RoleAssignmentNode;
  appGroup: AppGroupNode;
  application: ApplicationNode;
  workspace: WorkspaceNode;
  caPolicy: Resource;
  deployment: Deployment;
}

export type SubjectKind = keyof Subjects;

export interface Report {
  uri: string;
  at: Range;
  /**
   * The value the finding is about. When it was written in another document (a module argument, a parameters file,
   * a Terraform variables file), the finding moves there, where the user can change it, with a link back to `at`.
   */
  value?: Value;
  message: string;
  /** Steps below (negative) or above (positive) the rule's configured level, as the catalog's level ladder says. */
  shift?: number;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** Identity of the finding: resource key + property path (the rule id is added). */
  key: string;
  /** The decision the finding shares with other rules' findings (see FindingGroup). */
  group?: FindingGroup;
  /**
   * The finding is about the deployment and sits on one subject the rule chose among several (the first workspace or
   * pool closed to public networks): an edit of another subject can move it, so the editor's first answer, which
   * checks only the edited subjects again, leaves such a change to the full check.
   */
  chosen?: true;
}

export interface RuleContext<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The linked graph, for facts beyond the subject (another pool, the policies of the workspace). */
  graph: AvdGraph;
  /** The rule's options from .avdsec.json, typed as the rule declares them (defaults filled in). */
  options: OptionValues<O>;
  /** Settings of .avdsec.json that several rules share. */
  settings: { redirectionProfile: RedirectionProfile };
  report(r: Report): void;
  /** Whether another rule runs, for rules that leave a case to a more specific rule. */
  ruleEnabled(id: RuleId): boolean;
}

export interface RuleDefinition<K extends SubjectKind = SubjectKind, O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  id: RuleId;
  title: string;
  /** Default level (the catalog's); .avdsec.json can change it. */
  level: Level;
  /** Drives SARIF security-severity and ordering. */
  severity: Severity;
  boundary: Boundary[];
  /** One sentence on what the rule finds, for listings. */
  summary: string;
  /** The rule's documentation (Why / How to fix / Bad and Good / References). */
  docs: string;
  /**
   * The graph node kind the rule judges (or `deployment`, the whole linked set): `check` is called once per subject in
   * focus. Several node kinds may be listed for a rule that reports on whichever of them a deployment has.
   */
  appliesTo: K | readonly Exclude<K, 'deployment'>[];
  /**
   * Whether a finding of the rule follows from its subject's own file and the files that file calls or sits beside
   * (a pool's RDP string, a VM's security profile): no file elsewhere in the workspace can remove it, only change its
   * level. These are what a document opened before the workspace is read shows first (the opening answer). A rule that
   * judges an absence (no diagnostic setting, no private endpoint) or reads resources anywhere is not local.
   */
  local?: boolean;
  /**
   * For a rule about the deployment: whether a change to a resource of `type` (lower case), made by an edit that kept
   * every link (graph/carried.ts), may change the rule's findings. The change is the edit's own when it lies inside the
   * resource, or one it made to the resource's values elsewhere (a variable, a parameter's default). `properties` names
   * the entries of `properties` that changed (lower case), or is undefined when something else in the resource did.
   * When the answer is no for every changed resource, the findings of the version before are kept, moved through the
   * edits. Without it, every such edit judges again.
   */
  reads?(type: string, properties: ReadonlySet<string> | undefined): boolean;
  /** Options the rule reads from .avdsec.json, each with its type, default and description. */
  options?: O;
  /** The RDP properties the rule judges (lower case): hovers on them link to the rule. */
  judges?: readonly string[];
  check(subject: Subjects[K], ctx: RuleContext<O>): void;
}

/** A registered rule: its definition with the type parameters erased, and its help link. */
export interface Rule extends Omit<RuleDefinition, 'check' | 'options'> {
  options: Readonly<Record<string, OptionSpec>>;
  helpUri: string;
  check(subject: Subjects[SubjectKind], ctx: RuleContext): void;
}

const SECURITY_SEVERITY: Record<Severity, string> = { low: '3.0', medium: '5.5', high: '7.5', critical: '9.0' };

export function securitySeverity(s: Severity): string {
  return SECURITY_SEVERITY[s];
}

/** Validates a rule's metadata against the catalog and derives its help link from the id. */
export function defineRule<K extends SubjectKind, O extends Record<string, OptionSpec> = Record<string, never>>(def: RuleDefinition<K, O>): Rule {
  if (!def.title || /[.!]$/.test(def.title)) throw new Error(`rule title must not end with a period: ${def.id}`);
  if (catalogEntry(def.id)?.level !== def.level) throw new Error(`rule ${def.id}: default level ${def.level} is not the catalog's`);
  return { ...(def as unknown as Rule), options: def.options ?? {}, helpUri: `${DOCS_BASE}/${def.id}.md` };
}

/** Checks a fix title: imperative, capitalised, no final period (as Bicep's CodeFix enforces). */
export function fix(title: string, intent: Fix['intent'], preferred = false): Fix {
  if (/[.!]$/.test(title) || !/^[A-Z]/.test(title)) throw new Error(`fix title must be capitalised and not end with a period: ${title}`);
  return preferred ? { title, intent, preferred } : { title, intent };
}
