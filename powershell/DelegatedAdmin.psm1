# DelegatedAdmin.psm1: loads the private helpers, the native interop, then the public cmdlets.
# Public cmdlets live in Public/ (one function per file, named like the file); helpers in Private/.

# The module reads optional fields of parsed JSON; a caller's Set-StrictMode must not turn those into errors.
Set-StrictMode -Off

# Module-scope state. The connection holds secrets only as SecureString (see Connect-DelegatedAdmin).
$script:DelegatedAdminConnection = $null
$script:DelegatedAdminModuleRoot = $PSScriptRoot
$script:DelegatedAdminLibraryPath = $null
$script:DelegatedAdminLibraryVersion = $null
# This module version's interop type (DelegatedAdmin.Interop.V<version>.DelegatedAdminNative) and its exception type.
$script:DelegatedAdminNative = $null
$script:DelegatedAdminExceptionType = $null

foreach ($privateFile in @(Get-ChildItem -Path (Join-Path -Path $PSScriptRoot -ChildPath 'Private') -Filter '*.ps1' -File | Sort-Object -Property Name)) {
    . $privateFile.FullName
}

# Loads bin/DelegatedAdmin.Interop.V<version>.dll (or reuses it when this session already did), loads the library
# for this OS and architecture by its absolute path, and checks that it answers da_version. A missing or broken
# library names the path it tried. Its error is rethrown so that Import-Module fails instead of going on without
# the binding, on every import (also a second Import-Module -Force).
try {
    Import-DelegatedAdminNative -ErrorAction Stop
}
catch {
    throw $_
}

foreach ($publicFile in @(Get-ChildItem -Path (Join-Path -Path $PSScriptRoot -ChildPath 'Public') -Filter '*.ps1' -File | Sort-Object -Property Name)) {
    . $publicFile.FullName
}

$ExecutionContext.SessionState.Module.OnRemove = {
    Clear-DelegatedAdminConnection
}
