function Get-DelegatedAdminLighthouseAssignment {
    <#
    .SYNOPSIS
    Lists the Azure Lighthouse registration assignments (delegations) of a subscription or resource group.

    .DESCRIPTION
    Calls Azure Resource Manager (Microsoft.ManagedServices registrationAssignments, every page) through the
    native library and returns one flattened object per assignment: AssignmentId, Name, Scope,
    ProvisioningState, and with -IncludeDefinition the managing tenant (ManagedByTenantId and
    ManagedByTenantName), the offer and its authorizations. Scopes come from -Scope, from -SubscriptionId, or from
    the pipeline: strings, or objects with a Scope, ResourceId (Get-AzResourceGroup's) or SubscriptionId
    (Get-AzSubscription's) property. A failure for one scope, a scope that is not a subscription or resource group
    included, is written as a non-terminating error and the other scopes continue.

    .PARAMETER Scope
    /subscriptions/{subscriptionId} or /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}.
    From the pipeline also by the property name ResourceId (Get-AzResourceGroup).

    .PARAMETER SubscriptionId
    One or more subscription ids; the scope is /subscriptions/{id}.

    .PARAMETER IncludeDefinition
    Expands each assignment's registration definition ($expandRegistrationDefinition=true), which fills the
    managing tenant, offer name, description and authorizations.

    .PARAMETER Filter
    An ARM $filter, for example "managedByTenantId eq '<guid>'".

    .EXAMPLE
    Get-DelegatedAdminLighthouseAssignment -Scope /subscriptions/00000000-0000-0000-0000-000000000000 -IncludeDefinition

    .EXAMPLE
    Get-AzSubscription | Get-DelegatedAdminLighthouseAssignment -IncludeDefinition | Where-Object ManagedByTenantId -eq $oldPartnerTenantId

    Finds the delegations a former managing tenant still holds in every subscription you can see.

    .EXAMPLE
    Get-AzResourceGroup | Get-DelegatedAdminLighthouseAssignment

    The resource groups' own delegations, bound by their ResourceId.

    .OUTPUTS
    DelegatedAdmin.LighthouseAssignment
    #>
    [CmdletBinding(DefaultParameterSetName = 'Scope')]
    [OutputType('DelegatedAdmin.LighthouseAssignment')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Scope', ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('ResourceId')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Scope,

        [Parameter(Mandatory = $true, ParameterSetName = 'Subscription', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string[]] $SubscriptionId,

        [Parameter()]
        [switch] $IncludeDefinition,

        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Filter
    )

    process {
        $scopes = New-Object -TypeName System.Collections.Generic.List[string]
        if ($PSCmdlet.ParameterSetName -eq 'Subscription') {
            foreach ($subscription in $SubscriptionId) {
                $scopes.Add(('/subscriptions/{0}' -f $subscription))
            }
        }
        else {
            foreach ($item in $Scope) {
                $scopes.Add($item.TrimEnd('/'))
            }
        }

        $pattern = '^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(/resourceGroups/[^/]+)?$'
        foreach ($item in $scopes) {
            if ($item -notmatch $pattern) {
                # One bad item of a pipeline: say so, and go on with the others.
                $record = ConvertTo-DelegatedAdminErrorRecord -Message ("'{0}' is not a Lighthouse scope: use /subscriptions/{{subscriptionId}} or /subscriptions/{{subscriptionId}}/resourceGroups/{{name}}." -f $item) -ErrorId 'DelegatedAdmin.InvalidArgument.Scope' -Category InvalidArgument -TargetObject $item
                $PSCmdlet.WriteError($record)
                continue
            }

            $request = [ordered]@{ scope = $item }
            if ($IncludeDefinition) {
                $request['includeDefinition'] = $true
            }
            if ($PSBoundParameters.ContainsKey('Filter')) {
                $request['filter'] = $Filter
            }

            $failure = $null
            $result = Invoke-DelegatedAdminNative -Operation 'da_list_lighthouse_assignments' -Request $request -TargetObject $item -Failure ([ref]$failure)
            if ($null -ne $failure) {
                if (Test-DelegatedAdminTerminatingError -ErrorRecord $failure) {
                    $PSCmdlet.ThrowTerminatingError($failure)
                }
                $PSCmdlet.WriteError($failure)
                continue
            }

            $assignments = Get-DelegatedAdminProperty -InputObject $result -Name 'assignments'
            if ($null -eq $assignments) {
                $assignments = @()
            }
            foreach ($assignment in @($assignments)) {
                ConvertTo-DelegatedAdminLighthouseAssignment -InputObject $assignment
            }
        }
    }
}
