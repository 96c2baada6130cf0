# Sourced by run.sh: timing and medians. Every measurement is one line of $RAW:
# scenario <TAB> tool <TAB> files <TAB> rep <TAB> seconds <TAB> peak RSS in KB (- when not measured)

# record SCENARIO TOOL FILES REP CMD...: wall time from the harness, peak RSS from /usr/bin/time
# (the largest process of the command's tree, e.g. the biggest osslsigncode of a loop).
record() {
  local scenario=$1 tool=$2 files=$3 rep=$4 t0 t1
  shift 4
  t0=$(date +%s%N)
  if ! /usr/bin/time -f %M -o "$WORK/rss" "$@" >"$WORK/last.log" 2>&1; then
    echo "FAILED: $tool, $scenario, $files files:" >&2
    tail -20 "$WORK/last.log" >&2
    exit 1
  fi
  t1=$(date +%s%N)
  add_row "$scenario" "$tool" "$files" "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')" "$(tail -1 "$WORK/rss")"
}

add_row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RAW"
  printf '    %-16s %-16s %5s files  rep %s  %9.3f  %8s KB\n' "$@"
}

# median SCENARIO TOOL FILES [COLUMN]: the median of column 5 (seconds) or 6 (RSS KB); empty if none.
median() {
  awk -F'\t' -v s="$1" -v t="$2" -v f="$3" -v c="${4:-5}" '$1 == s && $2 == t && $3 == f { print $c }' "$RAW" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPRESSION: floating-point arithmetic with awk ("-" when an operand is missing).
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }" 2>/dev/null || echo -; }
