import type { Document, ObjectEntry, Resource, Value } from '../../model';
import { unknown } from '../../values';
import { type JsonNode, nodeRange, parseJson, prop, props, stringOf } from '../arm/json';

export const CA_POLICY_TYPE = 'microsoft.graph/conditionalAccessPolicies';

/**
 * Conditional Access policies written as Microsoft Graph JSON: one policy, an array of them, or a Graph list response
 * (`{ "value": [...] }`). Bicep and ARM cannot declare these policies, so repositories keep them in such files.
 */
export function adaptGraphJson(uri: string, text: string, version: number): Document {
  const { root, errors } = parseJson(text);
  const doc: Document = { uri, language: 'graph-json', text, version, resources: [], syntaxErrors: errors, suppressions: [], facts: {}, symbols: [] };
  const policies: JsonNode[] = [];
  const visit = (n: JsonNode | undefined) => {
    if (!n) return;
    if (n.type === 'array') n.children?.forEach(visit);
    else if (n.type === 'object') {
      if (prop(n, 'grantControls') || prop(n, 'conditions')) policies.push(n);
      else visit(prop(n, 'value'));
    }
  };
  visit(root);
  policies.forEach((p, i) => {
    const head = prop(p, 'displayName') ?? p;
    const resource: Resource = {
      key: `${uri}#${i}`,
      type: CA_POLICY_TYPE,
      body: value(p) as Extract<Value, { kind: 'object' }>,
      source: { uri, language: 'graph-json', range: nodeRange(p), headRange: nodeRange(head), symbol: stringOf(prop(p, 'displayName')) ?? String(i) },
    };
    doc.resources.push(resource);
  });
  return doc;
}

/** Plain JSON to values: Graph JSON has no expressions, and a `<placeholder>` string is just a string. */
function value(n: JsonNode): Value {
  const range = nodeRange(n);
  switch (n.type) {
    case 'string':
      return { kind: 'string', parts: [{ kind: 'text', text: String(n.value) }], range };
    case 'number':
      return { kind: 'number', value: Number(n.value), range };
    case 'boolean':
      return { kind: 'boolean', value: !!n.value, range };
    case 'null':
      return { kind: 'null', range };
    case 'array':
      return { kind: 'array', items: (n.children ?? []).map(value), range };
    case 'object': {
      const entries: ObjectEntry[] = props(n).map((p) => ({ key: p.key, keyRange: nodeRange(p.keyNode), value: value(p.value) }));
      return { kind: 'object', entries, range };
    }
    default:
      return unknown(range);
  }
}
