function Get-DelegatedAdminAccessLedger {
    <#
    .SYNOPSIS
    Builds the access ledger: for every customer tenant, each path by which the partner (or another managing
    tenant) can reach it (DAP, GDAP relationships, Azure Lighthouse delegations), with the risks flagged.

    .DESCRIPTION
    Reads, in the native library and as one job (Write-Progress shows it, -Verbose its events, Ctrl+C cancels it):
    - DAP: the delegated admin customers listing (dapEnabled, the last partner sign-in);
    - GDAP through Microsoft Graph: every relationship (status, end date, auto-extend, roles, Global
      Administrator) and, for the active ones, their access assignments (which security groups hold which roles);
    - Azure Lighthouse through Resource Manager: the registration assignments of -Subscription, or of every
      subscription the connection sees, with their managing tenant, standing authorizations and eligible
      (just-in-time) ones. It is skipped, and said so, when the connection has no token for Resource Manager.
    Then joins them per customer and flags: dap_without_gdap, dap_inactive, gdap_expiring_without_auto_extend,
    global_admin_held, gdap_unused, lighthouse_standing_owner, lighthouse_jit_without_mfa.

    A source that cannot be read is reported as a warning (the ledger is then incomplete, and the risks that
    depend on it are not judged); a source skipped for want of a token is reported with -Verbose. Nothing is
    changed anywhere: the ledger only reads.

    Output: DelegatedAdmin.AccessLedgerEntry objects, one per customer (the default, -Format Object); or the
    ledger as text (-Format Json, Csv or Html); or, with -Path, the ledger written to that file (Json, Csv with a
    byte order mark for Excel, or a single HTML page that needs no network: summary, chart of GDAP end dates by
    month, sortable and filterable table) and the file's System.IO.FileInfo.

    .PARAMETER ExpiringWithinDays
    An active GDAP relationship ending within this many days without auto-extend is flagged
    (gdap_expiring_without_auto_extend). 0 to 730, default 60.

    .PARAMETER InactiveDays
    DAP without a partner sign-in for more than this many days is flagged (dap_inactive). 1 to 3650, default 90.

    .PARAMETER Subscription
    The subscription ids to look for Lighthouse delegations in (default: every subscription the connection
    sees). Takes Get-AzSubscription's output by its SubscriptionId property.

    .PARAMETER Format
    Object (default): DelegatedAdmin.AccessLedgerEntry objects. Json, Csv or Html: the ledger as text, or in
    the -Path file.

    .PARAMETER Path
    Write the ledger to this file instead (an existing file is replaced; a folder, a device or a missing folder
    is refused before anything is read). Without -Format, the format follows the extension: .csv, .html/.htm,
    else JSON.

    .PARAMETER Concurrency
    Access assignment and subscription listings in flight at once (1 to 64, default 8).

    .EXAMPLE
    Get-DelegatedAdminAccessLedger | Where-Object RiskCodes -Contains 'dap_without_gdap' | Format-Table

    The customers whose only admin path is DAP.

    .EXAMPLE
    Get-DelegatedAdminAccessLedger -Path ./access-ledger.html

    Writes the ledger as one offline HTML page to open in a browser.

    .EXAMPLE
    Get-AzSubscription | Get-DelegatedAdminAccessLedger -Format Csv -Path ./ledger.csv -ExpiringWithinDays 30

    The ledger of the subscriptions Az sees, as CSV for Excel, with relationships ending within 30 days flagged.

    .EXAMPLE
    $ledger = Get-DelegatedAdminAccessLedger
    $ledger | Group-Object { $_.RiskCodes.Count -gt 0 } -NoElement
    $ledger | Where-Object GlobalAdministrator | Select-Object DisplayName, NextGdapEnd, SecurityGroups

    .OUTPUTS
    DelegatedAdmin.AccessLedgerEntry, System.String (-Format Json, Csv or Html), or System.IO.FileInfo (-Path).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Object')]
    [OutputType('DelegatedAdmin.AccessLedgerEntry', [string], [System.IO.FileInfo])]
    param(
        [Parameter()]
        [ValidateRange(0, 730)]
        [int] $ExpiringWithinDays = 60,

        [Parameter()]
        [ValidateRange(1, 3650)]
        [int] $InactiveDays = 90,

        [Parameter(ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('SubscriptionId')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Subscription,

        [Parameter()]
        [ValidateSet('Object', 'Json', 'Csv', 'Html')]
        [string] $Format = 'Object',

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter()]
        [ValidateRange(1, 64)]
        [int] $Concurrency = 8
    )

    begin {
        $subscriptions = New-Object -TypeName 'System.Collections.Generic.List[string]'
    }

    process {
        foreach ($id in @($Subscription)) {
            if ($null -eq $id) {
                continue
            }
            $guid = [guid]::Empty
            if (-not [guid]::TryParse(([string]$id).Trim(), [ref]$guid)) {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("-Subscription: '{0}' is not a subscription id (a GUID)." -f $id) -ErrorId 'DelegatedAdmin.InvalidArgument.Subscription' -Category InvalidArgument -TargetObject $id
                $PSCmdlet.ThrowTerminatingError($record)
            }
            if (-not $subscriptions.Contains($guid.ToString())) {
                $subscriptions.Add($guid.ToString())
            }
        }
    }

    end {
        $wire = $Format.ToLowerInvariant()
        $outputPath = $null
        if ($PSBoundParameters.ContainsKey('Path')) {
            $outputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
            if (-not $PSBoundParameters.ContainsKey('Format')) {
                $extension = [System.IO.Path]::GetExtension($outputPath).ToLowerInvariant()
                $wire = 'json'
                if ($extension -eq '.csv') {
                    $wire = 'csv'
                }
                elseif ($extension -eq '.html' -or $extension -eq '.htm') {
                    $wire = 'html'
                }
            }
            elseif ($Format -eq 'Object') {
                $record = ConvertTo-DelegatedAdminErrorRecord -Message '-Path writes the ledger as text: use -Format Json, Csv or Html with it (or leave -Format out to follow the extension).' -ErrorId 'DelegatedAdmin.InvalidArgument.Format' -Category InvalidArgument -TargetObject $Path
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
        elseif ($wire -eq 'object') {
            $wire = 'json'
        }
        # -Format Json as text: the library writes the JSON to a temporary file, read back as it is (no round
        # trip through PowerShell objects) and deleted.
        $temporary = $null
        if ($null -eq $outputPath -and $Format -eq 'Json') {
            $temporary = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), ('DelegatedAdmin-ledger-{0}.json' -f [guid]::NewGuid().ToString('N')))
        }

        $request = [ordered]@{
            expiringWithinDays = $ExpiringWithinDays
            inactiveDays       = $InactiveDays
            concurrency        = $Concurrency
            format             = $wire
        }
        if ($subscriptions.Count -gt 0) {
            $request['subscriptions'] = [string[]]$subscriptions.ToArray()
        }
        if ($null -ne $outputPath) {
            $request['outputPath'] = $outputPath
        }
        elseif ($null -ne $temporary) {
            $request['outputPath'] = $temporary
        }

        $jsonText = $null
        try {
            try {
                $ledger = Invoke-DelegatedAdminJob -Operation 'accessLedger' -Request $request -Activity 'Building the access ledger' -StoppedMessage 'The access ledger was cancelled; nothing was written.' -TargetObject $outputPath
            }
            catch {
                if ($_.Exception -is [System.Management.Automation.PipelineStoppedException]) {
                    throw
                }
                $PSCmdlet.ThrowTerminatingError($_)
            }
            if ($null -ne $temporary) {
                $jsonText = [System.IO.File]::ReadAllText($temporary, [System.Text.Encoding]::UTF8)
            }
        }
        finally {
            if ($null -ne $temporary) {
                try {
                    if ([System.IO.File]::Exists($temporary)) {
                        [System.IO.File]::Delete($temporary)
                    }
                }
                catch {
                    $null = $null
                }
            }
        }

        # Every source that could not be read in full is worth a warning: the ledger is incomplete without it.
        foreach ($source in @(Get-DelegatedAdminItem -InputObject $ledger -Name 'sources')) {
            $status = [string](Get-DelegatedAdminProperty -InputObject $source -Name 'status')
            $name = [string](Get-DelegatedAdminProperty -InputObject $source -Name 'source')
            $detail = [string](Get-DelegatedAdminProperty -InputObject $source -Name 'detail')
            $sourceError = Get-DelegatedAdminProperty -InputObject $source -Name 'error'
            $message = ''
            if ($null -ne $sourceError) {
                $message = [string](Get-DelegatedAdminProperty -InputObject $sourceError -Name 'message')
            }
            if ($status -eq 'failed' -or $status -eq 'partial') {
                Write-Warning ('The access ledger is incomplete: {0} was {1} ({2}); the risks that depend on it are not judged. {3}' -f $name, $(if ($status -eq 'failed') { 'not read' } else { 'read only in part' }), $message, $detail).Trim()
            }
            elseif ($status -eq 'skipped') {
                Write-Verbose ('{0}: skipped ({1})' -f $name, $detail)
            }
            else {
                Write-Verbose ('{0}: {1} read' -f $name, (Get-DelegatedAdminProperty -InputObject $source -Name 'items'))
            }
        }
        $summary = Get-DelegatedAdminProperty -InputObject $ledger -Name 'summary'
        if ($null -ne $summary) {
            Write-Verbose ('{0} customers, {1} with at least one risk.' -f (Get-DelegatedAdminProperty -InputObject $summary -Name 'customers'), (Get-DelegatedAdminProperty -InputObject $summary -Name 'customersWithRisks'))
        }

        if ($null -ne $outputPath) {
            Write-Verbose ("Wrote the ledger ({0}) to '{1}'." -f $wire, $outputPath)
            Get-Item -LiteralPath $outputPath
            return
        }
        if ($null -ne $jsonText) {
            return $jsonText
        }
        if ($Format -ne 'Object') {
            return [string](Get-DelegatedAdminProperty -InputObject $ledger -Name 'content')
        }
        foreach ($customer in @(Get-DelegatedAdminItem -InputObject $ledger -Name 'customers')) {
            ConvertTo-DelegatedAdminAccessLedgerEntry -InputObject $customer
        }
    }
}
