#!/usr/bin/env bash
# Sets everything up and runs the whole BuildSign test suite (the action image tests, which build
# a container image, are opt-in: action/test-image.sh).
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
echo "==> running the tests"
log=$(mktemp)
trap 'rm -f "$log" "$log.azure"' EXIT
status=0
dotnet test BuildSign.sln -c Release --no-build -nodeReuse:false --filter "Category!=Image" --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?
echo "==> Azure DevOps extension (azure-task): npm ci from the lockfile, build, package the .vsix, mocha tests"
# npm ci runs only when the lockfile changed since the last install, to keep repeated runs quick.
if ! (
  set -euo pipefail
  cd azure-task
  lock=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.buildsign-lockfile-hash 2>/dev/null)" != "$lock" ]; then
    npm ci --no-audit --no-fund
    echo "$lock" >node_modules/.buildsign-lockfile-hash
  fi
  npm run --silent package
  npm test --silent
) 2>&1 | tee "$log.azure"; then
  echo "Azure DevOps extension tests failed"
  status=1
fi
echo "==> benchmark smoke run (20 files; the full benchmark is bench/run.sh)"
if ./bench/run.sh --smoke >"$log.bench" 2>&1; then
  grep -A6 '^## Against the targets' bench/work/smoke-results/latest.md || true
else
  cat "$log.bench"
  echo "benchmark smoke run failed"
  status=1
fi
rm -f "$log.bench"
# One closing line over every test project and the extension's mocha run: "N passed, N failed".
passed=$(awk '/^ +Passed: +[0-9]+$/ {s += $2} END {print s + 0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+$/ {s += $2} END {print s + 0}' "$log")
passed=$((passed + $(awk '/^ +[0-9]+ passing/ {s += $1} END {print s + 0}' "$log.azure")))
failed=$((failed + $(awk '/^ +[0-9]+ failing/ {s += $1} END {print s + 0}' "$log.azure")))
rm -f "$log.azure"
echo "${passed} passed, ${failed} failed"
exit "$status"
