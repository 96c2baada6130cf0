#!/usr/bin/env bash
# The BuildSign benchmark: BuildSign (one `buildsign sign` for all files) against osslsigncode (one
# process per file, as users run it) on the same inputs, SoftHSM2 key and loopback TSA, runs
# alternating between the tools, medians over repetitions; plus the floor measured in the same run.
# Prints a Markdown table and writes it, with the raw data and a plot, to bench/results/.
# usage: bench/run.sh [--files N] [--reps R] [--smoke] [--with-3000] [--no-big] [--no-msbuild] [--r2r|--no-r2r]
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=$BENCH/work
RESULTS=$BENCH/results
FILES=1000 REPS=3 BIG=1 WITH_3000=0 R2R=1 LATENCY_MS=50 MAX_SESSIONS=4 MSBUILD=1

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --files) FILES=$2; shift ;;
    --reps) REPS=$2; shift ;;
    --smoke) FILES=20 REPS=1 BIG=0 MSBUILD=0 RESULTS=$WORK/smoke-results ;;
    --with-3000) WITH_3000=1 ;;
    --no-big) BIG=0 ;;
    --no-msbuild) MSBUILD=0 ;;
    --r2r) R2R=1 ;;
    --no-r2r) R2R=0 ;;
    -h | --help) usage ;;
    *) echo "unknown option $1" >&2; usage 2 ;;
  esac
  shift
done

# shellcheck source=lib/prepare.sh
source "$BENCH/lib/prepare.sh"
# shellcheck source=lib/measure.sh
source "$BENCH/lib/measure.sh"
# shellcheck source=lib/report.sh
source "$BENCH/lib/report.sh"
# shellcheck source=lib/service.sh
source "$BENCH/lib/service.sh"
# shellcheck source=lib/msbuild.sh
source "$BENCH/lib/msbuild.sh"

# The scaling counts: a tenth, three tenths and all of --files (100, 300, 1000), and 3000 on request.
COUNTS=($((FILES / 10)) $((FILES * 3 / 10)) "$FILES")
[ "$WITH_3000" = 0 ] || COUNTS+=($((FILES * 3)))
MAX_COUNT=${COUNTS[-1]}

# A set of COUNT inputs as hard links into the pool. BuildSign renames a new file over each
# target, so its copies (hard links too) never change the pool; osslsigncode writes elsewhere.
input_set() {
  local dir=$WORK/inputs/set-$1
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    find "$WORK/inputs/pool" -name '*.dll' | sort | head -n "$1" | xargs ln -t "$dir"
  fi
  echo "$dir"
}

# run_tool TOOL SCENARIO KEY FILES REP [TSA_URL]: one timed run of one tool over fresh outputs.
run_tool() {
  local tool=$1 scenario=$2 key=$3 files=$4 rep=$5 tsa=${6:-} set run=$WORK/run
  set=$(input_set "$files")
  rm -rf "$run" && mkdir -p "$run/out"
  case $tool in
    buildsign)
      cp -al "$set" "$run/in"
      record "$scenario" "$tool" "$files" "$rep" "$BUILDSIGN" sign --key "$(buildsign_key "$key")" ${tsa:+--timestamp-url "$tsa"} "$run/in"/*.dll
      [ "$rep" != 1 ] || check_signed "$run/in/$(ls "$run/in" | head -1)" "$tsa" ;;
    osslsigncode)
      record "$scenario" "$tool" "$files" "$rep" "$BENCH/lib/peer-sign.sh" "$(peer_key "$key")" "$WORK/pki/$key.pem" "$set" "$run/out" "$tsa"
      [ "$rep" != 1 ] || check_signed "$run/out/$(ls "$run/out" | head -1)" "$tsa" ;;
    floor)
      "$FLOOR" "$SOFTHSM_MODULE" "$TOKEN_LABEL" "$key" "$WORK/token/pin" "$files" "$MAX_SESSIONS" >"$WORK/floor.log"
      read -r sessions seconds < <(awk '/^best/ { sub("sessions=", "", $2); sub("seconds=", "", $3); print $2, $3 }' "$WORK/floor.log")
      add_row "$scenario" floor-sign "$files" "$rep" "$seconds" -
      add_row "$scenario" floor-sessions "$files" "$rep" "$sessions" - ;;
  esac
}

# Untimed: the first output of each tool must verify (signature and, when asked for, the timestamp).
check_signed() {
  local out
  out=$(osslsigncode verify -CAfile "$WORK/pki/root.pem" -TSA-CAfile "$WORK/pki/root.pem" -in "$1" 2>&1) || { echo "$out" >&2; exit 1; }
  [ -z "$2" ] || grep -q '^Timestamp Server Signature verification: ok' <<<"$out" || { echo "$out" >&2; echo "no valid timestamp in $1" >&2; exit 1; }
}

# scenario NAME KEY FILES TSA_URL TOOL...: REPS rounds; odd rounds run the tools in order, even ones reversed.
scenario() {
  local name=$1 key=$2 files=$3 tsa=$4 rep tool
  shift 4
  echo "==> $name, $files files"
  for ((rep = 1; rep <= REPS; rep++)); do
    local order=("$@")
    [ $((rep % 2)) = 1 ] || mapfile -t order < <(printf '%s\n' "$@" | tac)
    for tool in "${order[@]}"; do run_tool "$tool" "$name" "$key" "$files" "$rep" "$tsa"; done
  done
}

# SHA-256 on one core by `openssl speed` (1 MiB blocks), in MB/s, once per round.
sha_speed() {
  local rep
  echo "==> openssl speed -evp sha256 (one core)"
  for ((rep = 1; rep <= REPS; rep++)); do
    add_row sha256 openssl-speed 0 "$rep" "$(openssl speed -evp sha256 -seconds 2 -bytes 1048576 -mr 2>/dev/null | awk -F: '/^\+F:/ { printf "%.1f", $4 / 1e6 }')" -
  done
}

# The throughput scenario: a detached signature (FILE.p7s) of one 1 GiB file, against `openssl dgst`.
big_file() {
  local rep
  make_big_file
  cat "$BIG_FILE" >/dev/null # both tools read from the page cache
  echo "==> one 1 GiB file"
  for ((rep = 1; rep <= REPS; rep++)); do
    rm -f "$BIG_FILE.p7s"
    if [ $((rep % 2)) = 1 ]; then
      record big buildsign 1 "$rep" "$BUILDSIGN" sign --key "$(buildsign_key rsa)" "$BIG_FILE"
      record big openssl-dgst 1 "$rep" openssl dgst -sha256 "$BIG_FILE"
    else
      record big openssl-dgst 1 "$rep" openssl dgst -sha256 "$BIG_FILE"
      record big buildsign 1 "$rep" "$BUILDSIGN" sign --key "$(buildsign_key rsa)" "$BIG_FILE"
    fi
  done
  rm -f "$BIG_FILE.p7s"
}

main() {
  ensure_tools
  mkdir -p "$WORK" "$RESULTS"
  build_tools
  echo "==> test PKI, SoftHSM2 token, $MAX_COUNT input files"
  make_pki
  make_token
  make_inputs "$MAX_COUNT"
  RAW=$RESULTS/raw.tsv
  : >"$RAW"
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  start_tsa "$LATENCY_MS"
  trap 'kill "$TSA_PID" 2>/dev/null || true; stop_service' EXIT

  sha_speed
  local count
  for count in "${COUNTS[@]}"; do
    scenario rsa rsa "$count" "" buildsign osslsigncode floor
  done
  scenario ecdsa ecdsa "$FILES" "" buildsign osslsigncode floor
  scenario rsa-tsa rsa "$FILES" "$TSA_URL" buildsign osslsigncode
  start_service
  service_scenario "$FILES"
  stop_service
  [ "$BIG" = 0 ] || big_file
  if [ "$MSBUILD" = 1 ]; then
    msbuild_prepare
    msbuild_no_change
    msbuild_clean_build
  fi
  LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

  write_report >"$RESULTS/latest.md"
  plot_scaling
  cat "$RESULTS/latest.md"
  echo "==> results in ${RESULTS#"$ROOT"/}/latest.md"
}

main
