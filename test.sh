#!/usr/bin/env bash
# Sets everything up and runs the whole BuildSign test suite (the action image tests, which build
# a container image, are opt-in: action/test-image.sh).
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
echo "==> running the tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test BuildSign.sln -c Release --no-build -nodeReuse:false --filter "Category!=Image" --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?
echo "==> benchmark smoke run (20 files; the full benchmark is bench/run.sh)"
if ./bench/run.sh --smoke >"$log.bench" 2>&1; then
  grep -A6 '^## Against the targets' bench/work/smoke-results/latest.md || true
else
  cat "$log.bench"
  echo "benchmark smoke run failed"
  status=1
fi
rm -f "$log.bench"
# One closing line over every test project: "N passed, N failed".
passed=$(awk '/^ +Passed: +[0-9]+$/ {s += $2} END {print s + 0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+$/ {s += $2} END {print s + 0}' "$log")
echo "${passed} passed, ${failed} failed"
exit "$status"
