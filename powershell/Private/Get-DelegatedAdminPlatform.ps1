function Get-DelegatedAdminPlatform {
    <#
    .SYNOPSIS
    Describes this process's OS and architecture as a runtime identifier and a native library file name.

    .DESCRIPTION
    Works on Windows PowerShell 5.1 (Desktop edition: always Windows; the architecture comes from
    [Environment]::Is64BitProcess and $env:PROCESSOR_ARCHITECTURE) and on PowerShell 7 (Core edition: $IsWindows,
    $IsLinux, $IsMacOS and RuntimeInformation.ProcessArchitecture). The process architecture, not the OS one, is
    what matters: an x64 PowerShell emulated on an arm64 machine loads an x64 library.

    .OUTPUTS
    PSCustomObject with Os (win, linux, osx), Architecture (x64, arm64, x86, arm, ...), Rid (for example
    linux-x64), FileName (delegated_admin.dll, libdelegated_admin.so or libdelegated_admin.dylib) and Supported.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()

    $os = 'win'
    $architecture = $null

    if ($PSVersionTable.PSEdition -eq 'Core') {
        # Automatic variables of PowerShell 6+; read through Get-Variable so that strict mode never trips on 5.1.
        $onWindows = [bool](Get-Variable -Name 'IsWindows' -ValueOnly -ErrorAction SilentlyContinue)
        $onLinux = [bool](Get-Variable -Name 'IsLinux' -ValueOnly -ErrorAction SilentlyContinue)
        $onMacOS = [bool](Get-Variable -Name 'IsMacOS' -ValueOnly -ErrorAction SilentlyContinue)
        if ($onLinux) {
            $os = 'linux'
        }
        elseif ($onMacOS) {
            $os = 'osx'
        }
        elseif ($onWindows) {
            $os = 'win'
        }

        $processArchitecture = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
        if ($null -eq $processArchitecture) {
            $processArchitecture = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture
        }
        $architecture = ([string]$processArchitecture).ToLowerInvariant()
    }
    else {
        # Windows PowerShell 5.1 (Desktop edition) runs only on Windows.
        $os = 'win'
        $processorArchitecture = [string]$env:PROCESSOR_ARCHITECTURE
        if ($processorArchitecture -eq 'ARM64') {
            $architecture = 'arm64'
        }
        elseif ([Environment]::Is64BitProcess) {
            $architecture = 'x64'
        }
        else {
            $architecture = 'x86'
        }
    }

    $fileName = 'delegated_admin.dll'
    if ($os -eq 'linux') {
        $fileName = 'libdelegated_admin.so'
    }
    elseif ($os -eq 'osx') {
        $fileName = 'libdelegated_admin.dylib'
    }

    $rid = '{0}-{1}' -f $os, $architecture
    $supportedRids = @('win-x64', 'win-arm64', 'win-x86', 'linux-x64', 'linux-arm64', 'osx-x64', 'osx-arm64')

    [pscustomobject]@{
        PSTypeName    = 'DelegatedAdmin.Platform'
        Os            = $os
        Architecture  = $architecture
        Rid           = $rid
        FileName      = $fileName
        Supported     = ($supportedRids -contains $rid)
        SupportedRids = $supportedRids
    }
}
