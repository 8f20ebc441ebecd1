function ConvertTo-DelegatedAdminReducedPlanJson {
    <#
    .SYNOPSIS
    The JSON of a plan reduced to the candidates the admin confirmed: same planId, so its journal still matches.

    .DESCRIPTION
    Used when Invoke-DelegatedAdminDapCleanup asks per customer and the admin declines some. The reduced plan has
    the same format, planId, createdAt, asOf, inactiveDays, include and exclude; its candidates are the confirmed
    ones; the declined candidates move to kept with reason "excluded" and a detail saying they were declined (so
    the report still accounts for every customer of the plan); the summary is recounted. A later run with the
    whole plan and the same journal acts on the declined customers and on nothing already done.

    The top-level createdAt and asOf are written back as RFC 3339 UTC text even where PowerShell 7's
    ConvertFrom-Json made them [datetime]; the entries' dates are plain strings to the library and are only echoed.

    .PARAMETER PlanJson
    The whole plan's JSON (DelegatedAdmin.DapCleanupPlan's PlanJson).

    .PARAMETER CustomerTenantId
    The confirmed candidates.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $PlanJson,

        [Parameter(Mandatory = $true)]
        [AllowEmptyCollection()]
        [string[]] $CustomerTenantId
    )

    $plan = ConvertFrom-Json -InputObject $PlanJson -ErrorAction Stop
    $wanted = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList @(, [System.StringComparer]::OrdinalIgnoreCase)
    foreach ($id in $CustomerTenantId) {
        if (-not [string]::IsNullOrEmpty($id)) {
            $null = $wanted.Add($id)
        }
    }

    $chosen = New-Object -TypeName 'System.Collections.Generic.List[object]'
    $kept = New-Object -TypeName 'System.Collections.Generic.List[object]'
    foreach ($entry in $plan.kept) {
        if ($null -ne $entry) {
            $kept.Add($entry)
        }
    }
    foreach ($entry in $plan.candidates) {
        if ($null -eq $entry) {
            continue
        }
        if ($wanted.Contains([string]$entry.customerTenantId)) {
            $chosen.Add($entry)
            continue
        }
        $kept.Add([pscustomobject]@{
                customerTenantId        = $entry.customerTenantId
                organizationDisplayName = $entry.organizationDisplayName
                dapEnabled              = $entry.dapEnabled
                lastSignInDateTime      = $entry.lastSignInDateTime
                startDateTime           = $entry.startDateTime
                reason                  = 'excluded'
                detail                  = ('declined when asked to confirm the removal; planned as {0}: {1}' -f $entry.reason, $entry.detail)
            })
    }

    foreach ($name in @('createdAt', 'asOf')) {
        $value = $plan.$name
        $utc = $null
        if ($value -is [datetime]) {
            $utc = $value
            if ($value.Kind -eq [DateTimeKind]::Local) {
                $utc = $value.ToUniversalTime()
            }
        }
        elseif ($value -is [DateTimeOffset]) {
            $utc = $value.UtcDateTime
        }
        if ($null -ne $utc) {
            $plan.$name = $utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
        }
    }

    $plan.candidates = $chosen.ToArray()
    $plan.kept = $kept.ToArray()
    if ($null -ne $plan.summary) {
        $plan.summary.candidates = $chosen.Count
        $plan.summary.kept = $kept.Count
    }
    return (ConvertTo-Json -InputObject $plan -Depth 10 -Compress)
}
