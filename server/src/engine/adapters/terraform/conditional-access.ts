import { AVD_APP_ID } from '../../knowledge/apps';

/**
 * A Conditional Access policy that requires MFA for Azure Virtual Desktop, as the quick fix writes it. It lands in a
 * pull request like any other change; the comment asks the reviewer to exclude emergency-access accounts.
 */
export function conditionalAccessPolicyTf(eol: string): string {
  return [
    '# Requires multifactor authentication for Azure Virtual Desktop (web client, Windows App and Remote Desktop clients).',
    '# Before you apply: exclude your emergency-access (break-glass) accounts, or test first with',
    '# state = "enabledForReportingButNotEnforced" (report-only, which does not enforce anything).',
    '# https://learn.microsoft.com/azure/virtual-desktop/set-up-mfa',
    'resource "azuread_conditional_access_policy" "avd_require_mfa" {',
    '  display_name = "Azure Virtual Desktop: require MFA"',
    '  state        = "enabled"',
    '',
    '  conditions {',
    '    client_app_types = ["all"]',
    '',
    '    applications {',
    `      included_applications = ["${AVD_APP_ID}"] # Azure Virtual Desktop`,
    '    }',
    '',
    '    users {',
    '      included_users = ["All"]',
    '    }',
    '  }',
    '',
    '  grant_controls {',
    '    operator          = "OR"',
    '    built_in_controls = ["mfa"]',
    '  }',
    '}',
    '',
  ].join(eol);
}
