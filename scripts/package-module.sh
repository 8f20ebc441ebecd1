#!/usr/bin/env bash
# Builds the packages (see scripts/package-module.ps1): dist/DelegatedAdmin/<version>/ (the PowerShell module with
# its interop assembly and native library), dist/DelegatedAdmin-<version>.zip, dist/DelegatedAdmin.<version>.nupkg
# and dist/DelegatedAdmin.Native.<version>.nupkg (the C# package).
#
#   scripts/package-module.sh                   # cargo build --release; packages this machine's library
#   scripts/package-module.sh --debug           # cargo build (debug), the library stripped of its debug info
#                                               # (what tests/powershell/run.sh and tests/csharp-package/run.sh use)
#   scripts/package-module.sh --no-build ...    # use what target/ already holds
#   scripts/package-module.sh --native-dir DIR  # package DIR/<rid>/native/<library> for several platforms
#                                               # (the GitHub workflow gathers win-x64, linux-x64, osx-arm64)
#   scripts/package-module.sh --out DIR         # instead of dist/
#
# Needs cargo (unless --native-dir or --no-build), pwsh (PowerShell 7; ~/.dotnet/tools is searched) and dotnet.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

profile=release
build=1
native_dir=""
out_dir="$ROOT/dist"
while (($# > 0)); do
    case "$1" in
        --debug) profile=debug ;;
        --release) profile=release ;;
        --no-build) build=0 ;;
        --native-dir)
            native_dir="${2:?--native-dir needs a folder}"
            shift
            ;;
        --out)
            out_dir="${2:?--out needs a folder}"
            shift
            ;;
        -h | --help)
            sed -n '2,15p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *)
            echo "package-module.sh: unknown option '$1' (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done

PWSH="$(command -v pwsh || true)"
if [ -z "$PWSH" ] && [ -x "$HOME/.dotnet/tools/pwsh" ]; then
    PWSH="$HOME/.dotnet/tools/pwsh"
fi
if [ -z "$PWSH" ]; then
    echo "package-module.sh: pwsh (PowerShell 7) is needed: dotnet tool install --global PowerShell --version 7.6.9" >&2
    exit 1
fi
command -v dotnet >/dev/null || {
    echo "package-module.sh: the .NET SDK (dotnet) is needed" >&2
    exit 1
}

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
if [ -z "$native_dir" ]; then
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) rid=linux-x64 lib=libdelegated_admin.so ;;
        Linux-aarch64) rid=linux-arm64 lib=libdelegated_admin.so ;;
        Darwin-arm64) rid=osx-arm64 lib=libdelegated_admin.dylib ;;
        Darwin-x86_64) rid=osx-x64 lib=libdelegated_admin.dylib ;;
        MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) rid=win-x64 lib=delegated_admin.dll ;;
        *)
            echo "package-module.sh: no runtime identifier for $(uname -s)-$(uname -m); use --native-dir" >&2
            exit 1
            ;;
    esac
    if ((build)); then
        if [ "$profile" = release ]; then
            cargo build --release --lib
        else
            # The whole workspace, as the tests build it: a --lib build would unify features differently and
            # rebuild the dependencies every time the two alternate.
            cargo build --workspace
        fi
    fi
    built="$TARGET_DIR/$profile/$lib"
    [ -f "$built" ] || {
        echo "package-module.sh: $built is missing (build it, or drop --no-build)" >&2
        exit 1
    }
    native_dir="$TARGET_DIR/package/native"
    rm -rf "$native_dir"
    mkdir -p "$native_dir/$rid/native"
    cp "$built" "$native_dir/$rid/native/$lib"
    # A debug build carries ~80 MB of debug info: the package for tests does without it.
    if [ "$profile" = debug ] && [ "$rid" != "${rid#linux}" ] && command -v objcopy >/dev/null; then
        objcopy --strip-debug "$native_dir/$rid/native/$lib"
    fi
fi

exec "$PWSH" -NoLogo -NoProfile -NonInteractive -File "$ROOT/scripts/package-module.ps1" \
    -NativeDir "$native_dir" -OutDir "$out_dir" -WorkDir "$TARGET_DIR/package"
