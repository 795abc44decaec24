import { type JsonNode, prop, props, stringOf } from '../arm/json';
import { terraformModuleDir } from '../../resolve/targets';
import { moduleCalls, subjectOf } from './addresses';

/** A resource of the plan as written: where it sits and what it is. */
export interface PlanResource {
  /** The resource object in `planned_values` (or a data source's in `prior_state`). */
  node: JsonNode;
  address: string;
  /** The address without the instance key: `module.hosts.azurerm_x.y`. */
  base: string;
  /** The instance key as written in the address (`[0]`, `["a"]`), or ''. */
  key: string;
  /** The module instance that declares it: '' for the root module, else `module.hosts[0]`. */
  module: string;
  type: string;
  existing: boolean;
  values?: JsonNode;
}

/** Where a reference leads: a resource instance of the plan and the attribute read, if one is. */
export interface Target {
  address: string;
  attr?: string;
}

const MAX_HOPS = 16;

/**
 * The plan's `configuration`: the expressions each resource was written with. A plan gives ids only after apply, so a
 * value that is unknown in `planned_values` is followed through the references of its expression instead, across
 * module inputs (`var.x`) and outputs (`module.m.x`).
 */
export class PlanConfiguration {
  private readonly resources = new Map<JsonNode, Map<string, JsonNode>>();

  constructor(
    private readonly root: JsonNode | undefined,
    /** The instance addresses of the plan's resources and module calls, by their address without the instance key. */
    private readonly instances: ReadonlyMap<string, ReadonlySet<string>>,
  ) {}

  /** The configuration of a resource: its object in the `resources` of its module's configuration. */
  resourceOf(r: PlanResource): JsonNode | undefined {
    const module = this.moduleOf(moduleCalls(r.module));
    if (!module) return undefined;
    let byAddress = this.resources.get(module);
    if (!byAddress) {
      byAddress = new Map();
      for (const c of prop(module, 'resources')?.children ?? []) {
        const a = stringOf(prop(c, 'address'));
        if (a) byAddress.set(a, c);
      }
      this.resources.set(module, byAddress);
    }
    return byAddress.get(r.base.slice(r.module ? r.module.length + 1 : 0));
  }

  /**
   * The resource instance (and attribute) an expression of `from` reads, when all its references name that one. The
   * plan keeps an expression's references, not the expression: one that reads a single attribute is taken as that
   * attribute, though it may wrap it (`jsonencode({ token = x.token })`, `"${x.id}/child"`).
   */
  follow(expression: JsonNode | undefined, from: PlanResource): Target | undefined {
    return this.followIn(expression, from.module, from.key, 0);
  }

  private followIn(expression: JsonNode | undefined, module: string, key: string, hops: number): Target | undefined {
    const refs = prop(expression, 'references')?.children?.map(stringOf);
    if (!refs?.length || refs.some((r) => r === undefined) || hops > MAX_HOPS) return undefined;
    const found = subjectOf(refs as string[]);
    if (!found) return undefined;
    const { subject, perInstance } = found;
    const prefix = module ? `${module}.` : '';
    const calls = moduleCalls(module);
    switch (subject.kind) {
      case 'resource': {
        const address = this.instance(prefix + subject.address, subject.key, perInstance ? key : undefined);
        return address === undefined ? undefined : { address, attr: subject.attr };
      }
      case 'module': {
        const call = prop(prop(this.moduleOf(calls), 'module_calls'), subject.name);
        const output = subject.output && prop(prop(prop(call, 'module'), 'outputs'), subject.output);
        const child = this.instance(`${prefix}module.${subject.name}`, subject.key, undefined);
        return output && child !== undefined ? this.followIn(prop(output, 'expression'), child, '', hops + 1) : undefined;
      }
      case 'variable': {
        if (!calls.length) return undefined;
        const parent = module.slice(0, Math.max(0, module.lastIndexOf('.module.')));
        const call = prop(prop(this.moduleOf(calls.slice(0, -1)), 'module_calls'), calls[calls.length - 1]);
        return this.followIn(prop(prop(call, 'expressions'), subject.name), parent, '', hops + 1);
      }
      default:
        return undefined;
    }
  }

  /**
   * The instance a reference means: the one it names, the referencing instance's own (`[count.index]`), or the only
   * one there is.
   */
  private instance(base: string, key: string | undefined, own: string | undefined): string | undefined {
    const all = this.instances.get(base);
    const has = (k: string) => !!all?.has(base + k);
    if (key !== undefined) return has(key) ? base + key : undefined;
    if (has('')) return base;
    if (own && has(own)) return base + own;
    return all?.size === 1 ? [...all][0] : undefined;
  }

  /**
   * The folder of the .tf files a module instance of the plan is written in: the plan's own folder for the root module
   * (`terraform show -json` is run there), and each call's `source` from it, as `terraform init` places them.
   */
  folderOf(planDir: string, calls: readonly string[]): string | undefined {
    let dir = planDir;
    let m = prop(this.root, 'root_module');
    for (const c of calls) {
      const call = prop(prop(m, 'module_calls'), c);
      const source = stringOf(prop(call, 'source'));
      const next = source ? terraformModuleDir(dir, c, source) : undefined;
      if (!next) return undefined;
      dir = next.replace(/\/$/, '');
      m = prop(call, 'module');
    }
    return dir;
  }

  private moduleOf(calls: readonly string[]): JsonNode | undefined {
    let m = prop(this.root, 'root_module');
    for (const c of calls) m = prop(prop(prop(m, 'module_calls'), c), 'module');
    return m;
  }
}

/** The provider names the configuration uses (`azurerm`, `azuread`). */
export function providerNames(configuration: JsonNode | undefined): string[] {
  return [...new Set(props(prop(configuration, 'provider_config')).flatMap((p) => stringOf(prop(p.value, 'name')) ?? []))];
}
