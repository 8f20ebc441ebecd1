#Requires -Version 5.1
# Pester 5 tests of the GDAP cmdlets (Microsoft Graph) against the packaged module and the emulator, under
# Set-StrictMode -Version Latest: listing every page as typed objects with filters; reading by id with the ETag;
# auto-extend through the pipeline (-WhatIf sending nothing, a relationship listed not read again, the Global
# Administrator rule refused without a request, a stale ETag retried once, forbidden statuses); the Global
# Administrator removal as a long-running operation (waited for, not waited for, not held, failing, the only role);
# terminate (confirmed at a console, waited for, refused); access assignments; GDAP customers; brought Graph tokens
# (and the DAP cleanup's GDAP rule with them); throttling. Each test takes relationships of its own from the
# emulator's fixtures, and checks the emulator's state and request log.
Set-StrictMode -Version Latest

BeforeAll {
    Set-StrictMode -Version Latest
    . (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers.ps1')

    $ModuleManifest = Get-TestModuleManifest
    Import-Module -Name $ModuleManifest -Force -ErrorAction Stop

    # 650 relationships: three pages of 300 (the library's page size).
    $Emulator = Start-TestEmulator -Arguments '--customers 80 --gdap-relationships 650 --seed 29'
    $Url = $Emulator.Url
    $Fixtures = $Emulator.Fixtures
    $Gdap = $Fixtures.gdap
    $GlobalAdministrator = '62e90394-69f5-4237-9190-012177145e10'
    $RelationshipsPath = '/v1.0/tenantRelationships/delegatedAdminRelationships'
    Connect-TestEmulator -Emulator $Emulator

    # Relationships of the fixtures, handed out one test at a time (the lists overlap: an id is used once).
    $script:UsedGdap = New-Object -TypeName 'System.Collections.Generic.HashSet[string]'
    function Get-GdapId {
        param([string] $Kind, [string[]] $Except = @())
        foreach ($id in @($Gdap.$Kind)) {
            if ($Except -notcontains $id -and $script:UsedGdap.Add($id)) {
                return $id
            }
        }
        throw "The fixtures have no unused $Kind relationship left."
    }

    # The relationship as the emulator holds it now (reading it there advances nothing).
    function Get-GdapState {
        param([string] $Id)
        Get-EmulatorJson -Url $Url -Path "/_emulator/gdap/relationships/$Id"
    }

    function Get-RoleIds {
        param($Relationship)
        @($Relationship.accessDetails.unifiedRoles | ForEach-Object { $_.roleDefinitionId })
    }

    # Graph requests since the last clear, as "METHOD path".
    function Get-GraphRequest {
        @(Get-EmulatorRequest -Url $Url | Where-Object { $_.path -like '/v1.0/*' } | ForEach-Object { '{0} {1}' -f $_.method, $_.path })
    }

    function Clear-EmulatorRequest {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/requests/clear'
    }
}

AfterAll {
    if (Get-Module -Name DelegatedAdmin) {
        Disconnect-DelegatedAdmin
    }
    Stop-TestEmulator -Emulator $Emulator
}

Describe 'Get-DelegatedAdminGdapRelationship' {
    It 'lists every relationship across pages as typed objects: UTC dates, roles, the Global Administrator flag, auto-extend' {
        Clear-EmulatorRequest
        $all = @(Get-DelegatedAdminGdapRelationship)
        $all.Count | Should -Be $Gdap.relationshipCount
        @($all | ForEach-Object { $_.Id } | Select-Object -Unique).Count | Should -Be $Gdap.relationshipCount
        # Three pages: the first and the two @odata.nextLinks, followed as given.
        $pages = @(Get-EmulatorRequest -Url $Url | Where-Object { $_.method -eq 'GET' -and $_.path -eq $RelationshipsPath })
        $pages.Count | Should -Be 3
        @($pages | Select-Object -Skip 1 | Where-Object { $_.query -like '*skiptoken*' }).Count | Should -Be 2

        $byId = @{}
        foreach ($relationship in $all) {
            $byId[$relationship.Id] = $relationship
        }
        $first = $byId[$Gdap.active[0]]
        $first.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapRelationship'
        $first.Status | Should -Be 'active'
        $first.EndDateTime | Should -BeOfType ([datetime])
        $first.EndDateTime.Kind | Should -Be 'Utc'
        $first.CreatedDateTime.Kind | Should -Be 'Utc'
        $first.DaysUntilEnd | Should -Be ([int][Math]::Floor(($first.EndDateTime - [DateTime]::UtcNow).TotalDays))
        $first.DurationDays | Should -BeIn @(180, 365, 730)
        $first.RoleCount | Should -Be @($first.Roles).Count
        $first.CustomerTenantId | Should -Match '^[0-9a-f-]{36}$'
        $first.ETag | Should -BeLike 'W/"*'
        foreach ($id in @($Gdap.activeGlobalAdmin)) {
            $byId[$id].IsGlobalAdministratorHeld | Should -BeTrue
            $byId[$id].Roles | Should -Contain $GlobalAdministrator
            $byId[$id].RoleNames | Should -Contain 'Global Administrator'
            $byId[$id].AutoExtendDuration | Should -Be 'PT0S'
        }
        foreach ($id in @($Gdap.activeAutoExtendable)) {
            $byId[$id].IsGlobalAdministratorHeld | Should -BeFalse
            $byId[$id].AutoExtendEnabled | Should -BeFalse
        }
        foreach ($id in @($Gdap.activeAutoExtended)) {
            $byId[$id].AutoExtendDuration | Should -Be 'P180D'
            $byId[$id].AutoExtendEnabled | Should -BeTrue
        }
        foreach ($id in @($Gdap.reseller)) {
            $byId[$id].RelationshipType | Should -Be 'resellerDelegatedAdminRelationship'
        }
        ($all | Format-Table | Out-String -Width 300) | Should -Match ([regex]::Escape($first.DisplayName.Substring(0, 10)))
    }

    It '-Status, -ExpiringWithinDays, -CustomerTenantId (also from the pipeline) and -MaxResults narrow the listing' {
        $active = @(Get-DelegatedAdminGdapRelationship -Status active)
        $active.Count | Should -Be $Gdap.statusCounts.active
        @($active | Where-Object Status -NE 'active').Count | Should -Be 0

        $now = [DateTime]::UtcNow
        $from = $now.AddMinutes(-1)
        $to = $now.AddDays(60).AddMinutes(1)
        $soon = @(Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60)
        $soon.Count | Should -BeGreaterThan 0
        foreach ($relationship in $soon) {
            $relationship.EndDateTime | Should -BeGreaterThan $from
            $relationship.EndDateTime | Should -BeLessThan $to
        }
        $soonIds = @($soon | ForEach-Object { $_.Id })
        foreach ($id in @($Gdap.activeEndingWithin60Days)) {
            $soonIds | Should -Contain $id
        }
        @(Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 30).Count | Should -BeLessOrEqual $soon.Count

        @(Get-DelegatedAdminGdapRelationship -MaxResults 5).Count | Should -Be 5

        $customer = $Gdap.inactiveDapWithActiveGdap[0]
        $ofCustomer = @(Get-DelegatedAdminGdapRelationship -CustomerTenantId $customer)
        $ofCustomer.Count | Should -BeGreaterThan 0
        @($ofCustomer | Where-Object CustomerTenantId -NE $customer).Count | Should -Be 0
        # A customer from Get-DelegatedAdminCustomer pipes in by its CustomerTenantId (never its Id).
        $piped = @(Get-DelegatedAdminCustomer -Filter 'dapEnabled eq true' -First 300 | Where-Object CustomerTenantId -EQ $customer | Get-DelegatedAdminGdapRelationship -Status active)
        $piped.Count | Should -BeGreaterThan 0
        @($piped | Where-Object CustomerTenantId -NE $customer).Count | Should -Be 0

        $before = Get-EmulatorTraffic -Url $Url
        $errors = @()
        $none = @([pscustomobject]@{ CustomerTenantId = 'not-a-guid' } | Get-DelegatedAdminGdapRelationship -ErrorVariable errors -ErrorAction SilentlyContinue)
        $none.Count | Should -Be 0
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.InvalidArgument.CustomerTenantId*'
        (Get-EmulatorTraffic -Url $Url).ServiceRequests | Should -Be $before.ServiceRequests
    }

    It '-Id reads each with its current ETag; an unknown id is a non-terminating ObjectNotFound and the others go on; a malformed id sends nothing' {
        $ids = @($Gdap.active[1], $Gdap.active[2])
        $unknown = '00000000-0000-4000-8000-000000000001-' + $Fixtures.tenantId
        $errors = @()
        $read = @(Get-DelegatedAdminGdapRelationship -Id $ids[0], $unknown, $ids[1] -ErrorVariable errors -ErrorAction SilentlyContinue)
        @($read | ForEach-Object { $_.Id }) | Should -Be $ids
        $read[0].ETag | Should -Be (Get-GdapState -Id $ids[0]).'@odata.etag'
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.not_found.itemNotFound*'
        $errors[0].TargetObject | Should -Be $unknown

        $before = Get-EmulatorTraffic -Url $Url
        $failure = { Get-DelegatedAdminGdapRelationship -Id 'not-a-relationship-id' } | Should -Throw -PassThru
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-EmulatorTraffic -Url $Url).ServiceRequests | Should -Be $before.ServiceRequests
    }

    It 'lists as a job: Write-Progress counts the relationships listed, -Verbose shows the job' {
        Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
        $records = @(Get-DelegatedAdminGdapRelationship -Status active -Verbose 4>&1)
        $text = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
        $text | Should -Match 'da_job_start \(listGdapRelationships\): 127\.0\.0\.1:\d+ \(correlation id [0-9a-f-]{36}\)'
        $text | Should -Not -Match ([regex]::Escape($Fixtures.clientSecret))
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '*GDAP relationships*listed*' -and $Id -ne 0 }
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Completed }
    }
}

Describe 'Get-DelegatedAdminGdapAccessAssignment' {
    It 'lists the security groups and roles of piped relationships; an unused relationship has no active assignment' {
        $used = Get-GdapId -Kind active -Except @($Gdap.activeUnused)
        $assignments = @(Get-DelegatedAdminGdapRelationship -Id $used | Get-DelegatedAdminGdapAccessAssignment)
        $assignments.Count | Should -BeGreaterThan 0
        foreach ($assignment in $assignments) {
            $assignment.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapAccessAssignment'
            $assignment.RelationshipId | Should -Be $used
            $assignment.SecurityGroupId | Should -Match '^[0-9a-f-]{36}$'
            $assignment.AccessContainerType | Should -Be 'securityGroup'
            $assignment.RoleCount | Should -BeGreaterThan 0
            $assignment.CreatedDateTime.Kind | Should -Be 'Utc'
        }
        @(Get-DelegatedAdminGdapAccessAssignment -RelationshipId $used -Status active | Where-Object Status -NE 'active').Count | Should -Be 0
        $unused = Get-GdapId -Kind activeUnused
        @(Get-DelegatedAdminGdapAccessAssignment -RelationshipId $unused -Status active).Count | Should -Be 0
    }
}

Describe 'Get-DelegatedAdminGdapCustomer' {
    It 'lists the customers an active relationship reaches, with their service management portals, and pipes into the relationship listing' {
        $customers = @(Get-DelegatedAdminGdapCustomer)
        $customers.Count | Should -BeGreaterThan 0
        $ids = @($customers | ForEach-Object { $_.CustomerTenantId })
        foreach ($id in @($Gdap.inactiveDapWithActiveGdap)) {
            $ids | Should -Contain $id
        }
        foreach ($id in @($Gdap.inactiveDapWithoutActiveGdap)) {
            $ids | Should -Not -Contain $id
        }
        $customers[0].PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapCustomer'
        $customers[0].ServiceManagementDetails | Should -BeNullOrEmpty

        $one = @(Get-DelegatedAdminGdapCustomer -CustomerTenantId $Gdap.inactiveDapWithActiveGdap[0] -IncludeServiceManagementDetails)
        $one.Count | Should -Be 1
        @($one[0].ServiceManagementDetails).Count | Should -BeGreaterThan 0
        foreach ($detail in @($one[0].ServiceManagementDetails)) {
            $detail.ServiceName | Should -Not -BeNullOrEmpty
            $detail.ServiceManagementUrl | Should -BeLike 'https://*'
        }
        $relationships = @($one | Get-DelegatedAdminGdapRelationship -Status active)
        $relationships.Count | Should -BeGreaterThan 0
        @($relationships | Where-Object CustomerTenantId -NE $one[0].CustomerTenantId).Count | Should -Be 0
        @(Get-DelegatedAdminGdapCustomer -CustomerTenantId $Gdap.inactiveDapWithoutActiveGdap[0]).Count | Should -Be 0
    }
}

Describe 'GDAP with brought tokens, and the DAP cleanup''s GDAP rule' {
    BeforeAll {
        $GraphToken = (Get-DelegatedAdminToken -Scope 'https://graph.microsoft.com/.default').AccessToken
        $CustomerAdminToken = (Get-DelegatedAdminToken -Scope 'https://api.partnercustomeradministration.microsoft.com/.default').AccessToken
    }

    AfterAll {
        Connect-TestEmulator -Emulator $Emulator
    }

    It '-GraphAccessToken: the GDAP cmdlets use it; a service without a token is refused naming its parameter' {
        Connect-DelegatedAdmin -Endpoint $Url -GraphAccessToken $GraphToken
        (Get-DelegatedAdminContext).ServiceTokens | Should -Be @('Graph')
        @(Get-DelegatedAdminGdapRelationship -MaxResults 2).Count | Should -Be 2
        @(Get-DelegatedAdminGdapCustomer).Count | Should -BeGreaterThan 0
        $failure = { Get-DelegatedAdminCustomer -Top 1 } | Should -Throw -PassThru
        $failure.Exception.Message | Should -BeLike '*-CustomerAdminAccessToken*'
        Connect-DelegatedAdmin -Endpoint $Url -AccessToken $GraphToken
        @(Get-DelegatedAdminGdapRelationship -MaxResults 1).Count | Should -Be 1
    }

    It 'a plan with brought tokens asks Graph with the Graph token; without one it holds every candidate as gdap_unknown and says why' {
        Connect-DelegatedAdmin -Endpoint $Url -CustomerAdminAccessToken $CustomerAdminToken -GraphAccessToken $GraphToken
        $plan = New-DelegatedAdminDapCleanupPlan -WarningAction SilentlyContinue
        $plan.Gdap.Checked | Should -BeTrue
        $plan.Gdap.Error | Should -BeNullOrEmpty
        $candidates = @($plan.Candidates | ForEach-Object { $_.CustomerTenantId })
        foreach ($id in @($Gdap.inactiveDapWithActiveGdap)) {
            $candidates | Should -Contain $id
        }
        $held = @($plan.Kept | Where-Object Reason -EQ 'no_active_gdap' | ForEach-Object { $_.CustomerTenantId })
        foreach ($id in @($Gdap.inactiveDapWithoutActiveGdap)) {
            $held | Should -Contain $id
        }

        Connect-DelegatedAdmin -Endpoint $Url -CustomerAdminAccessToken $CustomerAdminToken
        $warnings = @()
        $unknown = New-DelegatedAdminDapCleanupPlan -WarningVariable warnings -WarningAction SilentlyContinue
        $unknown.CandidateCount | Should -Be 0
        $unknown.Gdap.Checked | Should -BeFalse
        $unknown.Gdap.Error | Should -Not -BeNullOrEmpty
        @($unknown.Kept | Where-Object Reason -EQ 'gdap_unknown').Count | Should -Be ($plan.CandidateCount + $held.Count)
        ($warnings -join "`n") | Should -BeLike '*could not be listed through Microsoft Graph*'
    }
}

Describe 'Set-DelegatedAdminGdapAutoExtend' {
    It 'Get-DelegatedAdminGdapRelationship -ExpiringWithinDays 60 | Set-DelegatedAdminGdapAutoExtend -Enabled $true -WhatIf changes nothing and sends nothing' {
        $soon = @(Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60)
        $soon.Count | Should -BeGreaterThan 0
        $states = @{}
        foreach ($relationship in $soon) {
            $states[$relationship.Id] = (Get-GdapState -Id $relationship.Id).autoExtendDuration
        }
        Clear-EmulatorRequest
        Get-DelegatedAdminGdapRelationship -Status active -ExpiringWithinDays 60 | Set-DelegatedAdminGdapAutoExtend -Enabled $true -WhatIf
        # Only the listing's pages were asked for: no PATCH, no read of one relationship.
        @(Get-GraphRequest | Where-Object { $_ -ne "GET $RelationshipsPath" }).Count | Should -Be 0
        foreach ($id in @($states.Keys)) {
            (Get-GdapState -Id $id).autoExtendDuration | Should -Be $states[$id]
        }
    }

    It 'turns auto-extend on for a piped relationship without reading it again, and off by id (read first); -PassThru gives the new state' {
        $id = Get-GdapId -Kind activeAutoExtendable
        $listed = @(Get-DelegatedAdminGdapRelationship -Status active | Where-Object Id -EQ $id)
        $listed.Count | Should -Be 1
        Clear-EmulatorRequest
        $updated = $listed[0] | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -PassThru
        $updated.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapRelationship'
        $updated.AutoExtendDuration | Should -Be 'P180D'
        $updated.AutoExtendEnabled | Should -BeTrue
        $updated.ETag | Should -Not -Be $listed[0].ETag
        (Get-GdapState -Id $id).autoExtendDuration | Should -Be 'P180D'
        Get-GraphRequest | Should -Be @("PATCH $RelationshipsPath/$id")

        Clear-EmulatorRequest
        Set-DelegatedAdminGdapAutoExtend -RelationshipId $id -Enabled $false -Confirm:$false
        (Get-GdapState -Id $id).autoExtendDuration | Should -Be 'PT0S'
        Get-GraphRequest | Should -Be @("GET $RelationshipsPath/$id", "PATCH $RelationshipsPath/$id")
    }

    It 'refuses a relationship that holds Global Administrator without a request, naming the rule, and goes on with the rest of the pipeline' {
        $held = Get-GdapId -Kind activeGlobalAdmin
        $extendable = Get-GdapId -Kind activeAutoExtendable
        $relationships = @(Get-DelegatedAdminGdapRelationship -Id $held, $extendable)
        Clear-EmulatorRequest
        $errors = @()
        $relationships | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.invalid_request.globalAdministratorNotExtendable*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errors[0].TargetObject | Should -Be $held
        $errors[0].Exception.Message | Should -BeLike '*Global Administrator*'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Remove-DelegatedAdminGdapGlobalAdminRole*'
        @(Get-GraphRequest | Where-Object { $_ -like "*$held*" }).Count | Should -Be 0
        (Get-GdapState -Id $held).autoExtendDuration | Should -Be 'PT0S'
        (Get-GdapState -Id $extendable).autoExtendDuration | Should -Be 'P180D'
    }

    It 'a relationship changed since it was read is read again and retried once; changed twice, a ResourceExists error (412, resourceModified)' {
        $id = Get-GdapId -Kind activeAutoExtendable
        $listed = Get-DelegatedAdminGdapRelationship -Id $id
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"gdapPreconditionFailed":1}'
        $verbose = @($listed | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message }) -join "`n"
        $verbose | Should -Match 'had changed since it was read: read again and retried once'
        (Get-GdapState -Id $id).autoExtendDuration | Should -Be 'P180D'

        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"gdapPreconditionFailed":2}'
        $errors = @()
        Get-DelegatedAdminGdapRelationship -Id $id | Set-DelegatedAdminGdapAutoExtend -Enabled $false -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errors[0].Exception.Status | Should -Be 412
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.conflict.resourceModified*'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*read it again*'
        (Get-GdapState -Id $id).autoExtendDuration | Should -Be 'P180D'
    }

    It 'a status that does not allow it is a ResourceExists error (notAllowed); a malformed id is refused before any request' {
        $expired = Get-GdapId -Kind expired
        $errors = @()
        Set-DelegatedAdminGdapAutoExtend -RelationshipId $expired -Enabled $true -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.conflict.notAllowed*'
        (Get-GdapState -Id $expired).status | Should -Be 'expired'

        $before = Get-EmulatorTraffic -Url $Url
        { Set-DelegatedAdminGdapAutoExtend -RelationshipId 'x' -Enabled $true -Confirm:$false } | Should -Throw -ErrorId 'DelegatedAdmin.invalid_request,Set-DelegatedAdminGdapAutoExtend'
        (Get-EmulatorTraffic -Url $Url).ServiceRequests | Should -Be $before.ServiceRequests
    }
}

Describe 'Remove-DelegatedAdminGdapGlobalAdminRole' {
    AfterEach {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
    }

    It 'asks before it changes anything (ConfirmImpact High), and -WhatIf sends nothing' {
        $binding = (Get-Command -Name Remove-DelegatedAdminGdapGlobalAdminRole).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.ConfirmImpact | Should -Be 'High'
        $held = Get-GdapId -Kind activeGlobalAdmin
        Clear-EmulatorRequest
        Get-DelegatedAdminGdapRelationship -Id $held | Remove-DelegatedAdminGdapGlobalAdminRole -WhatIf
        Get-GraphRequest | Should -Be @("GET $RelationshipsPath/$held")
        Get-RoleIds -Relationship (Get-GdapState -Id $held) | Should -Contain $GlobalAdministrator
    }

    It 'removes the role as a long-running operation, waits for it with progress, keeps every other role; auto-extend can then be turned on' {
        $held = Get-GdapId -Kind activeGlobalAdmin
        $roles = Get-RoleIds -Relationship (Get-GdapState -Id $held)
        Mock -ModuleName DelegatedAdmin -CommandName Write-Progress -MockWith { return }
        $removal = Get-DelegatedAdminGdapRelationship -Id $held | Remove-DelegatedAdminGdapGlobalAdminRole -Force -PassThru
        $removal.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapRoleRemoval'
        $removal.RelationshipId | Should -Be $held
        $removal.Status | Should -Be 'removed'
        $removal.OperationStatus | Should -Be 'succeeded'
        $removal.OperationUrl | Should -BeLike "*$RelationshipsPath/$held/operations/*"
        $removal.RemainingRoles | Should -Be ($roles.Count - 1)
        $after = Get-RoleIds -Relationship (Get-GdapState -Id $held)
        $after | Should -Not -Contain $GlobalAdministrator
        @($after | Sort-Object) | Should -Be @($roles | Where-Object { $_ -ne $GlobalAdministrator } | Sort-Object)
        Should -Invoke -ModuleName DelegatedAdmin -CommandName Write-Progress -ParameterFilter { $Status -like '*Global Administrator removal*' }
        $extended = $removal | Set-DelegatedAdminGdapAutoExtend -Enabled $true -Confirm:$false -PassThru
        $extended.AutoExtendDuration | Should -Be 'P180D'
        $extended.IsGlobalAdministratorHeld | Should -BeFalse
    }

    It '-NoWait returns once Graph accepted the change, with the operation to follow' {
        $held = Get-GdapId -Kind activeGlobalAdmin
        $removal = Remove-DelegatedAdminGdapGlobalAdminRole -RelationshipId $held -Force -NoWait -PassThru
        $removal.Status | Should -Be 'accepted'
        $removal.OperationUrl | Should -BeLike "*$RelationshipsPath/$held/operations/*"
        # Nobody polled the operation yet: the role is still there.
        Get-RoleIds -Relationship (Get-GdapState -Id $held) | Should -Contain $GlobalAdministrator
    }

    It 'a relationship without the role: a warning, and no change is sent' {
        $without = Get-GdapId -Kind activeAutoExtendable
        Clear-EmulatorRequest
        $warnings = @()
        $removal = Remove-DelegatedAdminGdapGlobalAdminRole -RelationshipId $without -Force -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $removal.Status | Should -Be 'notHeld'
        ($warnings -join "`n") | Should -BeLike '*does not hold the Global Administrator role*'
        @(Get-GraphRequest | Where-Object { $_ -like 'PATCH *' }).Count | Should -Be 0
    }

    It 'an operation that ends failed is an InvalidResult error with Graph''s code; the relationship keeps its roles' {
        $held = Get-GdapId -Kind activeGlobalAdmin
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"gdapLroFails":true}'
        $errors = @()
        Remove-DelegatedAdminGdapGlobalAdminRole -RelationshipId $held -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.server_error.roleRemovalFailed*'
        Get-RoleIds -Relationship (Get-GdapState -Id $held) | Should -Contain $GlobalAdministrator
    }

    It 'Global Administrator as the only role is refused, saying to terminate instead' {
        # A relationship still in "created" takes any roles: make Global Administrator its only one, through Graph.
        $created = Get-GdapId -Kind created
        $token = Get-DelegatedAdminToken -Scope 'https://graph.microsoft.com/.default' -AsPlainText
        $body = @{ accessDetails = @{ unifiedRoles = @(@{ roleDefinitionId = $GlobalAdministrator }) } } | ConvertTo-Json -Depth 5 -Compress
        $null = Invoke-RestMethod -Method Patch -Uri "$Url$RelationshipsPath/$created" -Headers @{ Authorization = 'Bearer ' + $token.AccessToken; 'If-Match' = '*' } -ContentType 'application/json' -Body $body
        Clear-EmulatorRequest
        $errors = @()
        Remove-DelegatedAdminGdapGlobalAdminRole -RelationshipId $created -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.invalid_request.globalAdministratorOnlyRole*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Stop-DelegatedAdminGdapRelationship*'
        @(Get-GraphRequest | Where-Object { $_ -like 'PATCH *' }).Count | Should -Be 0
    }
}

Describe 'Stop-DelegatedAdminGdapRelationship' {
    It 'is irreversible, so it asks (ConfirmImpact High); -WhatIf sends nothing' {
        $binding = (Get-Command -Name Stop-DelegatedAdminGdapRelationship).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
        $binding.SupportsShouldProcess | Should -BeTrue
        $binding.ConfirmImpact | Should -Be 'High'
        $id = Get-GdapId -Kind active
        Clear-EmulatorRequest
        Get-DelegatedAdminGdapRelationship -Id $id | Stop-DelegatedAdminGdapRelationship -WhatIf
        @(Get-GraphRequest | Where-Object { $_ -like 'POST *' }).Count | Should -Be 0
        (Get-GdapState -Id $id).status | Should -Be 'active'
    }

    It 'asks at the console for each relationship: No keeps it active, Yes terminates it' {
        $keep = Get-GdapId -Kind active
        $end = Get-GdapId -Kind active
        $script = @'
param($ModuleManifest, $Url, $TenantId, $ClientId, $ClientSecret, $Keep, $End)
$ErrorActionPreference = 'Stop'
Import-Module -Name $ModuleManifest
Connect-DelegatedAdmin -Endpoint $Url -TenantId $TenantId -ClientId $ClientId -ClientSecret (ConvertTo-SecureString -String $ClientSecret -AsPlainText -Force)
Get-DelegatedAdminGdapRelationship -Id $Keep, $End | Stop-DelegatedAdminGdapRelationship -PassThru | ForEach-Object { 'TERMINATED ' + $_.RelationshipId + ' ' + $_.Status }
'@
        $run = Invoke-ChildShell -Script $script -Arguments @($ModuleManifest, $Url, $Fixtures.tenantId, $Fixtures.clientId, $Fixtures.clientSecret, $keep, $end) -InputText "N`nY`n"
        $run.ExitCode | Should -Be 0 -Because $run.Output
        @([regex]::Matches($run.Output, 'Are you sure you want to perform this action\?')).Count | Should -Be 2
        $run.Output | Should -Match 'irreversible'
        $run.Output | Should -Match ('TERMINATED ' + $end + ' created')
        $run.Output | Should -Not -Match ('TERMINATED ' + $keep)
        (Get-GdapState -Id $keep).status | Should -Be 'active'
        (Get-GdapState -Id $end).status | Should -Be 'terminationRequested'
    }

    It '-Force -Wait waits until Graph reports the termination succeeded; the relationship ends terminated' {
        $id = Get-GdapId -Kind active
        $termination = Stop-DelegatedAdminGdapRelationship -RelationshipId $id -Force -Wait -PassThru
        $termination.PSObject.TypeNames | Should -Contain 'DelegatedAdmin.GdapTermination'
        $termination.Status | Should -Be 'succeeded'
        $termination.RequestId | Should -Not -BeNullOrEmpty
        $termination.RequestUrl | Should -BeLike "*$RelationshipsPath/$id/requests/*"
        (Get-GdapState -Id $id).status | Should -Be 'terminated'
    }

    It 'a relationship that is not active is a ResourceExists error (notAllowed), asked once' {
        $id = Get-GdapId -Kind terminated
        Clear-EmulatorRequest
        $errors = @()
        Stop-DelegatedAdminGdapRelationship -RelationshipId $id -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'DelegatedAdmin.conflict.notAllowed*'
        @(Get-GraphRequest | Where-Object { $_ -like 'POST *' }).Count | Should -Be 1
    }
}

Describe 'Throttling' {
    AfterAll {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults/clear'
        Connect-TestEmulator -Emulator $Emulator
    }

    It 'a throttled Graph request is retried after Retry-After; throttling that persists is LimitsExceeded with the wait' {
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"pathPrefix":"/v1.0/","throttle":1,"retryAfter":1}'
        @(Get-DelegatedAdminGdapCustomer).Count | Should -BeGreaterThan 0
        Connect-TestEmulator -Emulator $Emulator -MaxRetries 0
        Invoke-EmulatorControl -Url $Url -Path '/_emulator/faults' -Body '{"pathPrefix":"/v1.0/","throttle":1,"retryAfter":7}'
        $errors = @()
        Get-DelegatedAdminGdapAccessAssignment -RelationshipId $Gdap.active[0] -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $errors[0].Exception.RetryAfterSeconds | Should -Be 7
    }
}
