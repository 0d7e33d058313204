#!/usr/bin/env bash
# The load figures of docs/BENCHMARKS.md, on SQLite and on PostgreSQL.
#
#   scripts/bench-load.sh [sqlite|postgres|all]     (make bench-load)
#
# Environment: RMAS (the large database, default 1000000), SMALL (the
# small one, default 10000), DURATION (submit and mixed, default 20s),
# WORK (where databases and logs go, default ./bench-load; the 1M SQLite
# file takes about 2 GB). The seeded databases are kept there: a second
# run tops them up instead of seeding again.
#
# Each step prints the tool's table and its one-line summary. PostgreSQL
# runs in a throwaway cluster this script starts (initdb in WORK, Unix
# socket only, fsync and synchronous_commit on as shipped) and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
RMAS=${RMAS:-1000000}
SMALL=${SMALL:-10000}
DURATION=${DURATION:-20s}
WORK=$(realpath -m "${WORK:-bench-load}")
mkdir -p "$WORK"
BIN=$WORK/rmadesk
go build -o "$BIN" ./cmd/rmadesk

say() { printf '\n### %s\n' "$*"; }

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(date -u +%Y-%m-%dT%H:%MZ); $(go version | cut -d' ' -f3)"

# serve_and_mix DBURL LABEL: serve the seeded database and drive it with
# the mixed workload over loopback, reporting the serve process's memory.
serve_and_mix() {
	local db=$1 label=$2 port log key pid
	port=$((20000 + RANDOM % 20000))
	log=$WORK/serve-$label.log
	"$BIN" serve --db "$db" --data-dir "$WORK/files-$label" --addr "127.0.0.1:$port" --jobs=false >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
		sleep 0.2
	done
	key=$("$BIN" apikey create --db "$db" --org "Bench Desk" --role admin --name "bench $label" | grep -o 'rk_[A-Za-z0-9_]*' | head -1)
	# 64 clients keep both cores busy: latency there is mostly waiting for
	# a core. One client shows what one request costs.
	for c in 64 1; do
		say "mixed, $label: $c clients, $DURATION, serve pid $pid"
		"$BIN" bench --workload mixed --clients "$c" --duration "$DURATION" --url "http://127.0.0.1:$port" --admin-key "$key" --pid "$pid" || true
	done
	kill -TERM "$pid"
	wait "$pid" || true
}

# run_backend NAME URLFN: URLFN NAME prints a fresh database's URL.
run_backend() {
	local backend=$1 urlfn=$2 db csv
	say "$backend: submit, 64 clients, $DURATION"
	"$BIN" bench --workload submit --clients 64 --duration "$DURATION" --rmas "$SMALL" --db "$($urlfn submit)"
	say "$backend: recall, 100000 submissions, 64 clients"
	"$BIN" bench --workload recall --count 100000 --clients 64 --duration 10m --rmas "$SMALL" --db "$($urlfn recall)" --raw=false
	for n in "$SMALL" "$RMAS"; do
		db=$($urlfn "mixed$n")
		say "$backend: seeding $n RMAs"
		"$BIN" bench --seed-only --rmas "$n" --db "$db"
		serve_and_mix "$db" "$backend-$n"
	done
	csv=$WORK/import-100k.csv
	[ -s "$csv" ] || "$BIN" import-csv --sample 100000 >"$csv"
	db=$($urlfn import)
	"$BIN" org create --db "$db" --name Importer --role partner --country NL >/dev/null
	say "$backend: import-csv, 100000 lines"
	/usr/bin/time -f 'import-csv: %e s wall, %M KB peak RSS' "$BIN" import-csv --db "$db" --org Importer "$csv"
}

sqlite_url() {
	local f=$WORK/$1.db
	case $1 in mixed*) ;; *) rm -f "$f" "$f-wal" "$f-shm" ;; esac # seeded files are kept and topped up
	echo "sqlite:$f"
}

PGDIR=
pg_start() {
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -x "$bin/initdb" ] || { echo "no PostgreSQL: scripts/deps.sh installs it" >&2; exit 1; }
	PGDIR=$WORK/pg
	as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
	if [ ! -d "$PGDIR/data" ]; then
		mkdir -p "$PGDIR"
		[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
		as_pg "$bin/initdb" -D "$PGDIR/data" --auth=trust --username=postgres -E UTF8 --locale=C >/dev/null
	fi
	as_pg "$bin/pg_ctl" start -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-k $PGDIR -c listen_addresses='' -c max_connections=200 -c shared_buffers=1GB" >/dev/null
	trap "as_pg '$bin/pg_ctl' stop -D '$PGDIR/data' -m fast >/dev/null" EXIT
	PSQL=("$bin/psql" -h "$PGDIR" -U postgres -qAt -d postgres)
	echo "PostgreSQL $("${PSQL[@]}" -c 'SHOW server_version'): fsync $("${PSQL[@]}" -c 'SHOW fsync'), synchronous_commit $("${PSQL[@]}" -c 'SHOW synchronous_commit')"
}

pg_url() {
	local name=bench_$1
	case $1 in mixed*) "${PSQL[@]}" -c "CREATE DATABASE $name" 2>/dev/null || true ;;
	*) "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" ;; esac
	echo "postgres://postgres@/$name?host=$PGDIR&sslmode=disable"
}

case $which in
sqlite | all) run_backend SQLite sqlite_url ;;
esac
case $which in
postgres | all)
	pg_start
	run_backend PostgreSQL pg_url
	;;
esac
