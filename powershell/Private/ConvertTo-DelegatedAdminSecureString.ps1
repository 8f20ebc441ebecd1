function ConvertTo-DelegatedAdminSecureString {
    <#
    .SYNOPSIS
    Wraps a token string from a native result in a read-only SecureString.

    .DESCRIPTION
    Builds the SecureString character by character (ConvertTo-SecureString -AsPlainText -Force would do the same,
    but needs -Force and is flagged by script analyzers).

    .PARAMETER PlainText
    The text.

    .OUTPUTS
    System.Security.SecureString
    #>
    [CmdletBinding()]
    [OutputType([System.Security.SecureString])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [AllowEmptyString()]
        [string] $PlainText
    )

    if ($null -eq $PlainText) {
        return $null
    }
    $secure = New-Object -TypeName System.Security.SecureString
    foreach ($character in $PlainText.ToCharArray()) {
        $secure.AppendChar($character)
    }
    $secure.MakeReadOnly()
    return $secure
}
