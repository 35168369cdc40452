#!/usr/bin/env bash
# Sustained load over real mTLS on loopback (never in CI): officers' hash queries and 1-megapixel image uploads on
# kr-knpa's match API and fr-ofmin's pushes into kr-knpa's federation inbox, all at once.
#   bench/load/run.sh            10 minutes, 16 hash + 4 image + 4 inbox clients, 100,000 listed entries
#   bench/load/run.sh --smoke    30 seconds, 10,000 entries (any option of the `load` benchmark may follow)
# Both nodes use free loopback ports and a throw-away database on the local PostgreSQL (FEDERATION_BENCH_DB, a
# superuser connection string, overrides). Exits non-zero if any request failed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dotnet build "$ROOT/bench/Federation.Benchmarks" -c Release --nologo -v quiet >/dev/null
exec dotnet "$ROOT/bench/Federation.Benchmarks/bin/Release/net10.0/Federation.Benchmarks.dll" load "$@"
