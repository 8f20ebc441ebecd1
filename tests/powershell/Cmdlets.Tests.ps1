#Requires -Version 5.1
# Pester 5 tests of every public cmdlet as an admin uses them, against the packaged module and the emulator, under
# Set-StrictMode -Version Latest: parameter sets; pipeline input by property name (the module's own objects,
# Microsoft Graph's Get-MgContract and Az's Get-AzResourceGroup/Get-AzSubscription shapes); a bad pipeline item
# writes an error and the rest go on; -WhatIf sends nothing; -Confirm asks; per-service access tokens; the
# connection in other runspaces; progress (ids not 0) and Ctrl+C (a runspace's Stop()); -First stops paging;
# culture-invariant views and progress.
Set-StrictMode -Version Latest

BeforeDiscovery {
    $IsPowerShell7 = $PSVersionTable.PSVersion.Major -ge 7
    $HasThreadJob = $null -ne (Get-Command -Name Start-ThreadJob -ErrorAction SilentlyContinue)
}

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    $Emulator = Start-TestEmulator -Arguments '--customers 120 --seed 11'
    $Url = $Emulator.Url
    $Fixtures = $Emulator.Fixtures
    Connect-TestEmulator -Emulator $Emulator

    function Get-Customer {
        param([string] $Id, $From = $Emulator)
        Get-EmulatorJson -Url $From.Url -Path "/_emulator/customers/$Id"
    }

    # Inactive DAP customers of the shared emulator, handed out one test at a time.
    $script:NextInactive = 0
    function Get-InactiveCustomerId {
        param([int] $Count = 1)
        $ids = @($Fixtures.inactiveDapCustomerIds[$script:NextInactive..($script:NextInactive + $Count - 1)])
        $script:NextInactive += $Count
        return $ids
    }

    # Runs $Script in a runspace of its own with the module imported and connected to $Target; returns the
    # PowerShell instance and its async result, for a test to Stop() it (what Ctrl+C does).
    function Start-InRunspace {
        param($Target, [string] $Script)
        $ps = [powershell]::Create()
        $prelude = @'
param($ModuleManifest, $Url, $TenantId, $ClientId, $ClientSecret)
Import-Module -Name $ModuleManifest -ErrorAction Stop
Connect-DelegatedAdmin -Endpoint $Url -TenantId $TenantId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force)
'@
        $null = $ps.AddScript($prelude + "`n" + $Script)
        foreach ($argument in @($ModuleManifest, $Target.Url, $Target.Fixtures.tenantId, $Target.Fixtures.clientId, $Target.Fixtures.clientSecret)) {
            $null = $ps.AddArgument($argument)
        }
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    function Wait-Until {
        param([scriptblock] $Condition, [int] $Seconds = 30)
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ([DateTime]::UtcNow -lt $deadline) {
            if (& $Condition) {
                return $true
            }
            Start-Sleep -Milliseconds 50
        }
        return $false
    }

    function Get-CustomerListingCount {
        param($Target)
        @(Get-EmulatorRequest -Url $Target.Url | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/delegatedAdminCustomers' }).Count
    }
}

AfterAll {
    if (Get-Module -Name DelegatedAdmin) {
        Disconnect-DelegatedAdmin
    }
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'Every public cmdlet' {
    It 'is exercised by the Pester suite' {
        $text = (Get-ChildItem -Path (Join-Path -Path $PSScriptRoot -ChildPath '*.Tests.ps1') | ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw }) -join "`n"
        $commands = @(Get-Command -Module DelegatedAdmin)
        # Exactly what the manifest exports (no private function leaks out).
        $exported = @((Import-PowerShellDataFile -LiteralPath (Get-TestModuleManifest)).FunctionsToExport)
        $commands.Count | Should -Be $exported.Count
        $commands.Count | Should -BeGreaterThan 10
        foreach ($command in $commands) {
            # Called, not only named: followed by a parameter, a pipe or the end of a line.
            $text | Should -Match ('(?m)' + [regex]::Escape($command.Name) + '(\s+-|\s*\||\s*$|\s*\))') -Because $command.Name
        }
    }

    It 'has the parameter sets an admin relies on' {
        @((Get-Command -Name Connect-DelegatedAdmin).ParameterSets.Name | Sort-Object) | Should -Be @('AccessToken', 'Certificate', 'CertificatePath', 'CertificateThumbprint', 'ClientSecret', 'Context', 'Credential', 'DeviceCode', 'Interactive', 'ManagedIdentity', 'RefreshToken')
        @((Get-Command -Name Get-DelegatedAdminGdapRelationship).ParameterSets.Name | Sort-Object) | Should -Be @('Id', 'List')
        (Get-Command -Name Connect-DelegatedAdmin).DefaultParameterSet | Should -Be 'ClientSecret'
        @((Get-Command -Name Get-DelegatedAdminCustomer).ParameterSets.Name | Sort-Object) | Should -Be @('All', 'Inactive', 'Page')
        @((Get-Command -Name Get-DelegatedAdminLighthouseAssignment).ParameterSets.Name | Sort-Object) | Should -Be @('Scope', 'Subscription')
        @((Get-Command -Name Remove-DelegatedAdminLighthouseAssignment).ParameterSets.Name | Sort-Object) | Should -Be @('Id', 'Name')
        @((Get-Command -Name Invoke-DelegatedAdminDapCleanup).ParameterSets.Name | Sort-Object) | Should -Be @('Path', 'Plan')
        # Parameters of two sets at once are refused before anything runs.
        { Get-DelegatedAdminCustomer -Top 5 -InactiveDays 90 } | Should -Throw -ErrorId 'AmbiguousParameterSet,Get-DelegatedAdminCustomer'
        { Remove-DelegatedAdminLighthouseAssignment -AssignmentId '/x' -Scope '/subscriptions/y' -AssignmentName z -WhatIf } | Should -Throw -ErrorId 'AmbiguousParameterSet,Remove-DelegatedAdminLighthouseAssignment'
        $secret = ConvertTo-SecureString -String 'x' -AsPlainText -Force
        { Connect-DelegatedAdmin -ClientId a -ClientSecret $secret -AccessToken $secret } | Should -Throw -ErrorId 'AmbiguousParameterSet,Connect-DelegatedAdmin'
        { Connect-DelegatedAdmin -ClientId a -ManagedIdentity -ClientSecret $secret } | Should -Throw -ErrorId 'AmbiguousParameterSet,Connect-DelegatedAdmin'
        { Connect-DelegatedAdmin -ClientId a -CertificatePath x.pem -CertificateThumbprint ('AB' * 20) } | Should -Throw -ErrorId 'AmbiguousParameterSet,Connect-DelegatedAdmin'
        { Get-DelegatedAdminGdapRelationship -Id x -Status active } | Should -Throw -ErrorId 'AmbiguousParameterSet,Get-DelegatedAdminGdapRelationship'
    }
}

Describe 'Pipeline input by property name' {
    It 'Remove-DelegatedAdminDapRelationship binds a Graph contract (Get-MgContract) by its CustomerId, never its object Id' {
        $customer = Get-InactiveCustomerId
        $contractObjectId = [guid]::NewGuid().ToString()
        # The shape of Microsoft.Graph's MicrosoftGraphContract (Get-MgContract), as a pipeline sees it.
        $contract = [pscustomobject]@{
            Id                = $contractObjectId
            ContractType      = 'ResellerPartner'
            CustomerId        = $customer
            DefaultDomainName = 'contoso.onmicrosoft.com'
            DisplayName       = 'Contoso'
            TenantId          = $customer
            DeletedDateTime   = $null
        }
        $removed = @($contract | Remove-DelegatedAdminDapRelationship -Force -PassThru)
        $removed.Count | Should -Be 1
        $removed[0].CustomerTenantId | Should -Be $customer
        $removed[0].OrganizationDisplayName | Should -Be 'Contoso'
        (Get-Customer -Id $customer).dapEnabled | Should -BeFalse
        # The contract's object id was never sent.
        @(Get-EmulatorRequest -Url $Url | Where-Object { $_.path -like "*$contractObjectId*" }).Count | Should -Be 0
    }

    It 'binds CustomerTenantId, then CustomerId, then TenantId, and a generic Id last' {
        $ids = @(Get-InactiveCustomerId -Count 3)
        $decoy = [guid]::NewGuid().ToString()
        $objects = @(
            [pscustomobject]@{ Id = $decoy; TenantId = $decoy; CustomerId = $decoy; CustomerTenantId = $ids[0] }
            [pscustomobject]@{ Id = $decoy; TenantId = $ids[1] }
            [pscustomobject]@{ Id = $ids[2] }
        )
        $removed = @($objects | Remove-DelegatedAdminDapRelationship -Force -PassThru)
        @($removed | ForEach-Object { $_.CustomerTenantId }) | Should -Be $ids
    }

    It 'takes Get-DelegatedAdminCustomer output, and its own output round-trips' {
        $id = Get-InactiveCustomerId
        $customer = @(Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' -First 300 | Where-Object { $_.CustomerTenantId -eq $id })
        $customer.Count | Should -Be 1
        ($customer | Remove-DelegatedAdminDapRelationship -Force -PassThru).CustomerTenantId | Should -Be $id
    }

    It 'Get-DelegatedAdminLighthouseAssignment takes Get-AzResourceGroup objects by ResourceId and Get-AzSubscription objects by SubscriptionId' {
        $subscription = $Fixtures.subscriptions[2]
        $rgScope = @($subscription.assignments | Where-Object { $_.scope -like '*/resourceGroups/*' })[0].scope
        $resourceGroup = [pscustomobject]@{ ResourceGroupName = ($rgScope -split '/')[-1]; Location = 'westeurope'; ProvisioningState = 'Succeeded'; ResourceId = $rgScope }
        $found = @($resourceGroup | Get-DelegatedAdminLighthouseAssignment)
        $found.Count | Should -BeGreaterThan 0
        foreach ($assignment in $found) {
            $assignment.Scope | Should -Be $rgScope
        }
        $azSubscription = [pscustomobject]@{ Id = $subscription.subscriptionId; SubscriptionId = $subscription.subscriptionId; Name = 'Pay-As-You-Go'; State = 'Enabled'; TenantId = $Fixtures.tenantId }
        @($azSubscription | Get-DelegatedAdminLighthouseAssignment).Count | Should -BeGreaterOrEqual $found.Count
    }
}

Describe 'A bad pipeline item writes an error and the rest go on' {
    It 'Remove-DelegatedAdminDapRelationship' {
        $ids = @(Get-InactiveCustomerId -Count 2)
        $removed = @($ids[0], 'not-a-guid', $ids[1] | Remove-DelegatedAdminDapRelationship -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be 'not-a-guid'
        $failures[0].FullyQualifiedErrorId | Should -Be 'DelegatedAdmin.InvalidArgument.CustomerTenantId,Remove-DelegatedAdminDapRelationship'
        @($removed | ForEach-Object { $_.CustomerTenantId }) | Should -Be $ids
        foreach ($id in $ids) {
            (Get-Customer -Id $id).dapEnabled | Should -BeFalse
        }
    }

    It 'Get-DelegatedAdminLighthouseAssignment' {
        $good = '/subscriptions/' + $Fixtures.subscriptions[0].subscriptionId
        $found = @('/providers/not-a-scope', $good | Get-DelegatedAdminLighthouseAssignment -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be '/providers/not-a-scope'
        $found.Count | Should -BeGreaterThan 0
    }

    It 'Remove-DelegatedAdminLighthouseAssignment' {
        $assignment = @($Fixtures.subscriptions[0].assignments | Where-Object { $_.scope -notlike '*/resourceGroups/*' })[0]
        $results = @('/subscriptions/nope', $assignment.id | Remove-DelegatedAdminLighthouseAssignment -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be '/subscriptions/nope'
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'deleted'
    }

    It 'Set-DelegatedAdminRelationship' {
        $relationship = $Fixtures.relationships[0]
        $items = @(
            [pscustomobject]@{ CustomerId = 'bad'; RelationshipId = 'x'; ProviderInstanceId = $Fixtures.providerInstanceId; AutoExtendEnabled = $true }
            [pscustomobject]@{ CustomerId = $relationship.customerId; RelationshipId = $relationship.relationshipId; ProviderInstanceId = $Fixtures.providerInstanceId; AutoExtendEnabled = $true }
        )
        $updated = @($items | Set-DelegatedAdminRelationship -TenantDomain $Fixtures.tenantDomain -Confirm:$false -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be 'bad'
        $updated.Count | Should -Be 1
        $updated[0].AutoExtendEnabled | Should -BeTrue
    }
}

Describe '-WhatIf sends nothing to any service' {
    It '<Name>' -ForEach @(
        @{ Name = 'Remove-DelegatedAdminDapRelationship'; Action = { param($F) $F.inactiveDapCustomerIds[-1] | Remove-DelegatedAdminDapRelationship -WhatIf } }
        @{ Name = 'Remove-DelegatedAdminLighthouseAssignment'; Action = { param($F) $F.subscriptions[1].assignments[0].id | Remove-DelegatedAdminLighthouseAssignment -WhatIf } }
        @{ Name = 'Set-DelegatedAdminRelationship'; Action = { param($F) Set-DelegatedAdminRelationship -TenantDomain $F.tenantDomain -CustomerId $F.relationships[1].customerId -RelationshipId $F.relationships[1].relationshipId -ProviderInstanceId $F.providerInstanceId -AutoExtendEnabled $true -WhatIf } }
        @{ Name = 'Invoke-DelegatedAdminDapCleanup'; Action = { param($F, $Plan) $Plan | Invoke-DelegatedAdminDapCleanup -JournalPath (Join-Path -Path $TestDrive -ChildPath 'whatif.jsonl') -WhatIf } }
    ) {
        $plan = $null
        if ($Name -eq 'Invoke-DelegatedAdminDapCleanup') {
            $plan = New-DelegatedAdminDapCleanupPlan -Include $Fixtures.inactiveDapCustomerIds[-1] -AllowWithoutGdap
        }
        $before = Get-EmulatorTraffic -Url $Url
        $output = @(& $Action $Fixtures $plan 6>$null)
        $after = Get-EmulatorTraffic -Url $Url
        $output.Count | Should -Be 0
        $after.ServiceRequests | Should -Be $before.ServiceRequests
        $after.TokenRequests | Should -Be $before.TokenRequests
    }
}

Describe '-Confirm asks, and only the confirmed items are acted on' {
    It 'Remove-DelegatedAdminDapRelationship and Remove-DelegatedAdminLighthouseAssignment, answered at a console' {
        $ids = @(Get-InactiveCustomerId -Count 2)
        $assignments = @($Fixtures.subscriptions[2].assignments | Where-Object { $_.scope -notlike '*/resourceGroups/*' } | Select-Object -First 2)
        $script = @'
param($ModuleManifest, $Url, $TenantId, $ClientId, $ClientSecret, $Id1, $Id2, $Assignment1, $Assignment2)
$ErrorActionPreference = 'Stop'
Import-Module -Name $ModuleManifest
Connect-DelegatedAdmin -Endpoint $Url -TenantId $TenantId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force)
$Id1, $Id2 | Remove-DelegatedAdminDapRelationship -PassThru | ForEach-Object { 'REMOVED ' + $_.CustomerTenantId }
$Assignment1, $Assignment2 | Remove-DelegatedAdminLighthouseAssignment -PassThru | ForEach-Object { 'DELETED ' + $_.AssignmentId }
'@
        # No, Yes for the customers; Yes, No for the assignments.
        $run = Invoke-ChildShell -Script $script -Arguments @($ModuleManifest, $Url, $Fixtures.tenantId, $Fixtures.clientId, $Fixtures.clientSecret, $ids[0], $ids[1], $assignments[0].id, $assignments[1].id) -InputText "N`nY`nY`nN`n"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        @([regex]::Matches($run.Output, 'Are you sure you want to perform this action\?')).Count | Should -Be 4
        $run.Output | Should -Match ('REMOVED ' + $ids[1])
        $run.Output | Should -Not -Match ('REMOVED ' + $ids[0])
        (Get-Customer -Id $ids[0]).dapEnabled | Should -BeTrue
        (Get-Customer -Id $ids[1]).dapEnabled | Should -BeFalse
        $run.Output | Should -Match ([regex]::Escape('DELETED ' + $assignments[0].id))
        $run.Output | Should -Not -Match ([regex]::Escape('DELETED ' + $assignments[1].id))
        $left = @(Get-DelegatedAdminLighthouseAssignment -Scope $assignments[1].scope | ForEach-Object { $_.AssignmentId })
        $left | Should -Contain $assignments[1].id
        $left | Should -Not -Contain $assignments[0].id
    }
}

Describe 'Per-service access tokens' {
    BeforeAll {
        $PerService = Start-TestEmulator -Arguments '--customers 60 --seed 5'
        Connect-TestEmulator -Emulator $PerService
        $CustomerAdminToken = (Get-DelegatedAdminToken -Scope 'https://api.partnercustomeradministration.microsoft.com/.default').AccessToken
        $PartnerCenterToken = (Get-DelegatedAdminToken -Scope 'https://api.partnercenter.microsoft.com/.default').AccessToken
        $ResourceManagerToken = (Get-DelegatedAdminToken -Resource 'https://management.azure.com').AccessToken
    }

    AfterAll {
        Stop-TestEmulator -Emulator $PerService
        Connect-TestEmulator -Emulator $Emulator
    }

    It 'one token for every service is refused by the services it was not issued for' {
        Connect-DelegatedAdmin -Endpoint $PerService.Url -AccessToken $CustomerAdminToken
        @(Get-DelegatedAdminCustomer -Top 2).Count | Should -Be 2
        Remove-DelegatedAdminDapRelationship -CustomerTenantId $PerService.Fixtures.inactiveDapCustomerIds[0] -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        (Get-Customer -Id $PerService.Fixtures.inactiveDapCustomerIds[0] -From $PerService).dapEnabled | Should -BeTrue
    }

    It 'a token per service: listing with the customers API token, removal with Partner Center''s, Lighthouse with ARM''s' {
        Connect-DelegatedAdmin -Endpoint $PerService.Url -CustomerAdminAccessToken $CustomerAdminToken -PartnerCenterAccessToken $PartnerCenterToken -ResourceManagerAccessToken $ResourceManagerToken -PassThru |
            ForEach-Object { @($_.ServiceTokens) | Should -Be @('CustomerAdmin', 'PartnerCenter', 'ResourceManager') }
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'AccessToken'
        @(Get-DelegatedAdminCustomer -Top 2).Count | Should -Be 2
        $id = $PerService.Fixtures.inactiveDapCustomerIds[0]
        (Remove-DelegatedAdminDapRelationship -CustomerTenantId $id -Force -PassThru).AllowDelegatedAccess | Should -BeFalse
        (Get-Customer -Id $id -From $PerService).dapEnabled | Should -BeFalse
        @(Get-DelegatedAdminLighthouseAssignment -Scope ('/subscriptions/' + $PerService.Fixtures.subscriptions[0].subscriptionId)).Count | Should -BeGreaterThan 0
    }

    It 'the cleanup lists with the customers API token and removes with Partner Center''s (partnerCenterAuth)' {
        Connect-DelegatedAdmin -Endpoint $PerService.Url -CustomerAdminAccessToken $CustomerAdminToken -PartnerCenterAccessToken $PartnerCenterToken
        $targets = @($PerService.Fixtures.inactiveDapCustomerIds[1..3])
        $plan = New-DelegatedAdminDapCleanupPlan -Include $targets -AllowWithoutGdap
        $plan.CandidateCount | Should -Be 3
        $report = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath (Join-Path -Path $TestDrive -ChildPath 'per-service.jsonl') -RequestsPerSecond 0 -Force
        $report.Counts.Removed | Should -Be 3
        $report.Counts.Failed | Should -Be 0
        foreach ($id in $targets) {
            (Get-Customer -Id $id -From $PerService).dapEnabled | Should -BeFalse
        }
    }

    It 'a service without a token is refused before anything is sent, naming the parameter to use' {
        Connect-DelegatedAdmin -Endpoint $PerService.Url -CustomerAdminAccessToken $CustomerAdminToken
        $before = Get-EmulatorTraffic -Url $PerService.Url
        $failure = { Get-DelegatedAdminLighthouseAssignment -Scope ('/subscriptions/' + $PerService.Fixtures.subscriptions[0].subscriptionId) } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.NotConnected.NoAccessToken*'
        $failure.Exception.Message | Should -BeLike '*-ResourceManagerAccessToken*'
        (Get-EmulatorTraffic -Url $PerService.Url).ServiceRequests | Should -Be $before.ServiceRequests
    }
}

Describe 'The connection in other runspaces' {
    It 'a runspace of its own (any edition) connects with -Context and works' {
        $context = Get-DelegatedAdminContext
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $c) Import-Module -Name $m -ErrorAction Stop; Connect-DelegatedAdmin -Context $c; @(Get-DelegatedAdminCustomer -Top 3).Count; (Get-DelegatedAdminContext).TenantId').AddArgument($ModuleManifest).AddArgument($context)
            $output = @($ps.Invoke())
            @($ps.Streams.Error).Count | Should -Be 0 -Because (@($ps.Streams.Error) -join '; ')
            $output[0] | Should -Be 3
            $output[1] | Should -Be $Fixtures.tenantId
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'ForEach-Object -Parallel with $using:context' -Skip:(-not $IsPowerShell7) {
        $context = Get-DelegatedAdminContext
        $manifest = $ModuleManifest
        $results = @(1..3 | ForEach-Object -Parallel {
                Import-Module -Name $using:manifest -ErrorAction Stop
                Connect-DelegatedAdmin -Context $using:context
                @(Get-DelegatedAdminCustomer -Top $_).Count
            } -ThrottleLimit 3)
        @($results | Sort-Object) | Should -Be @(1, 2, 3)
    }

    It 'Start-ThreadJob with $using:context' -Skip:(-not $HasThreadJob) {
        $context = Get-DelegatedAdminContext
        $manifest = $ModuleManifest
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module -Name $using:manifest -ErrorAction Stop
            Connect-DelegatedAdmin -Context $using:context
            @(Get-DelegatedAdminCustomer -Top 4).Count
        }
        $result = $job | Receive-Job -Wait -AutoRemoveJob
        $result | Should -Be 4
    }

    It 'the copy is the runspace''s own: the caller''s Disconnect does not break it' {
        $context = Get-DelegatedAdminContext
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $c) Import-Module -Name $m -ErrorAction Stop; Connect-DelegatedAdmin -Context $c').AddArgument($ModuleManifest).AddArgument($context)
            $null = $ps.Invoke()
            Disconnect-DelegatedAdmin
            $ps.Commands.Clear()
            $null = $ps.AddScript('@(Get-DelegatedAdminCustomer -Top 2).Count')
            @($ps.Invoke())[0] | Should -Be 2
        }
        finally {
            $ps.Dispose()
            Connect-TestEmulator -Emulator $Emulator
        }
    }

    It 'refuses something that is not a context' {
        $failure = { Connect-DelegatedAdmin -Context ([pscustomobject]@{ TenantId = 'x' }) } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.InvalidArgument.Context*'
        (Get-DelegatedAdminContext).TenantId | Should -Be $Fixtures.tenantId
    }

    It 'the context shows no secret' {
        $context = Get-DelegatedAdminContext
        ($context | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
        ($context | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
    }
}

Describe 'Long listings: progress, -First, Ctrl+C' {
    BeforeAll {
        $Large = Start-TestEmulator -Arguments '--customers 1000 --seed 3'
        Connect-TestEmulator -Emulator $Large
    }

    AfterAll {
        Stop-TestEmulator -Emulator $Large
        Connect-TestEmulator -Emulator $Emulator
    }

    It 'lists every page as a job, with Write-Progress (an id that is not 0) and -Verbose' {
        Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
        $records = @(Get-DelegatedAdminCustomer -Verbose 4>&1)
        $customers = @($records | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $customers.Count | Should -Be 1000
        $text = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
        $text | Should -Match 'da_job_start \(listCustomers\)'
        $text | Should -Match 'listed 1000 customers'
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '*listed*' -and $Id -ne 0 }
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Completed -and $Id -ne 0 }
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -Times 0 -Exactly -ParameterFilter { $Id -eq 0 }
    }

    It '-First stops paging once enough customers were listed' {
        Invoke-EmulatorControl -Url $Large.Url -Path '/_emulator/requests/clear'
        @(Get-DelegatedAdminCustomer -First 301).Count | Should -Be 301
        Get-CustomerListingCount -Target $Large | Should -Be 2
        Invoke-EmulatorControl -Url $Large.Url -Path '/_emulator/requests/clear'
        @(Get-DelegatedAdminCustomer -First 20).Count | Should -Be 20
        Get-CustomerListingCount -Target $Large | Should -Be 1
        Invoke-EmulatorControl -Url $Large.Url -Path '/_emulator/requests/clear'
        @(Get-DelegatedAdminCustomer).Count | Should -Be 1000
        Get-CustomerListingCount -Target $Large | Should -Be 4
    }

    It 'Ctrl+C stops a long listing at once: the job is cancelled and no more pages are asked for' {
        $slow = Start-TestEmulator -Arguments '--customers 6000 --latency-ms 400'
        try {
            $run = Start-InRunspace -Target $slow -Script 'Get-DelegatedAdminCustomer | Measure-Object | ForEach-Object Count'
            try {
                (Wait-Until { (Get-CustomerListingCount -Target $slow) -ge 2 }) | Should -BeTrue
                $run.Async.IsCompleted | Should -BeFalse
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $run.PowerShell.Stop()
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
                $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
                $warnings = @($run.PowerShell.Streams.Warning | ForEach-Object { $_.Message }) -join "`n"
                $warnings | Should -BeLike '*listing of delegated admin customers was stopped*'
                $asked = Get-CustomerListingCount -Target $slow
                Start-Sleep -Milliseconds 1500
                Get-CustomerListingCount -Target $slow | Should -Be $asked -Because 'the cancelled job asks for no more pages'
                $asked | Should -BeLessThan 20
            }
            finally {
                $run.PowerShell.Dispose()
            }
        }
        finally {
            Stop-TestEmulator -Emulator $slow
        }
    }
}

Describe 'Lighthouse removal with waiting: progress and Ctrl+C' {
    It 'waits for the delete as a job, with Write-Progress (an id that is not 0)' {
        $lighthouse = Start-TestEmulator -Arguments '--customers 1 --lro-polls 3'
        try {
            Connect-TestEmulator -Emulator $lighthouse
            Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
            $assignment = $lighthouse.Fixtures.subscriptions[0].assignments[0]
            $result = Remove-DelegatedAdminLighthouseAssignment -AssignmentId $assignment.id -Force -PassThru
            $result.Status | Should -Be 'deleted'
            Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Activity -like '*Lighthouse assignment*' -and $Id -ne 0 }
            Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -Times 0 -Exactly -ParameterFilter { $Id -eq 0 }
        }
        finally {
            Stop-TestEmulator -Emulator $lighthouse
            Connect-TestEmulator -Emulator $Emulator
        }
    }

    It 'Ctrl+C stops the waiting; the warning says Azure goes on with the delete' {
        $lighthouse = Start-TestEmulator -Arguments '--customers 1 --lro-polls 1000 --lro-retry-after 1'
        try {
            $assignment = $lighthouse.Fixtures.subscriptions[0].assignments[0]
            $run = Start-InRunspace -Target $lighthouse -Script ("Remove-DelegatedAdminLighthouseAssignment -AssignmentId '{0}' -Force -PassThru" -f $assignment.id)
            try {
                (Wait-Until { @(Get-EmulatorRequest -Url $lighthouse.Url | Where-Object { $_.method -eq 'GET' -and $_.path -like '*operation*' }).Count -ge 1 }) | Should -BeTrue
                $run.Async.IsCompleted | Should -BeFalse
                $run.PowerShell.Stop()
                $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
                $warnings = @($run.PowerShell.Streams.Warning | ForEach-Object { $_.Message }) -join "`n"
                $warnings | Should -BeLike '*Azure goes on with it*'
                $polls = @(Get-EmulatorRequest -Url $lighthouse.Url | Where-Object { $_.method -eq 'GET' }).Count
                Start-Sleep -Milliseconds 2500
                @(Get-EmulatorRequest -Url $lighthouse.Url | Where-Object { $_.method -eq 'GET' }).Count | Should -Be $polls -Because 'nobody polls after the stop'
            }
            finally {
                $run.PowerShell.Dispose()
            }
        }
        finally {
            Stop-TestEmulator -Emulator $lighthouse
        }
    }
}

Describe 'Culture-invariant output' {
    It 'format views show dates as yyyy-MM-dd in every culture (Thai Buddhist calendar, German)' {
        $customers = @(Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' -Top 5 | Where-Object { $null -ne $_.LastSignInDateTime })
        $customers.Count | Should -BeGreaterThan 0
        $expected = $customers[0].LastSignInDateTime.ToString('yyyy-MM-dd', [System.Globalization.CultureInfo]::InvariantCulture)
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            foreach ($culture in @('th-TH', 'de-DE', 'ar-SA')) {
                [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo($culture)
                $text = $customers | Format-Table | Out-String -Width 300
                $text | Should -Match ([regex]::Escape($expected)) -Because $culture
            }
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
        }
    }

    It 'progress text groups digits the same in every culture' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo('de-DE')
            Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
            InModuleScope DelegatedAdmin {
                $status = [pscustomobject]@{ state = 'running'; elapsedSeconds = 1.5; progress = [pscustomobject]@{ phase = 'removing'; customersListed = 12345; total = 23456; done = 1234; removed = 1200; failed = 4; skipped = 30; inFlight = 4; throttlePauses = 0 } }
                Write-DelegatedAdminJobProgress -Operation 'applyDapCleanup' -Activity 'test' -Status $status -Id (Get-DelegatedAdminProgressId -Operation 'applyDapCleanup')
                Write-DelegatedAdminJobProgress -Operation 'listCustomers' -Activity 'test' -Status $status -Id (Get-DelegatedAdminProgressId -Operation 'listCustomers')
            }
            Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '1,234 of 23,456 done: 1,200 removed*' }
            Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '*12,345 listed*' }
        }
        finally {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved
        }
    }

    It 'the library''s CSV report starts with a UTF-8 byte order mark, and keeps non-ASCII names' {
        $ids = @(Get-InactiveCustomerId -Count 2)
        $plan = New-DelegatedAdminDapCleanupPlan -Include $ids -AllowWithoutGdap
        $csv = Join-Path -Path $TestDrive -ChildPath 'report.csv'
        $null = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath (Join-Path -Path $TestDrive -ChildPath 'csv.jsonl') -ReportCsvPath $csv -RequestsPerSecond 0 -Force
        $bytes = [System.IO.File]::ReadAllBytes($csv)
        $bytes[0] | Should -Be 0xEF
        $bytes[1] | Should -Be 0xBB
        $bytes[2] | Should -Be 0xBF
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be $plan.CustomerCount
        $names = @($rows | ForEach-Object { $_.organizationDisplayName })
        $fromService = @(Get-DelegatedAdminCustomer | ForEach-Object { $_.OrganizationDisplayName })
        @($names | Where-Object { $_ -match '[^\u0000-\u007F]' }).Count | Should -BeGreaterThan 0
        foreach ($name in $names) {
            $fromService | Should -Contain $name
        }
    }
}
