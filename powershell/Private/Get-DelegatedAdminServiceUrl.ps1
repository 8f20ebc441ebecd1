function Get-DelegatedAdminServiceUrl {
    <#
    .SYNOPSIS
    Where a connection reaches a service: its endpoint override, else the default of its cloud.

    .DESCRIPTION
    For display only (Get-DelegatedAdminContext, -Verbose): the request carries only the overrides ("endpoints",
    "authority") and the cloud, and the native library derives the same defaults. Identity is the authority.
    Returns $null for a service the connection's cloud does not have (the library refuses calls to it).

    .PARAMETER Connection
    The connection (see Connect-DelegatedAdmin), or $null for the public cloud's defaults.

    .PARAMETER Service
    Identity, PartnerCenter, CustomerAdmin, CloudCockpit, ResourceManager or Graph.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $Connection,

        [Parameter(Mandatory = $true)]
        [ValidateSet('Identity', 'PartnerCenter', 'CustomerAdmin', 'CloudCockpit', 'ResourceManager', 'Graph')]
        [string] $Service
    )

    $cloudName = 'Public'
    if ($null -ne $Connection -and -not [string]::IsNullOrEmpty([string]$Connection.Cloud)) {
        $cloudName = [string]$Connection.Cloud
    }
    $cloud = Get-DelegatedAdminCloud -Name $cloudName
    if ($Service -eq 'Identity') {
        if ($null -ne $Connection -and -not [string]::IsNullOrEmpty([string]$Connection.Authority)) {
            return [string]$Connection.Authority
        }
        return $cloud.Authority
    }
    if ($null -ne $Connection -and $Connection.Endpoints -is [System.Collections.IDictionary]) {
        $override = $Connection.Endpoints[$Service]
        if (-not [string]::IsNullOrEmpty([string]$override)) {
            return [string]$override
        }
    }
    return $cloud.Endpoints[$Service]
}
