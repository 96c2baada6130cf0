#!/usr/bin/env bash
# Signs every *.dll of IN_DIR into OUT_DIR with osslsigncode, one process per file in a loop, as
# users run it. (Two at a time is not possible here: a second process on the same SoftHSM2 token
# fails with "No matching initialized token was found".)
# usage: peer-sign.sh KEY-URI CERT IN_DIR OUT_DIR [TSA_URL]
set -euo pipefail
key=$1 cert=$2 in=$3 out=$4 tsa=${5:-}
args=(sign -pkcs11module /usr/lib/softhsm/libsofthsm2.so -key "$key" -certs "$cert" -h sha256)
[ -z "$tsa" ] || args+=(-ts "$tsa")
for f in "$in"/*.dll; do osslsigncode "${args[@]}" -in "$f" -out "$out/${f##*/}" >/dev/null; done
