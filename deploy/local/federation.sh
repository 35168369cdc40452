#!/usr/bin/env bash
# A local federation of three dev nodes on loopback, and the test suite's database set-up.
#   up      install/start PostgreSQL if needed, create roles and databases, build once, start kr-knpa, fr-ofmin and
#           nl-police, wait until healthy, print each node's view of its peers (fetched over mTLS)
#   down    stop exactly the processes 'up' started (PID files in deploy/local/run/)
#   status  the same peer table, for nodes that are running
#   test    prepare PostgreSQL the same way, install Debian's chromium if missing (the .NET tests render fedaudit's
#           report in it), run the whole test suite, then the web console's browser tests (tests/console: installs the
#           npm packages if missing, brings a federation up and takes it down); exits non-zero if either part failed.
#           FEDERATION_BROWSER_TESTS=0 skips the browser part (and lets the .NET browser tests skip without chromium).
#   test-console  only the browser tests
# Development only: the nodes use the public keys in certs-dev/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN="$ROOT/deploy/local/run"
NODES=(kr-knpa fr-ofmin nl-police)
declare -A FED_PORT=([kr-knpa]=7101 [fr-ofmin]=7102 [nl-police]=7103)
declare -A AGENCY_PORT=([kr-knpa]=7201 [fr-ofmin]=7202 [nl-police]=7203)
declare -A HEALTH_PORT=([kr-knpa]=7301 [fr-ofmin]=7302 [nl-police]=7303)
NODE_DLL="$ROOT/src/Federation.Node/bin/Release/net10.0/Federation.Node.dll"

say() { printf '%s\n' "$*"; }
die() { printf 'federation.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

ensure_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing PostgreSQL (apt-get)..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  [ -n "$version" ] || die "no PostgreSQL cluster found under /etc/postgresql"
  if ! pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
    as_root pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not come up on 127.0.0.1:5432"
  # The test suite runs many nodes at once, each with its pools and LISTEN connections (match index, outbox):
  # Debian's default of 100 connections runs out. Raised once; it takes a restart.
  if [ "$(as_postgres psql -Atqc 'SHOW max_connections' -d postgres)" -lt 400 ]; then
    say "raising PostgreSQL max_connections to 400 (restart)..."
    as_postgres psql -q -d postgres -c "ALTER SYSTEM SET max_connections = 400" >/dev/null
    as_root pg_ctlcluster "$version" main restart
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # Roles (dev passwords, loopback only): the owner migrates the schema, the node runs as fed_app, and the test
  # suite connects as a superuser named after the OS user (peer authentication over the Unix socket).
  as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fed_owner') THEN CREATE ROLE fed_owner LOGIN CREATEDB PASSWORD 'fed_owner_dev'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fed_app') THEN CREATE ROLE fed_app LOGIN PASSWORD 'fed_app_dev'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$(id -un)') THEN CREATE ROLE "$(id -un)" SUPERUSER LOGIN; END IF;
END \$\$;
SQL
}

ensure_databases() {
  for n in "${NODES[@]}"; do
    local db="fed_${n//-/_}"
    as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db OWNER fed_owner" >/dev/null
  done
}

curl_agency() { # node path [method] [content-type body] [person]
  local n=$1 path=$2 method=${3:-GET} type=${4:-} body=${5:-} person=${6:-operator}
  local args=(-sS --fail-with-body -X "$method" --cacert "$ROOT/certs-dev/$n/ca.crt"
    --cert "$ROOT/certs-dev/$n/$person.crt" --key "$ROOT/certs-dev/$n/$person.key")
  [ -n "$type" ] && args+=(-H "Content-Type: $type" --data-binary "$body")
  [ -n "${JUSTIFICATION:-}" ] && args+=(-H "X-Justification: $JUSTIFICATION")
  curl "${args[@]}" "https://localhost:${AGENCY_PORT[$n]}$path"
}

demo_sync() {
  # kr-knpa's officer publishes a small hash list for fr-ofmin only; fr-ofmin and nl-police pull kr-knpa's feed.
  curl_agency kr-knpa /api/v1/lists POST application/json \
    '{"id":"demo-deepfakes","title":"Demo deepfake hashes","audience":"fr-ofmin","tlp":"AMBER"}' officer >/dev/null 2>&1 || true
  local csv
  csv=$(printf 'signal,value,classification,legal_basis,tags\nsha256,%s,deepfake-ncii,KR-ACT-14-2,demo\nmd5,%s,deepfake-ncii,,demo\npdq,%s,deepfake-ncii,,demo\n' \
    "$(printf 'demo-a' | sha256sum | cut -c1-64)" "$(printf 'demo-b' | md5sum | cut -c1-32)" "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")
  local published
  published=$(curl_agency kr-knpa /api/v1/lists/demo-deepfakes/releases POST text/csv "$csv" officer) || die "publishing the demo list failed: $published"
  python3 - "$published" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f'kr-knpa published {r["origin"]}/{r["listId"]} version {r["version"]} ({r["added"]} entries, sha256 {r["digest"][:16]}...), audience fr-ofmin only')
PY
  for n in fr-ofmin nl-police; do curl_agency "$n" /api/v1/peers/kr-knpa/sync?wait=true POST application/json '{}' >/dev/null || die "$n could not pull kr-knpa"; done
  printf '%-10s %s\n' NODE "LISTS HELD FROM kr-knpa (verified against kr-knpa's CA)"
  for n in kr-knpa fr-ofmin nl-police; do
    python3 - "$n" "$(curl_agency "$n" /api/v1/lists)" <<'PY'
import json, sys
node, lists = sys.argv[1], [l for l in json.loads(sys.argv[2]) if l["origin"] == "kr-knpa"]
print(f'{node:<10} ' + (", ".join(f'{l["listId"]} v{l["version"]}: {l["activeEntries"]} active entries' for l in lists) or "none (not in the audience)"))
PY
  done
}

demo_exchange() {
  # fr-ofmin's officer checks a victim's file hash against every list fr-ofmin holds (kr-knpa's included) and tells
  # kr-knpa the match is confirmed; the feedback is signed by fr-ofmin and pushed to kr-knpa's inbox.
  local value answer
  value=$(printf 'demo-a' | sha256sum | cut -c1-64)
  answer=$(JUSTIFICATION="demo: victim report FR-2026-0117" curl_agency fr-ofmin /api/v1/match POST application/json \
    "{\"hashes\":[{\"signal\":\"sha256\",\"value\":\"$value\"}]}" officer) || die "matching failed: $answer"
  python3 - "$answer" <<'PY'
import json, sys
for i in json.loads(sys.argv[1])["inputs"]:
    for h in i["hits"]:
        print(f'fr-ofmin match: sha256 {i["sha256"][:16]}... is in {h["origin"]}/{h["listId"]} v{h["releaseVersion"]} ({h["classification"]}, distance {h["distance"]})')
PY
  curl_agency fr-ofmin /api/v1/feedback POST application/json \
    "{\"origin\":\"kr-knpa\",\"listId\":\"demo-deepfakes\",\"signal\":\"sha256\",\"value\":\"$value\",\"verdict\":\"confirmed\",\"note\":\"same video in an FR case\"}" officer >/dev/null \
    || die "sending feedback failed"
  local feedback=""
  for _ in $(seq 1 20); do
    feedback=$(curl_agency kr-knpa /api/v1/lists/kr-knpa/demo-deepfakes/feedback GET "" "" officer)
    grep -q "$value" <<<"$feedback" && break; sleep 1
  done
  python3 - "$feedback" "$value" <<'PY'
import json, sys
for e in json.loads(sys.argv[1]):
    if e["value"] == sys.argv[2]:
        print("kr-knpa feedback on that entry: " + ", ".join(f'{v["agency"]} {v["verdict"]}' for v in e["verdicts"]))
PY

  # kr-knpa's officer asks nl-police to preserve an account's data (Budapest Art. 29); her supervisor approves (four
  # eyes); the signed request is pushed to nl-police, whose delivery step starts the legal clock on both sides.
  local draft case
  draft=$(curl_agency kr-knpa /api/v1/requests POST application/json '{"type":"preserve","profile":"BUDAPEST:29","priority":"normal",
    "requestedNode":"nl-police","requesterRef":"KR-2026-0042","details":{"issuingAuthority":"KNPA Cyber Bureau",
    "description":"Distribution of a sexual deepfake video of an identified victim","legalProvisions":["Sexual Crimes Act, Art 14-2"],
    "offenceCategory":"deepfake-ncii","serviceProvider":"ExampleHost B.V.","identifiers":[{"kind":"account","value":"uploader-4711"}],
    "custodian":"ExampleHost B.V., Amsterdam","followUpIntended":true}}' officer) || die "drafting the request failed: $draft"
  case=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["case"]["case"])' "$draft")
  curl_agency kr-knpa "/api/v1/requests/$case/actions/submit" POST application/json '{}' officer >/dev/null || die "submit failed"
  curl_agency kr-knpa "/api/v1/requests/$case/actions/approve" POST application/json '{}' supervisor >/dev/null || die "approve failed"
  curl_agency kr-knpa "/api/v1/requests/$case/actions/send" POST application/json '{}' officer >/dev/null || die "send failed"
  local seen=""
  for _ in $(seq 1 20); do
    seen=$(JUSTIFICATION="demo: incoming request" curl_agency nl-police "/api/v1/requests/$case" GET "" "" case-handler 2>/dev/null) && break; sleep 1
  done
  [ -n "$seen" ] || die "the request did not reach nl-police"
  curl_agency nl-police "/api/v1/requests/$case/actions/acknowledge" POST application/json '{"responderRef":"NL-2026-0815"}' case-handler >/dev/null \
    || die "acknowledge failed"
  sleep 3
  printf '%-10s %-28s %-13s %s\n' NODE CASE STATE "CLOCK (started at nl-police's signed delivery)"
  for n in kr-knpa nl-police; do
    local person=officer; [ "$n" = nl-police ] && person=case-handler
    python3 - "$n" "$(JUSTIFICATION="demo: case follow-up" curl_agency "$n" "/api/v1/requests/$case" GET "" "" $person)" <<'PY'
import json, sys
node, v = sys.argv[1], json.loads(sys.argv[2])
c, clock = v["case"], v["case"].get("clock") or {}
steps = " > ".join(f'{h["action"]}@{h["node"]}' for h in v["history"])
print(f'{node:<10} {c["case"]:<28} {c["state"]:<13} started {clock.get("startedAt","-")[:19]}, due {str(v.get("dueAt") or "-")[:19]}  ({steps})')
PY
  done
}

print_table() { # method: GET shows the last refresh, POST refreshes now
  local method=${1:-GET}
  printf '%-10s %-10s %-8s %-26s %s\n' NODE PEER HEALTHY LAST-SUCCESS "SIGNED DESCRIPTOR / LAST ERROR"
  for n in "${NODES[@]}"; do
    local json
    local body=()
    [ "$method" = POST ] && body=(application/json '{}') # the agency API takes no unsafe request without a content type
    if ! json=$(curl_agency "$n" /api/v1/peers${2:-} "$method" "${body[@]}" 2>/dev/null); then
      printf '%-10s %s\n' "$n" "(not running)"; continue
    fi
    python3 - "$n" "$json" <<'PY'
import json, sys
node, peers = sys.argv[1], json.loads(sys.argv[2])
for p in peers:
    d = p.get("descriptor")
    what = f'{d["displayName"]} ({d["jurisdiction"]}) at {d["federationUrl"]}' if d and p["healthy"] else (p.get("lastError") or "never contacted")
    print(f'{node:<10} {p["nodeId"]:<10} {"yes" if p["healthy"] else "NO":<8} {(p.get("lastSuccess") or "-")[:26]:<26} {what}')
PY
  done
}

up() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is required"
  ensure_postgres
  ensure_databases
  mkdir -p "$RUN"
  # git keeps no 0600: a fresh clone has the dev keys world-readable. Development allows that, but the keys are
  # restricted anyway so that the same habits hold as in production (which refuses such a key, naming the file).
  chmod 600 "$ROOT"/certs-dev/*/*.key
  say "building the node (Release)..."
  dotnet build "$ROOT/src/Federation.Node/Federation.Node.csproj" -c Release -nologo -v quiet >"$RUN/build.log" 2>&1 || { cat "$RUN/build.log"; die "build failed"; }
  local started
  started=$(date +%s.%N)
  for n in "${NODES[@]}"; do
    if [ -f "$RUN/$n.pid" ] && kill -0 "$(cat "$RUN/$n.pid")" 2>/dev/null; then say "$n already running (pid $(cat "$RUN/$n.pid"))"; continue; fi
    # exec: the PID recorded is the node's own, so 'down' stops exactly this process.
    (cd "$ROOT" && ASPNETCORE_ENVIRONMENT=Development exec nohup dotnet "$NODE_DLL" --config "deploy/local/$n.json" >"$RUN/$n.log" 2>&1) &
    echo $! >"$RUN/$n.pid"
    say "started $n (pid $(cat "$RUN/$n.pid"), federation :${FED_PORT[$n]}, agency :${AGENCY_PORT[$n]}, log deploy/local/run/$n.log)"
  done
  for n in "${NODES[@]}"; do
    local ok=""
    for _ in $(seq 1 120); do
      if curl -sf "http://127.0.0.1:${HEALTH_PORT[$n]}/readyz" >/dev/null 2>&1; then ok=1; break; fi
      kill -0 "$(cat "$RUN/$n.pid")" 2>/dev/null || { tail -n 20 "$RUN/$n.log"; die "$n exited during start-up"; }
      sleep 0.5
    done
    [ -n "$ok" ] || { tail -n 20 "$RUN/$n.log"; die "$n did not become ready"; }
  done
  say "all three nodes ready in $(python3 -c "import time; print(f'{time.time()-$started:.1f}')") s; each node now fetches its peers' signed descriptors over mTLS:"
  say ""
  print_table POST /refresh
  say ""
  demo_sync
  demo_exchange
  say ""
  say "Try: curl --cacert certs-dev/kr-knpa/ca.crt --cert certs-dev/kr-knpa/operator.crt --key certs-dev/kr-knpa/operator.key https://localhost:7201/api/v1/peers"
  say "Console: https://localhost:7201/console (import a person certificate from certs-dev/<node>/, see docs/console.md)"
  say "Stop with: deploy/local/federation.sh down"
}

down() {
  for n in "${NODES[@]}"; do
    local f="$RUN/$n.pid"
    [ -f "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      say "stopped $n (pid $pid)"
    fi
    rm -f "$f"
  done
}

# The independent tlog-proof verifier (tests/interop/tlog_proof_verify.py) runs on Debian's python3 with its cryptography.
ensure_python_cryptography() {
  if ! /usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1; then
    say "installing python3-cryptography (apt-get)..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3 python3-cryptography >/dev/null
  fi
}

run_tests() {
  ensure_postgres
  # fedaudit's report is rendered in headless Chromium by the .NET tests too (VerifyReportTests), so Chromium is
  # installed first and those tests must run; FEDERATION_BROWSER_TESTS=0 lets them skip where it is absent.
  local require=0
  if [ "${FEDERATION_BROWSER_TESTS:-1}" != 0 ]; then ensure_chromium; require=1; fi
  ensure_python_cryptography
  cd "$ROOT"
  local rc=0 results="" prev=""
  for a in "$@"; do [ "$prev" = --results-directory ] && results=$a; prev=$a; done
  # Screenshots the .NET tests take go beside their TRX files when a results directory is given.
  FEDERATION_TEST_ARTIFACTS="${FEDERATION_TEST_ARTIFACTS:-${results:+$(realpath -m "$results")/dotnet}}" \
  FEDERATION_REQUIRE_BROWSER="${FEDERATION_REQUIRE_BROWSER:-$require}" \
  FEDERATION_TEST_DB="${FEDERATION_TEST_DB:-Host=/var/run/postgresql;Username=$(id -un);Database=postgres}" \
    dotnet test Federation.sln -c Release --logger "console;verbosity=normal" "$@" || rc=$?
  if [ "${FEDERATION_BROWSER_TESTS:-1}" != 0 ]; then console_tests "$@" || rc=$((rc ? rc : $?)); fi
  return "$rc"
}

# The console's end-to-end tests in headless Debian Chromium against a federation brought up for them. Results go to
# tests/console/artifacts (a TRX file and screenshots), copied to dotnet test's --results-directory when one is given.
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing chromium (apt-get)..."
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
  fi
}

console_tests() {
  local results="" prev=""
  for a in "$@"; do [ "$prev" = --results-directory ] && results=$a; prev=$a; done
  ensure_chromium
  command -v npm >/dev/null || die "Node.js and npm are required for the console tests"
  (cd "$ROOT/tests/console" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/console failed"
  rm -rf "$ROOT/tests/console/artifacts" && mkdir -p "$ROOT/tests/console/artifacts"
  trap down EXIT
  up >"$ROOT/tests/console/artifacts/federation-up.log" 2>&1 || { cat "$ROOT/tests/console/artifacts/federation-up.log"; return 1; }
  say "console tests (headless chromium) against the local federation..."
  local rc=0
  (cd "$ROOT/tests/console" && timeout 600 npm test --silent) || rc=$?
  for n in "${NODES[@]}"; do cp "$RUN/$n.log" "$ROOT/tests/console/artifacts/$n.log" 2>/dev/null || true; done
  down
  trap - EXIT
  if [ -n "$results" ]; then
    mkdir -p "$results/console"
    cp "$ROOT/tests/console/artifacts/console.trx" "$results/" 2>/dev/null || true
    cp -r "$ROOT/tests/console/artifacts/." "$results/console/"
  fi
  return "$rc"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) print_table GET ;;
  test) shift; run_tests "$@" ;;
  test-console) shift; ensure_postgres; console_tests "$@" ;;
  *) die "usage: deploy/local/federation.sh up|down|status|test|test-console" ;;
esac
