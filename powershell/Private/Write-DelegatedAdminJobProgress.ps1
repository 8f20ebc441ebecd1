function Write-DelegatedAdminJobProgress {
    <#
    .SYNOPSIS
    Shows one da_job_poll status of a DAP cleanup job with Write-Progress.

    .DESCRIPTION
    planDapCleanup: no total is known while listing, so the status says how many customers were listed.
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
    The Write-Progress id.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('planDapCleanup', 'applyDapCleanup')]
        [string] $Operation,

        [Parameter(Mandatory = $true)]
        [string] $Activity,

        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Status,

        [Parameter()]
        [int] $Id = 0
    )

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

    if ($Operation -eq 'planDapCleanup') {
        $text = 'Listing delegated admin customers: {0:N0} listed' -f $listed
        if ($phase -eq 'finished') {
            $text = 'Planned: {0:N0} customers listed' -f $listed
        }
        if ($state -eq 'cancelling') {
            $text = 'Cancelling. ' + $text
        }
        Write-Progress -Id $Id -Activity $Activity -Status $text
        return
    }

    if ($phase -eq 'rechecking') {
        $text = 'Rechecking which of the {0:N0} candidates still have DAP ({1:N0} settled by an earlier run)' -f $total, $done
    }
    else {
        $text = '{0:N0} of {1:N0} done: {2:N0} removed, {3:N0} failed, {4:N0} skipped; {5:N0} in flight; {6:N0} throttle pauses' -f $done, $total, $removed, $failed, $skipped, $inFlight, $pauses
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
    Write-Progress -Id $Id -Activity $Activity -Status $text -PercentComplete $percent
}
