function ConvertFrom-DelegatedAdminEnvelope {
    <#
    .SYNOPSIS
    Parses a native JSON envelope: returns its result, or throws the ErrorRecord of its error.

    .DESCRIPTION
    {"ok":true,"result":...} gives the result (a PSCustomObject from ConvertFrom-Json);
    {"ok":false,"error":{...}} throws the ErrorRecord that ConvertTo-DelegatedAdminErrorRecord builds (category
    from the error kind, service code, HTTP status, correlation id). An error envelope that also carries a result
    (kind io: the work was done, then a report could not be written) keeps that result in the exception's
    Data['DelegatedAdmin.Result'], so that the caller can still return it. Text that is not JSON throws
    DelegatedAdmin.InvalidEnvelope. Used for the job functions, which Invoke-DelegatedAdminNative does not call.

    .PARAMETER Json
    The envelope text a DelegatedAdminNative method returned.

    .PARAMETER Operation
    The native function (or operation) named in error messages.

    .PARAMETER TargetObject
    What the call is about; it becomes the ErrorRecord's TargetObject.

    .PARAMETER Failure
    When given, a failure is stored in this [ref] instead of thrown (see Invoke-DelegatedAdminNative).

    .OUTPUTS
    PSCustomObject. The envelope's result.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Json,

        [Parameter(Mandatory = $true)]
        [string] $Operation,

        [Parameter()]
        [object] $TargetObject,

        [Parameter()]
        [ref] $Failure
    )

    $envelope = $null
    try {
        $envelope = ConvertFrom-Json -InputObject $Json -ErrorAction Stop
    }
    catch {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ('{0} returned text that is not JSON: {1}' -f $Operation, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InvalidEnvelope' -Category InvalidResult -TargetObject $TargetObject -Exception $_.Exception
        if ($PSBoundParameters.ContainsKey('Failure')) {
            $Failure.Value = $record
            return
        }
        throw $record
    }

    if ((Get-DelegatedAdminProperty -InputObject $envelope -Name 'ok') -eq $true) {
        return (Get-DelegatedAdminProperty -InputObject $envelope -Name 'result')
    }

    $nativeError = Get-DelegatedAdminProperty -InputObject $envelope -Name 'error'
    if ($null -eq $nativeError) {
        $nativeError = [pscustomobject]@{
            kind          = 'internal'
            message       = 'The native library returned an envelope with neither result nor error.'
            correlationId = Get-DelegatedAdminProperty -InputObject $envelope -Name 'correlationId'
        }
    }
    $record = ConvertTo-DelegatedAdminErrorRecord -NativeError $nativeError -Operation $Operation -TargetObject $TargetObject
    $partial = Get-DelegatedAdminProperty -InputObject $envelope -Name 'result'
    if ($null -ne $partial) {
        $record.Exception.Data['DelegatedAdmin.Result'] = $partial
    }
    if ($PSBoundParameters.ContainsKey('Failure')) {
        $Failure.Value = $record
        return
    }
    throw $record
}
