#!/usr/bin/env bash
# xunit tests of the C# package DelegatedAdmin.Native.<version>.nupkg (dist/, from scripts/package-module.sh):
# the test project references the PACKAGE from a local folder feed (dist/), never the source file, and runs under
# `dotnet test` against the emulator. xunit and the test SDK come from /opt/nuget/packages when that folder exists
# (this machine's offline copy), else from NuGet.
#
#   tests/csharp-package/run.sh                     # cargo build --workspace, package, test
#   DA_SKIP_BUILD=1 DA_SKIP_PACKAGE=1 tests/csharp-package/run.sh
#
# Exit codes: 0 passed; 1 failed; 77 skipped, only when the .NET SDK is missing and CI is not "true".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if ! command -v dotnet >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: the .NET SDK (dotnet) is not installed" >&2
        exit 1
    fi
    echo "SKIPPED: the .NET SDK (dotnet) is not installed on this machine; the C# package tests were not run"
    exit 77
fi

if [ -z "${DA_SKIP_BUILD:-}" ]; then
    cargo build --workspace || exit 1
fi
if [ -z "${DA_SKIP_PACKAGE:-}" ]; then
    bash scripts/package-module.sh --debug --no-build || exit 1
fi

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)"
PACKAGE="$ROOT/dist/DelegatedAdmin.Native.$VERSION.nupkg"
if [ ! -f "$PACKAGE" ]; then
    # Packaging needs pwsh: where it cannot be had (outside CI), there is no package to test.
    if [ "${CI:-}" != "true" ] && ! command -v pwsh >/dev/null && [ ! -x "$HOME/.dotnet/tools/pwsh" ]; then
        echo "SKIPPED: $PACKAGE is not built: packaging needs pwsh (bash scripts/install-test-tools.sh)"
        exit 77
    fi
    echo "FAILED: $PACKAGE is missing (scripts/package-module.sh builds it)" >&2
    exit 1
fi
case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*) EMULATOR="$TARGET_DIR/debug/da-emulator.exe" ;;
    *) EMULATOR="$TARGET_DIR/debug/da-emulator" ;;
esac

# A packages folder of its own, emptied of DelegatedAdmin.Native first: NuGet never re-reads a version it has
# cached, and this one is rebuilt with the same version on every run.
PACKAGES="$TARGET_DIR/csharp-package/packages"
rm -rf "$PACKAGES/delegatedadmin.native"
sources=(--source "$ROOT/dist")
[ -d /opt/nuget/packages ] && sources+=(--source /opt/nuget/packages)
sources+=(--source https://api.nuget.org/v3/index.json)

PROJECT="$ROOT/tests/csharp-package/DelegatedAdmin.Native.Tests.csproj"
dotnet restore "$PROJECT" --nologo -v quiet --packages "$PACKAGES" "${sources[@]}" -p:DelegatedAdminVersion="$VERSION" || exit 1
DELEGATED_ADMIN_TEST_EMULATOR="$EMULATOR" dotnet test "$PROJECT" --nologo --no-restore -p:DelegatedAdminVersion="$VERSION" \
    --logger "console;verbosity=normal"
