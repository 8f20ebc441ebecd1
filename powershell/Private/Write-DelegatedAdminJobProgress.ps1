function Write-DelegatedAdminJobProgress {
    <#
    .SYNOPSIS
    Shows one da_job_poll status of a job with Write-Progress.

    .DESCRIPTION
    planDapCleanup and listCustomers: no total is known while listing, so the status says how many customers were
    listed; listGdapRelationships likewise with relationships. removeLighthouseAssignment,
    removeGdapGlobalAdminRole and terminateGdapRelationship: how long the service has been at it. Numbers are formatted the same in every
    culture (1,234).
    applyDapCleanup: the percentage is done / total candidates, and the status carries the removed, failed and
    skipped counts, the requests in flight and the throttle pauses. Everything that matters is in -Status, because
    PowerShell 7's default (minimal) progress view shows only the activity and the status; Windows PowerShell 5.1
    shows the same text in its progress bar.

    .PARAMETER Operation
    planDapCleanup or applyDapCleanup.

    .PARAMETER Activity
    The Write-Progress activity.

    .PARAMETER Status
    The result of da_job_poll: {state, progress:{phase, customersListed, total, done, removed, failed, skipped,
    inFlight, throttlePauses}, ...}.

    .PARAMETER Id
    The Write-Progress id (Get-DelegatedAdminProgressId; never 0).

    .PARAMETER ParentId
    The id of the bar this one nests under, or -1.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('plan', 'apply', 'accessLedger', 'planDapCleanup', 'applyDapCleanup', 'listCustomers', 'removeLighthouseAssignment',
            'listGdapRelationships', 'removeGdapGlobalAdminRole', 'terminateGdapRelationship')]
        [string] $Operation,

        [Parameter(Mandatory = $true)]
        [string] $Activity,

        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Status,

        [Parameter(Mandatory = $true)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $Id,

        [Parameter()]
        [int] $ParentId = -1
    )

    $invariant = [System.Globalization.CultureInfo]::InvariantCulture
    $n = { param($value) ([long]$value).ToString('N0', $invariant) }

    $state = ''
    $progress = $null
    if ($null -ne $Status) {
        $state = [string]$Status.state
        $progress = $Status.progress
    }
    $phase = ''
    $listed = [long]0
    $total = [long]0
    $done = [long]0
    $removed = [long]0
    $failed = [long]0
    $skipped = [long]0
    $inFlight = [long]0
    $pauses = [long]0
    if ($null -ne $progress) {
        $phase = [string]$progress.phase
        $listed = [long]$progress.customersListed
        $total = [long]$progress.total
        $done = [long]$progress.done
        $removed = [long]$progress.removed
        $failed = [long]$progress.failed
        $skipped = [long]$progress.skipped
        $inFlight = [long]$progress.inFlight
        $pauses = [long]$progress.throttlePauses
    }

    if ($Operation -eq 'plan') {
        $relationships = [long]0
        if ($null -ne $progress -and $null -ne $progress.PSObject.Properties['relationshipsListed']) {
            $relationships = [long]$progress.relationshipsListed
        }
        $text = 'Planning ({0}): {1} relationships, {2} of {3} subscriptions listed' -f $phase, (& $n $relationships), (& $n $done), (& $n $total)
        if ($state -eq 'cancelling') {
            $text = 'Cancelling. ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($Operation -eq 'accessLedger') {
        $relationships = [long]0
        if ($null -ne $progress -and $null -ne $progress.PSObject.Properties['relationshipsListed']) {
            $relationships = [long]$progress.relationshipsListed
        }
        $text = 'Reading ({0}): {1} customers, {2} GDAP relationships, {3} of {4} access assignment and subscription listings' -f $phase, (& $n $listed), (& $n $relationships), (& $n $done), (& $n $total)
        if ($state -eq 'cancelling') {
            $text = 'Cancelling. ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($Operation -eq 'planDapCleanup' -or $Operation -eq 'listCustomers') {
        $text = 'Listing delegated admin customers: {0} listed' -f (& $n $listed)
        if ($phase -eq 'finished') {
            $text = '{0} customers listed' -f (& $n $listed)
            if ($Operation -eq 'planDapCleanup') {
                $text = 'Planned: ' + $text
            }
        }
        if ($state -eq 'cancelling') {
            $text = 'Cancelling. ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($Operation -eq 'listGdapRelationships') {
        $relationships = [long]0
        if ($null -ne $progress) {
            $relationships = [long]$progress.relationshipsListed
        }
        $text = 'Listing GDAP relationships: {0} listed' -f (& $n $relationships)
        if ($phase -eq 'finished') {
            $text = '{0} GDAP relationships listed' -f (& $n $relationships)
        }
        if ($state -eq 'cancelling') {
            $text = 'Cancelling. ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($Operation -eq 'removeGdapGlobalAdminRole' -or $Operation -eq 'terminateGdapRelationship') {
        $seconds = 0
        if ($null -ne $Status) {
            $seconds = [long][Math]::Floor([double]$Status.elapsedSeconds)
        }
        $what = 'the Global Administrator removal'
        if ($Operation -eq 'terminateGdapRelationship') {
            $what = 'the termination'
        }
        $text = 'Waiting for Microsoft Graph to finish {0} ({1} s)' -f $what, (& $n $seconds)
        if ($phase -eq 'finished') {
            $text = 'Finished'
        }
        if ($state -eq 'cancelling') {
            $text = 'Stopping the wait (Microsoft Graph goes on with it). ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($Operation -eq 'removeLighthouseAssignment') {
        $seconds = 0
        if ($null -ne $Status) {
            $seconds = [long][Math]::Floor([double]$Status.elapsedSeconds)
        }
        $text = 'Waiting for Azure Resource Manager to finish the delete ({0} s)' -f (& $n $seconds)
        if ($phase -eq 'finished') {
            $text = 'Deleted'
        }
        if ($state -eq 'cancelling') {
            $text = 'Stopping the wait (the delete goes on in Azure). ' + $text
        }
        Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text
        return
    }

    if ($phase -eq 'rechecking') {
        $text = 'Rechecking which of the {0} candidates still have DAP ({1} settled by an earlier run)' -f (& $n $total), (& $n $done)
    }
    else {
        $text = '{0} of {1} done: {2} removed, {3} failed, {4} skipped; {5} in flight; {6} throttle pauses' -f (& $n $done), (& $n $total), (& $n $removed), (& $n $failed), (& $n $skipped), (& $n $inFlight), (& $n $pauses)
    }
    if ($state -eq 'cancelling') {
        $text = 'Cancelling (waiting for the requests in flight). ' + $text
    }
    $percent = 0
    if ($total -gt 0) {
        $percent = [int][Math]::Floor(100.0 * $done / $total)
    }
    if ($percent -lt 0) {
        $percent = 0
    }
    if ($percent -gt 100) {
        $percent = 100
    }
    Write-Progress -Id $Id -ParentId $ParentId -Activity $Activity -Status $text -PercentComplete $percent
}
