function ConvertTo-DelegatedAdminErrorRecord {
    <#
    .SYNOPSIS
    Turns a native error envelope (or a message) into an ErrorRecord with the right category and ids.

    .DESCRIPTION
    NativeError set: the "error" object of {"ok":false,"error":{kind, message, status, code, correlationId,
    requestId, retryAfterSeconds}}. The ErrorRecord gets:
    - Exception: a DelegatedAdmin.Interop.V<version>.DelegatedAdminException carrying every field, whose message includes
      the service's message, the service code, the HTTP status and the correlation id;
    - CategoryInfo.Category (InvalidOperation for the GDAP Global Administrator rules, whose request is valid but
      the relationship's roles forbid it): invalid_request=InvalidArgument, unauthorized=AuthenticationError,
      forbidden=PermissionDenied, not_found=ObjectNotFound, conflict=ResourceExists, throttled=LimitsExceeded,
      server_error=InvalidResult, network=ConnectionError, timeout=OperationTimeout, internal=NotSpecified;
    - FullyQualifiedErrorId: DelegatedAdmin.<kind>[.<service code>] (PowerShell appends the command name);
    - ErrorDetails: the same message and a recommended action (by kind; for Microsoft Graph's GDAP codes
      globalAdministratorNotExtendable, globalAdministratorOnlyRole, resourceModified and notAllowed, what to do
      about that rule);
    - TargetObject: the customer id, assignment id or whatever the caller passes.
    Message set: a plain error of this module (not connected, library missing, bad arguments).

    .PARAMETER NativeError
    The "error" object of a failed envelope (a PSCustomObject from ConvertFrom-Json).

    .PARAMETER Operation
    The native function called, for the message (for example da_remove_dap_relationship).

    .PARAMETER Message
    The message of a module error.

    .PARAMETER ErrorId
    The FullyQualifiedErrorId of a module error.

    .PARAMETER Category
    The ErrorCategory of a module error.

    .PARAMETER Exception
    The exception that caused a module error, if any.

    .PARAMETER TargetObject
    The object the operation was about (customer tenant id, assignment id, path...).

    .OUTPUTS
    System.Management.Automation.ErrorRecord
    #>
    [CmdletBinding(DefaultParameterSetName = 'Message')]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'NativeError')]
        [object] $NativeError,

        [Parameter(ParameterSetName = 'NativeError')]
        [string] $Operation,

        [Parameter(Mandatory = $true, ParameterSetName = 'Message')]
        [string] $Message,

        [Parameter(Mandatory = $true, ParameterSetName = 'Message')]
        [string] $ErrorId,

        [Parameter(Mandatory = $true, ParameterSetName = 'Message')]
        [System.Management.Automation.ErrorCategory] $Category,

        [Parameter(ParameterSetName = 'Message')]
        [System.Exception] $Exception,

        [Parameter()]
        [object] $TargetObject
    )

    if ($PSCmdlet.ParameterSetName -eq 'Message') {
        if ($null -eq $Exception) {
            $Exception = New-Object -TypeName System.InvalidOperationException -ArgumentList $Message
        }
        $record = New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $Exception, $ErrorId, $Category, $TargetObject
        $record.ErrorDetails = New-Object -TypeName System.Management.Automation.ErrorDetails -ArgumentList $Message
        return $record
    }

    $kind = [string](Get-DelegatedAdminProperty -InputObject $NativeError -Name 'kind')
    if ([string]::IsNullOrEmpty($kind)) {
        $kind = 'internal'
    }
    $serviceMessage = [string](Get-DelegatedAdminProperty -InputObject $NativeError -Name 'message')
    $statusValue = Get-DelegatedAdminProperty -InputObject $NativeError -Name 'status'
    $codeValue = Get-DelegatedAdminProperty -InputObject $NativeError -Name 'code'
    $correlationId = Get-DelegatedAdminProperty -InputObject $NativeError -Name 'correlationId'
    if ($null -ne $correlationId) {
        $correlationId = [string]$correlationId
    }
    $requestId = Get-DelegatedAdminProperty -InputObject $NativeError -Name 'requestId'
    if ($null -ne $requestId) {
        $requestId = [string]$requestId
    }
    $retryAfterValue = Get-DelegatedAdminProperty -InputObject $NativeError -Name 'retryAfterSeconds'

    $status = $null
    if ($null -ne $statusValue) {
        $status = [int]$statusValue
    }
    $retryAfter = $null
    if ($null -ne $retryAfterValue) {
        $retryAfter = [int][Math]::Ceiling([double]$retryAfterValue)
    }
    $code = $null
    if ($null -ne $codeValue) {
        $code = [string]$codeValue
    }

    $categories = @{
        'invalid_request' = [System.Management.Automation.ErrorCategory]::InvalidArgument
        'unauthorized'    = [System.Management.Automation.ErrorCategory]::AuthenticationError
        'forbidden'       = [System.Management.Automation.ErrorCategory]::PermissionDenied
        'not_found'       = [System.Management.Automation.ErrorCategory]::ObjectNotFound
        'conflict'        = [System.Management.Automation.ErrorCategory]::ResourceExists
        'throttled'       = [System.Management.Automation.ErrorCategory]::LimitsExceeded
        'server_error'    = [System.Management.Automation.ErrorCategory]::InvalidResult
        'network'         = [System.Management.Automation.ErrorCategory]::ConnectionError
        'timeout'         = [System.Management.Automation.ErrorCategory]::OperationTimeout
        'io'              = [System.Management.Automation.ErrorCategory]::WriteError
        'internal'        = [System.Management.Automation.ErrorCategory]::NotSpecified
    }
    $category = [System.Management.Automation.ErrorCategory]::NotSpecified
    if ($categories.ContainsKey($kind)) {
        $category = $categories[$kind]
    }

    $actions = @{
        'invalid_request' = 'Check the parameter values; nothing was sent to the service.'
        'unauthorized'    = 'Run Connect-DelegatedAdmin again with valid credentials (the token was refused or could not be acquired).'
        'forbidden'       = 'The signed-in application or user lacks the permission or role this operation needs (for example App+User auth for Partner Center, or the Managed Services Registration Assignment Delete Role).'
        'not_found'       = 'Check the id; the object does not exist or is not visible to this partner.'
        'conflict'        = 'The object changed or is in a state that does not allow this operation; read it again and retry.'
        'throttled'       = 'The service is throttling requests; wait and retry, or raise -MaxRetries with Connect-DelegatedAdmin.'
        'server_error'    = 'The service failed; retry later and quote the correlation id to support if it persists.'
        'network'         = 'Check the network connection, proxy and the endpoint URL.'
        'timeout'         = 'The call did not finish in time; retry, or raise -TimeoutSeconds with Connect-DelegatedAdmin.'
        'io'              = 'A file (a report) could not be written after the work was done; every outcome is in the journal and in the report object returned. Check the folder and its free space.'
        'internal'        = 'This is a bug in the DelegatedAdmin native library; please report it with the correlation id.'
    }

    # Microsoft Graph GDAP codes with an action of their own (a state the relationship is in, not a bad argument).
    $codeActions = @{
        'globalAdministratorNotExtendable' = 'Microsoft does not auto-extend a GDAP relationship that holds the Global Administrator role: remove the role first (Remove-DelegatedAdminGdapGlobalAdminRole), then turn auto-extend on. Nothing was changed.'
        'globalAdministratorOnlyRole'      = 'Global Administrator is the only role of this GDAP relationship, and a relationship keeps at least one role: terminate it instead (Stop-DelegatedAdminGdapRelationship) and create one with least-privilege roles. Nothing was changed.'
        'resourceModified'                 = 'Someone changed the GDAP relationship while this ran (its ETag moved on again after one re-read and retry): read it again (Get-DelegatedAdminGdapRelationship -Id) and retry.'
        'notAllowed'                       = 'The GDAP relationship''s status does not allow this now (auto-extend: created or active; the Global Administrator removal: active or created with no operation running; terminate: active only). Read it again to see its status.'
    }
    $codeAction = $null
    if ($null -ne $code -and $codeActions.ContainsKey($code)) {
        $codeAction = $codeActions[$code]
        if ($code -like 'globalAdministrator*') {
            $category = [System.Management.Automation.ErrorCategory]::InvalidOperation
        }
    }

    $details = New-Object -TypeName System.Collections.Generic.List[string]
    $details.Add(('kind: {0}' -f $kind))
    if ($null -ne $status) {
        $details.Add(('HTTP status: {0}' -f $status))
    }
    if ($null -ne $code) {
        $details.Add(('service code: {0}' -f $code))
    }
    if ($null -ne $correlationId) {
        $details.Add(('correlation id: {0}' -f $correlationId))
    }
    if ($null -ne $requestId) {
        $details.Add(('request id: {0}' -f $requestId))
    }
    if ($null -ne $retryAfter) {
        $details.Add(('retry after: {0} s' -f $retryAfter))
    }
    $text = $serviceMessage
    if ([string]::IsNullOrEmpty($text)) {
        $text = 'The operation failed.'
    }
    if (-not [string]::IsNullOrEmpty($Operation)) {
        $text = '{0}: {1}' -f $Operation, $text
    }
    $fullMessage = '{0} ({1})' -f $text, ($details -join '; ')

    $errorId = 'DelegatedAdmin.{0}' -f $kind
    if ($null -ne $code -and $code.Length -gt 0) {
        $errorId = '{0}.{1}' -f $errorId, ($code -replace '[\s,]+', '_')
    }
    # Another cleanup holds the journal: busy, not "exists", and say what to do about it.
    $journalLocked = $kind -eq 'conflict' -and ([string]$serviceMessage) -match '^journal .+ is locked by another apply'
    if ($journalLocked) {
        $category = [System.Management.Automation.ErrorCategory]::ResourceBusy
        $errorId = 'DelegatedAdmin.conflict.JournalLocked'
    }

    # The exception type of this module version's interop (DelegatedAdmin.Interop.V<version>.DelegatedAdminException).
    $nativeException = New-Object -TypeName $script:DelegatedAdminExceptionType.FullName -ArgumentList @(
        $fullMessage, $kind, $status, $code, $correlationId, $requestId, $retryAfter, $serviceMessage
    )
    $record = New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $nativeException, $errorId, $category, $TargetObject
    $record.ErrorDetails = New-Object -TypeName System.Management.Automation.ErrorDetails -ArgumentList $fullMessage
    if ($journalLocked) {
        $record.ErrorDetails.RecommendedAction = 'Another Invoke-DelegatedAdminDapCleanup (in this or another session or process) is applying with this journal; nothing was sent. Wait for it to end (or stop it), then run again with the same plan and journal to resume.'
    }
    elseif ($null -ne $codeAction) {
        $record.ErrorDetails.RecommendedAction = $codeAction
    }
    elseif ($actions.ContainsKey($kind)) {
        $record.ErrorDetails.RecommendedAction = $actions[$kind]
    }
    return $record
}
