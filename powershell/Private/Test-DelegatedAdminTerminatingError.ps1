function Test-DelegatedAdminTerminatingError {
    <#
    .SYNOPSIS
    Says whether an error should stop the whole command rather than only the current item.

    .DESCRIPTION
    Terminating: invalid arguments (kind invalid_request, or a module argument check), not connected,
    unauthorized (the credentials are refused, so every further item would fail the same way) and a native
    library that cannot be called. Everything else (not_found, forbidden, conflict, throttled, server_error,
    network, timeout, internal) is written per item with $PSCmdlet.WriteError, so -ErrorAction decides.

    .PARAMETER ErrorRecord
    The ErrorRecord caught from Invoke-DelegatedAdminNative.

    .OUTPUTS
    System.Boolean
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.ErrorRecord] $ErrorRecord
    )

    $id = [string]$ErrorRecord.FullyQualifiedErrorId
    foreach ($prefix in @('DelegatedAdmin.invalid_request', 'DelegatedAdmin.unauthorized', 'DelegatedAdmin.NotConnected', 'DelegatedAdmin.NativeCallFailed', 'DelegatedAdmin.InvalidArgument')) {
        if ($id.StartsWith($prefix, [StringComparison]::Ordinal)) {
            return $true
        }
    }
    if (-not $id.StartsWith('DelegatedAdmin.', [StringComparison]::Ordinal)) {
        # Not from this module (a PowerShell or .NET failure): stop rather than guess.
        return $true
    }
    return $false
}
