function Import-DelegatedAdminNative {
    <#
    .SYNOPSIS
    Loads this module version's interop assembly and the native library, and checks that the library answers.

    .DESCRIPTION
    The interop is DelegatedAdmin.Native.cs compiled for netstandard2.0 (scripts/package-module.sh), with a
    namespace and an assembly name that carry the module version: DelegatedAdmin.Interop.V0_1_0.DelegatedAdminNative
    in bin/DelegatedAdmin.Interop.V0_1_0.dll. A .NET type cannot be unloaded, so a versioned name is what lets an
    updated module import beside an older one in the same session and never bind the old type.

    1. The library path: Resolve-DelegatedAdminLibraryPath (DELEGATED_ADMIN_LIBRARY, or runtimes/<rid>/native/).
    2. The type: reused when this session already loaded it (a second Import-Module, another runspace or thread
       job), otherwise loaded from bin/ by its path.
    3. UseLibrary(path): loads the library by its absolute path (NativeLibrary and a DllImport resolver on
       PowerShell 7, LoadLibraryEx on Windows PowerShell 5.1). A file that exists but does not load is reported as
       a missing dependency or a wrong architecture, with the loader's reason.
    4. Version(): the library must answer with a version; anything else fails the import.
    Every step runs on every import, so a re-import fails as clearly as the first one.

    .OUTPUTS
    None. Sets $script:DelegatedAdminNative (the type), DelegatedAdminLibraryPath and DelegatedAdminLibraryVersion.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $manifestPath = Join-Path -Path $script:DelegatedAdminModuleRoot -ChildPath 'DelegatedAdmin.psd1'
    $moduleVersion = [string](Import-PowerShellDataFile -Path $manifestPath).ModuleVersion
    $versionTag = 'V' + $moduleVersion.Replace('.', '_')
    $typeName = 'DelegatedAdmin.Interop.{0}.DelegatedAdminNative' -f $versionTag
    $assemblyPath = Join-Path -Path (Join-Path -Path $script:DelegatedAdminModuleRoot -ChildPath 'bin') -ChildPath ('DelegatedAdmin.Interop.{0}.dll' -f $versionTag)

    # A terminating error of a nested command only ends its statement; catch it so that nothing below runs.
    try {
        $libraryPath = Resolve-DelegatedAdminLibraryPath -ErrorAction Stop
    }
    catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }

    $type = $typeName -as [type]
    if ($null -eq $type) {
        if (-not (Test-Path -LiteralPath $assemblyPath -PathType Leaf)) {
            $message = ("The DelegatedAdmin interop assembly '{0}' is missing, so the module cannot call its native library. " +
                'Install the packaged module (dist/DelegatedAdmin/{1} from scripts/package-module.sh, the .zip or the .nupkg) instead of importing powershell/ from a source checkout.') -f $assemblyPath, $moduleVersion
            $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.InteropMissing' -Category ObjectNotFound -TargetObject $assemblyPath
            $PSCmdlet.ThrowTerminatingError($record)
        }
        try {
            $assembly = [System.Reflection.Assembly]::LoadFrom($assemblyPath)
            $type = $assembly.GetType($typeName, $true)
        }
        catch {
            $record = ConvertTo-DelegatedAdminErrorRecord -Message ("Loading the DelegatedAdmin interop assembly '{0}' failed: {1}" -f $assemblyPath, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InteropLoadFailed' -Category ResourceUnavailable -TargetObject $assemblyPath -Exception $_.Exception
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }
    else {
        Write-Verbose ("DelegatedAdmin: reusing the interop type {0} already loaded in this session." -f $typeName)
    }

    # Load the library now, so that a wrong architecture or a missing dependency fails at Import-Module with the
    # path in the message, not at the first cmdlet.
    try {
        $type::UseLibrary($libraryPath)
    }
    catch {
        $inner = $_.Exception
        while ($null -ne $inner.InnerException) {
            $inner = $inner.InnerException
        }
        if ($inner -is [System.InvalidOperationException]) {
            # This module version's type is bound to another library file already (DELEGATED_ADMIN_LIBRARY changed
            # between two imports): a loaded library cannot be swapped, the loaded one keeps serving.
            Write-Warning ("{0} The library at '{1}' stays in use." -f $inner.Message, $type::LibraryPath)
            $libraryPath = $type::LibraryPath
        }
        else {
            $hint = 'Check that the file is the delegated_admin library built for this OS and process architecture.'
            $what = 'could not be loaded'
            if ($inner -is [System.BadImageFormatException] -or $inner.Message -match 'wrong ELF class|invalid ELF header|not a valid Win32 application|mach-o, but wrong architecture|file too short') {
                $what = 'is not a loadable library for this process'
                $hint = 'The file is damaged or built for another architecture (for example an x64 library in an arm64 or 32-bit PowerShell).'
            }
            elseif (Test-Path -LiteralPath $libraryPath -PathType Leaf) {
                $what = 'exists but could not be loaded: a missing dependency'
                $hint = 'A library it needs is not installed or not found (on Windows, build it with +crt-static or install the Visual C++ runtime; on Linux, check the glibc version with ldd).'
            }
            $message = "The native library '{0}' {1}. {2} Loader: {3}" -f $libraryPath, $what, $hint, $inner.Message
            $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryLoadFailed' -Category ResourceUnavailable -TargetObject $libraryPath -Exception (New-Object -TypeName System.InvalidOperationException -ArgumentList $message, $inner)
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }

    $version = $null
    try {
        $version = $type::Version()
    }
    catch {
        $inner = $_.Exception
        while ($null -ne $inner.InnerException) {
            $inner = $inner.InnerException
        }
        $hint = 'The call failed.'
        if ($inner -is [System.EntryPointNotFoundException]) {
            $hint = 'The file does not export da_version: it is not the delegated_admin library, or it is an older build.'
        }
        $message = "The native library '{0}' loaded, but da_version failed: {1} {2}" -f $libraryPath, $hint, $inner.Message
        $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryVersionFailed' -Category ResourceUnavailable -TargetObject $libraryPath -Exception (New-Object -TypeName System.InvalidOperationException -ArgumentList $message, $inner)
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if ([string]::IsNullOrEmpty($version) -or $version -notmatch '^\d+\.\d+\.\d+') {
        $message = "The native library '{0}' loaded, but da_version returned no version ('{1}'): it is not a working delegated_admin library." -f $libraryPath, $version
        $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryVersionFailed' -Category InvalidResult -TargetObject $libraryPath
        $PSCmdlet.ThrowTerminatingError($record)
    }
    if ($version -ne $moduleVersion) {
        Write-Warning ("The native library '{0}' is version {1}, the module {2}: they come from different builds." -f $libraryPath, $version, $moduleVersion)
    }

    $script:DelegatedAdminNative = $type
    $script:DelegatedAdminExceptionType = $type.Assembly.GetType(('DelegatedAdmin.Interop.{0}.DelegatedAdminException' -f $versionTag), $true)
    $script:DelegatedAdminLibraryPath = $libraryPath
    $script:DelegatedAdminLibraryVersion = $version
    Write-Verbose ("DelegatedAdmin: native library {0} from '{1}' through {2}." -f $version, $libraryPath, $typeName)
}
