function Set-DelegatedAdminRelationship {
    <#
    .SYNOPSIS
    Updates a delegated admin (GDAP) relationship through CloudCockpit: turns auto-extend on or off.

    .DESCRIPTION
    Sends CloudCockpit's "update a customer relationship" request
    (PATCH /v1/Customers/{customerId}/delegated-admin-relationships/{relationshipId}, header X-Tenant) with the
    provider instance and the auto-extend flag. Supports -WhatIf and -Confirm (ConfirmImpact Medium: it asks
    when $ConfirmPreference is Medium or lower, or with -Confirm). Accepts pipeline input by property name, so a
    CSV with TenantDomain, CustomerId, RelationshipId, ProviderInstanceId and AutoExtendEnabled columns can be
    piped in (convert AutoExtendEnabled to [bool] first). A failure for one relationship is written as a
    non-terminating error and the others continue.

    .PARAMETER TenantDomain
    The CloudCockpit portal domain, sent as the X-Tenant header (for example portal.cloudcockpit.com).

    .PARAMETER CustomerId
    The customer id (GUID).

    .PARAMETER RelationshipId
    The delegated admin relationship id.

    .PARAMETER ProviderInstanceId
    The CloudCockpit provider instance id (GUID).

    .PARAMETER AutoExtendEnabled
    $true to extend the relationship automatically when it ends, $false to let it expire.

    .PARAMETER PassThru
    Returns a DelegatedAdmin.RelationshipUpdate object with the service's answer.

    .EXAMPLE
    Set-DelegatedAdminRelationship -TenantDomain portal.cloudcockpit.com -CustomerId $customerId -RelationshipId $relationshipId -ProviderInstanceId $providerInstanceId -AutoExtendEnabled $true

    .EXAMPLE
    Import-Csv relationships.csv | Select-Object *, @{ n = 'AutoExtendEnabled'; e = { [bool]::Parse($_.AutoExtend) } } | Set-DelegatedAdminRelationship -TenantDomain portal.cloudcockpit.com -WhatIf

    .OUTPUTS
    None, or DelegatedAdmin.RelationshipUpdate with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('DelegatedAdmin.RelationshipUpdate')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('XTenant')]
        [string] $TenantDomain,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('CustomerTenantId')]
        [string] $CustomerId,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $RelationshipId,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ProviderInstanceId,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [bool] $AutoExtendEnabled,

        [Parameter()]
        [switch] $PassThru
    )

    process {
        foreach ($pair in @(@('CustomerId', $CustomerId), @('ProviderInstanceId', $ProviderInstanceId))) {
            $parsed = [guid]::Empty
            if (-not [guid]::TryParse([string]$pair[1], [ref]$parsed)) {
                # One bad item of a pipeline: say so, and go on with the others.
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-{0} '{1}' is not a GUID." -f $pair[0], $pair[1]) -ErrorId ('DelegatedAdmin.InvalidArgument.{0}' -f $pair[0]) -Category InvalidArgument -TargetObject $pair[1]
                $PSCmdlet.WriteError($record)
                return
            }
        }

        $state = 'off'
        if ($AutoExtendEnabled) {
            $state = 'on'
        }
        $target = 'relationship {0} of customer {1}' -f $RelationshipId, $CustomerId
        if (-not $PSCmdlet.ShouldProcess($target, ('Turn auto-extend {0}' -f $state))) {
            return
        }

        $request = [ordered]@{
            tenantDomain       = $TenantDomain
            customerId         = $CustomerId
            relationshipId     = $RelationshipId
            providerInstanceId = $ProviderInstanceId
            autoExtendEnabled  = [bool]$AutoExtendEnabled
        }
        $failure = $null
        $result = Invoke-DelegatedAdminNative -Operation 'da_update_delegated_admin_relationship' -Request $request -TargetObject $RelationshipId -Failure ([ref]$failure)
        if ($null -ne $failure) {
            if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }

        Write-Verbose ('Turned auto-extend {0} for {1}.' -f $state, $target)
        if ($PassThru) {
            $enabled = Get-DelegatedAdminProperty -InputObject $result -Name 'autoExtendEnabled'
            if ($null -ne $enabled) {
                $enabled = [bool]$enabled
            }
            [pscustomobject]@{
                PSTypeName        = 'DelegatedAdmin.RelationshipUpdate'
                CustomerId        = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'customerId')
                RelationshipId    = [string](Get-DelegatedAdminProperty -InputObject $result -Name 'relationshipId')
                AutoExtendEnabled = $enabled
                Relationship      = Get-DelegatedAdminProperty -InputObject $result -Name 'relationship'
            }
        }
    }
}
