function Get-DelegatedAdminGdapCustomer {
    <#
    .SYNOPSIS
    Lists the customers the partner holds an active GDAP relationship with (Microsoft Graph's
    delegatedAdminCustomers), optionally with their service management portals.

    .DESCRIPTION
    Lists tenantRelationships/delegatedAdminCustomers, every page. Graph lists a customer only while the partner
    holds at least one active GDAP relationship with it, so a DAP customer missing here has no GDAP access.
    -CustomerTenantId reads one customer (nothing is returned when no active relationship reaches it);
    -IncludeServiceManagementDetails also reads each customer's serviceManagementDetails (the admin portals of its
    services: one more request per customer).

    Output: DelegatedAdmin.GdapCustomer objects: CustomerTenantId, DisplayName, Id, ServiceManagementDetails
    (ServiceName, ServiceManagementUrl, Id) and ETag. They pipe into Get-DelegatedAdminGdapRelationship by
    CustomerTenantId.

    Needs Microsoft Graph's DelegatedAdminRelationship.Read.All.

    .PARAMETER CustomerTenantId
    Only this customer (its tenant id); takes customers from the pipeline by property name.

    .PARAMETER Filter
    A Graph $filter on id, tenantId or displayName, for example "displayName eq 'Contoso'".

    .PARAMETER IncludeServiceManagementDetails
    Also reads each customer's service management details (one request per customer).

    .EXAMPLE
    Get-DelegatedAdminGdapCustomer | Format-Table

    .EXAMPLE
    Get-DelegatedAdminGdapCustomer -CustomerTenantId $customerTenantId -IncludeServiceManagementDetails | Select-Object -ExpandProperty ServiceManagementDetails

    .EXAMPLE
    $gdap = @(Get-DelegatedAdminGdapCustomer | ForEach-Object CustomerTenantId)
    Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' | Where-Object CustomerTenantId -notin $gdap

    The DAP customers without any active GDAP relationship (whose DAP removal would leave no admin access).

    .OUTPUTS
    DelegatedAdmin.GdapCustomer
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.GdapCustomer')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [Alias('TenantId', 'CustomerId')]
        [string] $CustomerTenantId,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Filter,

        [Parameter()]
        [switch] $IncludeServiceManagementDetails
    )

    process {
        $request = [ordered]@{}
        if ($PSBoundParameters.ContainsKey('CustomerTenantId')) {
            $parsed = [guid]::Empty
            if (-not [guid]::TryParse($CustomerTenantId.Trim(), [ref]$parsed)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-CustomerTenantId '{0}' is not a tenant id (a GUID)." -f $CustomerTenantId) -ErrorId 'DelegatedAdmin.InvalidArgument.CustomerTenantId' -Category InvalidArgument -TargetObject $CustomerTenantId
                $PSCmdlet.WriteError($record)
                return
            }
            $request['customerTenantId'] = $parsed.ToString()
        }
        if ($PSBoundParameters.ContainsKey('Filter')) {
            $request['filter'] = $Filter
        }
        if ($IncludeServiceManagementDetails) {
            $request['includeServiceManagementDetails'] = $true
        }
        $failure = $null
        $result = Invoke-DelegatedAdminNative -Operation 'da_list_gdap_customers' -Request $request -TargetObject $CustomerTenantId -Failure ([ref]$failure)
        if ($null -ne $failure) {
            if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                $PSCmdlet.ThrowTerminatingError($failure)
            }
            $PSCmdlet.WriteError($failure)
            return
        }
        $customers = Get-DelegatedAdminProperty -InputObject $result -Name 'customers'
        foreach ($customer in @($customers)) {
            if ($null -ne $customer) {
                ConvertTo-DelegatedAdminGdapCustomer -InputObject $customer
            }
        }
    }
}
