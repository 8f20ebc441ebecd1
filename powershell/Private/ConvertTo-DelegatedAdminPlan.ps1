function ConvertTo-DelegatedAdminPlan {
    <#
    .SYNOPSIS
    Turns the JSON of an engine plan (gdapLifecycle, removeLighthouseAssignment) into a DelegatedAdmin.Plan
    object that keeps the JSON.

    .DESCRIPTION
    The summary on top (Action, PlanId, TargetCount, CandidateCount, KeptCount, ByReason), the criteria and the
    problems (scopes the planner could not read), then Candidates and Kept as DelegatedAdmin.PlanEntry objects:
    the target's own fields (PascalCase), Reason (a code), Detail (words) and IsCandidate. PlanJson is the plan
    as the native library wrote it: Invoke-DelegatedAdminPlan applies that text, never a re-serialized copy.

    .PARAMETER PlanJson
    The plan's JSON text.

    .PARAMETER Path
    The file the plan was saved to or read from, if any.

    .OUTPUTS
    DelegatedAdmin.Plan
    #>
    [CmdletBinding()]
    [OutputType('DelegatedAdmin.Plan')]
    param(
        [Parameter(Mandatory = $true)]
        [string] $PlanJson,

        [Parameter()]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Path
    )

    $plan = ConvertFrom-Json -InputObject $PlanJson -ErrorAction Stop
    $entries = @{
        candidates = New-Object -TypeName 'System.Collections.Generic.List[object]'
        kept       = New-Object -TypeName 'System.Collections.Generic.List[object]'
    }
    foreach ($listName in @('candidates', 'kept')) {
        foreach ($raw in $plan.$listName) {
            if ($null -eq $raw) {
                continue
            }
            $entry = [ordered]@{ PSTypeName = 'DelegatedAdmin.PlanEntry' }
            foreach ($property in $raw.PSObject.Properties) {
                $name = $property.Name.Substring(0, 1).ToUpperInvariant() + $property.Name.Substring(1)
                $entry[$name] = $property.Value
            }
            $entry['IsCandidate'] = ($listName -eq 'candidates')
            $entry['Action'] = [string]$plan.action
            $entry['PlanId'] = [string]$plan.planId
            $entries[$listName].Add([pscustomobject]$entry)
        }
    }
    $byReason = @{}
    if ($null -ne $plan.summary -and $null -ne $plan.summary.byReason) {
        foreach ($property in $plan.summary.byReason.PSObject.Properties) {
            $byReason[$property.Name] = [long]$property.Value
        }
    }
    $savedPath = $null
    if (-not [string]::IsNullOrEmpty($Path)) {
        $savedPath = $Path
    }
    [pscustomobject]@{
        PSTypeName     = 'DelegatedAdmin.Plan'
        Action         = [string]$plan.action
        PlanId         = [string]$plan.planId
        CreatedAt      = ConvertTo-DelegatedAdminDateTime -Value $plan.createdAt
        TargetCount    = [long]$plan.summary.targets
        CandidateCount = [long]$plan.summary.candidates
        KeptCount      = [long]$plan.summary.kept
        ByReason       = $byReason
        Criteria       = $plan.criteria
        Problems       = @($plan.problems)
        Path           = $savedPath
        Candidates     = $entries['candidates'].ToArray()
        Kept           = $entries['kept'].ToArray()
        PlanJson       = $PlanJson
    }
}
