import type { Document, FixObject, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { blockOf, bodyOf, type HclAttribute, items } from './hcl';
import { attributeForPath, tfMapping } from './mapping';
import type { TerraformProject } from './project';
import { renameTerraformLocal } from './rename';

function literal(value: string | number | boolean, printer: Printer): string {
  return typeof value === 'string' ? `"${printer.escapeStringText(value)}"` : String(value);
}

/** Writes HCL: string escapes (including `$${` and `%%{`), new attributes, `#` suppression comments. */
export function terraformPrinter(project: TerraformProject): Printer {
  const printer: Printer = {
    renameLocal: (doc, offset, rename) => renameTerraformLocal(project, doc, offset, rename),

    escapeStringText(text: string): string {
      return text
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r')
        .replace(/\t/g, '\\t')
        .replace(/\$\{/g, () => '$${')
        .replace(/%\{/g, () => '%%{');
    },

    addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean | FixObject): TextEdit[] | undefined {
      const name = resource.source.nativeType && attributeForPath(resource.source.nativeType, path);
      const tree = project.tree(doc.uri);
      // Attributes only: the mapped security settings are flat in HCL.
      if (!name || !tree || typeof value === 'object') return undefined;
      const node = tree.rootNode.descendantForIndex(resource.source.range.start);
      let blockNode = node;
      while (blockNode && !(blockNode.type === 'block' && blockNode.startIndex === resource.source.range.start)) blockNode = blockNode.parent;
      if (!blockNode) return undefined;
      const block = blockOf(blockNode);
      const { attributes } = items(block.body);
      const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
      const text = doc.text;
      const lineStartOf = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
      const blockIndent = /^[ \t]*/.exec(text.slice(lineStartOf(blockNode.startIndex)))![0];
      const last = attributes.filter((a) => a.name !== 'count' && a.name !== 'for_each').pop() ?? attributes[attributes.length - 1];
      if (last) {
        const indent = /^[ \t]*/.exec(text.slice(lineStartOf(last.node.startIndex)))![0];
        let end = text.indexOf('\n', last.node.endIndex);
        if (end < 0) end = text.length;
        else if (text[end - 1] === '\r') end--;
        // Align `=` with the attribute block it joins, as `terraform fmt` would.
        const width = Math.max(name.length, ...groupOf(text, attributes, last).map((a) => a.name.length));
        return [{ uri: doc.uri, range: { start: end, end }, newText: `${eol}${indent}${name.padEnd(width)} = ${literal(value, printer)}` }];
      }
      const close = blockNode.endIndex - 1;
      if (text[close] !== '}') return undefined;
      return [{ uri: doc.uri, range: { start: close, end: close }, newText: `${blockIndent}  ${name} = ${literal(value, printer)}${eol}${blockIndent}` }];
    },

    secureParameter(doc: Document, name: string, keepDefault?: boolean): TextEdit[] | undefined {
      const root = project.tree(doc.uri)?.rootNode;
      const block = root && items(bodyOf(root)).blocks.find((b) => b.type === 'variable' && b.labelTexts[0] === name);
      if (!block?.body) return undefined;
      return sensitiveVariable(doc, block.node.startIndex, items(block.body).attributes, keepDefault);
    },

    objectProperty(resource: Resource, path: string[], lines: string[], indent: string, eol: string): string | undefined {
      const type = resource.source.nativeType;
      const name = type && attributeForPath(type, path);
      if (!name) return undefined;
      // Extension settings are JSON strings in Terraform.
      const json = tfMapping(type)?.json?.includes(name);
      return `${name} = ${json ? 'jsonencode(' : ''}{${eol}${lines.join(eol)}${eol}${indent}}${json ? ')' : ''}`;
    },

    registrationTokenReference(doc: Document, at: { start: number; end: number }, pool: Resource, poolDoc: Document): TextEdit[] | undefined {
      const symbol = pool.source.symbol;
      const dir = (uri: string) => uri.slice(0, uri.lastIndexOf('/'));
      if (
        !symbol ||
        pool.source.loop ||
        !/^azurerm_virtual_desktop_host_pool_registration_info\.[A-Za-z_][\w-]*$/.test(symbol) ||
        dir(doc.uri) !== dir(poolDoc.uri)
      )
        return undefined;
      // A string of its own becomes the reference; a token inside a longer string or a heredoc, an interpolation.
      for (let n = project.tree(doc.uri)?.rootNode.descendantForIndex(at.start) ?? null; n; n = n.parent) {
        if (n.type === 'string_lit' && n.startIndex === at.start - 1 && n.endIndex === at.end + 1)
          return [{ uri: doc.uri, range: { start: n.startIndex, end: n.endIndex }, newText: `${symbol}.token` }];
        if (n.type === 'string_lit' || n.type === 'heredoc_template') return [{ uri: doc.uri, range: at, newText: `\${${symbol}.token}` }];
      }
      return undefined;
    },

    secureOutput(doc: Document, name: string): TextEdit[] | undefined {
      const root = project.tree(doc.uri)?.rootNode;
      const block = root && items(bodyOf(root)).blocks.find((b) => b.type === 'output' && b.labelTexts[0] === name);
      // A one-line block (`output "x" { value = y }`) has no line to add `sensitive` on.
      if (!block?.body || !doc.text.slice(block.node.startIndex, block.node.endIndex).includes('\n')) return undefined;
      return sensitiveVariable(doc, block.node.startIndex, items(block.body).attributes);
    },

    lineComment: '#',

    privateEndpoint(resource: Resource, groupId: string): string | undefined {
      const address = resource.source.symbol;
      if (!address || !/^[a-z_][\w-]*\.[A-Za-z_][\w-]*$/.test(address) || resource.source.loop) return undefined;
      const name = address.split('.')[1];
      return [
        `resource "azurerm_private_endpoint" "${name}_${groupId}" {`,
        `  name                = "pe-\${${address}.name}-${groupId}"`,
        `  location            = ${address}.location`,
        `  resource_group_name = ${address}.resource_group_name`,
        '  subnet_id           = "<the id of the subnet for private endpoints>"',
        '',
        '  private_service_connection {',
        `    name                           = "${groupId}"`,
        `    private_connection_resource_id = ${address}.id`,
        `    subresource_names              = ["${groupId}"]`,
        '    is_manual_connection           = false',
        '  }',
        '}',
      ].join('\n');
    },

    diagnosticSetting(resource: Resource): string | undefined {
      const address = resource.source.symbol;
      if (!address || !/^[a-z_][\w-]*\.[A-Za-z_][\w-]*$/.test(address) || resource.source.loop) return undefined;
      const name = address.split('.')[1];
      return [
        `resource "azurerm_monitor_diagnostic_setting" "${name}_diagnostics" {`,
        `  name                       = "diag-\${${address}.name}"`,
        `  target_resource_id         = ${address}.id`,
        '  log_analytics_workspace_id = "<the id of the Log Analytics workspace>"',
        '',
        '  enabled_log {',
        '    category_group = "allLogs"',
        '  }',
        '}',
      ].join('\n');
    },

    guestAttestation(resource: Resource): string | undefined {
      const address = resource.source.symbol;
      if (!address || !/^[a-z_][\w-]*\.[A-Za-z_][\w-]*$/.test(address) || resource.source.loop) return undefined;
      const [type, name] = address.split('.');
      if (type !== 'azurerm_windows_virtual_machine') return undefined;
      return [
        `resource "azurerm_virtual_machine_extension" "${name}_guest_attestation" {`,
        '  name                       = "GuestAttestation"',
        `  virtual_machine_id         = ${address}.id`,
        '  publisher                  = "Microsoft.Azure.Security.WindowsAttestation"',
        '  type                       = "GuestAttestation"',
        '  type_handler_version       = "1.0"',
        '  auto_upgrade_minor_version = true',
        '}',
      ].join('\n');
    },

    defenderPlan(doc: Document): string | undefined {
      if (/"azurerm_security_center_subscription_pricing"\s+"virtual_machines"/.test(doc.text)) return undefined;
      return [
        'resource "azurerm_security_center_subscription_pricing" "virtual_machines" {',
        '  tier          = "Standard"',
        '  resource_type = "VirtualMachines"',
        '  subplan       = "P2"',
        '}',
      ].join('\n');
    },

    suppressionComment(ruleId: string): string {
      return `# avdsec-disable-next-line ${ruleId}`;
    },
  };
  return printer;
}

/** The run of attributes on consecutive lines that ends with `last` (terraform fmt aligns `=` within such a run). */
function groupOf<T extends { node: { startIndex: number; endIndex: number } }>(text: string, attributes: T[], last: T): T[] {
  const group: T[] = [last];
  let i = attributes.indexOf(last) - 1;
  while (i >= 0) {
    const between = text.slice(attributes[i].node.endIndex, group[0].node.startIndex);
    if ((between.match(/\n/g) ?? []).length !== 1 || between.trim()) break;
    group.unshift(attributes[i]);
    i--;
  }
  return group;
}

/**
 * A variable block's edits for `sensitive = true` without a default: the `default` lines go, `sensitive` is set or added
 * after the last attribute, and the `=` of the run of one-line attributes it joins is aligned as `terraform fmt` does.
 */
function sensitiveVariable(doc: Document, blockStart: number, attributes: HclAttribute[], keepDefault = false): TextEdit[] | undefined {
  const text = doc.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const nl = text.indexOf('\n', offset);
    return nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  };
  const edits: TextEdit[] = [];
  const def = keepDefault ? undefined : attributes.find((a) => a.name === 'default');
  let removed: { start: number; end: number } | undefined;
  if (def) {
    const start = lineStart(def.node.startIndex);
    const end = lineEnd(def.node.endIndex);
    if (text.slice(start, def.node.startIndex).trim() || !/^[ \t]*(#[^\r\n]*)?$/.test(text.slice(def.node.endIndex, end))) return undefined;
    removed = { start, end: Math.min(text.length, end + (text[end] === '\r' ? 2 : 1)) };
    edits.push({ uri: doc.uri, range: removed, newText: '' });
  }
  const kept = attributes.filter((a) => a !== def);
  const sensitive = kept.find((a) => a.name === 'sensitive');
  if (sensitive?.value.text.trim() === 'true' && !def) return undefined;
  // Rows of the block after the edit: one-line attributes, with whether each follows the one before on the next line.
  type Row = { name: string; attribute?: HclAttribute; oneLine: boolean; adjacent: boolean };
  const rows: Row[] = [];
  const gap = (from: number, to: number) => {
    let between = text.slice(from, to);
    if (removed && removed.start >= from && removed.end <= to) between = text.slice(from, removed.start) + text.slice(removed.end, to);
    return /^[ \t]*\r?\n[ \t]*$/.test(between);
  };
  kept.forEach((a, i) => {
    const oneLine = !text.slice(a.node.startIndex, a.node.endIndex).includes('\n');
    rows.push({ name: a.name, attribute: a, oneLine, adjacent: i > 0 && gap(kept[i - 1].node.endIndex, a.node.startIndex) });
  });
  if (!sensitive) {
    const last = kept[kept.length - 1];
    const at = last ? lineEnd(last.node.endIndex) : lineEnd(blockStart);
    const indent = last ? text.slice(lineStart(last.node.startIndex), last.node.startIndex) : `${/^[ \t]*/.exec(text.slice(lineStart(blockStart)))![0]}  `;
    rows.push({ name: 'sensitive', oneLine: true, adjacent: !!last });
    edits.push({ uri: doc.uri, range: { start: at, end: at }, newText: `${eol}${indent}sensitive = true` });
  } else if (sensitive.value.text.trim() !== 'true') {
    edits.push({ uri: doc.uri, range: { start: sensitive.value.startIndex, end: sensitive.value.endIndex }, newText: 'true' });
  }
  // Align each run of adjacent one-line attributes.
  for (let i = 0; i < rows.length;) {
    let j = i + 1;
    if (rows[i].oneLine) while (j < rows.length && rows[j].oneLine && rows[j].adjacent) j++;
    const run = rows.slice(i, j).filter((r) => r.oneLine);
    const width = Math.max(0, ...run.map((r) => r.name.length));
    for (const r of run) {
      const pad = ' '.repeat(width - r.name.length + 1);
      if (!r.attribute) {
        const e = edits[edits.length - 1];
        e.newText = e.newText.replace('sensitive = true', `sensitive${pad}= true`);
        continue;
      }
      const from = r.attribute.nameNode.endIndex;
      const to = text.indexOf('=', from);
      if (to > from && text.slice(from, to) !== pad && !text.slice(from, to).trim())
        edits.push({ uri: doc.uri, range: { start: from, end: to }, newText: pad });
    }
    i = j;
  }
  return edits;
}
