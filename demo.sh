#!/usr/bin/env bash
# Sets everything up, creates the embedded dev HSM (a SoftHSM2 token in .buildsign/hsm with a dev
# key and certificate), packs BuildSign's packages into a folder feed, then does the main job:
# builds, publishes and packs the example solution with BuildSign.MSBuild signing every output as
# the build makes it, and verifies every output with independent verifiers.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
buildsign() { dotnet src/BuildSign.Cli/bin/Release/net10.0/buildsign.dll "$@"; }
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)

echo "==> packing BuildSign $version (BuildSign.MSBuild, BuildSign.Cli, BuildSign.Core) into artifacts/packages"
rm -rf artifacts/packages
dotnet pack BuildSign.sln -c Release --no-build -o artifacts/packages -nodeReuse:false -v quiet -clp:NoSummary
# A private package folder, so every run restores the package just packed, never a stale copy of the same version.
export NUGET_PACKAGES="$PWD/.buildsign/nuget-packages"
rm -rf "$NUGET_PACKAGES/buildsign.msbuild"

echo "==> creating the dev HSM token (.buildsign/hsm)"
buildsign dev init --dir .buildsign/hsm --env-file .buildsign/hsm/env
# shellcheck disable=SC1091
source .buildsign/hsm/env   # SOFTHSM2_CONF and BUILDSIGN_KEY: the key string (no PIN in it)

echo "==> starting a local RFC 3161 timestamp server"
tsa_log=$(mktemp)
buildsign tsa serve --cert .buildsign/hsm/dev-tsa.pem --key .buildsign/hsm/dev-tsa-key.pem --port 0 >"$tsa_log" 2>&1 &
tsa_pid=$!
sdk_dir=""
cleanup() {
  kill "$tsa_pid" 2>/dev/null || true
  rm -f "$tsa_log"
  # Put the SDK's NuGet trust bundles back as they were.
  if [ -n "$sdk_dir" ]; then
    for b in codesignctl timestampctl; do
      [ -f ".buildsign/$b.pem.orig" ] && cp ".buildsign/$b.pem.orig" "$sdk_dir/trustedroots/$b.pem" && rm -f ".buildsign/$b.pem.orig"
    done
  fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do grep -q 'listening on' "$tsa_log" && break; sleep 0.1; done
tsa_url=$(grep -o 'http://[^ ]*' "$tsa_log" | head -1)

# The signing properties, as a CI system would set them: environment variables become MSBuild properties.
export BuildSignKey="$BUILDSIGN_KEY" BuildSignTimestampUrl="$tsa_url" BuildSignVersion="$version"
ex=examples
out=$ex/out
rm -rf "$out"
# Runs dotnet; shows BuildSign's own lines (the summary per signing step), or the whole log when it fails.
build() {
  local log; log=$(mktemp)
  if ! dotnet "$@" -c Release -nodeReuse:false -v:n -clp:NoSummary >"$log" 2>&1; then
    cat "$log"; rm -f "$log"; echo "dotnet $1 failed"; exit 1
  fi
  grep -E '^ *BuildSign: ' "$log" | sed 's/^ */  /' || true
  rm -f "$log"
}

echo "==> dotnet build examples/BuildSign.Examples.sln (signs each assembly in obj/ before it is copied, and the apphost)"
build build $ex/BuildSign.Examples.sln
echo "==> dotnet build again: nothing changed, so nothing is signed"
build build $ex/BuildSign.Examples.sln
echo "==> dotnet publish HelloSigned as a single file (the bundle is made from signed files, then signed)"
build publish $ex/HelloSigned/HelloSigned.csproj -p:PublishSingleFile=true -o $out/publish
echo "==> dotnet pack SignedPackage (signs the .nupkg and .snupkg)"
build pack $ex/SignedPackage/SignedPackage.csproj -o $out/packages

bin=$ex/HelloSigned/bin/Release/net10.0/win-x64
pe_files=("$bin/HelloSigned.exe" "$bin/HelloSigned.dll" "$bin/Greetings.dll" "$ex/SignedPackage/bin/Release/net10.0/SignedPackage.dll" "$out/publish/HelloSigned.exe")
packages=("$out/packages/BuildSign.Examples.SignedPackage.1.0.0.nupkg" "$out/packages/BuildSign.Examples.SignedPackage.1.0.0.snupkg")
mkdir -p "$out/unpacked" && (cd "$out/unpacked" && unzip -q -o "../packages/$(basename "${packages[0]}")" 'lib/*')
pe_files+=("$out/unpacked/lib/net10.0/SignedPackage.dll")

echo "==> verifying with buildsign"
buildsign verify --trusted-certificate .buildsign/hsm/dev-root.pem --trusted-timestamp-certificate .buildsign/hsm/dev-root.pem "${pe_files[@]}" "${packages[@]}"

echo "==> verifying with osslsigncode (an independent verifier)"
for f in "${pe_files[@]}"; do
  result=$(osslsigncode verify -CAfile .buildsign/hsm/dev-root.pem -TSA-CAfile .buildsign/hsm/dev-root.pem -in "$f")
  grep -q '^Signature verification: ok' <<<"$result" || { echo "$result"; echo "osslsigncode: $f does not verify"; exit 1; }
  echo "  ${f#"$ex"/}: $(grep -E '^Signature verification: ' <<<"$result"), $(grep -cE '^Timestamp verified' <<<"$result") timestamp verified"
done

echo "==> verifying the packages with dotnet nuget verify (the dev root is trusted by the SDK's NuGet for this run only)"
sdk_line=$(dotnet --list-sdks | tail -1)
sdk_dir="$(sed 's/.*\[\(.*\)\]/\1/' <<<"$sdk_line")/${sdk_line%% *}"
if [ -w "$sdk_dir/trustedroots/codesignctl.pem" ]; then
  for b in codesignctl timestampctl; do
    cp "$sdk_dir/trustedroots/$b.pem" ".buildsign/$b.pem.orig"
    cat .buildsign/hsm/dev-root.pem >>"$sdk_dir/trustedroots/$b.pem"
  done
  for p in "${packages[@]}"; do
    dotnet nuget verify --all "$p" >/dev/null || { dotnet nuget verify --all "$p" -v n; exit 1; }
    echo "  ${p#"$ex"/}: dotnet nuget verify --all: ok"
  done
else
  echo "  skipped: $sdk_dir/trustedroots is not writable (run as root to check with dotnet nuget verify)"
  sdk_dir=""
fi
echo "==> done: every output of the example solution is signed and verified (examples/*/bin, $out)"
