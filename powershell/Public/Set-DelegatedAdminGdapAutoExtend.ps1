function Set-DelegatedAdminGdapAutoExtend {
    <#
    .SYNOPSIS
    Turns a GDAP relationship's auto-extend on (extend by 180 days at its end) or off, through Microsoft Graph.

    .DESCRIPTION
    Sends PATCH tenantRelationships/delegatedAdminRelationships/{id} with {"autoExtendDuration": "P180D"} (-Enabled
    $true) or "PT0S" (-Enabled $false), with If-Match: the ETag of the relationship. When the relationship comes
    from Get-DelegatedAdminGdapRelationship through the pipeline, it is judged as it was listed, without reading it
    again (someone having changed it since costs one 412, a read and one retry; a second 412 is a ResourceExists
    error); with only an id it is read first.

    Microsoft does not auto-extend a relationship that holds the Global Administrator role: turning it on there is
    refused with an InvalidOperation error (code globalAdministratorNotExtendable) that says to remove the role
    first (Remove-DelegatedAdminGdapGlobalAdminRole); for a piped relationship nothing is sent at all. Only created
    and active relationships take the change (others: a ResourceExists error, code notAllowed).

    Supports -WhatIf and -Confirm (ConfirmImpact Medium). Takes relationships from the pipeline by property name
    (RelationshipId, or Id as Get-DelegatedAdminGdapRelationship writes it). A failure for one relationship is
    written as a non-terminating error and the others go on.

    Needs Microsoft Graph's DelegatedAdminRelationship.ReadWrite.All.

    .PARAMETER RelationshipId
    The relationship id (<guid>-<guid>).

    .PARAMETER Enabled
    $true: extend the relationship by 180 days when it ends (P180D). $false: let it end (PT0S).

    .PARAMETER Relationship
    The relationship object as listed (bound from Get-DelegatedAdminGdapRelationship's Relationship property
    through the pipeline): its ETag and roles let the change be judged and sent without reading it first. Ignored
    when its id is not -RelationshipId.

    .PARAMETER PassThru
    Returns the relationship as Graph returned it after the change (a DelegatedAdmin.GdapRelationship with the new
    ETag).

    .EXAMPLE
    Set-DelegatedAdminGdapAutoExtend -RelationshipId $relationshipId -Enabled $true

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60 | Set-DelegatedAdminGdapAutoExtend -Enabled $true -WhatIf

    Lists what would change for the relationships that end within 60 days; run it again without -WhatIf to change
    them. Those that hold Global Administrator are refused, each with its own error, and the others go on.

    .EXAMPLE
    Get-DelegatedAdminGdapRelationship -Status active | Where-Object { -not $_.IsGlobalAdministratorHeld -and -not $_.AutoExtendEnabled } | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -PassThru

    .OUTPUTS
    None, or DelegatedAdmin.GdapRelationship with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('DelegatedAdmin.GdapRelationship')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('Id')]
        [string] $RelationshipId,

        [Parameter(Mandatory = $true)]
        [bool] $Enabled,

        [Parameter(ValueFromPipelineByPropertyName = $true, DontShow = $true)]
        [AllowNull()]
        [object] $Relationship,

        [Parameter()]
        [switch] $PassThru
    )

    process {
        $duration = 'PT0S'
        $state = 'off (PT0S)'
        if ($Enabled) {
            $duration = 'P180D'
            $state = 'on (P180D: 180 more days at its end)'
        }
        $name = $null
        $given = $null
        if ($null -ne $Relationship) {
            $givenId = [string](Get-DelegatedAdminProperty -InputObject $Relationship -Name 'id')
            if ($givenId -eq $RelationshipId.Trim()) {
                # Only what the change is judged by, rebuilt from Graph's object (never dates round-tripped
                # through PowerShell's JSON).
                $unifiedRoles = Get-DelegatedAdminProperty -InputObject (Get-DelegatedAdminProperty -InputObject $Relationship -Name 'accessDetails') -Name 'unifiedRoles'
                $roles = @(foreach ($role in @($unifiedRoles)) {
                        $roleId = Get-DelegatedAdminProperty -InputObject $role -Name 'roleDefinitionId'
                        if ($null -ne $roleId) {
                            [ordered]@{ roleDefinitionId = [string]$roleId }
                        }
                    })
                $given = [ordered]@{ id = $givenId }
                foreach ($field in @('@odata.etag', 'status', 'autoExtendDuration')) {
                    $value = Get-DelegatedAdminProperty -InputObject $Relationship -Name $field
                    if ($null -ne $value) {
                        $given[$field] = [string]$value
                    }
                }
                $given['accessDetails'] = [ordered]@{ unifiedRoles = $roles }
                $name = [string](Get-DelegatedAdminProperty -InputObject $Relationship -Name 'displayName')
            }
        }
        $target = $RelationshipId
        if (-not [string]::IsNullOrEmpty($name)) {
            $target = "'{0}' ({1})" -f $name, $RelationshipId
        }
        $action = 'Turn GDAP auto-extend {0}' -f $state
        if ($Enabled -and $null -ne $given -and @($given['accessDetails']['unifiedRoles'] | Where-Object { [string]$_['roleDefinitionId'] -eq '62e90394-69f5-4237-9190-012177145e10' }).Count -gt 0) {
            # What the library will answer, said before: -WhatIf shows it too.
            $action = '{0}, which will be refused: the relationship holds Global Administrator (remove that role first)' -f $action
        }
        if (-not $PSCmdlet.ShouldProcess($target, $action)) {
            return
        }

        $request = [ordered]@{}
        if ($null -ne $given) {
            $request['relationship'] = $given
        }
        else {
            $request['id'] = $RelationshipId
        }
        $request['autoExtendDuration'] = $duration
        $failure = $null
        $result = Invoke-DelegatedAdminNative -Operation 'da_set_gdap_auto_extend' -Request $request -TargetObject $RelationshipId -Failure ([ref]$failure)
        if ($null -ne $failure) {
            # The Global Administrator rule is about this relationship only: the others of the pipeline go on.
            if ((Test-DelegatedAdminTerminatingError -ErrorRecord $failure) -and $failure.FullyQualifiedErrorId -notlike 'DelegatedAdmin.invalid_request.globalAdministrator*') {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }

        $retries = Get-DelegatedAdminProperty -InputObject $result -Name 'preconditionRetries'
        if ($null -ne $retries -and [int]$retries -gt 0) {
            Write-Verbose ('GDAP relationship {0} had changed since it was read: read again and retried once.' -f $RelationshipId)
        }
        Write-Verbose ('Turned GDAP auto-extend {0} for {1}.' -f $state, $target)
        if ($PassThru) {
            $updated = Get-DelegatedAdminProperty -InputObject $result -Name 'relationship'
            ConvertTo-DelegatedAdminGdapRelationship -InputObject $updated -ETag ([string](Get-DelegatedAdminProperty -InputObject $result -Name 'etag'))
        }
    }
}
