#Requires -Version 5.1
# Pester 5 tests of the DelegatedAdmin module as packaged (dist/DelegatedAdmin/<version>, by
# scripts/package-module.sh) against the emulator of target/debug, under Set-StrictMode -Version Latest.
# Run them with tests/powershell/run.sh (which builds and packages first), or Invoke-Tests.ps1.
Set-StrictMode -Version Latest

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    $ModuleBase = Split-Path -Parent $ModuleManifest
    $emulatorPath = Get-TestEmulatorPath
    $platform = Get-TestPlatform

    # The emulator on a free port; 250 customers.
    $Emulator = Start-TestEmulator -Arguments '--customers 250'
    $Url = $Emulator.Url
    $Fixtures = $Emulator.Fixtures
    $Secret = ConvertTo-SecureString -String $Fixtures.clientSecret -AsPlainText -Force

    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop
    $LibraryPath = InModuleScope DelegatedAdmin { $script:DelegatedAdminLibraryPath }

    function Connect-Emulator {
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret
    }

    function Get-EmulatorCustomer {
        param([string] $Id)
        Get-EmulatorJson -Url $Url -Path "/_emulator/customers/$Id"
    }

    function Get-EmulatorFixture {
        Get-EmulatorJson -Url $Url -Path '/_emulator/fixtures'
    }

    Connect-Emulator
}

AfterAll {
    if (Get-Module -Name DelegatedAdmin) {
        Disconnect-DelegatedAdmin
        Remove-Module -Name DelegatedAdmin -Force
    }
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'The module' {
    It 'exports exactly the functions of its manifest' {
        $manifest = Import-PowerShellDataFile -Path (Join-Path -Path $RepoRoot -ChildPath 'powershell/DelegatedAdmin.psd1')
        $exported = @((Get-Module -Name DelegatedAdmin).ExportedFunctions.Keys | Sort-Object)
        $exported | Should -Be @($manifest.FunctionsToExport | Sort-Object)
        (Get-Module -Name DelegatedAdmin).ExportedCmdlets.Count | Should -Be 0
        (Get-Module -Name DelegatedAdmin).ExportedAliases.Count | Should -Be 0
    }

    It 'documents every command with a synopsis and an example' {
        foreach ($command in (Get-Command -Module DelegatedAdmin)) {
            $help = Get-Help -Name $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $command.Name
            @($help.Examples.Example).Count | Should -BeGreaterThan 0 -Because $command.Name
        }
    }

    It 'asks for confirmation before every removal (ConfirmImpact High)' {
        foreach ($name in @('Remove-DelegatedAdminDapRelationship', 'Remove-DelegatedAdminLighthouseAssignment', 'Invoke-DelegatedAdminDapCleanup', 'Remove-DelegatedAdminGdapGlobalAdminRole', 'Stop-DelegatedAdminGdapRelationship')) {
            $binding = (Get-Command -Name $name).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
            $binding.SupportsShouldProcess | Should -BeTrue
            $binding.ConfirmImpact | Should -Be 'High'
        }
    }

    It 'is the packaged module, loading the native library from its own runtimes folder' {
        (Get-Module -Name DelegatedAdmin).ModuleBase | Should -Be $ModuleBase
        $rid = InModuleScope DelegatedAdmin { $p = Get-DelegatedAdminPlatform; $p.Rid }
        $expected = Join-Path -Path $ModuleBase -ChildPath ('runtimes/{0}/native/{1}' -f $rid, $platform.Library)
        [System.IO.Path]::GetFullPath($LibraryPath) | Should -Be ([System.IO.Path]::GetFullPath($expected))
        $native = InModuleScope DelegatedAdmin { $script:DelegatedAdminNative }
        $native::LibraryPath | Should -Be $LibraryPath
        $native::Version() | Should -Match '^\d+\.\d+\.\d+'
        (Get-DelegatedAdminContext).LibraryVersion | Should -Be (Get-Module -Name DelegatedAdmin).Version.ToString()
    }

    It 'binds a type whose name carries the module version, from the compiled interop assembly' {
        $version = (Get-Module -Name DelegatedAdmin).Version.ToString()
        $tag = 'V' + $version.Replace('.', '_')
        $native = InModuleScope DelegatedAdmin { $script:DelegatedAdminNative }
        $native.FullName | Should -Be ('DelegatedAdmin.Interop.{0}.DelegatedAdminNative' -f $tag)
        $native.Assembly.GetName().Name | Should -Be ('DelegatedAdmin.Interop.{0}' -f $tag)
        $native.Assembly.Location | Should -Be (Join-Path -Path $ModuleBase -ChildPath ('bin/DelegatedAdmin.Interop.{0}.dll' -f $tag))
        # No type of another version or of the unversioned source is what the module calls.
        ('DelegatedAdmin.Interop.DelegatedAdminNative' -as [type]) | Should -BeNullOrEmpty
    }

    It 'imports again with Import-Module -Force in the same session, and still works' {
        { Import-Module -Name $ModuleManifest -Force -ErrorAction Stop -WarningAction Stop } | Should -Not -Throw
        Connect-Emulator
        (Get-DelegatedAdminCustomer -Top 1 | Measure-Object).Count | Should -Be 1
        { Import-Module -Name $ModuleManifest -Force -ErrorAction Stop -WarningAction Stop } | Should -Not -Throw
        Connect-Emulator
        @(Get-DelegatedAdminCustomer -First 2).Count | Should -Be 2
    }

    It 'names the path it tried when the library is missing' {
        InModuleScope DelegatedAdmin {
            $saved = $env:DELEGATED_ADMIN_LIBRARY
            try {
                $env:DELEGATED_ADMIN_LIBRARY = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath 'no-such-dir/libdelegated_admin.so'
                $failure = { Resolve-DelegatedAdminLibraryPath } | Should -Throw -PassThru
                $failure.Exception.Message | Should -BeLike '*no-such-dir*libdelegated_admin.so*'
                $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.LibraryNotFound*'

                $env:DELEGATED_ADMIN_LIBRARY = $null
                $platform = Get-DelegatedAdminPlatform
                $platform.Supported | Should -BeTrue
                $expected = Join-Path -Path (Join-Path -Path (Join-Path -Path $script:DelegatedAdminModuleRoot -ChildPath 'runtimes') -ChildPath $platform.Rid) -ChildPath 'native'
                $besideModule = Join-Path -Path $expected -ChildPath $platform.FileName
                if (-not (Test-Path -LiteralPath $besideModule)) {
                    $failure = { Resolve-DelegatedAdminLibraryPath } | Should -Throw -PassThru
                    $failure.Exception.Message | Should -BeLike ('*' + $besideModule + '*')
                    $failure.Exception.Message | Should -BeLike '*DELEGATED_ADMIN_LIBRARY*'
                }
            }
            finally {
                $env:DELEGATED_ADMIN_LIBRARY = $saved
            }
        }
    }
}

Describe 'Connect-DelegatedAdmin' {
    AfterEach {
        Connect-Emulator
    }

    It 'connects with a client secret; the context shows no secret' {
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $Secret -PassThru |
            Should -Not -BeNullOrEmpty
        $context = Get-DelegatedAdminContext
        $context.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.Context'
        $context.TenantId | Should -Be $Fixtures.tenantId
        $context.ClientId | Should -Be $Fixtures.clientId
        $context.AuthKind | Should -Be 'ClientSecret'
        $context.PartnerCenterEndpoint | Should -Be $Url
        $context.ResourceManagerEndpoint | Should -Be $Url
        $context.Authority | Should -Be $Url
        ($context | Out-String) | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
        ($context | ConvertTo-Json) | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
    }

    It 'connects with a PSCredential (user name = client id)' {
        $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $Fixtures.clientId, $Secret
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -Credential $credential
        (Get-DelegatedAdminContext).ClientId | Should -Be $Fixtures.clientId
        (Get-DelegatedAdminCustomer -Top 1 | Measure-Object).Count | Should -Be 1
    }

    It 'refuses a wrong client secret with an authentication error' {
        $wrong = ConvertTo-SecureString -String 'wrong-secret' -AsPlainText -Force
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -ClientSecret $wrong } |
            Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.unauthorized*'
        $failure.Exception.Kind | Should -Be 'unauthorized'
        $failure.Exception.CorrelationId | Should -Not -BeNullOrEmpty
        $failure.Exception.Message | Should -BeLike '*correlation id*'
    }

    It 'takes the tenant from Get-MgContext (Connect-MgGraph) when -TenantId is omitted' {
        $tenant = $Fixtures.tenantId
        # A stand-in for Microsoft.Graph.Authentication's Get-MgContext after Connect-MgGraph (global, as a module
        # command would be; the tenant is baked in because the module's code cannot see this test's variables).
        $body = [scriptblock]::Create("[pscustomobject]@{ TenantId = '$tenant'; Account = 'admin@contoso.onmicrosoft.com' }")
        Set-Item -Path Function:\global:Get-MgContext -Value $body
        try {
            Connect-DelegatedAdmin -Endpoint $Url -ClientId $Fixtures.clientId -ClientSecret $Secret
            $context = Get-DelegatedAdminContext
            $context.TenantId | Should -Be $tenant
            $context.TenantSource | Should -Be 'MgContext'
        }
        finally {
            Remove-Item -Path Function:\Get-MgContext
        }
    }

    It 'needs a tenant when there is no Microsoft Graph context' {
        $failure = { Connect-DelegatedAdmin -Endpoint $Url -ClientId $Fixtures.clientId -ClientSecret $Secret } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.TenantIdRequired*'
    }

    It 'signs in with the device code flow, printing the message, then uses the refresh token' {
        $approveUri = "$Url/_emulator/device/approve"
        Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith {
            $text = [string]$Object
            if ($text -match 'enter the code (\S+)') {
                $body = @{ userCode = $Matches[1] } | ConvertTo-Json -Compress
                Invoke-RestMethod -Method Post -Uri $approveUri -ContentType 'application/json' -Body $body | Out-Null
            }
        }
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -DeviceCode
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Host -Times 1 -Exactly -ParameterFilter { [string]$Object -like '*enter the code*' }
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'DeviceCode'
        (Get-DelegatedAdminCustomer -Top 2 | Measure-Object).Count | Should -Be 2
    }

    It 'connects with a refresh token' {
        $approveUri = "$Url/_emulator/device/approve"
        Mock -ModuleName DelegatedAdmin -CommandName Write-Host -MockWith {
            if ([string]$Object -match 'enter the code (\S+)') {
                Invoke-RestMethod -Method Post -Uri $approveUri -ContentType 'application/json' -Body (@{ userCode = $Matches[1] } | ConvertTo-Json) | Out-Null
            }
        }
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -DeviceCode
        $token = Get-DelegatedAdminToken -Scope 'https://api.partnercustomeradministration.microsoft.com/.default' -AsPlainText
        $token.RefreshToken | Should -Not -BeNullOrEmpty
        $refresh = ConvertTo-SecureString -String $token.RefreshToken -AsPlainText -Force
        Connect-DelegatedAdmin -Endpoint $Url -TenantId $Fixtures.tenantId -ClientId $Fixtures.clientId -RefreshToken $refresh
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'RefreshToken'
        (Get-DelegatedAdminCustomer -Top 1 | Measure-Object).Count | Should -Be 1
    }

    It 'connects with an access token' {
        $token = Get-DelegatedAdminToken -Scope 'https://api.partnercustomeradministration.microsoft.com/.default'
        $token.AccessToken | Should -BeOfType ([System.Security.SecureString])
        Connect-DelegatedAdmin -Endpoint $Url -AccessToken $token.AccessToken
        (Get-DelegatedAdminContext).AuthKind | Should -Be 'AccessToken'
        (Get-DelegatedAdminCustomer -Top 3 | Measure-Object).Count | Should -Be 3
        { Get-DelegatedAdminToken } | Should -Throw -ExpectedMessage '*-AccessToken*'
    }

    It 'Disconnect-DelegatedAdmin makes the cmdlets refuse to run' {
        Disconnect-DelegatedAdmin
        Get-DelegatedAdminContext | Should -BeNullOrEmpty
        $failure = { Get-DelegatedAdminCustomer -Top 1 } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.NotConnected*'
        $failure.Exception.Message | Should -BeLike '*Connect-DelegatedAdmin*'
    }
}

Describe 'Get-DelegatedAdminToken' {
    It 'returns the token as a SecureString by default' {
        $token = Get-DelegatedAdminToken -Resource 'https://management.azure.com'
        $token.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.Token'
        $token.AccessToken | Should -BeOfType ([System.Security.SecureString])
        $token.TokenType | Should -Be 'Bearer'
        $token.ExpiresOn | Should -BeOfType ([datetime])
        $token.ExpiresOn | Should -BeGreaterThan ([DateTime]::UtcNow)
    }

    It 'returns plain text only with -AsPlainText' {
        $token = Get-DelegatedAdminToken -Scope 'https://management.azure.com/.default' -AsPlainText
        $token.AccessToken | Should -BeOfType ([string])
        $token.AccessToken.Length | Should -BeGreaterThan 10
    }
}

Describe 'Get-DelegatedAdminCustomer' {
    It 'returns every customer across pages as DelegatedAdmin.Customer objects' {
        $customers = @(Get-DelegatedAdminCustomer)
        $customers.Count | Should -Be $Fixtures.customerCount
        $customers[0].PSObject.TypeNames | Should -Contain 'DelegatedAdmin.Customer'
        $customers[0].CustomerTenantId | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-'
        $customers[0].StartDateTime | Should -BeOfType ([datetime])
        @($customers | Select-Object -ExpandProperty CustomerTenantId -Unique).Count | Should -Be $customers.Count
    }

    It 'keeps non-ASCII display names exactly' {
        $customers = @(Get-DelegatedAdminCustomer)
        $nonAscii = @($customers | Where-Object { $_.OrganizationDisplayName -match '[^\u0000-\u007F]' })
        $nonAscii.Count | Should -BeGreaterThan 0
        foreach ($customer in ($nonAscii | Select-Object -First 5)) {
            $customer.OrganizationDisplayName | Should -BeExactly (Get-EmulatorCustomer -Id $customer.CustomerTenantId).organizationDisplayName
        }
    }

    It 'returns one page with -Top and at most -First customers' {
        @(Get-DelegatedAdminCustomer -Top 7).Count | Should -Be 7
        @(Get-DelegatedAdminCustomer -First 3).Count | Should -Be 3
        @(Get-DelegatedAdminCustomer -First 120).Count | Should -Be 120
    }

    It 'passes -Filter, -OrderBy, -Skip and -Select to the service' {
        $dap = @(Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true')
        $dap.Count | Should -BeGreaterThan 0
        @($dap | Where-Object { $_.DapEnabled -ne $true }).Count | Should -Be 0

        $ordered = @(Get-DelegatedAdminCustomer -OrderBy 'organizationDisplayName' -First 20)
        $names = @($ordered | ForEach-Object { $_.OrganizationDisplayName })
        $sorted = [string[]]$names.Clone()
        [Array]::Sort($sorted, [StringComparer]::Ordinal)
        $names | Should -Be $sorted

        $skipped = @(Get-DelegatedAdminCustomer -OrderBy 'organizationDisplayName' -Skip 5 -Top 5)
        $skipped[0].CustomerTenantId | Should -Be $ordered[5].CustomerTenantId

        $selected = @(Get-DelegatedAdminCustomer -Select organizationDisplayName -Top 2)
        $selected[0].OrganizationDisplayName | Should -Not -BeNullOrEmpty
        $selected[0].CustomerTenantId | Should -Not -BeNullOrEmpty
    }

    It 'writes the service count to the information stream with -IncludeCount' {
        $null = Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' -Top 1 -IncludeCount -InformationVariable info
        $count = @($info | Where-Object { $_.Tags -contains 'Count' })
        $count.Count | Should -Be 1
        [long]$count[0].MessageData | Should -Be @(Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true').Count
    }

    It '-InactiveDays 90 returns the DAP customers without a sign-in for 90 days' {
        $inactive = @(Get-DelegatedAdminCustomer -InactiveDays 90)
        $inactive.Count | Should -Be $Fixtures.inactiveDapCount
        foreach ($customer in $inactive) {
            $customer.DapEnabled | Should -BeTrue
            $customer.InactiveDays | Should -BeGreaterThan 90
        }
        $ids = @($inactive | ForEach-Object { $_.CustomerTenantId })
        foreach ($id in $Fixtures.inactiveDapCustomerIds) {
            $ids | Should -Contain $id
        }
    }

    It 'refuses invalid arguments before calling the service' {
        { Get-DelegatedAdminCustomer -Top 0 } | Should -Throw
        { Get-DelegatedAdminCustomer -Top 301 } | Should -Throw
        { Get-DelegatedAdminCustomer -OrderBy 'customerTenantId' } | Should -Throw
        $failure = { Get-DelegatedAdminCustomer -Filter 'dapEnabled eq' -Top 1 } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -BeIn @('InvalidArgument', 'InvalidResult')
    }
}

Describe 'Remove-DelegatedAdminDapRelationship' {
    It 'changes nothing with -WhatIf' {
        $id = $Fixtures.inactiveDapCustomerIds[0]
        Remove-DelegatedAdminDapRelationship -CustomerTenantId $id -WhatIf
        (Get-EmulatorCustomer -Id $id).dapEnabled | Should -BeTrue
        Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -WhatIf
        @(Get-DelegatedAdminCustomer -InactiveDays 90).Count | Should -Be $Fixtures.inactiveDapCount
    }

    It 'removes one relationship with -Confirm:$false and -PassThru' {
        $id = $Fixtures.inactiveDapCustomerIds[0]
        $result = Remove-DelegatedAdminDapRelationship -CustomerTenantId $id -Confirm:$false -PassThru
        $result.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapRemoval'
        $result.CustomerTenantId | Should -Be $id
        $result.AllowDelegatedAccess | Should -BeFalse
        (Get-EmulatorCustomer -Id $id).dapEnabled | Should -BeFalse
    }

    It 'writes a non-terminating ObjectNotFound error for an unknown customer and goes on with the next' {
        $unknown = [guid]::NewGuid().ToString()
        $next = $Fixtures.inactiveDapCustomerIds[1]
        $unknown, $next | Remove-DelegatedAdminDapRelationship -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.not_found*Remove-DelegatedAdminDapRelationship'
        $failures[0].TargetObject | Should -Be $unknown
        $failures[0].Exception.Status | Should -Be 404
        $failures[0].Exception.Code | Should -Not -BeNullOrEmpty
        $failures[0].ErrorDetails.Message | Should -BeLike '*HTTP status: 404*correlation id: *'
        (Get-EmulatorCustomer -Id $next).dapEnabled | Should -BeFalse
    }

    It 'gives InvalidArgument for an id that is not a GUID (terminating with -ErrorAction Stop)' {
        $failure = { Remove-DelegatedAdminDapRelationship -CustomerTenantId 'not-a-guid' -Force -ErrorAction Stop } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'cleans up: Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -Confirm:$false' {
        $before = @(Get-DelegatedAdminCustomer -InactiveDays 90)
        $before.Count | Should -BeGreaterThan 0
        Get-DelegatedAdminCustomer -InactiveDays 90 | Remove-DelegatedAdminDapRelationship -Confirm:$false
        @(Get-DelegatedAdminCustomer -InactiveDays 90).Count | Should -Be 0
        foreach ($customer in $before) {
            (Get-EmulatorCustomer -Id $customer.CustomerTenantId).dapEnabled | Should -BeFalse
        }
    }
}

Describe 'Set-DelegatedAdminRelationship' {
    It 'changes nothing with -WhatIf' {
        $relationship = $Fixtures.relationships[0]
        $wanted = -not $relationship.autoExtendEnabled
        Set-DelegatedAdminRelationship -TenantDomain $Fixtures.tenantDomain -CustomerId $relationship.customerId -RelationshipId $relationship.relationshipId -ProviderInstanceId $Fixtures.providerInstanceId -AutoExtendEnabled $wanted -WhatIf
        $now = (Get-EmulatorFixture).relationships | Where-Object { $_.relationshipId -eq $relationship.relationshipId }
        $now.autoExtendEnabled | Should -Be $relationship.autoExtendEnabled
    }

    It 'turns auto-extend on or off' {
        $relationship = $Fixtures.relationships[0]
        $wanted = -not $relationship.autoExtendEnabled
        $result = Set-DelegatedAdminRelationship -TenantDomain $Fixtures.tenantDomain -CustomerId $relationship.customerId -RelationshipId $relationship.relationshipId -ProviderInstanceId $Fixtures.providerInstanceId -AutoExtendEnabled $wanted -Confirm:$false -PassThru
        $result.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.RelationshipUpdate'
        $result.AutoExtendEnabled | Should -Be $wanted
        $now = (Get-EmulatorFixture).relationships | Where-Object { $_.relationshipId -eq $relationship.relationshipId }
        $now.autoExtendEnabled | Should -Be $wanted
    }

    It 'takes relationships from the pipeline by property name' {
        $relationships = @($Fixtures.relationships | Select-Object -Skip 1 -First 2)
        $relationships | Select-Object customerId, relationshipId, providerInstanceId, @{ n = 'AutoExtendEnabled'; e = { $true } } |
            Set-DelegatedAdminRelationship -TenantDomain $Fixtures.tenantDomain -Confirm:$false
        $now = (Get-EmulatorFixture).relationships
        foreach ($relationship in $relationships) {
            ($now | Where-Object { $_.relationshipId -eq $relationship.relationshipId }).autoExtendEnabled | Should -BeTrue
        }
    }

    It 'writes PermissionDenied for a portal domain the caller cannot use' {
        $relationship = $Fixtures.relationships[0]
        Set-DelegatedAdminRelationship -TenantDomain 'wrong.example.com' -CustomerId $relationship.customerId -RelationshipId $relationship.relationshipId -ProviderInstanceId $Fixtures.providerInstanceId -AutoExtendEnabled $true -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.forbidden*'
    }
}

Describe 'Get-DelegatedAdminLighthouseAssignment' {
    It 'lists the assignments of a subscription as flattened objects' {
        $subscription = $Fixtures.subscriptions[0]
        $scope = "/subscriptions/$($subscription.subscriptionId)"
        $assignments = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope -IncludeDefinition)
        $expected = @($subscription.assignments | Where-Object { $_.scope -eq $scope })
        $assignments.Count | Should -BeGreaterOrEqual $expected.Count
        $assignments[0].PSObject.TypeNames | Should -Contain 'DelegatedAdmin.LighthouseAssignment'
        $assignments[0].Scope | Should -Be $scope
        $assignments[0].AssignmentId | Should -BeLike "$scope/providers/Microsoft.ManagedServices/registrationAssignments/*"
        $assignments[0].ManagedByTenantId | Should -Be $Fixtures.tenantId
        $assignments[0].ManagedByTenantName | Should -Not -BeNullOrEmpty
        $assignments[0].ProvisioningState | Should -Not -BeNullOrEmpty
    }

    It 'takes scopes and subscription ids from the pipeline' {
        $scopes = @($Fixtures.subscriptions | ForEach-Object { "/subscriptions/$($_.subscriptionId)" })
        @($scopes | Get-DelegatedAdminLighthouseAssignment).Count | Should -BeGreaterThan 0
        @($Fixtures.subscriptions | Select-Object subscriptionId | Get-DelegatedAdminLighthouseAssignment).Count | Should -BeGreaterThan 0
    }

    It 'gives InvalidArgument for a scope that is not a subscription or resource group (terminating with -ErrorAction Stop)' {
        $failure = { Get-DelegatedAdminLighthouseAssignment -Scope '/providers/Microsoft.ManagedServices' -ErrorAction Stop } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Remove-DelegatedAdminLighthouseAssignment' {
    It 'changes nothing with -WhatIf' {
        $scope = "/subscriptions/$($Fixtures.subscriptions[0].subscriptionId)"
        $before = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope)
        $before | Remove-DelegatedAdminLighthouseAssignment -WhatIf
        @(Get-DelegatedAdminLighthouseAssignment -Scope $scope).Count | Should -Be $before.Count
    }

    It 'removes piped assignments and waits for the deletes' {
        $scope = "/subscriptions/$($Fixtures.subscriptions[0].subscriptionId)"
        $victims = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope -IncludeDefinition | Select-Object -First 2)
        $results = @($victims | Remove-DelegatedAdminLighthouseAssignment -Confirm:$false -PassThru)
        $results.Count | Should -Be $victims.Count
        foreach ($result in $results) {
            $result.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.LighthouseAssignmentRemoval'
            $result.Status | Should -Be 'deleted'
        }
        $left = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope | ForEach-Object { $_.AssignmentId })
        foreach ($victim in $victims) {
            $left | Should -Not -Contain $victim.AssignmentId
        }
    }

    It 'removes by scope and name (parameter set Name), and warns when the assignment is already gone' {
        $subscription = $Fixtures.subscriptions[1]
        $scope = "/subscriptions/$($subscription.subscriptionId)"
        $assignment = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope)[0]
        $result = Remove-DelegatedAdminLighthouseAssignment -Scope $scope -AssignmentName $assignment.Name -Force -PassThru
        $result.Status | Should -Be 'deleted'
        $again = Remove-DelegatedAdminLighthouseAssignment -AssignmentId $assignment.AssignmentId -Force -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $again.Status | Should -Be 'notFound'
        @($warnings).Count | Should -Be 1
        [string]$warnings[0] | Should -BeLike '*does not exist*'
    }

    It '-NoWait returns once ARM accepted the delete; a second delete meanwhile is a ResourceExists error for that item only' {
        $subscription = $Fixtures.subscriptions[1]
        $scope = "/subscriptions/$($subscription.subscriptionId)"
        $assignments = @(Get-DelegatedAdminLighthouseAssignment -Scope $scope)
        $assignments.Count | Should -BeGreaterOrEqual 2
        $first = $assignments[0]
        $accepted = Remove-DelegatedAdminLighthouseAssignment -AssignmentId $first.AssignmentId -NoWait -Force -PassThru
        $accepted.Status | Should -Be 'accepted'
        $accepted.OperationUrl | Should -Not -BeNullOrEmpty
        # The emulator keeps a delete running until it is polled: deleting it again is ARM's 409.
        $results = @($first.AssignmentId, $assignments[1].AssignmentId | Remove-DelegatedAdminLighthouseAssignment -Force -PassThru -ErrorVariable failures -ErrorAction SilentlyContinue)
        @($failures).Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $failures[0].TargetObject | Should -Be $first.AssignmentId
        $failures[0].Exception.Code | Should -Be 'AnotherOperationInProgress'
        $results.Count | Should -Be 1
        $results[0].AssignmentId | Should -Be $assignments[1].AssignmentId
        $results[0].Status | Should -Be 'deleted'
    }

    It 'gives InvalidArgument for an id that is not a registration assignment (terminating with -ErrorAction Stop)' {
        $failure = { Remove-DelegatedAdminLighthouseAssignment -AssignmentId '/subscriptions/x' -Force -ErrorAction Stop } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe '-Verbose' {
    It 'shows the operation, method, host and correlation id, never a secret or token' {
        $token = Get-DelegatedAdminToken -Scope 'https://api.partnercustomeradministration.microsoft.com/.default' -AsPlainText
        $verbose = @(Get-DelegatedAdminCustomer -Top 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
        $text = $verbose -join "`n"
        $text | Should -Match 'da_list_delegated_admin_customers: GET 127\.0\.0\.1:\d+ \(correlation id [0-9a-f-]{36}\)'
        $text | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
        $text | Should -Not -Match ([regex]::Escape($token.AccessToken))
    }
}

Describe 'DAP cleanup: New-DelegatedAdminDapCleanupPlan and Invoke-DelegatedAdminDapCleanup' {
    BeforeAll {
        # An emulator of its own: the tests above removed the inactive DAP relationships of the shared one.
        # 120 customers, 36 of them inactive DAP candidates; each test below works on its own slice of them.
        $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
        $startInfo.FileName = $emulatorPath
        $startInfo.Arguments = '--port 0 --customers 120 --seed 7'
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $CleanupEmulator = [System.Diagnostics.Process]::Start($startInfo)
        $line = $CleanupEmulator.StandardOutput.ReadLine()
        if ($line -notmatch '^listening on (\S+)') {
            throw "The cleanup emulator did not print 'listening on URL' (got '$line')."
        }
        $CleanupUrl = $Matches[1].TrimEnd('/')

        function Get-CleanupJson {
            param([string] $Path)
            $client = New-Object -TypeName System.Net.WebClient
            try {
                $client.Encoding = [System.Text.Encoding]::UTF8
                $client.DownloadString("$CleanupUrl$Path") | ConvertFrom-Json
            }
            finally {
                $client.Dispose()
            }
        }

        function Get-CleanupRequest {
            # Windows PowerShell 5.1's ConvertFrom-Json writes a JSON array as one object; PowerShell 7's enumerates it.
            $parsed = Get-CleanupJson -Path '/_emulator/requests'
            foreach ($item in $parsed) {
                if ($null -ne $item) {
                    $item
                }
            }
        }

        function Invoke-CleanupControl {
            param([string] $Path, [string] $Body)
            if ([string]::IsNullOrEmpty($Body)) {
                # No body: the emulator may answer a body-less control endpoint before reading one, and close.
                Invoke-RestMethod -Method Post -Uri "$CleanupUrl$Path" | Out-Null
            }
            else {
                Invoke-RestMethod -Method Post -Uri "$CleanupUrl$Path" -ContentType 'application/json' -Body $Body | Out-Null
            }
        }

        function Get-CleanupCustomer {
            param([string] $Id)
            Get-CleanupJson -Path "/_emulator/customers/$Id"
        }

        function Connect-CleanupEmulator {
            param([int] $MaxRetries = -1)
            $secret = ConvertTo-SecureString -String $CleanupFixtures.clientSecret -AsPlainText -Force
            if ($MaxRetries -ge 0) {
                Connect-DelegatedAdmin -Endpoint $CleanupUrl -TenantId $CleanupFixtures.tenantId -ClientId $CleanupFixtures.clientId -ClientSecret $secret -MaxRetries $MaxRetries
            }
            else {
                Connect-DelegatedAdmin -Endpoint $CleanupUrl -TenantId $CleanupFixtures.tenantId -ClientId $CleanupFixtures.clientId -ClientSecret $secret
            }
        }

        function Get-JournalOutcome {
            param([string] $Path)
            @(Get-Content -LiteralPath $Path -Encoding UTF8 | Where-Object { $_ -match '"type"\s*:\s*"outcome"' } | ForEach-Object { $_ | ConvertFrom-Json })
        }

        $CleanupFixtures = Get-CleanupJson -Path '/_emulator/fixtures'
        Connect-CleanupEmulator

        $Work = Join-Path -Path $TestDrive -ChildPath 'cleanup'
        $null = New-Item -ItemType Directory -Path $Work
        $FullPlanPath = Join-Path -Path $Work -ChildPath 'full-plan.json'
        # The apply tests below need every inactive DAP customer as a candidate; the GDAP rule has its own test.
        $FullPlan = New-DelegatedAdminDapCleanupPlan -Path $FullPlanPath -AllowWithoutGdap
        $Ids = @($FullPlan.Candidates | ForEach-Object { $_.CustomerTenantId })
        if ($Ids.Count -lt 27) {
            throw "The cleanup emulator has $($Ids.Count) candidates; the tests need 27."
        }
    }

    AfterAll {
        if ($null -ne $CleanupEmulator -and -not $CleanupEmulator.HasExited) {
            $CleanupEmulator.Kill()
            $CleanupEmulator.WaitForExit(5000) | Out-Null
        }
        Connect-Emulator
    }

    It 'keeps an inactive DAP customer without an active GDAP relationship (no_active_gdap), warns, and lets -AllowWithoutGdap lift the rule' {
        $with = @($CleanupFixtures.gdap.inactiveDapWithActiveGdap)
        $without = @($CleanupFixtures.gdap.inactiveDapWithoutActiveGdap)
        $without.Count | Should -BeGreaterThan 0
        $with.Count | Should -BeGreaterThan 0
        $warnings = $null
        $plan = New-DelegatedAdminDapCleanupPlan -WarningVariable warnings -WarningAction SilentlyContinue
        $plan.AllowWithoutGdap | Should -BeFalse
        $plan.Gdap.Required | Should -BeTrue
        $plan.Gdap.Checked | Should -BeTrue
        $plan.Gdap.Error | Should -BeNullOrEmpty
        $candidates = @($plan.Candidates | ForEach-Object { $_.CustomerTenantId })
        $held = @($plan.Kept | Where-Object { $_.Reason -eq 'no_active_gdap' })
        $heldIds = @($held | ForEach-Object { $_.CustomerTenantId })
        $plan.Gdap.Held | Should -Be $held.Count
        # The fixtures sample the inactive DAP customers; every sampled one without GDAP is held.
        foreach ($id in $without) {
            $heldIds | Should -Contain $id
        }
        foreach ($id in $with) {
            $candidates | Should -Contain $id
        }
        $held[0].Detail | Should -Match 'no active GDAP relationship'
        $plan.CandidateCount | Should -Be ($FullPlan.CandidateCount - $held.Count)
        ($warnings -join "`n") | Should -Match ('{0} inactive DAP customer\(s\) were kept because the partner holds no active GDAP' -f $held.Count)
        # The plan the other tests use lifted the rule and says so; Graph was not asked.
        $FullPlan.AllowWithoutGdap | Should -BeTrue
        $FullPlan.Gdap.Required | Should -BeFalse
        $FullPlan.Gdap.Checked | Should -BeFalse
        foreach ($id in $without) {
            $Ids | Should -Contain $id
        }
    }

    It 'plans every customer: the inactive DAP ones are candidates, every other one is kept with its reason' {
        $FullPlan.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupPlan'
        $FullPlan.PlanId | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-'
        $FullPlan.InactiveDays | Should -Be 90
        $FullPlan.CustomerCount | Should -Be $CleanupFixtures.customerCount
        $FullPlan.CandidateCount | Should -Be $CleanupFixtures.inactiveDapCount
        ($FullPlan.CandidateCount + $FullPlan.KeptCount) | Should -Be $FullPlan.CustomerCount
        @($FullPlan.Candidates).Count | Should -Be $FullPlan.CandidateCount
        @($FullPlan.Kept).Count | Should -Be $FullPlan.KeptCount
        $FullPlan.AsOf | Should -BeOfType ([datetime])
        foreach ($id in $CleanupFixtures.inactiveDapCustomerIds) {
            $Ids | Should -Contain $id
        }
        foreach ($entry in $FullPlan.Candidates) {
            $entry.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupPlanEntry'
            $entry.IsCandidate | Should -BeTrue
            $entry.Reason | Should -BeIn @('inactive_sign_in', 'never_signed_in')
            $entry.DapEnabled | Should -BeTrue
            $entry.InactiveDays | Should -BeGreaterOrEqual 90
            $entry.Detail | Should -Not -BeNullOrEmpty
        }
        foreach ($entry in $FullPlan.Kept) {
            $entry.IsCandidate | Should -BeFalse
            $entry.Reason | Should -BeIn @('no_dap', 'recent_sign_in', 'recent_start', 'no_dates', 'excluded', 'not_included', 'invalid_id')
        }
    }

    It 'saves the plan with -Path exactly as the library wrote it, and keeps that JSON on the object' {
        $FullPlan.Path | Should -Be $FullPlanPath
        $saved = [System.IO.File]::ReadAllText($FullPlanPath, [System.Text.Encoding]::UTF8)
        $saved | Should -BeExactly $FullPlan.PlanJson
        ($saved | ConvertFrom-Json).planId | Should -Be $FullPlan.PlanId
    }

    It 'plans as a job: Write-Progress while listing, the job events with -Verbose' {
        Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
        # A temporary folder of this test's own: the machine's is shared with other runs, whose plans may be there.
        $temporary = Join-Path -Path $TestDrive -ChildPath 'temp-plan'
        $null = New-Item -ItemType Directory -Path $temporary
        $saved = @{}
        foreach ($name in @('TMPDIR', 'TMP', 'TEMP')) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $temporary)
        }
        try {
            [System.IO.Path]::GetTempPath().TrimEnd([System.IO.Path]::DirectorySeparatorChar) | Should -Be $temporary
            $records = @(New-DelegatedAdminDapCleanupPlan -Verbose 4>&1)
        }
        finally {
            foreach ($name in @($saved.Keys)) {
                [Environment]::SetEnvironmentVariable($name, $saved[$name])
            }
        }
        $plans = @($records | Where-Object { $_.PSObject.TypeNames -contains 'DelegatedAdmin.DapCleanupPlan' })
        $plans.Count | Should -Be 1
        $plans[0].Path | Should -BeNullOrEmpty
        $text = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
        $text | Should -Match 'da_job_start \(planDapCleanup\): 127\.0\.0\.1:\d+ \(correlation id [0-9a-f-]{36}\)'
        $text | Should -Match 'listing delegated admin customers'
        $text | Should -Match 'planned: \d+ customers, \d+ candidates, \d+ kept'
        $text | Should -Not -Match ([regex]::Escape($CleanupFixtures.clientSecret))
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '*listed*' }
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Completed }
        # The temporary plan file is gone.
        @(Get-ChildItem -LiteralPath $temporary -Filter ('DelegatedAdmin-plan-*.json')).Count | Should -Be 0
    }

    It 'honours -Include and -Exclude, and refuses ids that are not GUIDs' {
        $plan = New-DelegatedAdminDapCleanupPlan -Include $Ids[0], $Ids[1] -Exclude $Ids[1]
        $plan.CandidateCount | Should -Be 1
        $plan.Candidates[0].CustomerTenantId | Should -Be $Ids[0]
        ($plan.Kept | Where-Object { $_.CustomerTenantId -eq $Ids[1] }).Reason | Should -Be 'excluded'
        ($plan.Kept | Where-Object { $_.CustomerTenantId -eq $Ids[2] }).Reason | Should -Be 'not_included'
        $plan.Include | Should -Be @($Ids[0], $Ids[1])
        $plan.Exclude | Should -Be @($Ids[1])
        $failure = { New-DelegatedAdminDapCleanupPlan -Exclude 'not-a-guid' } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.InvalidArgument.Exclude*'
    }

    It '-WhatIf lists the candidates and calls nothing: no request, no journal, no change' {
        $journal = Join-Path -Path $Work -ChildPath 'whatif.journal.jsonl'
        Invoke-CleanupControl -Path '/_emulator/requests/clear'
        $result = $FullPlan | Invoke-DelegatedAdminDapCleanup -JournalPath $journal -WhatIf
        $result | Should -BeNullOrEmpty
        @(Get-CleanupRequest).Count | Should -Be 0
        Test-Path -LiteralPath $journal | Should -BeFalse
        foreach ($id in $Ids) {
            (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeTrue
        }
    }

    It '-Force removes every candidate of the plan and nothing else; the report counts add up; JSON and CSV reports' {
        $group = @($Ids[0..5])
        $planPath = Join-Path -Path $Work -ChildPath 'force-plan.json'
        $plan = New-DelegatedAdminDapCleanupPlan -Include $group -Path $planPath -AllowWithoutGdap
        $plan.CandidateCount | Should -Be 6
        $journal = Join-Path -Path $Work -ChildPath 'force.journal.jsonl'
        $jsonReport = Join-Path -Path $Work -ChildPath 'force-report.json'
        $csvReport = Join-Path -Path $Work -ChildPath 'force-report.csv'

        $report = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath $journal -ReportPath $jsonReport -ReportCsvPath $csvReport -RequestsPerSecond 0 -Force

        $report.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupReport'
        $report.PlanId | Should -Be $plan.PlanId
        $report.StoppedEarly | Should -BeFalse
        $report.Counts.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupCounts'
        $report.Counts.Candidates | Should -Be 6
        $report.Counts.Removed | Should -Be 6
        $report.Counts.Failed | Should -Be 0
        $report.Counts.FromJournal | Should -Be 0
        $report.Counts.Customers | Should -Be $plan.CustomerCount
        $report.Counts.Customers | Should -Be ($report.Counts.Removed + $report.Counts.Failed + $report.Counts.Skipped)
        $report.Counts.Candidates | Should -Be ($report.Counts.Removed + $report.Counts.Failed + $report.Counts.SkippedCandidates)
        @($report.Outcomes).Count | Should -Be $report.Counts.Customers
        $report.Outcomes[0].PSObject.TypeNames | Should -Contain 'DelegatedAdmin.DapCleanupOutcome'
        $removed = @($report.Outcomes | Where-Object { $_.Outcome -eq 'removed' })
        $removed.Count | Should -Be 6
        foreach ($outcome in $removed) {
            $group | Should -Contain $outcome.CustomerTenantId
            $outcome.Stage | Should -Be 'apply'
            $outcome.CorrelationId | Should -Match '^[0-9a-f-]{36}$'
            $outcome.At | Should -BeOfType ([datetime])
        }
        foreach ($id in $group) {
            (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeFalse
        }
        foreach ($id in $Ids[6..($Ids.Count - 1)]) {
            (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeTrue
        }

        $report.JournalPath | Should -Be $journal
        Test-Path -LiteralPath $journal | Should -BeTrue
        $report.ReportPath | Should -Be $jsonReport
        (Get-Content -LiteralPath $jsonReport -Raw -Encoding UTF8 | ConvertFrom-Json).counts.removed | Should -Be 6
        $rows = @(Import-Csv -LiteralPath $csvReport -Encoding UTF8)
        $rows.Count | Should -Be $report.Counts.Customers
        @($rows | Where-Object { $_.outcome -eq 'removed' }).Count | Should -Be 6
    }

    It 'applying the same plan with the same journal again acts on nothing twice' {
        $planPath = Join-Path -Path $Work -ChildPath 'force-plan.json'
        $journal = Join-Path -Path $Work -ChildPath 'force.journal.jsonl'
        Invoke-CleanupControl -Path '/_emulator/requests/clear'
        $again = Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -JournalPath $journal -Force
        $again.Counts.FromJournal | Should -Be 6
        $again.Counts.Removed | Should -Be 6
        $again.Requests | Should -Be 0
        @(Get-CleanupRequest | Where-Object { $_.method -eq 'PATCH' }).Count | Should -Be 0
        @(Get-JournalOutcome -Path $journal).Count | Should -Be 6
    }

    It 'puts the default journal in the per-user data folder, never the current directory, and prints where' {
        $planPath = Join-Path -Path $Work -ChildPath 'force-plan.json'
        $planId = (Get-Content -LiteralPath $planPath -Raw | ConvertFrom-Json).planId
        $savedXdg = $env:XDG_DATA_HOME
        $here = Join-Path -Path $TestDrive -ChildPath 'working-folder'
        $null = New-Item -ItemType Directory -Force -Path $here
        Push-Location -LiteralPath $here
        try {
            # Linux: .NET's LocalApplicationData is $XDG_DATA_HOME; point it into the test drive.
            $env:XDG_DATA_HOME = Join-Path -Path $TestDrive -ChildPath 'xdg-data'
            $dataFolder = [Environment]::GetFolderPath('LocalApplicationData', 'Create')
            $expected = [System.IO.Path]::Combine($dataFolder, 'DelegatedAdmin', 'journals', ('dap-cleanup-{0}.journal.jsonl' -f $planId))
            $records = @(Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -Force -Verbose 4>&1 6>&1)
            Test-Path -LiteralPath $expected | Should -BeTrue
            @(Get-ChildItem -LiteralPath $here).Count | Should -Be 0 -Because 'nothing is written to the current directory'
            $printed = @($records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | ForEach-Object { [string]$_.MessageData }) -join "`n"
            $printed | Should -BeLike ('*' + $expected + '*')
            $report = @($records | Where-Object { $_.PSObject.TypeNames -contains 'DelegatedAdmin.DapCleanupReport' })[0]
            $report.JournalPath | Should -Be $expected
            # A new journal, but the recheck finds these DAP relationships already gone: skipped, not sent again.
            $report.Counts.SkippedCandidates | Should -Be 6
            $report.Counts.Removed | Should -Be 0
            Remove-Item -LiteralPath $expected -Force
        }
        finally {
            Pop-Location
            $env:XDG_DATA_HOME = $savedXdg
        }
    }

    It 'a stopped run (Ctrl+C) cancels the job cleanly, and the same plan and journal resume it' {
        $group = @($Ids[6..21])
        $planPath = Join-Path -Path $Work -ChildPath 'stop-plan.json'
        $plan = New-DelegatedAdminDapCleanupPlan -Include $group -Path $planPath -AllowWithoutGdap
        $plan.CandidateCount | Should -Be 16
        $journal = Join-Path -Path $Work -ChildPath 'stop.journal.jsonl'

        # The run, slowly paced, in a runspace of its own; Stop() does what Ctrl+C does: PowerShell stops the
        # pipeline, and the cmdlet's finally cancels the job, waits for it to settle and frees it.
        $script = {
            param($ModulePath, $Url, $TenantId, $ClientId, $ClientSecret, $PlanPath, $JournalPath)
            Import-Module -Name $ModulePath -ErrorAction Stop
            Connect-DelegatedAdmin -Endpoint $Url -TenantId $TenantId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force)
            Invoke-DelegatedAdminDapCleanup -PlanPath $PlanPath -JournalPath $JournalPath -Concurrency 1 -RequestsPerSecond 2 -Force
        }
        $modulePath = $ModuleManifest
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script.ToString())
            foreach ($argument in @($modulePath, $CleanupUrl, $CleanupFixtures.tenantId, $CleanupFixtures.clientId, $CleanupFixtures.clientSecret, $planPath, $journal)) {
                $null = $ps.AddArgument($argument)
            }
            $async = $ps.BeginInvoke()
            $settled = 0
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not $async.IsCompleted) {
                if (Test-Path -LiteralPath $journal) {
                    $settled = @(Get-JournalOutcome -Path $journal).Count
                    if ($settled -ge 2) {
                        break
                    }
                }
                Start-Sleep -Milliseconds 100
            }
            $async.IsCompleted | Should -BeFalse -Because 'the paced run must still be going when it is stopped'
            $settled | Should -BeGreaterOrEqual 2
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $warnings = @($ps.Streams.Warning | ForEach-Object { $_.Message }) -join "`n"
            if ($warnings.Length -gt 0) {
                $warnings | Should -BeLike ('*' + $journal + '*')
            }
        }
        finally {
            $ps.Dispose()
        }

        # Stopped part-way: some removed and journaled, some not yet.
        $before = @(Get-JournalOutcome -Path $journal | Where-Object { $_.outcome -eq 'removed' })
        $before.Count | Should -BeGreaterOrEqual 2
        @($group | Where-Object { (Get-CleanupCustomer -Id $_).dapEnabled }).Count | Should -BeGreaterThan 0

        # Resume: the same plan and journal.
        $report = Invoke-DelegatedAdminDapCleanup -PlanPath $planPath -JournalPath $journal -RequestsPerSecond 0 -Force
        $report.StoppedEarly | Should -BeFalse
        $report.Counts.Candidates | Should -Be 16
        $report.Counts.Removed | Should -Be 16
        $report.Counts.Failed | Should -Be 0
        $report.Counts.FromJournal | Should -BeGreaterOrEqual $before.Count
        $report.Counts.Customers | Should -Be ($report.Counts.Removed + $report.Counts.Failed + $report.Counts.Skipped)
        $report.Counts.Candidates | Should -Be ($report.Counts.Removed + $report.Counts.Failed + $report.Counts.SkippedCandidates)
        foreach ($id in $group) {
            (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeFalse
        }
        # Nothing twice: one "removed" outcome per customer across both runs.
        $removedLines = @(Get-JournalOutcome -Path $journal | Where-Object { $_.outcome -eq 'removed' })
        $perCustomer = @($removedLines | Group-Object -Property customerTenantId)
        $perCustomer.Count | Should -Be 16
        foreach ($customer in $perCustomer) {
            $customer.Count | Should -Be 1 -Because $customer.Name
        }
    }

    It 'declined customers: the reduced plan keeps the plan id, applies only the confirmed ones, and the whole plan finishes later' {
        $group = @($Ids[22..25])
        $plan = New-DelegatedAdminDapCleanupPlan -Include $group -AllowWithoutGdap
        $confirmed = @($group[0], $group[1])
        $json = InModuleScope DelegatedAdmin -Parameters @{ PlanJson = $plan.PlanJson; Confirmed = $confirmed } -ScriptBlock {
            param($PlanJson, $Confirmed)
            ConvertTo-DelegatedAdminReducedPlanJson -PlanJson $PlanJson -CustomerTenantId $Confirmed
        }
        $reduced = $json | ConvertFrom-Json
        $reduced.planId | Should -Be $plan.PlanId
        @($reduced.candidates).Count | Should -Be 2
        $reduced.summary.candidates | Should -Be 2
        $reduced.summary.kept | Should -Be ($plan.KeptCount + 2)
        $reduced.summary.customers | Should -Be $plan.CustomerCount
        $declined = @($reduced.kept | Where-Object { $group[2..3] -contains $_.customerTenantId })
        $declined.Count | Should -Be 2
        foreach ($entry in $declined) {
            $entry.reason | Should -Be 'excluded'
            $entry.detail | Should -BeLike 'declined when asked*'
        }

        # What the cmdlet does with it when only some customers were confirmed: the same job, the reduced plan.
        $journal = Join-Path -Path $Work -ChildPath 'reduced.journal.jsonl'
        $report = InModuleScope DelegatedAdmin -Parameters @{ Json = $json; Journal = $journal } -ScriptBlock {
            param($Json, $Journal)
            Invoke-DelegatedAdminJob -Operation 'applyDapCleanup' -Request @{ journalPath = $Journal; requestsPerSecond = 0 } -RawJson @{ plan = $Json } -Activity 'test'
        }
        $report.counts.removed | Should -Be 2
        $report.counts.customers | Should -Be $plan.CustomerCount
        (Get-CleanupCustomer -Id $group[0]).dapEnabled | Should -BeFalse
        (Get-CleanupCustomer -Id $group[1]).dapEnabled | Should -BeFalse
        (Get-CleanupCustomer -Id $group[2]).dapEnabled | Should -BeTrue
        (Get-CleanupCustomer -Id $group[3]).dapEnabled | Should -BeTrue

        $whole = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath $journal -RequestsPerSecond 0 -Force
        $whole.Counts.FromJournal | Should -Be 2
        $whole.Counts.Removed | Should -Be 4
        foreach ($id in $group) {
            (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeFalse
        }
    }

    It 'writes a customer whose removal fails as a non-terminating error with its category, code and correlation id' {
        $id = $Ids[26]
        $plan = New-DelegatedAdminDapCleanupPlan -Include $id -AllowWithoutGdap
        $body = @{ pathPrefix = "/v1/customers/$id"; serverError = 50 } | ConvertTo-Json -Compress
        Invoke-CleanupControl -Path '/_emulator/faults' -Body $body
        Connect-CleanupEmulator -MaxRetries 0
        try {
            $report = $plan | Invoke-DelegatedAdminDapCleanup -JournalPath (Join-Path -Path $Work -ChildPath 'fail.journal.jsonl') -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        }
        finally {
            Invoke-CleanupControl -Path '/_emulator/faults/clear'
            Connect-CleanupEmulator
        }
        $report.Counts.Failed | Should -Be 1
        $report.StoppedEarly | Should -BeFalse
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.server_error*,Invoke-DelegatedAdminDapCleanup'
        $failures[0].TargetObject | Should -Be $id
        $failures[0].Exception.Kind | Should -Be 'server_error'
        $failures[0].Exception.Status | Should -Be 500
        $failures[0].Exception.CorrelationId | Should -Match '^[0-9a-f-]{36}$'
        $failures[0].ErrorDetails.Message | Should -BeLike '*HTTP status: 500*correlation id: *'
        $outcome = $report.Outcomes | Where-Object { $_.CustomerTenantId -eq $id }
        $outcome.Outcome | Should -Be 'failed'
        $outcome.ErrorKind | Should -Be 'server_error'
        $outcome.HttpStatus | Should -Be 500
        $outcome.CorrelationId | Should -Be $failures[0].Exception.CorrelationId
        (Get-CleanupCustomer -Id $id).dapEnabled | Should -BeTrue
    }

    It 'sends the removals to the Partner Center endpoint when it differs from the Customer Admin one' {
        $secret = ConvertTo-SecureString -String $CleanupFixtures.clientSecret -AsPlainText -Force
        $plan = New-DelegatedAdminDapCleanupPlan -InactiveDays 90 -AllowWithoutGdap
        # Listing works (Customer Admin = the emulator); removals go to a closed port and fail as network errors.
        Connect-DelegatedAdmin -Endpoint $CleanupUrl -PartnerCenterEndpoint 'http://127.0.0.1:1' -TenantId $CleanupFixtures.tenantId -ClientId $CleanupFixtures.clientId -ClientSecret $secret -SkipValidation
        try {
            $report = $plan | Invoke-DelegatedAdminDapCleanup -Force -JournalPath (Join-Path $TestDrive 'pc-endpoint.jsonl') -ErrorAction SilentlyContinue
            $report.Counts.removed | Should -Be 0
            @($report.Outcomes | Where-Object { $_.ErrorKind -eq 'network' }).Count | Should -BeGreaterThan 0
        }
        finally {
            Connect-CleanupEmulator
        }
    }
}
