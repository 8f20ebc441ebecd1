function Get-DelegatedAdminGdapRelationship {
    <#
    .SYNOPSIS
    Lists the partner's GDAP (granular delegated admin privileges) relationships through Microsoft Graph, or reads
    some by id.

    .DESCRIPTION
    Lists tenantRelationships/delegatedAdminRelationships, every page (following @odata.nextLink as given), as a
    native job: Write-Progress counts the relationships listed and Ctrl+C stops the listing (nothing is returned
    then: a partial list would look complete). -Status and -CustomerTenantId are Graph filters; -ExpiringWithinDays
    keeps those whose end date is from now to N days ahead (judged by the library: Graph does not document a filter
    on endDateTime); combine it with -Status active for the relationships about to lapse. -Id reads one
    relationship each, with its current ETag.

    Output: DelegatedAdmin.GdapRelationship objects: Id, DisplayName, CustomerTenantId, CustomerDisplayName,
    Status, Duration and DurationDays, AutoExtendDuration (PT0S or P180D) and AutoExtendEnabled,
    IsGlobalAdministratorHeld, Roles (role definition ids), RoleNames and RoleCount, the dates as UTC [datetime]
    (CreatedDateTime, LastModifiedDateTime, ActivatedDateTime, EndDateTime), DaysUntilEnd, RelationshipType, ETag
    and Relationship (Graph's object). They pipe into Set-DelegatedAdminGdapAutoExtend,
    Remove-DelegatedAdminGdapGlobalAdminRole, Stop-DelegatedAdminGdapRelationship and
    Get-DelegatedAdminGdapAccessAssignment by property name; Get-DelegatedAdminCustomer and
    Get-DelegatedAdminGdapCustomer output pipes in by CustomerTenantId.

    Needs Microsoft Graph's DelegatedAdminRelationship.Read.All (delegated or application).

    .PARAMETER Id
    One or more relationship ids (<guid>-<guid>): reads each (a relationship that does not exist is a
    non-terminating ObjectNotFound error, and the others go on).

    .PARAMETER CustomerTenantId
    Only the relationships with this customer (its tenant id); takes customers from the pipeline by property name.

    .PARAMETER Status
    Only the relationships in this status: active, created, approvalPending, approved, activating, expiring,
    expired, terminating, terminationRequested or terminated.

    .PARAMETER ExpiringWithinDays
    Only the relationships whose end date is from now to this many days ahead (0 to 730).

    .PARAMETER MaxResults
    Return at most this many relationships (the listing still reads every page: Graph's order is its own).

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60 | Format-Table

    The active relationships that end within 60 days.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60 | Where-Object { -not $_.IsGlobalAdministratorHeld -and -not $_.AutoExtendEnabled } | Set-DelegatedAdminGdapAutoExtend -Enabled $true -WhatIf

    Shows which relationships about to lapse would be set to extend themselves by 180 days.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Where-Object IsGlobalAdministratorHeld | Select-Object DisplayName, CustomerDisplayName, EndDateTime

    The active relationships that still hold Global Administrator.

    .EXAMPLE
    Get-DelegatedAdminCustomer -InactiveDays 90 | Get-DelegatedAdminGdapRelationship -Status active

    The active GDAP relationships of the customers whose DAP relationship is inactive.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Id $relationshipId | Format-List *

    .OUTPUTS
    DelegatedAdmin.GdapRelationship
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('DelegatedAdmin.GdapRelationship')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Id')]
        [ValidateNotNullOrEmpty()]
        [Alias('RelationshipId')]
        [string[]] $Id,

        [Parameter(ParameterSetName = 'List', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('TenantId', 'CustomerId')]
        [string] $CustomerTenantId,

        [Parameter(ParameterSetName = 'List')]
        [ValidateSet('active', 'created', 'approvalPending', 'approved', 'activating', 'expiring', 'expired', 'terminating', 'terminationRequested', 'terminated')]
        [string] $Status,

        [Parameter(ParameterSetName = 'List')]
        [ValidateRange(0, 730)]
        [int] $ExpiringWithinDays,

        [Parameter(ParameterSetName = 'List')]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $MaxResults
    )

    begin {
        $emitted = 0
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'Id') {
            foreach ($relationshipId in $Id) {
                $failure = $null
                $result = Invoke-DelegatedAdminNative -Operation 'da_get_gdap_relationship' -Request ([ordered]@{ id = $relationshipId }) -TargetObject $relationshipId -Failure ([ref]$failure)
                if ($null -ne $failure) {
                    if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                        $PSCmdlet.ThrowTerminatingError($failure)
                    }
                    $PSCmdlet.WriteError($failure)
                    continue
                }
                $relationship = Get-DelegatedAdminProperty -InputObject $result -Name 'relationship'
                ConvertTo-DelegatedAdminGdapRelationship -InputObject $relationship -ETag ([string](Get-DelegatedAdminProperty -InputObject $result -Name 'etag'))
            }
            return
        }

        if ($PSBoundParameters.ContainsKey('MaxResults') -and $emitted -ge $MaxResults) {
            return
        }
        $request = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('Status')) {
            $request['status'] = $Status
        }
        if ($PSBoundParameters.ContainsKey('CustomerTenantId')) {
            $parsed = [guid]::Empty
            if (-not [guid]::TryParse($CustomerTenantId.Trim(), [ref]$parsed)) {
                # One bad item of a pipeline: say so, and go on with the others.
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-CustomerTenantId '{0}' is not a tenant id (a GUID)." -f $CustomerTenantId) -ErrorId 'DelegatedAdmin.InvalidArgument.CustomerTenantId' -Category InvalidArgument -TargetObject $CustomerTenantId
                $PSCmdlet.WriteError($record)
                return
            }
            $request['customerTenantId'] = $parsed.ToString()
        }
        if ($PSBoundParameters.ContainsKey('ExpiringWithinDays')) {
            $request['expiringWithinDays'] = $ExpiringWithinDays
        }

        $failure = $null
        $result = Invoke-DelegatedAdminJob -Operation 'listGdapRelationships' -Request $request -Activity 'Listing GDAP relationships (Microsoft Graph)' -StoppedMessage 'The listing of GDAP relationships was stopped; no relationships are returned.' -CancelWaitSeconds 10 -PollIntervalMilliseconds 100 -TargetObject $CustomerTenantId -Failure ([ref]$failure)
        if ($null -ne $failure) {
            if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }
        $relationships = Get-DelegatedAdminProperty -InputObject $result -Name 'relationships'
        $now = [DateTime]::UtcNow
        $count = 0
        foreach ($relationship in @($relationships)) {
            if ($null -eq $relationship) {
                continue
            }
            if ($PSBoundParameters.ContainsKey('MaxResults') -and $emitted -ge $MaxResults) {
                break
            }
            $emitted++
            $count++
            ConvertTo-DelegatedAdminGdapRelationship -InputObject $relationship -Now $now
        }
        Write-Verbose ('Returned {0} of {1} GDAP relationships listed.' -f $count, @($relationships | Where-Object { $null -ne $_ }).Count)
    }
}
