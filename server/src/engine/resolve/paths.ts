/** A path relative to a document, resolved like a file system path; undefined for registry references (`br:`, `ts:`). */
export function resolveRelative(fromUri: string, relative: string): string | undefined {
  if (/^(br|ts)[:/]/i.test(relative) || /^[a-z][a-z0-9+.-]*:/i.test(relative)) return undefined;
  const base = fromUri.slice(0, fromUri.lastIndexOf('/'));
  const prefixMatch = /^([a-z]+:\/\/[^/]*)?(.*)$/i.exec(base)!;
  const prefix = prefixMatch[1] ?? '';
  const segments = (relative.startsWith('/') ? relative : `${prefixMatch[2]}/${relative}`).split('/');
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '..') {
      if (out.length > 1) out.pop();
    } else if (seg !== '.' && (seg !== '' || out.length === 0)) out.push(seg);
  }
  return prefix + out.join('/');
}

export function baseName(uri: string): string {
  return uri.slice(uri.lastIndexOf('/') + 1);
}

/** The folder of a URI or forward-slash path, without the trailing slash. */
export function dirOf(uri: string): string {
  const slash = uri.lastIndexOf('/');
  return slash < 0 ? '' : uri.slice(0, slash);
}

/** terraform.tfvars and *.auto.tfvars: the variables files Terraform always loads (others are chosen with -var-file). */
export function isAutoTfvars(uri: string): boolean {
  const b = baseName(uri).toLowerCase();
  return b === 'terraform.tfvars' || b.endsWith('.auto.tfvars');
}
