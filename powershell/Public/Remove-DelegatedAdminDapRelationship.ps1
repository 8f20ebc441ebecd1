function Remove-DelegatedAdminDapRelationship {
    <#
    .SYNOPSIS
    Removes the DAP (delegated admin privileges) relationship with one or more customers.

    .DESCRIPTION
    Sends Partner Center's "remove a DAP relationship" request (PATCH /v1/customers/{id} with
    AllowDelegatedAccess false) for each customer tenant id. The reseller relationship and GDAP relationships are
    not touched. This cannot be undone from here: the customer must accept a new delegated admin invitation.

    Asks for confirmation for each customer (ConfirmImpact High) unless -Force or -Confirm:$false is given;
    -WhatIf lists what would be removed. Takes customers from the pipeline by property name: CustomerTenantId,
    then CustomerId, then TenantId, and only then a generic Id. So Get-DelegatedAdminCustomer output pipes in
    directly, and so does Microsoft Graph's Get-MgContract (whose Id is the contract's object id and CustomerId
    the customer's tenant): the customer is bound, never the contract. A failure for one customer, an id that is
    not a GUID included, is written as a non-terminating error and the others continue; refused credentials stop
    the command. Needs App+User authentication against the real Partner Center.

    .PARAMETER CustomerTenantId
    The customer tenant id (GUID). Accepts pipeline input, by value or by property name (CustomerTenantId,
    CustomerId, TenantId, Id: the first one the object has).

    .PARAMETER OrganizationDisplayName
    The customer's name, used only in the confirmation and -WhatIf messages (bound from piped customers).

    .PARAMETER Force
    Removes without asking for confirmation (-WhatIf still only reports).

    .PARAMETER PassThru
    Returns a DelegatedAdmin.DapRemoval object for each removed relationship.

    .EXAMPLE
    Remove-DelegatedAdminDapRelationship -CustomerTenantId 0b4c6f5e-2f7e-4a3f-9d6b-7c7a1f0e9a11

    Asks for confirmation, then removes the DAP relationship with that customer.

    .EXAMPLE
    Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -WhatIf

    Lists the relationships the clean-up would remove.

    .EXAMPLE
    Get-MgContract -All | Where-Object DisplayName -like 'Contoso*' | Remove-DelegatedAdminDapRelationship -WhatIf

    Microsoft Graph's contracts pipe in by their CustomerId (the customer's tenant), not their object Id.

    .EXAMPLE
    Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -Confirm:$false -PassThru | Export-Csv removed-dap.csv -NoTypeInformation -Encoding UTF8

    Removes every DAP relationship unused for more than 90 days and keeps a record.

    .OUTPUTS
    None, or DelegatedAdmin.DapRemoval with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('DelegatedAdmin.DapRemoval')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        # By property name PowerShell tries the aliases in this order: the customer's ids before a generic Id.
        [Alias('CustomerId', 'TenantId', 'Id')]
        [ValidateNotNullOrEmpty()]
        [string[]] $CustomerTenantId,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('DisplayName')]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $OrganizationDisplayName,

        [Parameter()]
        [switch] $Force,

        [Parameter()]
        [switch] $PassThru
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) {
            $ConfirmPreference = 'None'
        }
    }

    process {
        foreach ($id in $CustomerTenantId) {
            $guid = [guid]::Empty
            if (-not [guid]::TryParse($id, [ref]$guid)) {
                # One bad item of a pipeline: say so, and go on with the others.
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("'{0}' is not a customer tenant id (a GUID)." -f $id) -ErrorId 'DelegatedAdmin.InvalidArgument.CustomerTenantId' -Category InvalidArgument -TargetObject $id
                $PSCmdlet.WriteError($record)
                continue
            }
            $tenant = $guid.ToString()

            $target = $tenant
            if (-not [string]::IsNullOrEmpty($OrganizationDisplayName)) {
                $target = "'{0}' ({1})" -f $OrganizationDisplayName, $tenant
            }
            if (-not $PSCmdlet.ShouldProcess($target, 'Remove the DAP (delegated admin privileges) relationship')) {
                continue
            }

            $failure = $null
            $result = Invoke-DelegatedAdminNative -Operation 'da_remove_dap_relationship' -Request ([ordered]@{ customerTenantId = $tenant }) -TargetObject $tenant -Failure ([ref]$failure)
            if ($null -ne $failure) {
                if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                    $PSCmdlet.ThrowTerminatingError($failure)
                }
                $PSCmdlet.WriteError($failure)
                continue
            }

            Write-Verbose ('Removed the DAP relationship with {0}.' -f $target)
            if ($PassThru) {
                $allowed = Get-DelegatedAdminProperty -InputObject $result -Name 'allowDelegatedAccess'
                if ($null -ne $allowed) {
                    $allowed = [bool]$allowed
                }
                [pscustomobject]@{
                    PSTypeName              = 'DelegatedAdmin.DapRemoval'
                    CustomerTenantId        = $tenant
                    OrganizationDisplayName = $OrganizationDisplayName
                    AllowDelegatedAccess    = $allowed
                    Customer                = Get-DelegatedAdminProperty -InputObject $result -Name 'customer'
                }
            }
        }
    }
}
