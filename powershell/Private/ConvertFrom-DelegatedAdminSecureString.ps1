function ConvertFrom-DelegatedAdminSecureString {
    <#
    .SYNOPSIS
    Returns the plain text of a SecureString, for the JSON of one native call only.

    .DESCRIPTION
    Copies the secret through unmanaged memory that is zeroed and freed at once (Marshal.SecureStringToCoTaskMemUnicode
    and ZeroFreeCoTaskMemUnicode work on Windows, Linux and macOS). Callers drop the returned string as soon as the
    request JSON is built.

    .PARAMETER SecureString
    The secret.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [AllowNull()]
        [System.Security.SecureString] $SecureString
    )

    if ($null -eq $SecureString) {
        return $null
    }
    $pointer = [IntPtr]::Zero
    try {
        $pointer = [System.Runtime.InteropServices.Marshal]::SecureStringToCoTaskMemUnicode($SecureString)
        return [System.Runtime.InteropServices.Marshal]::PtrToStringUni($pointer, $SecureString.Length)
    }
    finally {
        if ($pointer -ne [IntPtr]::Zero) {
            [System.Runtime.InteropServices.Marshal]::ZeroFreeCoTaskMemUnicode($pointer)
        }
    }
}
