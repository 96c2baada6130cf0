#!/usr/bin/env bash
# Sets everything up, creates the embedded dev HSM (a SoftHSM2 token in .buildsign/hsm with a
# dev key and certificate), builds the example, signs its outputs, and verifies them.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
buildsign() { dotnet src/BuildSign.Cli/bin/Release/net10.0/buildsign.dll "$@"; }

echo "==> creating the dev HSM token (.buildsign/hsm)"
buildsign dev init --dir .buildsign/hsm --env-file .buildsign/hsm/env
# shellcheck disable=SC1091
source .buildsign/hsm/env   # SOFTHSM2_CONF and BUILDSIGN_KEY: the key string (no PIN in it)

echo "==> building the example (Windows x64 apphost and its DLL)"
rm -rf examples/HelloSigned/out
dotnet publish examples/HelloSigned -c Release -r win-x64 --self-contained false -o examples/HelloSigned/out -nodeReuse:false -v quiet -clp:NoSummary

echo "==> starting a local RFC 3161 timestamp server"
tsa_log=$(mktemp)
buildsign tsa serve --cert .buildsign/hsm/dev-tsa.pem --key .buildsign/hsm/dev-tsa-key.pem --port 0 >"$tsa_log" 2>&1 &
tsa_pid=$!
trap 'kill $tsa_pid 2>/dev/null || true; rm -f "$tsa_log"' EXIT
for _ in $(seq 1 100); do grep -q 'listening on' "$tsa_log" && break; sleep 0.1; done
tsa_url=$(grep -o 'http://[^ ]*' "$tsa_log" | head -1)

echo "==> signing the example's outputs with the HSM key"
buildsign sign --key "$BUILDSIGN_KEY" --timestamp-url "$tsa_url" --description "HelloSigned example" \
  examples/HelloSigned/out/HelloSigned.exe examples/HelloSigned/out/HelloSigned.dll

echo "==> verifying with buildsign"
buildsign verify --trusted-certificate .buildsign/hsm/dev-root.pem examples/HelloSigned/out/HelloSigned.exe examples/HelloSigned/out/HelloSigned.dll

echo "==> verifying with osslsigncode (an independent verifier)"
for f in examples/HelloSigned/out/HelloSigned.exe examples/HelloSigned/out/HelloSigned.dll; do
  osslsigncode verify -CAfile .buildsign/hsm/dev-root.pem -TSA-CAfile .buildsign/hsm/dev-root.pem -in "$f" | grep -E '^(Signature verification|Timestamp verified|Number of verified signatures)' | sed "s|^|  $(basename "$f"): |"
done
echo "==> done: examples/HelloSigned/out holds the signed outputs"
