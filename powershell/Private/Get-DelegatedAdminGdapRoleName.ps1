function Get-DelegatedAdminGdapRoleName {
    <#
    .SYNOPSIS
    The name of a Microsoft Entra built-in role by its role definition id (the ids GDAP relationships carry), or
    the id itself for a role not in this module's table.

    .DESCRIPTION
    Built-in role ids are the same in every tenant and cloud (Microsoft Entra built-in roles reference). The table
    holds Global Administrator and the roles partners most often put in GDAP relationships; the id is what the
    service returns, and is shown for any other role.

    .PARAMETER RoleDefinitionId
    The role definition id (a GUID).

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [string] $RoleDefinitionId
    )

    $names = @{
        '62e90394-69f5-4237-9190-012177145e10' = 'Global Administrator'
        '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' = 'Directory Readers'
        'f2ef992c-3afb-46b9-b7cf-a126ee74c451' = 'Global Reader'
        'f023fd81-a637-4b56-95fd-791ac0226033' = 'Service Support Administrator'
        'fe930be7-5e62-47db-91af-98c3a49a38b1' = 'User Administrator'
        '729827e3-9c14-49f7-bb1b-9608f156bbb8' = 'Helpdesk Administrator'
        '194ae4cb-b126-40b2-bd5b-6091b380977d' = 'Security Administrator'
        '29232cdf-9323-42fd-ade2-1d097af3e4de' = 'Exchange Administrator'
        'f28a1f50-f6e7-4571-818b-6a12f2af6b6c' = 'SharePoint Administrator'
        '69091246-20e8-4a56-aa4d-066075b2a7a8' = 'Teams Administrator'
        '4d6ac14f-3453-41d0-bef9-a3e0c569773a' = 'License Administrator'
        '158c047a-c907-4556-b7ef-446551a6b5f7' = 'Cloud Application Administrator'
        '3a2c62db-5318-420d-8d74-23affee5d9d5' = 'Intune Administrator'
    }
    $key = $RoleDefinitionId.Trim().ToLowerInvariant()
    if ($names.ContainsKey($key)) {
        return $names[$key]
    }
    return $RoleDefinitionId
}
