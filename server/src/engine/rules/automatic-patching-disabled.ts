import { displayName, relatedResource } from '../facts/host-pools';
import { imageBuildFor } from '../facts/image-build';
import { hardeningPaths, hostLabel } from '../facts/vm-security';
import type { SessionHostNode } from '../graph';
import { caseNote, fitting } from '../message';
import type { Fix, RelatedInfo, Value } from '../model';
import { defineRule, fix, type RuleContext } from '../rule';
import { cases, get, knownBoolean, knownString } from '../values';
import docs from './automatic-patching-disabled.md';

interface Setting {
  /** Where the value sits in the body (ARM path, or the Terraform attribute). */
  path: string[];
  /** What is off: the value to judge and the safe value the fix writes. */
  off: (v: Value) => boolean;
  safe: string | boolean;
  what: string;
}

/** The host's update settings: ARM's (a VM's or a scale set's profile), or Terraform's (azurerm 4.x and 3.x names, the legacy blocks). */
function settingsOf(host: SessionHostNode): Setting[] {
  const paths = hardeningPaths(host.vm);
  return [
    ...paths.automaticUpdates.map((path) => ({ path, off: (v: Value) => knownBoolean(v) === false, safe: true, what: 'turns off automatic updates' })),
    ...paths.patchMode.map((path) => ({ path, off: isManual, safe: 'AutomaticByOS', what: 'sets patch mode Manual' })),
  ];
}

function isManual(v: Value): boolean {
  return knownString(v)?.toLowerCase() === 'manual';
}

function check(host: SessionHostNode, ctx: RuleContext): void {
  const vm = host.vm;
  if (vm.source.existing) return;
  // A scale set that upgrades its OS image automatically is patched by replacing its instances' image.
  if (hardeningPaths(vm).automaticOsUpgrade.some((path) => knownBoolean(get(vm.body, ...path)) === true)) return;
  const found: { setting: Setting; value: Value; when: string }[] = [];
  for (const setting of settingsOf(host)) {
    const v = get(vm.body, ...setting.path);
    if (!v) continue;
    for (const c of cases(v)) if (setting.off(c.value)) found.push({ setting, value: c.value, when: c.when });
  }
  if (!found.length) return;
  const images = imageBuildFor(ctx.graph, vm);
  const imageNote: RelatedInfo[] = images ? [relatedResource(images, `${displayName(images)} builds images, which may be patched and redeployed instead`)] : [];
  // AutomaticByOS needs automatic updates on: one fix sets every value that is off, or none when one is conditional.
  const intents = found.map((f) => ({ kind: 'set-property' as const, resource: vm.key, path: f.setting.path, value: f.setting.safe }));
  const fixes: Fix[] = found.some((f) => f.when)
    ? []
    : [fix('Turn on automatic patching', intents.length === 1 ? intents[0] : { kind: 'several', intents }, true)];
  const [first, ...rest] = found;
  const what = [...new Set(found.map((f) => f.setting.what))].join(' and ');
  const subject = hostLabel(host, displayName(vm));
  const related: RelatedInfo[] = [
    ...(first.when ? [{ uri: vm.source.uri, range: first.value.range, message: caseNote(first.when) }] : []),
    ...rest.map((f) => ({ uri: vm.source.uri, range: f.value.range, message: f.when ? caseNote(f.when) : `The host also ${f.setting.what}` })),
    ...imageNote,
  ];
  ctx.report({
    uri: vm.source.uri,
    at: first.value.range,
    value: first.value,
    message: fitting(
      `${subject} ${what}: security fixes reach it only when someone installs them, leaving known flaws open in between.`,
      `${subject} ${what}: security fixes reach it only when someone installs them.`,
      `${subject} ${what}.`,
    ),
    shift: images ? -1 : 0,
    related,
    fixes,
    key: `${vm.key}|automatic-patching`,
  });
}

export default defineRule({
  id: 'automatic-patching-disabled',
  title: 'Session hosts should be patched automatically',
  level: 'info',
  severity: 'low',
  boundary: ['vm', 'kernel'],
  summary: 'Finds session host VMs and scale sets with automatic Windows updates turned off or patch mode Manual.',
  docs,
  appliesTo: 'sessionHost',
  check,
});
