function New-DelegatedAdminDapCleanupPlan {
    <#
    .SYNOPSIS
    Plans a DAP cleanup: which customers' DAP relationships are inactive and would be removed, and why every
    other customer is kept.

    .DESCRIPTION
    Lists every delegated admin customer (all pages) and classifies each one, in the native library:
    - candidates: DAP enabled and the last partner sign-in older than -InactiveDays days before -AsOf
      (reason inactive_sign_in), or never signed in and the relationship started before that (never_signed_in);
    - kept, with the reason: no_dap, recent_sign_in, recent_start, no_dates (kept to be safe), excluded,
      not_included, invalid_id, unreadable_* (a date or flag the service wrote that cannot be read), and
      no_active_gdap: an inactive DAP customer with whom the partner holds no active GDAP relationship, whose DAP
      removal would leave no admin access to it (gdap_unknown when the GDAP relationships could not be listed
      through Microsoft Graph: kept to be safe; the plan's Gdap property says why). -AllowWithoutGdap lifts
      that rule.
    Each entry also has a Detail sentence with the dates and day counts that decided it.

    Nothing is changed: the plan is reviewed, saved (-Path) and later applied with Invoke-DelegatedAdminDapCleanup.
    It runs as a native job, so Write-Progress shows how many customers were listed, -Verbose shows the job's
    events, and Ctrl+C cancels it.

    The output keeps the plan's JSON exactly as the library wrote it (the PlanJson property), which is what
    Invoke-DelegatedAdminDapCleanup applies: no lossy round trip through PowerShell objects. -WhatIf and -Confirm
    apply to saving the plan to -Path only (the plan itself changes nothing and is still made and returned).

    Needs an App+User connection (refresh token or device code) against the real services.

    .PARAMETER InactiveDays
    More than this many days without a partner sign-in makes a DAP relationship a candidate (1 to 3650,
    default 90).

    .PARAMETER AsOf
    The moment inactivity is measured from (default now). A date without a time zone is local time.

    .PARAMETER Include
    Only these customer tenant ids (GUIDs) may be candidates; every other customer is kept as not_included.

    .PARAMETER Exclude
    These customer tenant ids (GUIDs) are never candidates; they are kept as excluded (for example customers
    under a support contract).

    .PARAMETER AllowWithoutGdap
    Make inactive DAP customers candidates even where the partner holds no active GDAP relationship with them
    (Microsoft Graph is then not asked). Their DAP removal leaves the partner with no admin access to those
    customers: use it only when that is what you want. The plan records it, and applying the plan follows it.

    .PARAMETER Path
    Also save the plan's JSON to this file (for review, for change control, and for
    Invoke-DelegatedAdminDapCleanup -PlanPath later). An existing file is replaced.

    .EXAMPLE
    $plan = New-DelegatedAdminDapCleanupPlan -InactiveDays 90 -Path ./dap-plan.json
    $plan
    $plan.Candidates | Format-Table

    Plans the cleanup, saves it, shows the summary and the DAP relationships that would be removed.

    .EXAMPLE
    $plan = New-DelegatedAdminDapCleanupPlan -Exclude (Get-Content ./keep-dap.txt) -Verbose
    $plan.Kept | Group-Object Reason -NoElement

    Keeps the customers listed in keep-dap.txt, shows the job's events, and counts the kept customers per reason.

    .EXAMPLE
    New-DelegatedAdminDapCleanupPlan -AsOf '2025-06-30T00:00:00Z' -InactiveDays 180 | Invoke-DelegatedAdminDapCleanup -WhatIf

    Plans against a fixed date and shows what applying the plan would remove, without removing anything.

    .EXAMPLE
    $plan.Candidates | Export-Csv ./dap-candidates.csv -NoTypeInformation -Encoding UTF8

    Exports the candidates, with their reason and detail, for review.

    .OUTPUTS
    DelegatedAdmin.DapCleanupPlan
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('DelegatedAdmin.DapCleanupPlan')]
    param(
        [Parameter(Position = 0)]
        [ValidateRange(1, 3650)]
        [int] $InactiveDays = 90,

        [Parameter()]
        [datetime] $AsOf,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Include,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Exclude,

        [Parameter()]
        [switch] $AllowWithoutGdap,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Path
    )

    $request = [ordered]@{ inactiveDays = $InactiveDays }
    if ($AllowWithoutGdap) {
        $request['allowWithoutGdap'] = $true
    }
    if ($PSBoundParameters.ContainsKey('AsOf')) {
        $utc = $AsOf
        if ($AsOf.Kind -ne [DateTimeKind]::Utc) {
            $utc = $AsOf.ToUniversalTime()
        }
        $request['asOf'] = $utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", [System.Globalization.CultureInfo]::InvariantCulture)
    }
    foreach ($listName in @('Include', 'Exclude')) {
        if (-not $PSBoundParameters.ContainsKey($listName)) {
            continue
        }
        $ids = New-Object -TypeName 'System.Collections.Generic.List[string]'
        foreach ($id in $PSBoundParameters[$listName]) {
            $guid = [guid]::Empty
            if (-not [guid]::TryParse(([string]$id).Trim(), [ref]$guid)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-{0}: '{1}' is not a customer tenant id (a GUID)." -f $listName, $id) -ErrorId ('DelegatedAdmin.InvalidArgument.{0}' -f $listName) -Category InvalidArgument -TargetObject $id
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $ids.Add($guid.ToString())
        }
        $request[$listName.ToLowerInvariant()] = [string[]]$ids.ToArray()
    }

    # The library writes the plan to a file: the user's -Path, or a temporary file read back and deleted. Its
    # text is kept as it is, so that applying it later needs no round trip through PowerShell objects.
    $savePath = $null
    if ($PSBoundParameters.ContainsKey('Path')) {
        $resolved = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        if ($PSCmdlet.ShouldProcess($resolved, 'Save the DAP cleanup plan')) {
            $savePath = $resolved
        }
    }
    $planFile = $savePath
    $temporary = $false
    if ($null -eq $planFile) {
        $planFile = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('DelegatedAdmin-plan-{0}.json' -f [guid]::NewGuid().ToString('N')))
        $temporary = $true
    }
    $request['planPath'] = $planFile
    # The plan is read from the file: the job's own result only needs the summary.
    $request['summaryOnly'] = $true

    try {
        try {
            $summary = Invoke-DelegatedAdminJob -Operation 'planDapCleanup' -Request $request -Activity 'Planning the DAP cleanup' -StoppedMessage 'The DAP cleanup plan was cancelled; nothing was changed.' -TargetObject $savePath
        }
        catch {
            if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                throw
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }

        $planJson = $null
        $plan = $null
        try {
            $planJson = [System.IO.File]::ReadAllText($planFile, [System.Text.Encoding]::UTF8)
            $plan = ConvertFrom-Json -InputObject $planJson -ErrorAction Stop
        }
        catch {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ("The plan file '{0}' that the library wrote cannot be read: {1}" -f $planFile, $_.Exception.Message) -ErrorId 'DelegatedAdmin.PlanUnreadable' -Category ReadError -TargetObject $planFile -Exception $_.Exception
            $PSCmdlet.ThrowTerminatingError($record)
        }

        $planned = ConvertTo-DelegatedAdminDapCleanupPlan -Plan $plan -PlanJson $planJson -Path $savePath
        Write-Verbose ('Plan {0}: {1} customers, {2} candidates, {3} kept (inactive for more than {4} days before {5:u}).' -f $planned.PlanId, $planned.CustomerCount, $planned.CandidateCount, $planned.KeptCount, $planned.InactiveDays, $planned.AsOf)
        if ($null -ne $savePath) {
            Write-Verbose ("Saved the plan to '{0}'." -f $savePath)
        }
        # Customers kept because the service's data could not be read: never candidates, but worth a look.
        $unreadable = @($planned.Kept | Where-Object { $_.Reason -like 'unreadable_*' })
        if ($unreadable.Count -gt 0) {
            $byReason = @($unreadable | Group-Object -Property Reason | ForEach-Object { '{0} {1}' -f $_.Name, $_.Count })
            Write-Warning ('Plan {0}: {1} customer(s) were kept because the service returned data that cannot be read ({2}); they are never removed. See their Detail for the raw values.' -f $planned.PlanId, $unreadable.Count, ($byReason -join ', '))
        }
        # Inactive DAP customers held by the GDAP rule: removing their DAP would leave no admin access to them.
        $noGdap = @($planned.Kept | Where-Object { $_.Reason -eq 'no_active_gdap' }).Count
        if ($noGdap -gt 0) {
            Write-Warning ('Plan {0}: {1} inactive DAP customer(s) were kept because the partner holds no active GDAP relationship with them; removing their DAP would leave no admin access. Set up GDAP first, or plan with -AllowWithoutGdap.' -f $planned.PlanId, $noGdap)
        }
        if ($null -ne $planned.Gdap -and $null -ne $planned.Gdap.Error) {
            Write-Warning ('Plan {0}: the GDAP relationships could not be listed through Microsoft Graph ({1}), so {2} candidate(s) were kept as gdap_unknown. Connect with access to Graph (DelegatedAdminRelationship.Read.All), or plan with -AllowWithoutGdap.' -f $planned.PlanId, $planned.Gdap.Error, $planned.Gdap.Held)
        }
        if ($null -ne $summary -and $null -ne $summary.summary -and [long]$summary.summary.customers -ne $planned.CustomerCount) {
            Write-Warning ('The job reported {0} customers but the plan file has {1}.' -f $summary.summary.customers, $planned.CustomerCount)
        }
        $planned
    }
    finally {
        if ($temporary) {
            try {
                if ([System.IO.File]::Exists($planFile)) {
                    [System.IO.File]::Delete($planFile)
                }
            }
            catch {
                $null = $null
            }
        }
    }
}
