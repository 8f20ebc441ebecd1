@{
    RootModule           = 'DelegatedAdmin.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = 'ada745b2-be23-4ade-8358-c1e6ee700bca'
    Author               = 'The delegated-admin contributors'
    CompanyName          = 'Community'
    Copyright            = '(c) The delegated-admin contributors. MIT License.'
    Description          = 'Find and clean up the delegated admin access a Microsoft partner holds over customer tenants: list delegated admin customers, plan and apply the removal of inactive DAP relationships at partner scale (resumable, with progress and a report), manage GDAP relationships through Microsoft Graph (list those expiring, turn auto-extend on, remove Global Administrator, terminate, access assignments, customers), update delegated admin relationships through CloudCockpit, and list and remove Azure Lighthouse assignments. Client secrets, certificates, managed identity, refresh tokens, device code, interactive browser sign-in and brought tokens; public, US Government and China clouds; proxies. Works beside Connect-MgGraph; calls a native library (no managed dependencies).'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    # Windows PowerShell 5.1: the interop assembly targets netstandard2.0, which .NET Framework supports from 4.7.2.
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('DelegatedAdmin.Format.ps1xml')
    FunctionsToExport    = @(
        'Connect-DelegatedAdmin'
        'Disconnect-DelegatedAdmin'
        'Get-DelegatedAdminAccessLedger'
        'Get-DelegatedAdminContext'
        'Get-DelegatedAdminCustomer'
        'Get-DelegatedAdminGdapAccessAssignment'
        'Get-DelegatedAdminGdapCustomer'
        'Get-DelegatedAdminGdapRelationship'
        'Get-DelegatedAdminLighthouseAssignment'
        'Get-DelegatedAdminToken'
        'Invoke-DelegatedAdminDapCleanup'
        'Invoke-DelegatedAdminPlan'
        'New-DelegatedAdminDapCleanupPlan'
        'New-DelegatedAdminPlan'
        'Remove-DelegatedAdminDapRelationship'
        'Remove-DelegatedAdminGdapGlobalAdminRole'
        'Remove-DelegatedAdminLighthouseAssignment'
        'Set-DelegatedAdminGdapAutoExtend'
        'Set-DelegatedAdminRelationship'
        'Stop-DelegatedAdminGdapRelationship'
        'Test-DelegatedAdminReadiness'
    )
    CmdletsToExport      = @()
    # Filled in by scripts/package-module.ps1 with every file of the packaged module (a test checks they match).
    FileList             = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PartnerCenter', 'CSP', 'DAP', 'GDAP', 'DelegatedAdmin', 'Lighthouse', 'AzureLighthouse', 'CloudCockpit', 'MSP', 'Security', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/delegated-admin/delegated-admin'
            ReleaseNotes = 'GDAP through Microsoft Graph: Get-DelegatedAdminGdapRelationship (-ExpiringWithinDays, -Status, -CustomerTenantId), Set-DelegatedAdminGdapAutoExtend, Remove-DelegatedAdminGdapGlobalAdminRole, Stop-DelegatedAdminGdapRelationship, Get-DelegatedAdminGdapAccessAssignment, Get-DelegatedAdminGdapCustomer; the DAP cleanup holds customers without active GDAP. Connect-DelegatedAdmin: certificates (file, store thumbprint, object), managed identity, interactive browser sign-in, -Cloud, -Proxy, Graph endpoint and token; Test-DelegatedAdminReadiness. DAP cleanup at partner scale: New-DelegatedAdminDapCleanupPlan and Invoke-DelegatedAdminDapCleanup (per-customer or batch confirmation, -WhatIf, progress, Ctrl+C cancels cleanly, resume with the same journal, JSON and CSV reports). First release: connect (client secret, credential, refresh token, device code, access token), list delegated admin customers, remove DAP relationships, update delegated admin relationships, list and remove Azure Lighthouse assignments.'
        }
    }
}
