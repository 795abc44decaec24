import type { Language } from '../model';
import { dirOf } from './paths';
import { declaredTargets } from './targets';

/** A call to a document that is not followed, because it closes a cycle of module calls. */
export interface BrokenCall {
  caller: string;
  /** The templates of the cycle (a Terraform configuration as its directory, `dir/`), from the callee's round to the caller's. */
  cycle: string[];
}

/**
 * Which documents pass values to which (module calls, `using`, parameters and variables files: declaredTargets), and
 * the order to read them in. A target is a file, or a Terraform module directory (`dir/`: every file in it).
 */
export class CallGraph {
  private readonly languages = new Map<string, Language>();
  /** Templates each file passes values to, and the reverse. */
  private readonly targets = new Map<string, string[]>();
  private readonly callers = new Map<string, Set<string>>();
  /** The files of each folder, for module directories and the targets of module calls. */
  private readonly byFolder = new Map<string, Set<string>>();
  /** Each node's place in the reading order and its cycle of module calls (see order); undefined once a call changes. */
  private ranks: { rank: Map<string, number>; component: Map<string, number>; broken: Set<string> } | undefined;
  /** The files with a call not followed, when cyclesChanged was last asked. */
  private brokenSeen = new Set<string>();

  /** Adds or updates a file (`paired`: the templates the configuration pairs it with); returns the targets it had before. */
  set(uri: string, language: Language, text: string, paired: readonly string[] = []): string[] {
    const before = this.targets.get(uri) ?? [];
    const known = this.languages.get(uri);
    if (!known) this.folderSet(uri, true);
    this.languages.set(uri, language);
    const targets = [...new Set([...paired, ...declaredTargets(uri, language, text)])];
    if (known !== language || targets.length !== before.length || targets.some((t, i) => t !== before[i])) this.ranks = undefined;
    this.setTargets(uri, targets);
    return before;
  }

  /**
   * Adds the targets a document's model names beyond those its text declares (an ARM `templateLink` whose URL is
   * built from parameters); returns the ones that are new. Its next `set` starts again from the text.
   */
  learn(uri: string, targets: readonly string[]): string[] {
    const have = this.targets.get(uri) ?? [];
    const fresh = [...new Set(targets)].filter((t) => !have.includes(t));
    if (!fresh.length) return [];
    this.setTargets(uri, [...have, ...fresh]);
    this.ranks = undefined;
    return fresh;
  }

  /** Forgets a file; returns the targets it had. */
  delete(uri: string): string[] {
    const before = this.targets.get(uri) ?? [];
    if (this.languages.delete(uri)) this.folderSet(uri, false);
    this.setTargets(uri, []);
    this.ranks = undefined;
    return before;
  }

  clear(): void {
    this.languages.clear();
    this.targets.clear();
    this.callers.clear();
    this.byFolder.clear();
    this.ranks = undefined;
  }

  private setTargets(uri: string, targets: string[]): void {
    for (const t of this.targets.get(uri) ?? []) this.callers.get(t)?.delete(uri);
    if (targets.length) this.targets.set(uri, targets);
    else this.targets.delete(uri);
    for (const t of targets) {
      let set = this.callers.get(t);
      if (!set) this.callers.set(t, (set = new Set()));
      set.add(uri);
    }
  }

  private folderSet(uri: string, add: boolean): void {
    const dir = dirOf(uri);
    let set = this.byFolder.get(dir);
    if (add) {
      if (!set) this.byFolder.set(dir, (set = new Set()));
      set.add(uri);
    } else if (set) {
      set.delete(uri);
      if (!set.size) this.byFolder.delete(dir);
    }
  }

  /** The files of a target: the template itself, or every file of a Terraform module directory (`dir/`). */
  filesOf(target: string): string[] {
    if (!target.endsWith('/')) return this.languages.has(target) ? [target] : [];
    return [...(this.byFolder.get(target.slice(0, -1)) ?? [])];
  }

  /**
   * What the inputs of a document target: the template itself, or its directory for a Terraform configuration file.
   * Undefined for the documents that take no inputs (they are inputs themselves: parameters and variables files).
   */
  inputKey(uri: string): string | undefined {
    switch (this.languages.get(uri)) {
      case 'arm':
      case 'bicep':
        return uri;
      case 'terraform':
        return `${dirOf(uri)}/`;
      default:
        return undefined;
    }
  }

  /** The files that may pass values to a document, in the order of their URIs. */
  callersOf(uri: string): string[] {
    const key = this.inputKey(uri);
    if (!key) return [];
    const dir = dirOf(uri);
    // A module block cannot call its own directory; variables files beside the configuration do pass it values.
    const own = (c: string) => c === uri || (key.endsWith('/') && dirOf(c) === dir && this.languages.get(c) !== 'tfvars');
    return [...(this.callers.get(key) ?? [])].filter((c) => !own(c)).sort();
  }

  /** A document as the reading order sees it: the files of a Terraform configuration are one (its directory). */
  private node(uri: string): string {
    return this.inputKey(uri) ?? uri;
  }

  /** The nodes that pass values to a node: module calls to a template or to a Terraform directory, parameters files. */
  private callersOfNode(node: string): string[] {
    const files = this.filesOf(node).filter((u) => this.inputKey(u) === node);
    return files.length ? [...new Set(this.callersOf(files[0]).map((c) => this.node(c)))] : [];
  }

  /**
   * The callers a document takes values from: all of them, except in a cycle of module calls (no deployment can follow
   * one, but a workspace being edited can hold one). There a document takes values only from the callers of the cycle
   * that come before it by name (a Terraform configuration by its directory's), so that the cycle is read once, in the
   * same order whichever document is asked for first.
   */
  takesFrom(uri: string): string[] {
    const { component } = this.order();
    const node = this.node(uri);
    return this.callersOf(uri).filter((c) => component.get(this.node(c)) !== component.get(node) || this.node(c) < node);
  }

  /**
   * The calls to `uri` that are not followed because they close a cycle, each with its cycle: the templates (or
   * Terraform directories, `dir/`) from the one `uri` belongs to round to the caller's.
   */
  brokenCallsTo(uri: string): BrokenCall[] {
    const taken = new Set(this.takesFrom(uri));
    return this.callersOf(uri)
      .filter((c) => !taken.has(c))
      .map((caller) => ({ caller, cycle: this.path(this.node(uri), this.node(caller)) }));
  }

  /** The shortest chain of calls from node `from` down to node `to`, inside their cycle. */
  private path(from: string, to: string): string[] {
    const { component } = this.order();
    const c = component.get(from);
    const previous = new Map<string, string>([[from, from]]);
    const queue = [from];
    while (queue.length && !previous.has(to)) {
      const u = queue.shift()!;
      const callees = this.filesOf(u).flatMap((f) => (this.targets.get(f) ?? []).flatMap((t) => this.filesOf(t)));
      for (const x of callees.map((f) => this.node(f))) {
        // A Terraform file names its own directory only through variables files, which are in no cycle.
        if (previous.has(x) || x === u || component.get(x) !== c) continue;
        previous.set(x, u);
        queue.push(x);
      }
    }
    const out = [to];
    for (let u = to; u !== from && previous.has(u);) out.unshift((u = previous.get(u)!));
    return out;
  }

  /** The templates a file passes values to. */
  targetsOf(uri: string): readonly string[] {
    return this.targets.get(uri) ?? [];
  }

  /** The files that read values from `uris` or from `targets`, and so on down the chain of module calls. */
  dependents(uris: readonly string[], targets: readonly string[] = []): string[] {
    const seen = new Set<string>();
    const out = new Set<string>();
    const queue = [...targets, ...uris.flatMap((u) => this.targets.get(u) ?? [])];
    while (queue.length) {
      const t = queue.shift()!;
      if (seen.has(t)) continue;
      seen.add(t);
      for (const f of this.filesOf(t)) {
        out.add(f);
        queue.push(...(this.targets.get(f) ?? []));
      }
    }
    return [...out];
  }

  /** The files whose values may go elsewhere now that `uri` appeared or went: those that name it (or its directory). */
  routedTo(uri: string): string[] {
    return [...(this.callers.get(uri) ?? []), ...(this.callers.get(`${dirOf(uri)}/`) ?? [])];
  }

  /** The files that pass values to a document, and so on up the chain: findings about its resources may land in them. */
  upstream(uri: string): string[] {
    const seen = new Set<string>([uri]);
    const queue = [uri];
    while (queue.length) {
      const u = queue.shift()!;
      for (const key of [u, `${dirOf(u)}/`]) {
        for (const caller of this.callers.get(key) ?? []) {
          if (seen.has(caller)) continue;
          seen.add(caller);
          queue.push(caller);
        }
      }
    }
    seen.delete(uri);
    return [...seen];
  }

  /**
   * The documents whose findings may land in `uri`: itself, and those that read values written in it (the templates
   * its module calls and parameters target, down the chain; the other files of its Terraform module directory).
   */
  focus(uri: string): Set<string> {
    const focus = new Set<string>([uri]);
    const queue = [uri];
    const language = this.languages.get(uri);
    if (language === 'terraform' || language === 'tfvars') queue.push(...this.filesOf(`${dirOf(uri)}/`));
    while (queue.length) {
      const u = queue.shift()!;
      focus.add(u);
      for (const t of this.targets.get(u) ?? []) for (const x of this.filesOf(t)) if (!focus.has(x)) queue.push(x);
    }
    return focus;
  }

  /**
   * The order to read `uris` and the unread documents they take values from (takesFrom): every document after the
   * callers it takes values from, so that each is read once, with its inputs.
   */
  readingOrder(uris: Iterable<string>, unread: (uri: string) => boolean): string[] {
    const needed = new Set<string>();
    const stack = [...uris].filter(unread);
    if (!stack.length) return [];
    // A document already read was read after its callers: the walk up stops there.
    while (stack.length) {
      const u = stack.pop()!;
      if (needed.has(u)) continue;
      needed.add(u);
      for (const c of this.takesFrom(u)) if (unread(c)) stack.push(c);
    }
    const { rank } = this.order();
    const at = (u: string) => rank.get(this.node(u))!;
    return [...needed].sort((a, b) => at(a) - at(b) || (a < b ? -1 : 1));
  }

  /**
   * Every node's place in the reading order: the cycles of module calls (strongly connected components of the `caller
   * of` edges) callers first, inside one by the name takesFrom compares. Computed again only after a call changed.
   */
  private order(): { rank: Map<string, number>; component: Map<string, number>; broken: Set<string> } {
    if (this.ranks) return this.ranks;
    const nodes = [...new Set([...this.languages.keys()].map((u) => this.node(u)))].sort();
    const rank = new Map<string, number>();
    const component = new Map<string, number>();
    const cycles: string[][] = [];
    componentsCallersFirst(nodes, (n) => this.callersOfNode(n)).forEach((members, i) => {
      if (members.length > 1) cycles.push(members);
      for (const n of members.sort()) {
        rank.set(n, rank.size);
        component.set(n, i);
      }
    });
    this.ranks = { rank, component, broken: new Set() };
    for (const f of cycles.flat().flatMap((n) => this.filesOf(n))) {
      const taken = new Set(this.takesFrom(f));
      for (const c of this.callersOf(f)) if (!taken.has(c)) this.ranks.broken.add(c);
    }
    return this.ranks;
  }

  /** The files that have a call not followed now and had none when last asked, or the reverse: their findings change. */
  cyclesChanged(): string[] {
    const { broken } = this.order();
    const out = [...broken].filter((u) => !this.brokenSeen.has(u)).concat([...this.brokenSeen].filter((u) => !broken.has(u)));
    this.brokenSeen = new Set(broken);
    return out;
  }
}

/**
 * Tarjan's strongly connected components of the `caller of` edges, without recursion (module chains can be long): a
 * component comes after the components of its callers.
 */
function componentsCallersFirst(nodes: string[], callersOf: (u: string) => string[]): string[][] {
  const out: string[][] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { u: string; callers: string[]; next: number }[] = [];
    const enter = (u: string) => {
      index.set(u, index.size);
      low.set(u, index.get(u)!);
      stack.push(u);
      onStack.add(u);
      work.push({ u, callers: callersOf(u), next: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.next < top.callers.length) {
        const c = top.callers[top.next++];
        if (!index.has(c)) enter(c);
        else if (onStack.has(c)) low.set(top.u, Math.min(low.get(top.u)!, index.get(c)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].u;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.u)!));
      }
      if (low.get(top.u) === index.get(top.u)) {
        const component: string[] = [];
        let x: string;
        do {
          x = stack.pop()!;
          onStack.delete(x);
          component.push(x);
        } while (x !== top.u);
        out.push(component);
      }
    }
  }
  return out;
}
