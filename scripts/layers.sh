#!/usr/bin/env bash
# Layer runners shared by scripts/test.sh and scripts/jvm-matrix.sh. Source it after defining
# `add LAYER PASSED FAILED SKIPPED` (the caller's tally) and `logs` (a directory for the logs).

# Runs `gradle jar test` with extra arguments and counts its closing `java: N passed, M failed` line.
java_layer() { # layer-name log-name gradle-args...
  local name=$1 log="$logs/$2.log"
  shift 2
  gradle --no-daemon -q jar test "$@" 2>&1 | tee "$log"
  counted_layer "$name" java "$log" "${PIPESTATUS[0]}"
}

# Counts a log's last `WORD: N passed, M failed[, K skipped]` line; none, or a non-zero exit without a
# counted failure, is one failure.
counted_layer() { # layer-name word log exit-code
  local line p=0 f=1 s=0
  line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$3" | tail -1)
  [ -n "$line" ] && read -r p f s < <(echo "$line" | sed -E "s/$2: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/" | awk '{print $1, $2, ($3==""?0:$3)}')
  [ "$4" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  add "$1" "$p" "$f" "$s"
}

# Counts pytest's closing line in a log; a non-zero exit without a counted failure is one failure.
e2e_layer() { # layer-name log pytest-exit-code
  local line ep ef es
  line=$(grep -E '[0-9]+ (passed|failed)' "$2" | grep -E '^=+ .* =+$|passed|failed' | tail -1)
  ep=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  ef=$(echo "$line" | grep -oE '[0-9]+ (failed|error|errors)' | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  es=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || echo 0)
  ep=${ep:-0}; es=${es:-0}
  [ "$3" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
  add "$1" "$ep" "$ef" "$es"
}
