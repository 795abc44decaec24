import * as assert from 'node:assert/strict';
import {
  DOCS_URL,
  RDP_PROPERTIES,
  RDS_ONLY_PROPERTIES,
  isAllowedValue,
  propertyDocsUrl,
  rdpProperty,
  rdsOnlyProperty,
  type RdpPropertyInfo,
} from '../../server/src/engine/knowledge/rdp-properties';
import { RULES, ruleById } from '../../server/src/engine/registry';

/**
 * Microsoft's "Supported RDP properties" reference (ms.date 03/06/2025) lists 55 properties: 36 apply to Azure Virtual
 * Desktop, 19 only to Remote Desktop Services or Remote PC connections (11 under Connections, the 8 RemoteApp ones).
 */
const AVD_COUNT = 36;
const RDS_ONLY_COUNT = 19;

/** avd-rules.md §2.6: the security-relevant properties and their host pool defaults (undefined: none). */
const SECTION_2_6: [name: string, type: 'i' | 's', hostPoolDefault: string | undefined, rule?: string][] = [
  ['enablerdsaadauth', 'i', '0', 'host-pool-sso-disabled'],
  ['targetisaadjoined', 'i', '0', 'legacy-entra-password-sign-in'],
  ['enablecredsspsupport', 'i', '1', 'rdp-nla-disabled'],
  ['drivestoredirect', 's', '*', 'rdp-drive-redirection'],
  ['redirectclipboard', 'i', '1', 'rdp-clipboard-redirection'],
  ['usbdevicestoredirect', 's', '*', 'rdp-usb-redirection'],
  ['devicestoredirect', 's', '*', 'rdp-device-redirection'],
  ['redirectprinters', 'i', '1', 'rdp-device-redirection'],
  ['redirectcomports', 'i', '1', 'rdp-device-redirection'],
  // "none": no camera is redirected, which the table writes as the empty value.
  ['camerastoredirect', 's', '', 'rdp-media-redirection'],
  ['audiocapturemode', 'i', '0', 'rdp-media-redirection'],
  ['redirectlocation', 'i', '0', 'rdp-media-redirection'],
  ['redirectsmartcards', 'i', '1', 'in-session-passwordless-blocked'],
  ['redirectwebauthn', 'i', '1', 'in-session-passwordless-blocked'],
  ['kdcproxyname', 's', undefined],
];

/** The secure values §2.6 gives for a pooled host pool, where it gives one. */
const SECURE: Record<string, string> = {
  enablerdsaadauth: '1',
  enablecredsspsupport: '1',
  drivestoredirect: '',
  redirectclipboard: '0',
  usbdevicestoredirect: '',
  devicestoredirect: '',
  redirectprinters: '0',
  redirectcomports: '0',
  redirectlocation: '0',
  redirectsmartcards: '1',
  redirectwebauthn: '1',
};

const get = (name: string): RdpPropertyInfo => {
  const p = rdpProperty(name);
  assert.ok(p, `${name} is in the table`);
  return p;
};

describe('RDP property table', () => {
  it(`lists every property the reference gives for Azure Virtual Desktop (${AVD_COUNT})`, () => {
    assert.ok(RDP_PROPERTIES.length >= AVD_COUNT, `${RDP_PROPERTIES.length} properties`);
    assert.ok(RDS_ONLY_PROPERTIES.length >= RDS_ONLY_COUNT, `${RDS_ONLY_PROPERTIES.length} RDS-only properties`);
  });

  it('has unique, lower-case names with spaces kept and valid type letters', () => {
    const names = [...RDP_PROPERTIES, ...RDS_ONLY_PROPERTIES].map((p) => p.name);
    assert.equal(new Set(names).size, names.length, 'no duplicates');
    for (const p of [...RDP_PROPERTIES, ...RDS_ONLY_PROPERTIES]) {
      assert.equal(p.name, p.name.toLowerCase(), p.name);
      assert.equal(p.name, p.name.trim(), p.name);
      assert.match(p.name, /^[a-z][a-z ]*[a-z]$/, p.name);
      assert.ok(p.type === 'i' || p.type === 's', `${p.name}: type ${p.type}`);
    }
    assert.ok(rdpProperty('screen mode id'));
    assert.ok(rdpProperty('use multimon'));
    assert.ok(rdpProperty('redirected video capture encoding quality'));
  });

  it('describes every property: meaning, security, section; values lower-case; i values are integers', () => {
    for (const p of RDP_PROPERTIES) {
      assert.ok(p.meaning.trim(), `${p.name}: meaning`);
      assert.ok(p.security?.trim(), `${p.name}: security`);
      assert.ok(p.section, `${p.name}: section`);
      if (p.type === 'i') {
        assert.ok(p.values || p.range, `${p.name}: an i property lists its values or range`);
        for (const v of Object.keys(p.values ?? {})) assert.match(v, /^\d+$/, `${p.name}: ${v}`);
        assert.equal(p.forms, undefined, `${p.name}: forms are for strings`);
      } else {
        assert.ok(p.values || p.forms, `${p.name}: an s property lists its values or forms`);
        for (const v of Object.keys(p.values ?? {})) assert.equal(v, v.toLowerCase(), `${p.name}: ${v}`);
      }
      for (const [v, meaning] of Object.entries(p.values ?? {})) assert.ok(meaning.trim(), `${p.name}: meaning of ${v}`);
    }
  });

  it('gives defaults and recommendations that are allowed values', () => {
    for (const p of RDP_PROPERTIES) {
      if (p.default !== undefined) assert.ok(isAllowedValue(p, p.default), `${p.name}: default ${JSON.stringify(p.default)}`);
      if (p.recommended !== undefined) assert.ok(isAllowedValue(p, p.recommended), `${p.name}: recommended ${JSON.stringify(p.recommended)}`);
      if (p.default === undefined) assert.ok(p.defaultNote, `${p.name}: says what happens when absent`);
    }
  });

  it('knows every property a rule judges, and gives it a default', () => {
    for (const r of RULES) {
      for (const name of r.judges ?? []) {
        assert.ok(rdpProperty(name), `${r.id} judges ${name}, which is not in the table`);
        assert.notEqual(rdpProperty(name)!.default, undefined, `${r.id} judges ${name}, which has no default`);
      }
    }
  });

  it('has the security-relevant properties of avd-rules.md §2.6 with the defaults given there', () => {
    for (const [name, type, def, rule] of SECTION_2_6) {
      const p = get(name);
      assert.equal(p.type, type, `${name}: type`);
      assert.equal(p.default, def, `${name}: default`);
      const judgedBy = RULES.filter((r) => r.judges?.includes(name)).map((r) => r.id);
      // A rule of the catalog that is not built yet judges nothing so far.
      if (rule && ruleById(rule)) assert.deepEqual(judgedBy, [rule], `${name}: judged by ${rule}`);
      else assert.deepEqual(judgedBy, [], `${name}: no rule`);
      assert.notEqual(p.security, 'none', `${name}: says what crosses the boundary`);
    }
    for (const [name, value] of Object.entries(SECURE)) assert.equal(get(name).recommended, value, `${name}: recommended`);
  });

  it('maps each rule to the properties the brief names', () => {
    const judged = (rule: string) => [...(ruleById(rule)?.judges ?? [])].sort();
    assert.deepEqual(judged('host-pool-sso-disabled'), ['enablerdsaadauth']);
    assert.deepEqual(judged('rdp-nla-disabled'), ['enablecredsspsupport']);
    assert.deepEqual(judged('rdp-drive-redirection'), ['drivestoredirect']);
    assert.deepEqual(judged('rdp-clipboard-redirection'), ['redirectclipboard']);
    assert.deepEqual(judged('rdp-usb-redirection'), ['usbdevicestoredirect']);
    assert.deepEqual(judged('rdp-device-redirection'), ['devicestoredirect', 'redirectcomports', 'redirectprinters']);
    assert.deepEqual(judged('rdp-media-redirection'), ['audiocapturemode', 'camerastoredirect', 'redirectlocation']);
  });

  it('keeps the RDS-only list apart from the table, each with a reason', () => {
    for (const p of RDS_ONLY_PROPERTIES) {
      assert.equal(rdpProperty(p.name), undefined, `${p.name} is not in the AVD table`);
      assert.ok(p.reason.trim(), `${p.name}: reason`);
      assert.equal(rdsOnlyProperty(p.name), p);
    }
    for (const name of ['authentication level', 'gatewayhostname', 'username', 'full address', 'remoteapplicationmode']) assert.ok(rdsOnlyProperty(name), name);
    assert.equal(rdsOnlyProperty('drivestoredirect'), undefined);
  });

  it('looks names up case-insensitively and ignores surrounding spaces', () => {
    assert.equal(rdpProperty('  EnableRdsAadAuth '), get('enablerdsaadauth'));
    assert.equal(rdpProperty('Screen Mode ID'), get('screen mode id'));
    assert.equal(rdpProperty('\tuse multimon\n'), get('use multimon'));
    assert.equal(
      rdsOnlyProperty(' Full Address '),
      RDS_ONLY_PROPERTIES.find((p) => p.name === 'full address'),
    );
    assert.equal(rdpProperty('enablerdsadauth'), undefined);
    assert.equal(rdpProperty('screen  mode id'), undefined);
  });

  it('judges values by type, list and range', () => {
    assert.ok(isAllowedValue(get('redirectclipboard'), '0'));
    assert.ok(!isAllowedValue(get('redirectclipboard'), '2'));
    assert.ok(!isAllowedValue(get('redirectclipboard'), 'true'));
    assert.ok(isAllowedValue(get('keyboardhook'), '3'));
    assert.ok(!isAllowedValue(get('screen mode id'), '0'));
    assert.ok(isAllowedValue(get('desktopheight'), '1080'));
    assert.ok(!isAllowedValue(get('desktopheight'), '100'));
    assert.ok(!isAllowedValue(get('desktopwidth'), '9000'));
    assert.ok(isAllowedValue(get('desktopscalefactor'), '150'));
    assert.ok(!isAllowedValue(get('desktopscalefactor'), '110'));
    const drives = get('drivestoredirect');
    for (const v of ['', '*', 'DynamicDrives', 'C:\\;E:\\;', 'C:;', 'c:\\']) assert.ok(isAllowedValue(drives, v), JSON.stringify(v));
    for (const v of ['yes', 'C', 'CD:\\']) assert.ok(!isAllowedValue(drives, v), JSON.stringify(v));
    assert.ok(isAllowedValue(get('selectedmonitors'), '0,1'));
    assert.ok(!isAllowedValue(get('selectedmonitors'), 'left'));
    assert.ok(isAllowedValue(get('usbdevicestoredirect'), '{6bdd1fc6-810f-11d0-bec7-08002be2092f}'));
    assert.ok(isAllowedValue(get('kdcproxyname'), 'kdc.contoso.com:443'));
  });

  it('points at the Microsoft reference', () => {
    assert.equal(DOCS_URL, 'https://learn.microsoft.com/azure/virtual-desktop/rdp-properties');
    assert.equal(propertyDocsUrl('Use Multimon'), `${DOCS_URL}#use-multimon`);
  });
});
