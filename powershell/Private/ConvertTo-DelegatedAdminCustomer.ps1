function ConvertTo-DelegatedAdminCustomer {
    <#
    .SYNOPSIS
    Turns the customers of da_list_delegated_admin_customers into DelegatedAdmin.Customer objects.

    .DESCRIPTION
    PascalCase properties, UTC [datetime] dates on both PowerShell editions (5.1's ConvertFrom-Json leaves them
    as strings, 7's makes them [datetime]), and InactiveDays: whole days since the last partner sign-in, or
    since the relationship started when nobody ever signed in ($null when neither date is known).
    Takes the whole array in one call and converts it inline: a partner can have tens of thousands of customers,
    and a function call per field would cost seconds.

    .PARAMETER InputObject
    The result's "customers" array.

    .PARAMETER Now
    The reference time (UTC) for InactiveDays.

    .OUTPUTS
    DelegatedAdmin.Customer
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.Customer')]
    param(
        [Parameter(Mandatory = $true)]
        [AllowEmptyCollection()]
        [object[]] $InputObject,

        [Parameter()]
        [datetime] $Now = [DateTime]::UtcNow
    )

    $culture = [System.Globalization.CultureInfo]::InvariantCulture
    $styles = [System.Globalization.DateTimeStyles]::AssumeUniversal -bor [System.Globalization.DateTimeStyles]::AllowWhiteSpaces
    $dateNames = @('lastSignInDateTime', 'startDateTime', 'endDateTime')
    $countNames = @('partnerAgentCount', 'partnerSignInCount', 'globalAdminSignInCount')

    foreach ($raw in $InputObject) {
        if ($null -eq $raw) {
            continue
        }
        $properties = $raw.PSObject.Properties

        # The rules of ConvertTo-DelegatedAdminDateTime, inlined: this loop runs per customer, and an advanced
        # function call per date is costly over tens of thousands of customers.
        $dates = @{}
        foreach ($name in $dateNames) {
            $value = $null
            $property = $properties[$name]
            if ($null -ne $property) {
                $value = $property.Value
            }
            $date = $null
            if ($value -is [datetime]) {
                if ($value.Kind -eq [DateTimeKind]::Local) {
                    $date = $value.ToUniversalTime()
                }
                else {
                    $date = [datetime]::SpecifyKind($value, [DateTimeKind]::Utc)
                }
            }
            elseif ($value -is [DateTimeOffset]) {
                $date = $value.UtcDateTime
            }
            elseif ($null -ne $value -and ([string]$value).Length -gt 0) {
                $parsed = [DateTimeOffset]::MinValue
                if ([DateTimeOffset]::TryParse([string]$value, $culture, $styles, [ref]$parsed)) {
                    $date = $parsed.UtcDateTime
                }
            }
            $dates[$name] = $date
        }

        $reference = $dates['lastSignInDateTime']
        if ($null -eq $reference) {
            $reference = $dates['startDateTime']
        }
        $inactiveDays = $null
        if ($null -ne $reference) {
            $inactiveDays = [int][Math]::Floor(($Now - $reference).TotalDays)
        }

        $counts = @{}
        foreach ($name in $countNames) {
            $value = $null
            $property = $properties[$name]
            if ($null -ne $property -and $null -ne $property.Value) {
                $value = [long]$property.Value
            }
            $counts[$name] = $value
        }

        $texts = @{}
        foreach ($name in @('customerTenantId', 'organizationDisplayName', 'id')) {
            $value = $null
            $property = $properties[$name]
            if ($null -ne $property -and $null -ne $property.Value) {
                $value = [string]$property.Value
            }
            $texts[$name] = $value
        }

        $dapEnabled = $null
        $property = $properties['dapEnabled']
        if ($null -ne $property -and $null -ne $property.Value) {
            $dapEnabled = [bool]$property.Value
        }

        [pscustomobject]@{
            PSTypeName              = 'DelegatedAdmin.Customer'
            CustomerTenantId        = $texts['customerTenantId']
            OrganizationDisplayName = $texts['organizationDisplayName']
            DapEnabled              = $dapEnabled
            LastSignInDateTime      = $dates['lastSignInDateTime']
            StartDateTime           = $dates['startDateTime']
            EndDateTime             = $dates['endDateTime']
            InactiveDays            = $inactiveDays
            PartnerAgentCount       = $counts['partnerAgentCount']
            PartnerSignInCount      = $counts['partnerSignInCount']
            GlobalAdminSignInCount  = $counts['globalAdminSignInCount']
            Id                      = $texts['id']
        }
    }
}
