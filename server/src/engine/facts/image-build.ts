import type { AvdGraph } from '../graph';
import { SCALE_SET } from '../graph/session-hosts';
import { typeOf } from '../graph/resources';
import type { Document, Resource, Value } from '../model';
import { get, knownString } from '../values';
import { deploymentRoots } from './deployment-roots';

/**
 * Resources that show a deployment builds its own images: Azure Image Builder templates and compute gallery image
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

interface ImageFacts {
  /** The first image build of the workspace. */
  first?: Resource;
  /** The first image build of each deployment root that has one, by the root's folder. */
  byRoot: Map<string, Resource>;
  /** The roots that deploy a resource, by resource. */
  roots: Map<Resource, string[]>;
}

const facts = new WeakMap<readonly Document[], ImageFacts>();

function imageFacts(graph: AvdGraph): ImageFacts {
  let f = facts.get(graph.documents);
  if (!f) {
    const builds = [...graph.byKey.values()].filter(isImageBuild);
    const byRoot = new Map<string, Resource>();
    if (builds.length) for (const root of deploymentRoots(graph, builds)) byRoot.set(root.unit, root.members[0].resource);
    facts.set(graph.documents, (f = { first: builds[0], byRoot, roots: new Map() }));
  }
  return f;
}

/**
 * The image build that may make `r`'s image (`r` a session host, or a Defender plan): one in the deployment root that
 * deploys `r`, whose images it may patch and harden there. An image pipeline in a root of its own (an image-build
 * folder beside unrelated deployments) counts only for a session host whose image is not known to come from the
 * marketplace: a compute gallery image, or one a parameter picks, may be the one that pipeline builds.
 */
export function imageBuildFor(graph: AvdGraph, r: Resource): Resource | undefined {
  const f = imageFacts(graph);
  if (!f.first) return undefined;
  let roots = f.roots.get(r);
  if (!roots) f.roots.set(r, (roots = deploymentRoots(graph, [r]).map((root) => root.unit)));
  for (const unit of roots) {
    const build = f.byRoot.get(unit);
    if (build) return build;
  }
  return imageSource(r) === 'marketplace' ? undefined : f.first;
}

const VM = 'microsoft.compute/virtualmachines';

/**
 * Where a VM's or scale set's image comes from, as written: the marketplace (publisher, offer, sku), a custom image
 * (an image or compute gallery id), or not known (a parameter, an absent reference). Other resources: the marketplace,
 * as they have no image to build.
 */
function imageSource(r: Resource): 'marketplace' | 'custom' | 'unknown' {
  const t = typeOf(r);
  if (r.source.nativeType?.startsWith('azurerm_')) {
    if (!t.includes('virtual_machine') && t !== VM) return 'marketplace';
    if (get(r.body, 'source_image_id') ?? get(r.body, 'storage_image_reference', 'id')) return 'custom';
    return (get(r.body, 'source_image_reference') ?? get(r.body, 'storage_image_reference', 'publisher')) ? 'marketplace' : 'unknown';
  }
  if (t !== VM && t !== SCALE_SET) return 'marketplace';
  const ref = get(r.body, 'properties', ...(t === SCALE_SET ? ['virtualMachineProfile'] : []), 'storageProfile', 'imageReference');
  if (ref?.kind !== 'object' || ref.open) return 'unknown';
  const ids = ['id', 'sharedGalleryImageId', 'communityGalleryImageId'].map((k) => get(ref, k)).filter((v): v is Value => !!v);
  if (ids.some((v) => knownString(v) !== '' && v.kind !== 'null')) return ids.every((v) => knownString(v) !== undefined) ? 'custom' : 'unknown';
  return get(ref, 'publisher') ? 'marketplace' : 'unknown';
}
