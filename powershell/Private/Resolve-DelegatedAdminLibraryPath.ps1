function Resolve-DelegatedAdminLibraryPath {
    <#
    .SYNOPSIS
    Finds the native delegated_admin library for this OS and architecture.

    .DESCRIPTION
    $env:DELEGATED_ADMIN_LIBRARY, when set, is used as is (a file path; relative paths are resolved against the
    current location). Otherwise the library is expected beside the module in
    runtimes/<rid>/native/<file>, with rid one of win-x64, win-arm64, win-x86, linux-x64, linux-arm64, osx-x64,
    osx-arm64 and file delegated_admin.dll, libdelegated_admin.so or libdelegated_admin.dylib.
    A missing file is a terminating error that names the exact path tried and how to fix it.

    .OUTPUTS
    System.String. The absolute path of the library.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $override = $env:DELEGATED_ADMIN_LIBRARY
    if (-not [string]::IsNullOrWhiteSpace($override)) {
        $fullPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($override)
        if (-not (Test-Path -LiteralPath $fullPath -PathType Leaf)) {
            $message = ("The environment variable DELEGATED_ADMIN_LIBRARY is set to '{0}', but no file exists at '{1}'. " +
                'Point it at the built native library (for example target/release/libdelegated_admin.so after ' +
                "'cargo build --release'), or remove the variable to use the library beside the module.") -f $override, $fullPath
            $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryNotFound' -Category ObjectNotFound -TargetObject $fullPath
            $PSCmdlet.ThrowTerminatingError($record)
        }
        return $fullPath
    }

    $platform = Get-DelegatedAdminPlatform
    $runtimes = Join-Path -Path $script:DelegatedAdminModuleRoot -ChildPath 'runtimes'
    $native = Join-Path -Path (Join-Path -Path $runtimes -ChildPath $platform.Rid) -ChildPath 'native'
    $path = Join-Path -Path $native -ChildPath $platform.FileName

    if (-not $platform.Supported) {
        $message = ("The DelegatedAdmin module has no native library for this platform ({0}); supported: {1}. " +
            "Build the library for this platform with 'cargo build --release' and set DELEGATED_ADMIN_LIBRARY to its path, " +
            "or copy it to '{2}'.") -f $platform.Rid, ($platform.SupportedRids -join ', '), $path
        $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.PlatformNotSupported' -Category NotImplemented -TargetObject $platform.Rid
        $PSCmdlet.ThrowTerminatingError($record)
    }

    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        $message = ("The DelegatedAdmin native library was not found at '{0}' (platform {1}). " +
            "Build it with 'cargo build --release' and copy target/release/{2} to that path, " +
            'or set the environment variable DELEGATED_ADMIN_LIBRARY to the full path of the library before Import-Module.') -f $path, $platform.Rid, $platform.FileName
        $record = ConvertTo-DelegatedAdminErrorRecord -Message $message -ErrorId 'DelegatedAdmin.LibraryNotFound' -Category ObjectNotFound -TargetObject $path
        $PSCmdlet.ThrowTerminatingError($record)
    }

    return (Resolve-Path -LiteralPath $path).ProviderPath
}
