import type { AvdGraph } from '../graph';
import type { Resource } from '../model';

/**
 * Resources that show the workspace builds its own images: Azure Image Builder templates and compute gallery image
 * definitions or versions (ARM, Bicep, azapi), Terraform's azurerm_shared_image*. Teams that rebuild golden images
 * often patch and harden the image instead of the running host.
 */
const ARM_TYPES = new Set([
  'microsoft.virtualmachineimages/imagetemplates',
  'microsoft.compute/galleries/images',
  'microsoft.compute/galleries/images/versions',
]);

export function isImageBuild(r: Resource): boolean {
  // An `existing` image or a data source reads an image someone else builds; a module's tests build only for the test.
  if (r.source.existing || /\/tests\//i.test(r.source.uri)) return false;
  const t = r.type.toLowerCase();
  return ARM_TYPES.has(t) || t.startsWith('terraform:azurerm_shared_image');
}

/** The first resource of the workspace that builds or publishes images, if any. */
export function imageBuild(graph: AvdGraph): Resource | undefined {
  for (const r of graph.byKey.values()) if (isImageBuild(r)) return r;
  return undefined;
}
