#!/usr/bin/env bash
# Sets everything up and runs the whole BuildSign test suite.
set -euo pipefail
cd "$(dirname "$0")"
./eng/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 MSBUILDDISABLENODEREUSE=1
echo "==> running the tests"
dotnet test BuildSign.sln -c Release --no-build -nodeReuse:false --logger "console;verbosity=normal" -- xUnit.ParallelizeTestCollections=true
