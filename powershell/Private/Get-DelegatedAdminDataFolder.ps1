function Get-DelegatedAdminDataFolder {
    <#
    .SYNOPSIS
    The per-user folder where the module keeps files nobody named: the cleanup's default journals.

    .DESCRIPTION
    <LocalApplicationData>/DelegatedAdmin/<Child>: %LOCALAPPDATA%\DelegatedAdmin on Windows (for SYSTEM and
    scheduled tasks, the system profile's, never System32, the working folder of such runs), $XDG_DATA_HOME or
    ~/.local/share/DelegatedAdmin on Linux, the .NET equivalent on macOS. Created when missing. Throws when the
    account has no such folder (no profile, no HOME), so that the caller asks for an explicit path instead.

    .PARAMETER Child
    The subfolder, for example 'journals'.

    .OUTPUTS
    System.String
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Child
    )

    # Create: without it, a folder that does not exist yet (a fresh account) reads as no folder at all.
    $base = [Environment]::GetFolderPath('LocalApplicationData', 'Create')
    if ([string]::IsNullOrEmpty($base)) {
        throw 'This account has no local application data folder (no user profile or HOME).'
    }
    $folder = [System.IO.Path]::Combine($base, 'DelegatedAdmin', $Child)
    $null = [System.IO.Directory]::CreateDirectory($folder)
    return $folder
}
