function Get-DelegatedAdminItem {
    <#
    .SYNOPSIS
    Writes each element of an array property of a parsed JSON object, skipping nulls; nothing when it is absent.

    .DESCRIPTION
    Get-DelegatedAdminProperty returns an array as one object (so that a one-element array stays an array); this
    enumerates it instead, for pipelines and @(...): an absent or null property gives no element, a single value
    one element.

    .PARAMETER InputObject
    The object (or $null).

    .PARAMETER Name
    The property name.

    .OUTPUTS
    System.Object. The elements.
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

    $value = Get-DelegatedAdminProperty -InputObject $InputObject -Name $Name
    foreach ($item in @($value)) {
        if ($null -ne $item) {
            $item
        }
    }
}
