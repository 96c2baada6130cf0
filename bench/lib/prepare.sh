# Sourced by run.sh: tools, builds, the test PKI, the SoftHSM2 token and the input files.
# Uses WORK (scratch folder), ROOT (repository) and R2R (1 = ReadyToRun publish of the CLI).

SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
TOKEN_LABEL=bench

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The bench needs everything eng/setup.sh installs plus gnuplot; install only what is missing.
ensure_tools() {
  if [ ! -e "$SOFTHSM_MODULE" ] || ! command -v osslsigncode >/dev/null || ! command -v pkcs11-tool >/dev/null ||
     [ -z "$(ls /usr/lib/*/engines-3/pkcs11.so 2>/dev/null)" ]; then
    "$ROOT/eng/setup.sh"
  fi
  local missing=()
  [ -x /usr/bin/time ] || missing+=(time)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Publishes the buildsign CLI as users get it (an apphost) and builds the floor tool.
build_tools() {
  echo "==> publishing buildsign (ReadyToRun: $R2R) and the floor tool"
  export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
  local r2r=()
  [ "$R2R" = 1 ] && r2r=(-r "$(dotnet --info | awk '/RID:/ {print $2; exit}')" --self-contained false -p:PublishReadyToRun=true)
  rm -rf "$WORK/cli"
  dotnet publish "$ROOT/src/BuildSign.Cli" -c Release "${r2r[@]}" -o "$WORK/cli" -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
  dotnet build "$ROOT/bench/BuildSign.Bench.Floor" -c Release -o "$WORK/floor" -nodeReuse:false -v quiet -clp:NoSummary >/dev/null
  BUILDSIGN="$WORK/cli/buildsign"
  FLOOR="$WORK/floor/buildsign-bench-floor"
}

# A test root CA issuing an RSA-3072 and an ECDSA P-256 code-signing certificate and a TSA certificate.
make_pki() {
  local dir=$WORK/pki
  rm -rf "$dir" && mkdir -p "$dir"
  openssl req -x509 -newkey rsa:3072 -nodes -keyout "$dir/root-key.pem" -out "$dir/root.pem" -days 30 \
    -subj "/CN=BuildSign Bench Root" -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$dir/rsa-key.pem" 2>/dev/null
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ecdsa-key.pem"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/tsa-key.pem" 2>/dev/null
  issue "$dir" rsa codeSigning 2
  issue "$dir" ecdsa codeSigning 3
  issue "$dir" tsa timeStamping 4
}

issue() {
  local dir=$1 name=$2 eku=$3 serial=$4
  openssl req -new -key "$dir/$name-key.pem" -subj "/CN=BuildSign Bench $name" -out "$dir/$name.csr"
  printf '%s\n' "basicConstraints=critical,CA:false" "keyUsage=critical,digitalSignature" "extendedKeyUsage=critical,$eku" \
    "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/root.pem" -CAkey "$dir/root-key.pem" -set_serial "$serial" -days 30 \
    -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
}

# A SoftHSM2 token holding both signing keys (objects rsa, id 01 and ecdsa, id 02) with their certificates.
make_token() {
  local dir=$WORK/token
  rm -rf "$dir" && mkdir -p "$dir/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' "$dir/tokens" >"$dir/softhsm2.conf"
  export SOFTHSM2_CONF=$dir/softhsm2.conf
  PIN=$(openssl rand -hex 8)
  printf '%s\n' "$PIN" >"$dir/pin"
  softhsm2-util --init-token --free --label "$TOKEN_LABEL" --pin "$PIN" --so-pin "${PIN}so" >/dev/null
  local name id
  for name in rsa ecdsa; do
    id=$([ "$name" = rsa ] && echo 01 || echo 02)
    softhsm2-util --import "$WORK/pki/$name-key.pem" --token "$TOKEN_LABEL" --label "$name" --id "$id" --pin "$PIN" >/dev/null
    openssl x509 -in "$WORK/pki/$name.pem" -outform DER -out "$dir/$name.der"
    pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$TOKEN_LABEL" --login --pin "$PIN" \
      --write-object "$dir/$name.der" --type cert --id "$id" --label "$name" >/dev/null 2>&1
  done
}

# The key string BuildSign gets (PIN from a file) and the one osslsigncode gets (PIN inline, as its users do).
buildsign_key() { echo "pkcs11:token=$TOKEN_LABEL;object=$1?module-path=$SOFTHSM_MODULE&pin-source=file:$WORK/token/pin&softhsm2-conf=$WORK/token/softhsm2.conf"; }
peer_key() { echo "pkcs11:token=$TOKEN_LABEL;object=$1;pin-value=$PIN"; }

# COUNT unsigned copies of a 150-250 KB DLL from the installed .NET runtime in $WORK/inputs/pool.
make_inputs() {
  local count=$1 pool=$WORK/inputs/pool
  mkdir -p "$pool"
  if [ ! -f "$WORK/inputs/unsigned.dll" ]; then
    local dotnet_root source
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
    source=$(find "$dotnet_root/shared/Microsoft.NETCore.App" -name '*.dll' -size +150k -size -250k | sort | head -1)
    [ -n "$source" ] || { echo "no 150-250 KB DLL found under $dotnet_root" >&2; exit 1; }
    # Runtime DLLs come signed; the ones that are not are copied as they are.
    osslsigncode remove-signature -in "$source" -out "$WORK/inputs/unsigned.dll" >/dev/null 2>&1 || cp "$source" "$WORK/inputs/unsigned.dll"
    basename "$source" >"$WORK/inputs/source-name"
  fi
  local i
  for ((i = $(find "$pool" -name '*.dll' | wc -l) + 1; i <= count; i++)); do
    cp "$WORK/inputs/unsigned.dll" "$(printf '%s/f%05d.dll' "$pool" "$i")"
  done
}

# One large file of random bytes for the throughput scenario (kept between runs).
make_big_file() {
  local big=$WORK/inputs/big.bin bytes=$((1024 * 1024 * 1024))
  [ "$(stat -c %s "$big" 2>/dev/null || echo 0)" = "$bytes" ] || head -c "$bytes" /dev/urandom >"$big"
  BIG_FILE=$big
}

# A loopback RFC 3161 server adding LATENCY ms per request; sets TSA_URL and TSA_PID.
start_tsa() {
  local latency=$1 log=$WORK/tsa.log
  "$BUILDSIGN" tsa serve --cert "$WORK/pki/tsa.pem" --key "$WORK/pki/tsa-key.pem" --port 0 --latency-ms "$latency" >"$log" 2>&1 &
  TSA_PID=$!
  local _
  for _ in $(seq 1 100); do grep -q 'listening on' "$log" && break; sleep 0.1; done
  TSA_URL=$(grep -o 'http://[^ ]*' "$log" | head -1)
  [ -n "$TSA_URL" ] || { cat "$log" >&2; exit 1; }
}
