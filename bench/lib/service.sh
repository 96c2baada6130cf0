# Sourced by run.sh: the signing-service scenario. One RSA-3072 key generated in the service's own
# SoftHSM2 token; the same files signed through the service on loopback (https:// key string) and with
# the same key used locally through PKCS#11 (the service's token), alternating; HTTP requests and request
# bytes per file from the service's /metrics.

start_service() {
  echo "==> signing service: publishing, init, start, a subscriber with an RSA-3072 key"
  dotnet build "$ROOT/src/BuildSign.Server" -c Release -o "$WORK/server" -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
  SERVICE_DIR=$WORK/service
  rm -rf "$SERVICE_DIR"
  dotnet "$WORK/server/buildsign-server.dll" init --data "$SERVICE_DIR" >/dev/null
  dotnet "$WORK/server/buildsign-server.dll" run --data "$SERVICE_DIR" --urls https://127.0.0.1:0 >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  SERVICE_URL=""
  local i
  for i in $(seq 1 600); do
    SERVICE_URL=$(sed -n 's/^listening on \(https:\/\/[^ ]*\)$/\1/p' "$WORK/service.log" | head -n1)
    [ -n "$SERVICE_URL" ] && break
    kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$SERVICE_URL" ] || { echo "the signing service did not start" >&2; exit 1; }
  export BUILDSIGN_TLS_CA=$SERVICE_DIR/tls.pem
  local admin sub key s=$WORK/service-subscriber
  rm -rf "$s" && mkdir -p "$s"
  admin=$(cat "$SERVICE_DIR/admin.token")
  sub=$(BUILDSIGN_TOKEN=$admin "$BUILDSIGN" service subscriber create --url "$SERVICE_URL" --name bench)
  BUILDSIGN_TOKEN=$admin "$BUILDSIGN" service token create --url "$SERVICE_URL" --subscriber "$sub" --role key-admin --out "$s/key-admin.token" >/dev/null
  key=$(BUILDSIGN_TOKEN=$(cat "$s/key-admin.token") "$BUILDSIGN" service key create --url "$SERVICE_URL" --name bench --algorithm rsa-3072 --csr-out "$s/key.csr" --attestation-out "$s/attestation.json")
  dotnet "$WORK/server/buildsign-server.dll" dev-ca issue --data "$SERVICE_DIR" --csr "$s/key.csr" --out "$s/certificate.pem" >/dev/null
  BUILDSIGN_TOKEN=$(cat "$s/key-admin.token") "$BUILDSIGN" service key install-certificate --url "$SERVICE_URL" --key-id "$key" --certificate "$s/certificate.pem" >/dev/null
  BUILDSIGN_TOKEN=$(cat "$s/key-admin.token") "$BUILDSIGN" service token create --url "$SERVICE_URL" --subscriber "$sub" --role signer --out "$s/signer.token" >/dev/null
  SERVICE_KEY="$SERVICE_URL/v1/keys/$key"
  SERVICE_SIGNER_TOKEN=$(cat "$s/signer.token")
  SERVICE_CERT=$s/certificate.pem
  # The same private key, opened locally: the service labels it SUBSCRIBER/KEY in its token.
  SERVICE_LOCAL_KEY="pkcs11:token=buildsign-service;object=$sub%2F$key?module-path=$SOFTHSM_MODULE&pin-source=file:$SERVICE_DIR/token.pin&softhsm2-conf=$SERVICE_DIR/softhsm2.conf"
}

stop_service() { [ -n "${SERVICE_PID:-}" ] || return 0; kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; }

metric() { curl -sS --cacert "$SERVICE_DIR/tls.pem" "$SERVICE_URL/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

# service_scenario FILES: REPS rounds, alternating remote and local; rows service/remote, service/local,
# service/requests and service/request-bytes (per run).
service_scenario() {
  local files=$1 rep set run=$WORK/run requests bytes
  echo "==> $files files through the signing service vs the same key locally"
  set=$(input_set "$files")
  for ((rep = 1; rep <= REPS; rep++)); do
    local order=(remote local)
    [ $((rep % 2)) = 1 ] || order=(local remote)
    for mode in "${order[@]}"; do
      rm -rf "$run" && mkdir -p "$run" && cp -al "$set" "$run/in"
      if [ "$mode" = remote ]; then
        requests=$(metric buildsign_sign_requests_total); bytes=$(metric buildsign_sign_request_bytes_total)
        BUILDSIGN_TOKEN=$SERVICE_SIGNER_TOKEN record service remote "$files" "$rep" "$BUILDSIGN" sign --key "$SERVICE_KEY" "$run/in"/*.dll
        add_row service requests "$files" "$rep" "$(($(metric buildsign_sign_requests_total) - requests))" -
        add_row service request-bytes "$files" "$rep" "$(($(metric buildsign_sign_request_bytes_total) - bytes))" -
      else
        record service local "$files" "$rep" "$BUILDSIGN" sign --key "$SERVICE_LOCAL_KEY" --certificate "$SERVICE_CERT" "$run/in"/*.dll
      fi
      [ "$rep" != 1 ] || osslsigncode verify -CAfile "$SERVICE_DIR/dev-ca.pem" -in "$run/in/$(ls "$run/in" | head -1)" >/dev/null ||
        { echo "the $mode signature does not verify" >&2; exit 1; }
    done
  done
}

# The report's rows for the service scenario.
service_report() {
  local n=$1 remote here requests bytes per_file ratio
  remote=$(median service remote "$n"); here=$(median service local "$n")
  requests=$(median service requests "$n"); bytes=$(median service request-bytes "$n")
  per_file=$(calc "$bytes / $n" 0); ratio=$(calc "$remote / $here" 2)
  echo "| $n small PE files through the signing service on loopback (RSA-3072 in the service's SoftHSM2) | $(fmt_s "$remote") s, $(calc "$requests" 0) HTTP requests, $per_file request bytes per file | same key locally through PKCS#11: $(fmt_s "$here") s | – | – | $ratio× local | ≤ 4 requests, < 300 bytes per file, ≤ 1.5× local | $(met "$requests <= 4") / $(met "$per_file < 300") / $(met "$remote <= 1.5 * $here") |"
}
