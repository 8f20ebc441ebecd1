function ConvertTo-DelegatedAdminGdapRelationship {
    <#
    .SYNOPSIS
    Turns a Microsoft Graph delegatedAdminRelationship into a DelegatedAdmin.GdapRelationship object.

    .DESCRIPTION
    Id, DisplayName, CustomerTenantId and CustomerDisplayName, Status, Duration (ISO 8601, e.g. P730D) and
    DurationDays, AutoExtendDuration (PT0S or P180D) and AutoExtendEnabled, Roles (role definition ids),
    RoleNames, RoleCount and IsGlobalAdministratorHeld, the dates as UTC [datetime] (CreatedDateTime,
    LastModifiedDateTime, ActivatedDateTime, EndDateTime) and DaysUntilEnd (whole days from -Now to EndDateTime;
    negative once ended), RelationshipType (delegatedAdminRelationship or resellerDelegatedAdminRelationship), ETag
    (the ETag header of a single read, else @odata.etag), and Relationship: Graph's object as it came, which
    Set-DelegatedAdminGdapAutoExtend binds from the pipeline to judge the change without reading it again.

    .PARAMETER InputObject
    A relationship as the library returned it (ConvertFrom-Json).

    .PARAMETER ETag
    The ETag of a single read (da_get_gdap_relationship's etag), when there is one.

    .PARAMETER Now
    The moment DaysUntilEnd counts from (default now, UTC).

    .OUTPUTS
    DelegatedAdmin.GdapRelationship
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.GdapRelationship')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [object] $InputObject,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $ETag,

        [Parameter()]
        [datetime] $Now = [DateTime]::UtcNow
    )

    process {
        $customer = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'customer'
        $accessDetails = Get-DelegatedAdminProperty -InputObject $InputObject -Name 'accessDetails'
        $roles = New-Object -TypeName System.Collections.Generic.List[string]
        $unifiedRoles = Get-DelegatedAdminProperty -InputObject $accessDetails -Name 'unifiedRoles'
        foreach ($role in @($unifiedRoles)) {
            $roleId = Get-DelegatedAdminProperty -InputObject $role -Name 'roleDefinitionId'
            if (-not [string]::IsNullOrEmpty([string]$roleId)) {
                $roles.Add(([string]$roleId).ToLowerInvariant())
            }
        }
        $roleNames = @($roles | ForEach-Object { Get-DelegatedAdminGdapRoleName -RoleDefinitionId $_ })

        $duration = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'duration')
        $durationDays = $null
        if ($duration -match '^P(\d+)D$') {
            $durationDays = [int]$Matches[1]
        }
        $autoExtend = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'autoExtendDuration')
        $autoExtendEnabled = $null
        if (-not [string]::IsNullOrEmpty($autoExtend)) {
            $autoExtendEnabled = -not ($autoExtend -eq 'PT0S' -or $autoExtend -eq 'P0D')
        }

        $end = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'endDateTime')
        $daysUntilEnd = $null
        if ($null -ne $end) {
            $daysUntilEnd = [int][Math]::Floor(($end - $Now.ToUniversalTime()).TotalDays)
        }
        $type = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name '@odata.type')
        $relationshipType = $type -replace '^#microsoft\.graph\.', ''
        $etagValue = $ETag
        if ([string]::IsNullOrEmpty($etagValue)) {
            $etagValue = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name '@odata.etag')
        }

        [pscustomobject]@{
            PSTypeName                = 'DelegatedAdmin.GdapRelationship'
            Id                        = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'id')
            DisplayName               = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'displayName')
            CustomerTenantId          = [string](Get-DelegatedAdminProperty -InputObject $customer -Name 'tenantId')
            CustomerDisplayName       = [string](Get-DelegatedAdminProperty -InputObject $customer -Name 'displayName')
            Status                    = [string](Get-DelegatedAdminProperty -InputObject $InputObject -Name 'status')
            Duration                  = $duration
            DurationDays              = $durationDays
            AutoExtendDuration        = $autoExtend
            AutoExtendEnabled         = $autoExtendEnabled
            IsGlobalAdministratorHeld = $roles.Contains('62e90394-69f5-4237-9190-012177145e10')
            RoleCount                 = $roles.Count
            Roles                     = [string[]]$roles.ToArray()
            RoleNames                 = [string[]]$roleNames
            CreatedDateTime           = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'createdDateTime')
            LastModifiedDateTime      = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'lastModifiedDateTime')
            ActivatedDateTime         = ConvertTo-DelegatedAdminDateTime -Value (Get-DelegatedAdminProperty -InputObject $InputObject -Name 'activatedDateTime')
            EndDateTime               = $end
            DaysUntilEnd              = $daysUntilEnd
            RelationshipType          = $relationshipType
            ETag                      = $etagValue
            Relationship              = $InputObject
        }
    }
}
