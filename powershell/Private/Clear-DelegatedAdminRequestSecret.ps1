function Clear-DelegatedAdminRequestSecret {
    <#
    .SYNOPSIS
    Clears and removes the members of a request that hold plain-text secrets: auth, partnerCenterAuth and proxy.

    .DESCRIPTION
    Called in the finally block of every native call, as soon as the request's JSON exists: the dictionaries are
    cleared (nested ones too, such as auth.accessTokens) so that no plain-text copy stays reachable from the
    module. The JSON text itself is dropped by the caller.

    .PARAMETER Request
    The request dictionary.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [System.Collections.IDictionary] $Request
    )

    if ($null -eq $Request) {
        return
    }
    $clear = {
        param($value)
        if ($value -is [System.Collections.IDictionary]) {
            foreach ($key in @($value.Keys)) {
                & $clear $value[$key]
            }
            $value.Clear()
        }
    }
    foreach ($name in @('auth', 'partnerCenterAuth', 'proxy')) {
        if ($Request.Contains($name)) {
            & $clear $Request[$name]
            $Request.Remove($name)
        }
    }
}
