# Sourced by run.sh: the Markdown report and the scaling plot, from the medians in $RAW.

# yes/no: is the awk condition true?
met() { awk "BEGIN { exit !($1) }" 2>/dev/null && echo "**yes**" || echo "**no**"; }

fmt_s() { [ -n "$1" ] && calc "$1" 3 || echo -; }

machine() {
  local cpu mem
  cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
  echo "$cpu, $(nproc) cores, $mem RAM, Linux $(uname -r)"
}

# The floor for FILES files of a scenario: the HSM's best signing time plus SHA-256 over the bytes hashed.
floor_of() {
  local sign bytes sha
  sign=$(median "$1" floor-sign "$2")
  bytes=$(($2 * $(stat -c %s "$WORK/inputs/unsigned.dll")))
  sha=$(median sha256 openssl-speed 0)
  [ -n "$sign" ] && calc "$sign + $bytes / ($sha * 1e6)" 4 || echo ""
}

write_report() {
  local n=$FILES size_kb bs peer floor ratio speedup
  size_kb=$(( $(stat -c %s "$WORK/inputs/unsigned.dll") / 1024 ))
  echo "# BuildSign benchmark: latest results"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(machine)."
  echo "Load average (1, 5, 15 min) $LOAD_BEFORE before and $LOAD_AFTER after: the machine was shared with"
  echo "other work during the run, so the figures are noisy; runs alternate between the tools and each figure is"
  echo "the median of $REPS runs."
  echo
  echo "Tools: .NET $(dotnet --version), $(osslsigncode --version 2>/dev/null | head -1 | cut -d, -f1), $(openssl version | cut -d' ' -f1-2),"
  echo "SoftHSM2 $(softhsm2-util --version). buildsign published $([ "$R2R" = 1 ] && echo "ReadyToRun" || echo "without ReadyToRun") (framework-dependent apphost)."
  echo "Inputs: copies of \`$(cat "$WORK/inputs/source-name")\` from the .NET runtime with its signature removed ($size_kb KB);"
  echo "keys RSA-3072 and ECDSA P-256 in one SoftHSM2 token; a loopback RFC 3161 server (\`buildsign tsa serve\`) adding $LATENCY_MS ms per request."
  echo "BuildSign runs once for all files (\`buildsign sign --key … FILES\`); osslsigncode runs once per file in a shell loop."
  echo "Command: \`bench/run.sh --files $FILES --reps $REPS$([ "$WITH_3000" = 1 ] && echo " --with-3000")$([ "$BIG" = 0 ] && echo " --no-big")\`."
  echo
  echo "## Against the targets"
  echo
  echo "| scenario | BuildSign | osslsigncode | speed-up | floor | BuildSign / floor | target | met |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  bs=$(median rsa buildsign "$n"); peer=$(median rsa osslsigncode "$n"); floor=$(floor_of rsa "$n")
  ratio=$(calc "$bs / $floor" 2); speedup=$(calc "$peer / $bs" 1)
  echo "| $n small PE files, SoftHSM RSA-3072, no timestamp | $(fmt_s "$bs") s | $(fmt_s "$peer") s | ${speedup}× | $(fmt_s "$floor") s | ${ratio}× | ≤ 1.25× floor | $(met "$bs <= 1.25 * $floor") |"
  bs=$(median ecdsa buildsign "$n"); peer=$(median ecdsa osslsigncode "$n"); floor=$(floor_of ecdsa "$n")
  ratio=$(calc "$bs / $floor" 2); speedup=$(calc "$peer / $bs" 1)
  echo "| $n small PE files, SoftHSM ECDSA P-256, no timestamp | $(fmt_s "$bs") s | $(fmt_s "$peer") s | ${speedup}× | $(fmt_s "$floor") s | ${ratio}× | ≥ 12× faster than osslsigncode | $(met "$peer >= 12 * $bs") |"
  bs=$(median rsa-tsa buildsign "$n"); peer=$(median rsa-tsa osslsigncode "$n")
  floor=$(calc "$(floor_of rsa "$n") + int(($n + 7) / 8) * $LATENCY_MS / 1000" 4)
  ratio=$(calc "$bs / $floor" 2); speedup=$(calc "$peer / $bs" 1)
  echo "| $n small PE files, RSA-3072, timestamp server adding $LATENCY_MS ms per request | $(fmt_s "$bs") s | $(fmt_s "$peer") s | ${speedup}× | $(fmt_s "$floor") s ¹ | ${ratio}× | ≥ 10× faster than osslsigncode | $(met "$peer >= 10 * $bs") |"
  if [ "$BIG" = 1 ]; then
    local mb sha dgst rss bs_rate dgst_rate
    mb=$(calc "$(stat -c %s "$BIG_FILE") / 1e6" 1); sha=$(median sha256 openssl-speed 0)
    bs=$(median big buildsign 1); dgst=$(median big openssl-dgst 1); rss=$(calc "$(median big buildsign 1 6) / 1024" 0)
    bs_rate=$(calc "$mb / $bs" 0); dgst_rate=$(calc "$mb / $dgst" 0)
    echo "| one 1 GiB file (detached signature) | $(fmt_s "$bs") s = $bs_rate MB/s, peak RSS $rss MB | \`openssl dgst -sha256\`: $(fmt_s "$dgst") s = $dgst_rate MB/s | – | \`openssl speed\`: $(calc "$sha" 0) MB/s | $(calc "100 * $bs_rate / $sha" 0)% of openssl speed | ≥ 80% of openssl speed; RSS ≤ 100 MB | $(met "$bs_rate >= 0.8 * $sha") / $(met "$rss <= 100") |"
  fi
  service_report "$n"
  if [ "$MSBUILD" = 1 ]; then
    local with without
    with=$(median msbuild-nochange signing 3); without=$(median msbuild-nochange no-signing 3)
    echo "| MSBuild no-change build of the example solution, signing on vs off | $(fmt_s "$with") s | off: $(fmt_s "$without") s | – | – | $(calc "$with / $without" 2)× | ≤ 1.1× | $(met "$with <= 1.1 * $without") |"
    with=$(median msbuild-clean signing "$LIBRARIES"); without=$(median msbuild-clean no-signing "$LIBRARIES")
    echo "| MSBuild clean build of $LIBRARIES class libraries, signing on vs off | $(fmt_s "$with") s | off: $(fmt_s "$without") s | – | – | $(calc "$with / $without" 2)× | ≤ 1.25× | $(met "$with <= 1.25 * $without") |"
  else
    echo "| MSBuild builds with signing on vs off | not measured in this run (\`--smoke\` or \`--no-msbuild\`) | | | | | | |"
  fi
  echo
  echo "¹ signing floor plus ⌈$n / 8⌉ × $LATENCY_MS ms: BuildSign's default of 8 concurrent requests to one TSA."
  echo
  echo "Floor: the HSM's own signing time for the same number of raw signatures through PKCS#11 at the best number"
  echo "of parallel sessions (1–$MAX_SESSIONS tried, median best: $(calc "$(median rsa floor-sessions "$n")" 0) for RSA, $(calc "$(median ecdsa floor-sessions "$n")" 0) for ECDSA; no files),"
  echo "plus SHA-256 over the bytes hashed at \`openssl speed -evp sha256\` one-core throughput ($(calc "$(median sha256 openssl-speed 0)" 0) MB/s)."
  echo
  echo "## How cost grows with work (RSA-3072, no timestamp)"
  echo
  echo "| files | BuildSign | per file | osslsigncode | per file | floor | per file | speed-up |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  local count
  for count in "${COUNTS[@]}"; do
    bs=$(median rsa buildsign "$count"); peer=$(median rsa osslsigncode "$count"); floor=$(floor_of rsa "$count")
    echo "| $count | $(fmt_s "$bs") s | $(calc "1000 * $bs / $count" 2) ms | $(fmt_s "$peer") s | $(calc "1000 * $peer / $count" 2) ms | $(fmt_s "$floor") s | $(calc "1000 * $floor / $count" 2) ms | $(calc "$peer / $bs" 1)× |"
  done
  echo
  echo "![wall time against file count](scaling.png) ([SVG](scaling.svg))"
  echo
  echo "osslsigncode runs one file at a time: two processes at once on one SoftHSM2 token fail here"
  echo "(\"No matching initialized token was found\"), so no parallel variant is measured."
  echo
  [ "$MSBUILD" = 0 ] || msbuild_report
  echo "## Peak memory (RSS, \`/usr/bin/time\`; for osslsigncode the largest single process)"
  echo
  echo "| scenario | BuildSign | osslsigncode |"
  echo "| --- | --- | --- |"
  local s
  for s in rsa ecdsa rsa-tsa; do
    echo "| $s, $n files | $(calc "$(median "$s" buildsign "$n" 6) / 1024" 0) MB | $(calc "$(median "$s" osslsigncode "$n" 6) / 1024" 0) MB |"
  done
  [ ! -f "$BENCH/results/CHANGES.md" ] || { echo; cat "$BENCH/results/CHANGES.md"; }
  echo
  echo "Raw measurements: [raw.tsv](raw.tsv) (scenario, tool, files, run, seconds, peak RSS KB)."
}

# scaling.png and scaling.svg: median wall time against file count for both tools, and the floor.
plot_scaling() {
  local data=$RESULTS/scaling.dat count
  echo "# files buildsign osslsigncode floor" >"$data"
  for count in "${COUNTS[@]}"; do
    echo "$count $(median rsa buildsign "$count") $(median rsa osslsigncode "$count") $(floor_of rsa "$count")" >>"$data"
  done
  local term
  for term in "pngcairo size 800,500:png" "svg size 800,500:svg"; do
    gnuplot <<GNUPLOT
set terminal ${term%:*}
set output "$RESULTS/scaling.${term#*:}"
set title "Signing N small PE files, SoftHSM2 RSA-3072, no timestamp (median of $REPS)"
set xlabel "files"
set ylabel "wall time (s)"
set key top left
set grid
plot "$data" using 1:3 with linespoints title "osslsigncode, one process per file", \
     "$data" using 1:2 with linespoints title "buildsign, one process", \
     "$data" using 1:4 with lines dashtype 2 title "floor (HSM + SHA-256)"
GNUPLOT
  done
}
