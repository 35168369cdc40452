#!/usr/bin/env bash
# Fuzz the parsers that read what a peer or a person sends, with AFL++ and SharpFuzz, for a bounded time each.
#   bench/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# SECONDS_PER_TARGET defaults to 600 (10 minutes); TARGET is any of release envelope csv note case-step image
# (default: all six, one after another). Never run in CI. Findings land in bench/fuzz/out/findings/<target>/;
# the last lines print executions, speed, crashes and hangs per target. A crash is replayed with
#   dotnet bench/fuzz/out/bin/Federation.Fuzz.dll <target> <file>
# and, once understood, becomes a regression test next to the parser's other tests.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/bench/fuzz/out"
EACH=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(release envelope csv note case-step image)
case "$EACH" in ''|*[!0-9]*) echo "run.sh: SECONDS_PER_TARGET must be a whole number, not '$EACH'" >&2; exit 2 ;; esac

if ! command -v afl-fuzz >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get install -y afl++ >/dev/null
fi
mkdir -p "$OUT"
if [ ! -x "$OUT/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$OUT/tools" >/dev/null
fi

# Instrument the published copy of Federation.Core that the harness loads (SharpFuzz rewrites the IL to report
# branch coverage to AFL++); the build output in src/ stays untouched.
rm -rf "$OUT/bin"
dotnet publish "$ROOT/bench/fuzz/Federation.Fuzz" -c Release -o "$OUT/bin" --nologo -v quiet
# Seeds come from the library before instrumenting (instrumented code expects AFL++'s shared memory).
rm -rf "$OUT/seeds"
dotnet "$OUT/bin/Federation.Fuzz.dll" seeds "$OUT/seeds" "$ROOT/tests/Federation.Core.Tests/Vectors/pdq/synthetic/s02-tiny-5x5-rgb-noise.png"
"$OUT/tools/sharpfuzz" "$OUT/bin/Federation.Core.dll" >/dev/null

summary=()
for target in "${TARGETS[@]}"; do
  rm -rf "$OUT/findings/$target" && mkdir -p "$OUT/findings"
  echo "== $target for ${EACH}s"
  # -V stops AFL++ after EACH seconds; timeout is the backstop should it not.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    timeout --signal=INT $((EACH + 120)) \
    afl-fuzz -V "$EACH" -i "$OUT/seeds/$target" -o "$OUT/findings/$target" -t 5000 -m none \
      -- dotnet "$OUT/bin/Federation.Fuzz.dll" "$target" >"$OUT/$target.log" 2>&1 || true
  stats="$OUT/findings/$target/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    get() { sed -nE "s/^$1 *: *(.*)$/\1/p" "$stats" | head -n 1; }
    summary+=("$(printf '%-10s %12s execs %10s/s  crashes %s  hangs %s  paths %s' "$target" "$(get execs_done)" \
      "$(get execs_per_sec)" "$(get saved_crashes)" "$(get saved_hangs)" "$(get corpus_count)")")
  else
    summary+=("$(printf '%-10s did not start: see %s' "$target" "$OUT/$target.log")")
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"
