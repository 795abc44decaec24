import type { Document, Resource, TextEdit } from '../../model';
import type { Printer } from '../../printer';
import { blockOf, items } from './hcl';
import { attributeForPath } from './mapping';
import type { TerraformProject } from './project';

function literal(value: string | number | boolean, printer: Printer): string {
  return typeof value === 'string' ? `"${printer.escapeStringText(value)}"` : String(value);
}

/** Writes HCL: string escapes (including `$${` and `%%{`), new attributes, `#` suppression comments. */
export function terraformPrinter(project: TerraformProject): Printer {
  const printer: Printer = {
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

    addProperty(doc: Document, resource: Resource, path: string[], value: string | number | boolean): TextEdit[] | undefined {
      const name = resource.source.nativeType && attributeForPath(resource.source.nativeType, path);
      const tree = project.tree(doc.uri);
      if (!name || !tree) return undefined;
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
