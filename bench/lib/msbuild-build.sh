#!/usr/bin/env bash
# One timed `dotnet build` for the MSBuild rows of the benchmark (a script, so /usr/bin/time can run it).
# usage: msbuild-build.sh with|without KEY TSA_URL BUILD-ARGS...   (with: signing on with KEY; without: BuildSignKey empty)
set -euo pipefail
mode=$1 key=$2 tsa=$3
shift 3
if [ "$mode" = with ]; then
  export BuildSignKey=$key BuildSignTimestampUrl=$tsa
else
  export BuildSignKey='' BuildSignTimestampUrl=''
fi
exec dotnet build "$@" -c Release --no-restore -nodeReuse:false -v quiet -clp:NoSummary
