#!/usr/bin/env bash
# The BuildSign signing service end to end, with the CLI: init, start, two subscribers with a key
# each (CSR + attestation checked), certificates from the dev CA installed, signer and auditor tokens,
# files signed remotely through the https:// key string and verified, the audit log exported and
# verified. Writes DIR/quickstart.json, then stops the service; bring it back with
#   buildsign-server run --data DIR --urls URL        (URL from quickstart.json)
# Usage: examples/service/quickstart.sh DIR        (DIR must not exist or be empty)
set -euo pipefail

DIR=${1:?usage: quickstart.sh DIR}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
  echo "quickstart: $DIR exists and is not empty; give a new folder" >&2
  exit 2
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
WORK="$DIR/quickstart"
mkdir -p "$WORK/files"

# The two programs: built from this checkout unless BUILDSIGN_SERVER / BUILDSIGN_CLI name them.
if [ -z "${BUILDSIGN_SERVER:-}" ] || [ -z "${BUILDSIGN_CLI:-}" ]; then
  MSBUILDDISABLENODEREUSE=1 dotnet build "$REPO/src/BuildSign.Server" -c Release -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
  MSBUILDDISABLENODEREUSE=1 dotnet build "$REPO/src/BuildSign.Cli" -c Release -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
fi
SERVER=${BUILDSIGN_SERVER:-"dotnet $REPO/src/BuildSign.Server/bin/Release/net10.0/buildsign-server.dll"}
CLI=${BUILDSIGN_CLI:-"dotnet $REPO/src/BuildSign.Cli/bin/Release/net10.0/buildsign.dll"}

step() { printf '\n== %s\n' "$*"; }

step "init: token, database, TLS and attestation certificates, dev CA, admin token"
$SERVER init --data "$DIR"

step "start the service on a free loopback port"
$SERVER run --data "$DIR" --urls "${QUICKSTART_URL:-https://127.0.0.1:0}" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
trap 'kill $SERVICE_PID 2>/dev/null || true' EXIT
URL=""
for _ in $(seq 1 300); do
  URL=$(sed -n 's/^listening on \(https:\/\/[^ ]*\)$/\1/p' "$WORK/service.log" | head -n1)
  [ -n "$URL" ] && break
  kill -0 $SERVICE_PID 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$URL" ] || { echo "quickstart: the service did not start" >&2; exit 1; }
echo "service at $URL"

export BUILDSIGN_TLS_CA="$DIR/tls.pem"
SUBSCRIBERS_JSON=""
printf 'hello from the signing service quickstart\n' >"$WORK/files/readme.txt"
cp "$REPO/src/BuildSign.Cli/bin/Release/net10.0/buildsign.dll" "$WORK/files/contoso-tool.dll" 2>/dev/null || true

for NAME in contoso fabrikam; do
  step "subscriber $NAME"
  S="$WORK/$NAME"
  mkdir -p "$S"
  SUB=$(BUILDSIGN_TOKEN=$(cat "$DIR/admin.token") $CLI service subscriber create --url "$URL" --name "$NAME")
  BUILDSIGN_TOKEN=$(cat "$DIR/admin.token") $CLI service token create --url "$URL" --subscriber "$SUB" --role key-admin --out "$S/key-admin.token" >/dev/null
  KEY=$(BUILDSIGN_TOKEN=$(cat "$S/key-admin.token") $CLI service key create --url "$URL" --name "$NAME-release" --algorithm rsa-3072 \
        --csr-out "$S/key.csr" --attestation-out "$S/attestation.json")
  $CLI attestation verify --csr "$S/key.csr" --attestation "$S/attestation.json" --service-certificate "$DIR/attestation.pem"
  $SERVER dev-ca issue --data "$DIR" --csr "$S/key.csr" --out "$S/certificate.pem"
  BUILDSIGN_TOKEN=$(cat "$S/key-admin.token") $CLI service key install-certificate --url "$URL" --key-id "$KEY" --certificate "$S/certificate.pem"
  BUILDSIGN_TOKEN=$(cat "$S/key-admin.token") $CLI service token create --url "$URL" --subscriber "$SUB" --role signer --key-id "$KEY" --out "$S/signer.token" >/dev/null
  BUILDSIGN_TOKEN=$(cat "$S/key-admin.token") $CLI service token create --url "$URL" --subscriber "$SUB" --role auditor --out "$S/auditor.token" >/dev/null

  step "sign as $NAME through $URL/v1/keys/$KEY"
  mkdir -p "$S/signed"
  cp "$WORK/files/"* "$S/signed/"
  FILES=("$S/signed/"*)
  BUILDSIGN_TOKEN=$(cat "$S/signer.token") $CLI sign --key "$URL/v1/keys/$KEY" "${FILES[@]}"
  $CLI verify --trusted-certificate "$DIR/dev-ca.pem" "${FILES[@]}"

  step "export and verify $NAME's audit log"
  BUILDSIGN_TOKEN=$(cat "$S/auditor.token") $CLI service audit export --url "$URL" --out "$S/audit.jsonl"
  $CLI audit verify "$S/audit.jsonl" --service-certificate "$DIR/attestation.pem"

  ENTRY=$(printf '{"name": "%s", "keyUrl": "%s", "signerTokenFile": "%s", "keyAdminTokenFile": "%s", "auditorTokenFile": "%s"}' \
          "$NAME" "$URL/v1/keys/$KEY" "$S/signer.token" "$S/key-admin.token" "$S/auditor.token")
  SUBSCRIBERS_JSON="${SUBSCRIBERS_JSON:+$SUBSCRIBERS_JSON, }$ENTRY"
done

cat >"$DIR/quickstart.json" <<JSON
{
  "url": "$URL",
  "tlsCertificate": "$DIR/tls.pem",
  "rootCertificate": "$DIR/dev-ca.pem",
  "subscribers": [$SUBSCRIBERS_JSON]
}
JSON

step "stop the service"
kill $SERVICE_PID
wait $SERVICE_PID 2>/dev/null || true
trap - EXIT
echo "wrote $DIR/quickstart.json; start the service again with:"
echo "  buildsign-server run --data $DIR --urls $URL"
