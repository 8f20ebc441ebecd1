function New-DelegatedAdminPlan {
    <#
    .SYNOPSIS
    Plans a bulk change of delegated access: the GDAP lifecycle, the removal of Azure Lighthouse delegations,
    or the DAP cleanup; every target with the decision and its reason.

    .DESCRIPTION
    One engine plans and applies every kind of delegated access (review the plan, save it, apply it later with
    Invoke-DelegatedAdminPlan; nothing is changed here):
    - GdapLifecycle: every GDAP relationship (Microsoft Graph). Active ones ending within -ExpiringWithinDays
      days (default 60) get auto-extend turned on (enable_auto_extend); those holding Global Administrator,
      which blocks auto-extend, have the role removed first only with -AllowGlobalAdminRemoval
      (remove_global_admin_then_auto_extend); the relationships of -TerminateCustomer customers, and with
      -TerminateUnused those without an active access assignment, are terminated (terminate); every other one
      is reported with its reason (expired, not_expiring, already_auto_extended, global_admin_held,
      global_admin_only, ...).
    - RemoveLighthouseAssignment: the Azure Lighthouse registration assignments of -Subscription (default every
      subscription the connection sees) whose definition is managed by -ManagedByTenantId or is one of
      -RegistrationDefinitionId (at least one of the two). A subscription that cannot be listed is in Problems.
    - RemoveDap: the DAP cleanup, as New-DelegatedAdminDapCleanupPlan plans it (-InactiveDays, -Include,
      -Exclude, -AllowWithoutGdap); its output is that cmdlet's.
    It runs as a native job: Write-Progress shows the listing, -Verbose the job's events, Ctrl+C cancels it.
    -WhatIf and -Confirm apply to saving the plan to -Path only.

    .PARAMETER Action
    GdapLifecycle, RemoveLighthouseAssignment or RemoveDap.

    .PARAMETER ExpiringWithinDays
    GdapLifecycle: relationships ending within this many days are considered (1 to 730, default 60).

    .PARAMETER AllowGlobalAdminRemoval
    GdapLifecycle: propose removing Global Administrator so that auto-extend can be turned on.

    .PARAMETER TerminateCustomer
    GdapLifecycle: customer tenant ids (GUIDs) whose active relationships are to be terminated.

    .PARAMETER TerminateUnused
    GdapLifecycle: propose terminating active relationships without an active access assignment (each one's
    assignments are listed). Termination cannot be undone.

    .PARAMETER ExcludeCustomer
    GdapLifecycle: customer tenant ids (GUIDs) left alone.

    .PARAMETER Subscription
    RemoveLighthouseAssignment: the subscription ids (GUIDs) to look in; default every subscription the
    connection sees.

    .PARAMETER ManagedByTenantId
    RemoveLighthouseAssignment: remove the delegations managed by these tenants (GUIDs).

    .PARAMETER RegistrationDefinitionId
    RemoveLighthouseAssignment: remove the delegations of these registration definitions (GUIDs or ids).

    .PARAMETER InactiveDays
    RemoveDap: see New-DelegatedAdminDapCleanupPlan.

    .PARAMETER Include
    RemoveDap: see New-DelegatedAdminDapCleanupPlan.

    .PARAMETER Exclude
    RemoveDap: see New-DelegatedAdminDapCleanupPlan.

    .PARAMETER AllowWithoutGdap
    RemoveDap: see New-DelegatedAdminDapCleanupPlan.

    .PARAMETER Path
    Also save the plan's JSON to this file (for review, change control and Invoke-DelegatedAdminPlan -PlanPath).

    .EXAMPLE
    $plan = New-DelegatedAdminPlan -Action GdapLifecycle -ExpiringWithinDays 60 -Path ./gdap-plan.json
    $plan.Candidates | Format-Table RelationshipId, CustomerDisplayName, EndDateTime, Decision, Reason

    Plans the GDAP lifecycle for relationships ending in the next 60 days and shows what would change.

    .EXAMPLE
    New-DelegatedAdminPlan -Action RemoveLighthouseAssignment -ManagedByTenantId $oldMspTenant | Invoke-DelegatedAdminPlan -WhatIf

    Shows which Lighthouse delegations of a former managing tenant would be removed, in every subscription.

    .EXAMPLE
    (New-DelegatedAdminPlan -Action GdapLifecycle).Kept | Group-Object Reason -NoElement

    Counts the relationships left alone, per reason.

    .OUTPUTS
    DelegatedAdmin.Plan, or DelegatedAdmin.DapCleanupPlan for RemoveDap
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('DelegatedAdmin.Plan', 'DelegatedAdmin.DapCleanupPlan')]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateSet('GdapLifecycle', 'RemoveLighthouseAssignment', 'RemoveDap')]
        [string] $Action,

        [Parameter()]
        [ValidateRange(1, 730)]
        [int] $ExpiringWithinDays = 60,

        [Parameter()]
        [switch] $AllowGlobalAdminRemoval,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $TerminateCustomer,

        [Parameter()]
        [switch] $TerminateUnused,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $ExcludeCustomer,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $Subscription,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $ManagedByTenantId,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string[]] $RegistrationDefinitionId,

        [Parameter()]
        [ValidateRange(1, 3650)]
        [int] $InactiveDays = 90,

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

    $own = @{
        GdapLifecycle              = @('ExpiringWithinDays', 'AllowGlobalAdminRemoval', 'TerminateCustomer', 'TerminateUnused', 'ExcludeCustomer')
        RemoveLighthouseAssignment = @('Subscription', 'ManagedByTenantId', 'RegistrationDefinitionId')
        RemoveDap                  = @('InactiveDays', 'Include', 'Exclude', 'AllowWithoutGdap')
    }
    foreach ($other in $own.Keys) {
        if ($other -eq $Action) {
            continue
        }
        foreach ($name in $own[$other]) {
            if ($PSBoundParameters.ContainsKey($name)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-{0} is a parameter of -Action {1}, not {2}." -f $name, $other, $Action) -ErrorId 'DelegatedAdmin.InvalidArgument.ParameterOfAnotherAction' -Category InvalidArgument -TargetObject $name
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
    }

    if ($Action -eq 'RemoveDap') {
        $dap = @{}
        foreach ($name in @('InactiveDays', 'Include', 'Exclude', 'AllowWithoutGdap', 'Path', 'WhatIf', 'Confirm', 'Verbose')) {
            if ($PSBoundParameters.ContainsKey($name)) {
                $dap[$name] = $PSBoundParameters[$name]
            }
        }
        New-DelegatedAdminDapCleanupPlan @dap
        return
    }

    $guids = {
        param([string] $Name, [string[]] $Values)
        $ids = New-Object -TypeName 'System.Collections.Generic.List[string]'
        foreach ($value in $Values) {
            $guid = [guid]::Empty
            if (-not [guid]::TryParse(([string]$value).Trim(), [ref]$guid)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-{0}: '{1}' is not a GUID." -f $Name, $value) -ErrorId ('DelegatedAdmin.InvalidArgument.{0}' -f $Name) -Category InvalidArgument -TargetObject $value
                $PSCmdlet.ThrowTerminatingError($record)
            }
            $ids.Add($guid.ToString())
        }
        , [string[]]$ids.ToArray()
    }

    $request = [ordered]@{}
    if ($Action -eq 'GdapLifecycle') {
        $request['action'] = 'gdapLifecycle'
        $request['expiringWithinDays'] = $ExpiringWithinDays
        if ($AllowGlobalAdminRemoval) {
            $request['allowGlobalAdminRemoval'] = $true
        }
        if ($TerminateUnused) {
            $request['terminateUnused'] = $true
        }
        if ($PSBoundParameters.ContainsKey('TerminateCustomer')) {
            $request['terminateCustomers'] = & $guids 'TerminateCustomer' $TerminateCustomer
        }
        if ($PSBoundParameters.ContainsKey('ExcludeCustomer')) {
            $request['excludeCustomers'] = & $guids 'ExcludeCustomer' $ExcludeCustomer
        }
    }
    else {
        $request['action'] = 'removeLighthouseAssignment'
        if (-not $PSBoundParameters.ContainsKey('ManagedByTenantId') -and -not $PSBoundParameters.ContainsKey('RegistrationDefinitionId')) {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message 'Give -ManagedByTenantId or -RegistrationDefinitionId: removing every Lighthouse delegation the connection can see is never a default.' -ErrorId 'DelegatedAdmin.InvalidArgument.LighthouseFilter' -Category InvalidArgument -TargetObject $Action
            $PSCmdlet.ThrowTerminatingError($record)
        }
        if ($PSBoundParameters.ContainsKey('Subscription')) {
            $request['subscriptions'] = & $guids 'Subscription' $Subscription
        }
        if ($PSBoundParameters.ContainsKey('ManagedByTenantId')) {
            $request['managedByTenantIds'] = & $guids 'ManagedByTenantId' $ManagedByTenantId
        }
        if ($PSBoundParameters.ContainsKey('RegistrationDefinitionId')) {
            $request['registrationDefinitionIds'] = [string[]]$RegistrationDefinitionId
        }
    }

    # The library writes the plan to a file (the user's -Path, or a temporary file read back and deleted), so
    # that applying it later uses its exact text.
    $savePath = $null
    if ($PSBoundParameters.ContainsKey('Path')) {
        $resolved = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        if ($PSCmdlet.ShouldProcess($resolved, 'Save the plan')) {
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
    $request['summaryOnly'] = $true
    try {
        try {
            $null = Invoke-DelegatedAdminJob -Operation 'plan' -Request $request -Activity ('Planning {0}' -f $Action) -StoppedMessage 'The plan was cancelled; nothing was changed.' -TargetObject $savePath
        }
        catch {
            if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                throw
            }
            $PSCmdlet.ThrowTerminatingError($_)
        }
        $planJson = [System.IO.File]::ReadAllText($planFile, [System.Text.Encoding]::UTF8)
        $planned = ConvertTo-DelegatedAdminPlan -PlanJson $planJson -Path $savePath
        Write-Verbose ('Plan {0} ({1}): {2} targets, {3} candidates, {4} kept.' -f $planned.PlanId, $planned.Action, $planned.TargetCount, $planned.CandidateCount, $planned.KeptCount)
        foreach ($problem in $planned.Problems) {
            if ($null -ne $problem) {
                Write-Warning ('Plan {0}: {1} could not be read ({2}: {3}); its targets are in neither list.' -f $planned.PlanId, $problem.scope, $problem.error.kind, $problem.error.message)
            }
        }
        $planned
    }
    finally {
        if ($temporary -and [System.IO.File]::Exists($planFile)) {
            try {
                [System.IO.File]::Delete($planFile)
            }
            catch {
                $null = $null
            }
        }
    }
}
