import type { Document, ObjectValue, Range, Resource, Value } from '../../model';
import { unknown } from '../../values';
import { type JsonNode, nodeRange, parseJson, prop, stringOf } from '../arm/json';
import { tfMapping } from '../terraform/mapping';
import { dirOf } from '../../resolve/paths';
import { TerraformProject } from '../terraform/project';
import { moduleCalls, withoutKey } from './addresses';
import { join } from '../terraform/resources';
import { AFTER_APPLY, type BodyContext, closed, type Marks, planBody, plannedAttribute } from './body';
import { PlanConfiguration, type PlanResource, type Target, providerNames } from './configuration';

/**
 * A Terraform plan in JSON form (`terraform show -json plan.out`): the resources of `planned_values`, with the values
 * Terraform resolved (variables, locals, functions, for_each), as the same model resources the .tf blocks give. Values
 * known only after apply are followed through the configuration's references; sensitive values are never read. A plan
 * is generated: it has no printer, so no fix edits it. Never throws.
 */
export function adaptTerraformPlan(uri: string, text: string, version: number): Document {
  const { root, errors } = parseJson(text);
  const doc: Document = { uri, language: 'tfplan', text, version, resources: [], syntaxErrors: errors, suppressions: [], facts: {}, symbols: [] };
  if (root?.type !== 'object') return doc;
  try {
    new PlanReader(uri, text, root).read(doc);
  } catch (e) {
    // A bug in the reader must not cost the user the file: report it and keep what was read.
    doc.syntaxErrors.push({ message: `avdsec could not read this plan: ${(e as Error).message}`, range: { start: 0, end: 0 } });
  }
  return doc;
}

/** How far a value known only after apply is followed through the attributes ARM keeps elsewhere (`reads`). */
const MAX_READS = 4;

class PlanReader {
  private readonly resources: PlanResource[] = [];
  private readonly byAddress = new Map<string, PlanResource>();
  private readonly instances = new Map<string, Set<string>>();
  private readonly changes = new Map<string, JsonNode>();
  private readonly marks = new Map<PlanResource, Marks>();
  private readonly configuration: PlanConfiguration;

  constructor(
    private readonly uri: string,
    private readonly text: string,
    private readonly root: JsonNode,
  ) {
    this.collect(prop(prop(root, 'planned_values'), 'root_module'), false);
    // Data sources read while planning are in the prior state only.
    this.collect(prop(prop(prop(root, 'prior_state'), 'values'), 'root_module'), true);
    for (const rc of prop(root, 'resource_changes')?.children ?? []) {
      const address = stringOf(prop(rc, 'address'));
      const change = prop(rc, 'change');
      if (address && change) this.changes.set(address, change);
    }
    this.configuration = new PlanConfiguration(prop(root, 'configuration'), this.instances);
  }

  read(doc: Document): void {
    doc.facts.providers = providerNames(prop(this.root, 'configuration'));
    const bodies = new Map<string, ObjectValue>();
    for (const r of this.resources) {
      const resource = this.resource(r);
      bodies.set(resource.key, resource.body);
      doc.resources.push(resource);
      doc.symbols.push({ kind: 'resource', name: r.address, range: resource.source.headRange });
    }
    for (const r of this.resources) {
      const joins = r.existing ? undefined : tfMapping(r.type)?.joins;
      if (!joins) continue;
      // Only a reference to the resource's id says which resource it is; a written id may name one outside the plan.
      const into = this.attribute(r, joins.into, 0);
      const body = into?.kind === 'ref' && into.target && into.path.join('.') === 'id' ? bodies.get(into.target) : undefined;
      const value = body && this.attribute(r, joins.value, 0);
      if (body && value) join(body, joins.path, value);
    }
  }

  private collect(module: JsonNode | undefined, dataOnly: boolean): void {
    const moduleAddress = stringOf(prop(module, 'address')) ?? '';
    if (moduleAddress) this.instance(withoutKey(moduleAddress), moduleAddress);
    for (const node of prop(module, 'resources')?.children ?? []) {
      const address = stringOf(prop(node, 'address'));
      const type = stringOf(prop(node, 'type'));
      const existing = stringOf(prop(node, 'mode')) === 'data';
      if (!address || !type || this.byAddress.has(address) || (dataOnly && !existing)) continue;
      const base = prop(node, 'index') ? withoutKey(address) : address;
      const r: PlanResource = { node, address, base, key: address.slice(base.length), module: moduleAddress, type, existing, values: prop(node, 'values') };
      this.resources.push(r);
      this.byAddress.set(address, r);
      this.instance(base, address);
    }
    for (const child of prop(module, 'child_modules')?.children ?? []) this.collect(child, dataOnly);
  }

  private instance(base: string, address: string): void {
    let set = this.instances.get(base);
    if (!set) this.instances.set(base, (set = new Set()));
    set.add(address);
  }

  private key(address: string): string {
    return `${this.uri}#${address}`;
  }

  private resource(r: PlanResource): Resource {
    const mapping = tfMapping(r.type);
    const open = !closed(r.node, this.text) || !r.values || !closed(r.values, this.text);
    const body = planBody(r.values, this.marksOf(r), nodeRange(r.values ?? r.node), open, this.context(r, 0));
    return {
      key: this.key(r.address),
      type: mapping?.armType ?? `terraform:${r.type}`,
      body,
      source: {
        uri: this.uri,
        language: 'tfplan',
        range: nodeRange(r.node),
        headRange: nodeRange(prop(r.node, 'address') ?? r.node),
        symbol: r.address,
        nativeType: r.type,
        loop: r.key ? true : undefined,
        existing: r.existing || undefined,
        scopePath: r.module,
        declaredAt: this.declaration(r),
        deploymentScope: 'resourceGroup',
        resourceGroup: body.entries.find((e) => e.key === 'resourceGroupName')?.value,
      },
    };
  }

  /** The key the .tf block this resource is planned from has (TerraformProject.key), when its folder is known. */
  private declaration(r: PlanResource): string | undefined {
    const dir = this.configuration.folderOf(dirOf(this.uri), moduleCalls(r.module));
    return dir === undefined ? undefined : TerraformProject.key(dir, r.base.slice(r.module ? r.module.length + 1 : 0));
  }

  private marksOf(r: PlanResource): Marks {
    let m = this.marks.get(r);
    if (!m) {
      m = {
        unknown: prop(this.changes.get(r.address), 'after_unknown'),
        sensitive: prop(r.node, 'sensitive_values'),
        expression: prop(this.configuration.resourceOf(r), 'expressions'),
      };
      this.marks.set(r, m);
    }
    return m;
  }

  private context(r: PlanResource, depth: number): BodyContext {
    return { uri: this.uri, text: this.text, mapping: tfMapping(r.type), later: (expression, range) => this.later(expression, r, range, depth) };
  }

  /** One top-level attribute of a resource, by its Terraform name. */
  private attribute(r: PlanResource, name: string, depth: number): Value | undefined {
    return plannedAttribute(r.values, this.marksOf(r), name, this.context(r, depth));
  }

  /** A value known only after apply: a reference to the resource its expression reads, when it names one. */
  private later(expression: JsonNode | undefined, from: PlanResource, range: Range, depth: number): Value {
    const target = this.configuration.follow(expression, from);
    return (target && this.reference(target, range, depth)) ?? unknown(range, AFTER_APPLY);
  }

  private reference(target: Target, range: Range, depth: number): Value | undefined {
    const r = this.byAddress.get(target.address);
    if (!r) return undefined;
    // An attribute ARM keeps on another resource (a registration token is the host pool's): a reference into that one.
    const reads = target.attr ? tfMapping(r.type)?.reads?.[target.attr] : undefined;
    if (!reads) return { kind: 'ref', target: this.key(r.address), path: target.attr ? [target.attr] : [], range };
    const owner = depth < MAX_READS ? this.attribute(r, reads.of, depth + 1) : undefined;
    if (!owner) return undefined;
    const byKey = owner.kind === 'ref' && owner.target && owner.path.join('.') === 'id';
    return { kind: 'ref', ...(byKey ? { target: owner.target } : { targetId: owner }), path: reads.path, range };
  }
}
