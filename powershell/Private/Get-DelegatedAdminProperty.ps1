function Get-DelegatedAdminProperty {
    <#
    .SYNOPSIS
    Reads a property of a parsed JSON object, or returns $null when it is absent.

    .DESCRIPTION
    ConvertFrom-Json returns PSCustomObjects whose fields depend on the response; reading a missing property
    through PSObject.Properties never fails, even under Set-StrictMode.

    .PARAMETER InputObject
    The object (or $null).

    .PARAMETER Name
    The property name (case-insensitive, as PowerShell matches it).

    .OUTPUTS
    System.Object. The value, or $null.
    #>
    [CmdletBinding()]
    [OutputType([object])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [object] $InputObject,

        [Parameter(Mandatory = $true)]
        [string] $Name
    )

    if ($null -eq $InputObject) {
        return $null
    }
    if ($InputObject -is [System.Collections.IDictionary]) {
        if ($InputObject.Contains($Name)) {
            return , $InputObject[$Name]
        }
        return $null
    }
    $property = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $property) {
        return $null
    }
    return , $property.Value
}
