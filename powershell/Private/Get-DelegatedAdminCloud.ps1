function Get-DelegatedAdminCloud {
    <#
    .SYNOPSIS
    What a cloud name of Connect-DelegatedAdmin -Cloud means: the library's "cloud" value, the authority, each
    service's default endpoint and its token audience.

    .DESCRIPTION
    Public, USGov and China are the library's named clouds (public, usGovernment, china; docs/api.md "Fields every
    request accepts"): the values below only mirror the library's own table, for display and for the scope the
    connection is validated with. USGovDoD is not a named cloud of the library, so it is sent as a custom cloud:
    the US Government authority (login.microsoftonline.us) and Azure Resource Manager
    (management.usgovcloudapi.net), Microsoft Graph's DoD deployment (dod-graph.microsoft.us, Microsoft Graph
    "national cloud deployments"), and Partner Center as the library has it for US Government. The Partner
    Customer Delegated Administration API and CloudCockpit exist in the public cloud only: in another cloud their
    endpoint is $null and the library refuses a call to them, naming the service.

    .PARAMETER Name
    Public, USGov, USGovDoD or China.

    .OUTPUTS
    PSCustomObject: Name, Request (the "cloud" value to send, $null for Public: the library's default),
    Authority, Endpoints and Audiences (hashtables by service: PartnerCenter, CustomerAdmin, CloudCockpit,
    ResourceManager, Graph).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter()]
        [ValidateSet('Public', 'USGov', 'USGovDoD', 'China')]
        [string] $Name = 'Public'
    )

    $partnerCenter = 'https://api.partnercenter.microsoft.com'
    switch ($Name) {
        'Public' {
            $authority = 'https://login.microsoftonline.com'
            $endpoints = @{
                PartnerCenter   = $partnerCenter
                CustomerAdmin   = 'https://traf-pcsvcadmin-prod.trafficmanager.net'
                CloudCockpit    = 'https://api.cloudcockpit.com'
                ResourceManager = 'https://management.azure.com'
                Graph           = 'https://graph.microsoft.com'
            }
            $audiences = @{
                PartnerCenter   = $partnerCenter
                CustomerAdmin   = 'https://api.partnercustomeradministration.microsoft.com'
                CloudCockpit    = 'api://b92a36a4-feb8-4f47-a69c-29a180aa6d0a'
                ResourceManager = 'https://management.azure.com'
                Graph           = 'https://graph.microsoft.com'
            }
            $request = $null
        }
        'USGov' {
            $authority = 'https://login.microsoftonline.us'
            $endpoints = @{
                PartnerCenter   = $partnerCenter
                CustomerAdmin   = $null
                CloudCockpit    = $null
                ResourceManager = 'https://management.usgovcloudapi.net'
                Graph           = 'https://graph.microsoft.us'
            }
            $audiences = $endpoints.Clone()
            $request = 'usGovernment'
        }
        'USGovDoD' {
            $authority = 'https://login.microsoftonline.us'
            $endpoints = @{
                PartnerCenter   = $partnerCenter
                CustomerAdmin   = $null
                CloudCockpit    = $null
                ResourceManager = 'https://management.usgovcloudapi.net'
                Graph           = 'https://dod-graph.microsoft.us'
            }
            $audiences = $endpoints.Clone()
            # A custom cloud: each service's scope is <endpoint>/.default (the library's rule for custom clouds).
            $request = [ordered]@{
                authority = $authority
                endpoints = [ordered]@{
                    partnerCenter   = $endpoints['PartnerCenter']
                    resourceManager = $endpoints['ResourceManager']
                    graph           = $endpoints['Graph']
                }
            }
        }
        'China' {
            $authority = 'https://login.partner.microsoftonline.cn'
            $endpoints = @{
                PartnerCenter   = 'https://partner.partnercenterapi.microsoftonline.cn'
                CustomerAdmin   = $null
                CloudCockpit    = $null
                ResourceManager = 'https://management.chinacloudapi.cn'
                Graph           = 'https://microsoftgraph.chinacloudapi.cn'
            }
            $audiences = $endpoints.Clone()
            $request = 'china'
        }
    }

    [pscustomobject]@{
        Name      = $Name
        Request   = $request
        Authority = $authority
        Endpoints = $endpoints
        Audiences = $audiences
    }
}
