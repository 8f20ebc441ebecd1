function Get-DelegatedAdminProgressId {
    <#
    .SYNOPSIS
    The Write-Progress id of each long operation of the module: never 0.

    .DESCRIPTION
    Write-Progress uses id 0 when none is given, and so does every other command that does not choose one: two
    of them at once overwrite each other's bar, and -Completed of one removes the other's. The module's ids are
    its own (0x0DA1 and up), one per operation, so that its bars live beside anybody's.

    .PARAMETER Operation
    planDapCleanup, applyDapCleanup, listCustomers, removeLighthouseAssignment, or Pipeline (the per-item bar of
    the pipeline cmdlets).

    .OUTPUTS
    System.Int32
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('planDapCleanup', 'applyDapCleanup', 'listCustomers', 'removeLighthouseAssignment', 'Pipeline', 'plan', 'apply', 'accessLedger',
            'listGdapRelationships', 'removeGdapGlobalAdminRole', 'terminateGdapRelationship')]
        [string] $Operation
    )

    $base = 0x0DA1
    $offset = @{
        planDapCleanup             = 0
        applyDapCleanup            = 1
        listCustomers              = 2
        removeLighthouseAssignment = 3
        Pipeline                   = 4
        listGdapRelationships      = 5
        removeGdapGlobalAdminRole  = 6
        terminateGdapRelationship  = 7
        plan                       = 8
        apply                      = 9
        accessLedger               = 10
    }[$Operation]
    return ($base + $offset)
}
