function Get-DelegatedAdminCustomer {
    <#
    .SYNOPSIS
    Lists the partner's delegated admin customers, with their DAP state and last partner sign-in.

    .DESCRIPTION
    Calls the Partner Customer Delegated Administration API (delegatedAdminCustomers) through the native
    library. All pages are followed by default, as a native job: Write-Progress shows how many customers were
    listed, -Verbose shows each page, and Ctrl+C stops the listing at once (nothing is returned then). The OData
    options are parameters: -Filter, -Select, -OrderBy, -Top, -Skip and -IncludeCount.

    -InactiveDays N is the DAP clean-up convenience: it returns the customers that still have DAP enabled and
    whose last partner sign-in (lastSignInDateTime) is older than N days, or that never had a sign-in and whose
    relationship started (startDateTime) more than N days ago. Its output pipes straight into
    Remove-DelegatedAdminDapRelationship.

    Needs an App+User connection (refresh token or device code) against the real service.

    .PARAMETER Filter
    An OData $filter, for example "dapEnabled eq true" or "lastSignInDateTime lt 2024-01-01T00:00:00Z".
    With -InactiveDays it is combined with "dapEnabled eq true".

    .PARAMETER Select
    The fields to return ($select). Properties not selected are $null in the output.

    .PARAMETER OrderBy
    The sort order ($orderby): organizationDisplayName, dapEnabled, startDateTime or lastSignInDateTime,
    optionally followed by " asc" or " desc".

    .PARAMETER Top
    Returns one page of at most this many customers ($top, 1 to 300) instead of following every page.

    .PARAMETER Skip
    Skips this many customers ($skip).

    .PARAMETER First
    Returns at most this many customers in total, following pages only as far as needed: up to 300 take one
    request, more stop paging once that many were listed. With -InactiveDays it counts the inactive customers
    returned (the inactivity is decided here, so every page is listed).

    .PARAMETER IncludeCount
    Asks the service for the total number of matching customers ($count=true) and writes it to the information
    stream with the tag Count (see it with -InformationAction Continue, or keep it with -InformationVariable).

    .PARAMETER InactiveDays
    Returns only DAP-enabled customers with no partner sign-in for more than this many days (see the description).

    .EXAMPLE
    Get-DelegatedAdminCustomer

    Lists every delegated admin customer (all pages).

    .EXAMPLE
    Get-DelegatedAdminCustomer -InactiveDays 90 | Sort-Object InactiveDays -Descending | Format-Table

    Reviews the DAP relationships nobody used for more than 90 days.

    .EXAMPLE
    Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -WhatIf

    Shows which DAP relationships the clean-up would remove, without removing anything.

    .EXAMPLE
    Get-DelegatedAdminCustomer -OrderBy 'lastSignInDateTime desc' -First 1000

    The 1,000 most recently used relationships: four pages of 300, not every page of a large partner.

    .EXAMPLE
    Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' -OrderBy 'lastSignInDateTime desc' -Top 50 -IncludeCount -InformationVariable total

    One page of 50, most recently used first; $total.MessageData holds the service's total count.

    .OUTPUTS
    DelegatedAdmin.Customer
    #>
    [CmdletBinding(DefaultParameterSetName = 'All')]
    [OutputType('DelegatedAdmin.Customer')]
    param(
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Filter,

        [Parameter()]
        [ValidateSet('id', 'customerTenantId', 'organizationDisplayName', 'partnerAgentCount', 'partnerSignInCount',
            'globalAdminSignInCount', 'dapEnabled', 'startDateTime', 'endDateTime', 'lastSignInDateTime')]
        [string[]] $Select,

        [Parameter()]
        [ValidateSet('organizationDisplayName', 'organizationDisplayName asc', 'organizationDisplayName desc',
            'dapEnabled', 'dapEnabled asc', 'dapEnabled desc', 'startDateTime', 'startDateTime asc', 'startDateTime desc',
            'lastSignInDateTime', 'lastSignInDateTime asc', 'lastSignInDateTime desc')]
        [string] $OrderBy,

        [Parameter(ParameterSetName = 'Page')]
        [ValidateRange(1, 300)]
        [int] $Top,

        [Parameter()]
        [ValidateRange(0, 2147483647)]
        [int] $Skip,

        [Parameter()]
        [ValidateRange(1, 2147483647)]
        [int] $First,

        [Parameter()]
        [switch] $IncludeCount,

        [Parameter(Mandatory = $true, ParameterSetName = 'Inactive')]
        [ValidateRange(1, 36500)]
        [int] $InactiveDays
    )

    # ValidateSet matches case-insensitively; the service wants the documented casing.
    $fieldNames = @('id', 'customerTenantId', 'organizationDisplayName', 'partnerAgentCount', 'partnerSignInCount',
        'globalAdminSignInCount', 'dapEnabled', 'startDateTime', 'endDateTime', 'lastSignInDateTime')
    $canonical = @{}
    foreach ($fieldName in $fieldNames) {
        $canonical[$fieldName.ToLowerInvariant()] = $fieldName
    }

    $request = [ordered]@{}
    $filterText = $Filter
    if ($PSCmdlet.ParameterSetName -eq 'Inactive') {
        if ([string]::IsNullOrEmpty($Filter)) {
            $filterText = 'dapEnabled eq true'
        }
        else {
            $filterText = '({0}) and dapEnabled eq true' -f $Filter
        }
    }
    if (-not [string]::IsNullOrEmpty($filterText)) {
        $request['filter'] = $filterText
    }

    if ($PSBoundParameters.ContainsKey('Select')) {
        $fields = New-Object -TypeName System.Collections.Generic.List[string]
        foreach ($field in $Select) {
            $name = $canonical[$field.ToLowerInvariant()]
            if (-not $fields.Contains($name)) {
                $fields.Add($name)
            }
        }
        # The output needs the id, and -InactiveDays needs the dates and the DAP flag.
        $needed = @('customerTenantId')
        if ($PSCmdlet.ParameterSetName -eq 'Inactive') {
            $needed = @('customerTenantId', 'dapEnabled', 'startDateTime', 'lastSignInDateTime')
        }
        foreach ($name in $needed) {
            if (-not $fields.Contains($name)) {
                $fields.Add($name)
            }
        }
        $request['select'] = [string[]]$fields.ToArray()
    }

    if ($PSBoundParameters.ContainsKey('OrderBy')) {
        $parts = $OrderBy.Split(' ')
        $order = $canonical[$parts[0].ToLowerInvariant()]
        if ($parts.Count -gt 1) {
            $order = '{0} {1}' -f $order, $parts[1].ToLowerInvariant()
        }
        $request['orderBy'] = $order
    }
    if ($PSBoundParameters.ContainsKey('Skip')) {
        $request['skip'] = $Skip
    }
    if ($IncludeCount) {
        $request['count'] = $true
    }

    if ($PSCmdlet.ParameterSetName -eq 'Page') {
        $request['top'] = $Top
        $request['allPages'] = $false
    }
    elseif ($PSCmdlet.ParameterSetName -eq 'All' -and $PSBoundParameters.ContainsKey('First') -and $First -le 300) {
        # One request is enough.
        $request['top'] = $First
        $request['allPages'] = $false
    }
    else {
        $request['allPages'] = $true
        if ($PSCmdlet.ParameterSetName -eq 'All' -and $PSBoundParameters.ContainsKey('First')) {
            # Stop paging once -First customers were listed.
            $request['maxResults'] = $First
        }
    }

    $failure = $null
    if ($request['allPages']) {
        # Every page: a job, so that the listing shows progress and Ctrl+C stops it.
        $result = Invoke-DelegatedAdminJob -Operation 'listCustomers' -Request $request -Activity 'Listing delegated admin customers' -StoppedMessage 'The listing of delegated admin customers was stopped; no customers are returned.' -CancelWaitSeconds 10 -PollIntervalMilliseconds 100 -Failure ([ref]$failure)
    }
    else {
        $result = Invoke-DelegatedAdminNative -Operation 'da_list_delegated_admin_customers' -Request $request -Failure ([ref]$failure)
    }
    if ($null -ne $failure) {
        if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
            $PSCmdlet.ThrowTerminatingError($failure)
        }
        $PSCmdlet.WriteError($failure)
        return
    }

    $count = Get-DelegatedAdminProperty -InputObject $result -Name 'count'
    if ($IncludeCount -and $null -ne $count) {
        Write-Verbose ('The service counts {0} matching customers.' -f $count)
        Write-Information -MessageData ([long]$count) -Tags @('DelegatedAdmin', 'Count')
    }

    $customers = Get-DelegatedAdminProperty -InputObject $result -Name 'customers'
    if ($null -eq $customers) {
        $customers = @()
    }

    $now = [DateTime]::UtcNow
    $cutoff = $null
    if ($PSCmdlet.ParameterSetName -eq 'Inactive') {
        $cutoff = $now.AddDays(-$InactiveDays)
    }
    $emitted = 0
    $limit = [int]::MaxValue
    if ($PSBoundParameters.ContainsKey('First')) {
        $limit = $First
    }

    foreach ($customer in @(ConvertTo-DelegatedAdminCustomer -InputObject @($customers) -Now $now)) {
        if ($emitted -ge $limit) {
            break
        }
        if ($null -ne $cutoff) {
            if ($customer.DapEnabled -ne $true) {
                continue
            }
            $inactive = $false
            if ($null -ne $customer.LastSignInDateTime) {
                $inactive = $customer.LastSignInDateTime -lt $cutoff
            }
            elseif ($null -ne $customer.StartDateTime) {
                $inactive = $customer.StartDateTime -lt $cutoff
            }
            if (-not $inactive) {
                continue
            }
        }
        $emitted++
        $customer
    }
    Write-Verbose ('Returned {0} of {1} customers.' -f $emitted, @($customers).Count)
}
