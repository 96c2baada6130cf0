#!/usr/bin/env bash
# Installs what BuildSign needs on a fresh Debian/Ubuntu machine with the .NET 10 SDK, then
# restores and builds. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_packages=()
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need_packages+=(softhsm2)
command -v pkcs11-tool >/dev/null || need_packages+=(opensc)
[ -e /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so ] || [ -e /usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so ] || need_packages+=(libengine-pkcs11-openssl)
command -v openssl >/dev/null || need_packages+=(openssl)
[ -x /usr/bin/time ] || need_packages+=(time)
# The Windows API check: Wine's WinVerifyTrust/CryptMsg run a small mingw-w64 program (tests/BuildSign.Testing/WinVerify).
[ -x /usr/lib/wine/wine64 ] || need_packages+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || need_packages+=(gcc-mingw-w64-x86-64)
# The signing service's tests: ClamAV as the scan hook (clamscan, sigtool), PostgreSQL for several instances.
command -v clamscan >/dev/null && command -v sigtool >/dev/null || need_packages+=(clamav)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need_packages+=(postgresql)
# The container tests check archives with readers BuildSign did not write: unzip and Python's zipfile.
command -v unzip >/dev/null || need_packages+=(unzip)
command -v python3 >/dev/null || need_packages+=(python3)
# The CLI test of live progress runs buildsign on a pseudo-terminal with script(1).
command -v script >/dev/null || need_packages+=(bsdutils)
# The Azure DevOps extension (azure-task/): node and npm build and test it; unzip (above) reads the .vsix.
command -v node >/dev/null || need_packages+=(nodejs)
command -v npm >/dev/null || need_packages+=(npm)

osslsigncode_ok() {
  command -v osslsigncode >/dev/null || return 1
  # Script signing needs 2.6 or later; Debian 12's own 2.5 lacks it.
  local v; v=$(osslsigncode --version 2>/dev/null | head -1 | awk '{print $2}')
  [ "$(printf '%s\n2.6\n' "$v" | sort -V | head -1)" = "2.6" ]
}

if [ ${#need_packages[@]} -gt 0 ] || ! osslsigncode_ok; then
  echo "==> installing system packages: ${need_packages[*]} osslsigncode"
  as_root apt-get update -qq
  [ ${#need_packages[@]} -eq 0 ] || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
  if ! osslsigncode_ok; then
    if grep -qs 'bookworm' /etc/os-release; then
      echo 'deb http://deb.debian.org/debian bookworm-backports main' | as_root tee /etc/apt/sources.list.d/buildsign-backports.list >/dev/null
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports osslsigncode >/dev/null
    else
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq osslsigncode >/dev/null
    fi
  fi
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
echo "==> restoring and building BuildSign"
dotnet build BuildSign.sln -c Release -nodeReuse:false -v quiet -clp:NoSummary
