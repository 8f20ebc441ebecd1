function Import-DelegatedAdminNative {
    <#
    .SYNOPSIS
    Compiles DelegatedAdmin.Native.cs with the absolute library path and loads it (once per session).

    .DESCRIPTION
    DllImport needs a constant library name, and Windows PowerShell 5.1 (.NET Framework) and Mono cannot be told
    where a library is at run time. So the module reads DelegatedAdmin.Native.cs, replaces the "delegated_admin"
    literal of LibraryName with the absolute path from Resolve-DelegatedAdminLibraryPath, and compiles it with
    Add-Type. A .NET type cannot be unloaded: when DelegatedAdmin.Interop.DelegatedAdminNative already exists in
    the session (the module was imported before, or removed and imported again), it is reused.

    .OUTPUTS
    None.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $typeName = 'DelegatedAdmin.Interop.DelegatedAdminNative'
    $existing = $typeName -as [type]
    if ($null -ne $existing) {
        $loadedFrom = $existing::LibraryPath
        $wanted = $null
        try {
            $wanted = Resolve-DelegatedAdminLibraryPath -ErrorAction Stop
        }
        catch {
            $wanted = $null
        }
        if ($null -ne $wanted -and $loadedFrom -ne $wanted) {
            Write-Warning ("The DelegatedAdmin native binding is already loaded in this session from '{0}'; a .NET type cannot be unloaded, so '{1}' is not used. Start a new PowerShell session to switch libraries." -f $loadedFrom, $wanted)
        }
        $script:DelegatedAdminLibraryPath = $loadedFrom
        try {
            $script:DelegatedAdminLibraryVersion = $existing::Version()
        }
        catch {
            $script:DelegatedAdminLibraryVersion = $null
        }
        Write-Verbose ("DelegatedAdmin: reusing the native binding already loaded from '{0}'." -f $loadedFrom)
        return
    }

    # A terminating error of a nested command only ends its statement; catch it so that nothing below runs.
    try {
        $libraryPath = Resolve-DelegatedAdminLibraryPath -ErrorAction Stop
    }
    catch {
        $PSCmdlet.ThrowTerminatingError($_)
    }
    $sourcePath = Join-Path -Path $script:DelegatedAdminModuleRoot -ChildPath 'DelegatedAdmin.Native.cs'
    $source = [System.IO.File]::ReadAllText($sourcePath, [System.Text.Encoding]::UTF8)

    $placeholder = 'internal const string LibraryName = "delegated_admin";'
    if (-not $source.Contains($placeholder)) {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("'{0}' does not contain the line '{1}' that the module replaces with the library path." -f $sourcePath, $placeholder) -ErrorId 'DelegatedAdmin.InteropSourceInvalid' -Category InvalidData -TargetObject $sourcePath
        $PSCmdlet.ThrowTerminatingError($record)
    }
    # A C# verbatim string: backslashes stay as they are, a double quote is doubled.
    $literal = '@"' + $libraryPath.Replace('"', '""') + '"'
    $source = $source.Replace($placeholder, ('internal const string LibraryName = {0};' -f $literal))

    try {
        Add-Type -TypeDefinition $source -Language CSharp -ErrorAction Stop
    }
    catch {
        $record = ConvertTo-DelegatedAdminErrorRecord -Message ("Compiling the native binding '{0}' failed: {1}" -f $sourcePath, $_.Exception.Message) -ErrorId 'DelegatedAdmin.InteropCompileFailed' -Category InvalidOperation -TargetObject $sourcePath -Exception $_.Exception
        $PSCmdlet.ThrowTerminatingError($record)
    }

    # Load the library now, so that a wrong architecture or a missing dependency fails at Import-Module with the
    # path in the message, not at the first cmdlet.
    try {
        $version = [DelegatedAdmin.Interop.DelegatedAdminNative]::Version()
        $script:DelegatedAdminLibraryVersion = $version
        Write-Verbose ("DelegatedAdmin: loaded native library {0} from '{1}'." -f $version, $libraryPath)
    }
    catch {
        $inner = $_.Exception
        while ($null -ne $inner.InnerException) {
            $inner = $inner.InnerException
        }
        $hint = 'Check that the file is the delegated_admin library built for this OS and process architecture.'
        if ($inner -is [System.BadImageFormatException]) {
            $hint = 'The file is not a library for this process architecture (for example an x64 library in an arm64 or 32-bit PowerShell).'
        }
        elseif ($inner -is [System.EntryPointNotFoundException]) {
            $hint = 'The file does not export da_version: it is not the delegated_admin library, or it is an older build.'
        }
        $message = "The native library '{0}' could not be loaded: {1} {2}" -f $libraryPath, $inner.Message, $hint
        $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryLoadFailed' -Category ResourceUnavailable -TargetObject $libraryPath -Exception $inner
        $PSCmdlet.ThrowTerminatingError($record)
    }
    $script:DelegatedAdminLibraryPath = $libraryPath
}
