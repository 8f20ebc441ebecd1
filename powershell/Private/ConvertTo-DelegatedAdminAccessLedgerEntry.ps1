function ConvertTo-DelegatedAdminAccessLedgerEntry {
    <#
    .SYNOPSIS
    Turns one customer of the access ledger's JSON into a DelegatedAdmin.AccessLedgerEntry object.

    .DESCRIPTION
    The flat properties to sort, filter and export by (DAP state and last partner sign-in, active and all GDAP
    relationships, the next end of an active one, Global Administrator, the security groups of active access
    assignments, the Lighthouse delegations, their managing tenants and standing Owner, and the risk codes), and
    the ledger's own objects for the detail: Dap, GdapRelationships, LighthouseDelegations and Risks (each risk
    with its code and detail).

    .PARAMETER InputObject
    One element of the ledger's "customers" array (docs/api.md, da_access_ledger).

    .OUTPUTS
    DelegatedAdmin.AccessLedgerEntry
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.AccessLedgerEntry')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [object] $InputObject
    )

    process {
        $dap = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'dap'
        $relationships = @(Get-DelegatedAdminItem -InputObject $InputObject -Name 'gdapRelationships')
        $delegations = @(Get-DelegatedAdminItem -InputObject $InputObject -Name 'lighthouseDelegations')
        $risks = @(Get-DelegatedAdminItem -InputObject $InputObject -Name 'risks')

        $active = @($relationships | Where-Object { (Get-DelegatedAdminProperty -InputObject $_ -Name 'status') -eq 'active' })
        $nextEnd = $null
        $groups = New-Object -TypeName 'System.Collections.Generic.SortedSet[string]' -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
        $globalAdmin = $false
        foreach ($r in $active) {
            $end = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $r -Name 'endDateTime')
            if ($null -ne $end -and ($null -eq $nextEnd -or $end -lt $nextEnd)) {
                $nextEnd = $end
            }
            if ((Get-DelegatedAdminProperty -InputObject $r -Name 'globalAdministrator') -eq $true) {
                $globalAdmin = $true
            }
            foreach ($a in @(Get-DelegatedAdminItem -InputObject $r -Name 'accessAssignments')) {
                $group = Get-DelegatedAdminProperty -InputObject $a -Name 'securityGroupId'
                if ((Get-DelegatedAdminProperty -InputObject $a -Name 'status') -eq 'active' -and -not [string]::IsNullOrEmpty($group)) {
                    $null = $groups.Add([string]$group)
                }
            }
        }
        $managing = New-Object -TypeName 'System.Collections.Generic.SortedSet[string]' -ArgumentList ([StringComparer]::OrdinalIgnoreCase)
        $standingOwner = $false
        foreach ($d in $delegations) {
            $name = Get-DelegatedAdminProperty -InputObject $d -Name 'managedByTenantName'
            if ([string]::IsNullOrEmpty($name)) {
                $name = Get-DelegatedAdminProperty -InputObject $d -Name 'managedByTenantId'
            }
            if (-not [string]::IsNullOrEmpty($name)) {
                $null = $managing.Add([string]$name)
            }
            if ((Get-DelegatedAdminProperty -InputObject $d -Name 'standingOwner') -eq $true) {
                $standingOwner = $true
            }
        }

        $dapEnabled = $null
        $lastSignIn = $null
        $daysSinceSignIn = $null
        if ($null -ne $dap) {
            $enabled = Get-DelegatedAdminProperty -InputObject $dap -Name 'enabled'
            if ($enabled -is [bool]) {
                $dapEnabled = $enabled
            }
            $lastSignIn = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $dap -Name 'lastSignInDateTime')
            $days = Get-DelegatedAdminProperty -InputObject $dap -Name 'daysSinceSignIn'
            if ($null -ne $days) {
                $daysSinceSignIn = [long]$days
            }
        }

        [pscustomobject]@{
            PSTypeName            = 'DelegatedAdmin.AccessLedgerEntry'
            CustomerTenantId      = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'customerTenantId')
            DisplayName           = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'displayName'
            DapListed             = ($null -ne $dap)
            DapEnabled            = $dapEnabled
            LastPartnerSignIn     = $lastSignIn
            DaysSinceSignIn       = $daysSinceSignIn
            ActiveGdapCount       = $active.Count
            GdapCount             = $relationships.Count
            NextGdapEnd           = $nextEnd
            GlobalAdministrator   = $globalAdmin
            SecurityGroups        = [string[]]@($groups)
            LighthouseCount       = $delegations.Count
            ManagingTenants       = [string[]]@($managing)
            StandingOwner         = $standingOwner
            RiskCodes             = [string[]]@($risks | ForEach-Object { [string](Get-DelegatedAdminProperty -InputObject $_ -Name 'code') })
            Risks                 = $risks
            Dap                   = $dap
            GdapRelationships     = $relationships
            LighthouseDelegations = $delegations
        }
    }
}
