#!/usr/bin/env bash
# The equipment identity register's import and classification, and the
# duplicate rule side by side with PostgreSQL over the same observations.
#   1. bench/gen_eir writes EIR_OBSERVATIONS (default 10,000,000) distinct
#      (IMEI, IMSI, MSISDN) triplets of January 2026 over EIR_OPERATORS
#      (default 3) operator files, each seen on EIR_DAYS (default 2) random
#      days (one row a day); out of every 1000 subscribers four share an
#      IMEI (a duplicate) and two another (under the threshold).
#   2. import: `idreg init` + `idreg eir import tac` + `idreg eir import
#      operator` of each file; rows/s and observations/s.
#   3. the duplicate rule (distinct IMSIs per IMEI over the 30 days ending
#      2026-01-31, at least 3): `idreg eir classify --date 2026-01-31` with
#      every other condition off, RUNS times (default 3; the first writes the
#      periods, the others find nothing new); median wall time and peak
#      memory (GNU time).  Then the whole classification (all conditions but
#      not_registered, since no registered list is generated) once.
#   4. PostgreSQL (Debian's, started here: initdb --locale=C in a temporary
#      directory, listening on a Unix socket only in it, shared_buffers 1GB,
#      work_mem 1GB, parallel workers as configured by default) loaded with
#      the same observations (COPY of what idreg holds, text columns as a
#      PostgreSQL register keeps them), VACUUM ANALYZE, then the plain query
#        SELECT imei FROM obs WHERE last_seen >= '2026-01-02'
#          GROUP BY imei HAVING count(DISTINCT imsi) >= 3
#      RUNS times; median.  Both must find the same IMEIs.
# Reported: rows/s, times, peak memory, and the ratio PostgreSQL / idreg
# (goal: >= 10).  Builds a release build in BENCH_BUILD (default
# build-bench) if needed.  Needs PostgreSQL (`scripts/deps.sh bench`),
# sqlite3, gawk and GNU time.  A copy of the report goes to bench/results/.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
observations=${EIR_OBSERVATIONS:-10000000}
operators=${EIR_OPERATORS:-3}
days=${EIR_DAYS:-2}
runs=${RUNS:-3}
date=2026-01-31
window_start=2026-01-02   # 30 days ending $date

die() {
	echo "bench/bench_eir.sh: $*" >&2
	exit 1
}

[[ $observations =~ ^[1-9][0-9]*$ ]] || die "EIR_OBSERVATIONS must be a positive integer"
[[ $operators =~ ^[1-9]$ ]] || die "EIR_OPERATORS is 1 to 9"
[[ $days =~ ^[1-9][0-9]*$ ]] || die "EIR_DAYS is 1 to 31"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
for tool in meson ninja sqlite3 gawk psql; do
	command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh bench installs it)"
done
[[ -x /usr/bin/time ]] || die "GNU time is missing (scripts/deps.sh installs it)"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $pgbin && -x $pgbin/initdb ]] || die "PostgreSQL's server is missing (scripts/deps.sh bench)"

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=false >&2
fi
ninja -C "$build" cli/idreg bench/gen_eir >&2
idreg=$build/cli/idreg

tmp=$(mktemp -d "${TMPDIR:-/tmp}/idreg-bench-eir.XXXXXX")
pgdata=$tmp/pg/data
# PostgreSQL refuses to run as root: then it runs as the postgres user.
as_pg=()
if [[ $(id -u) == 0 ]]; then
	as_pg=(runuser -u postgres --)
fi
cleanup() {
	if [[ -f $pgdata/postmaster.pid ]]; then
		"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# Median of the numbers on stdin.
median() {
	sort -g | gawk '{ v[NR] = $1 } END { printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

report() {
	cpu=$(gawk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "idreg EIR benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), build $build, SQLite $(sqlite3 --version | cut -d' ' -f1), $("$pgbin/postgres" --version)"
	echo "EIR_OBSERVATIONS=$observations EIR_OPERATORS=$operators EIR_DAYS=$days RUNS=$runs"
	echo

	# ---- 1. data ----
	echo "  generating..." >&2
	rows=$("$build/bench/gen_eir" "$tmp/data" "$observations" "$operators" "$days" 1 | gawk '$1 == "rows" { print $2 }')
	echo "1. data: $rows rows over $operators operator files ($(du -sh "$tmp/data" | cut -f1)), $observations observations"

	# ---- 2. import ----
	echo "  importing..." >&2
	db=$tmp/idreg.db
	TIMEFORMAT='%3R'
	import_s=$({ time {
		"$idreg" --db "$db" init >/dev/null
		"$idreg" --db "$db" eir import tac "$tmp/data/tac.csv" >/dev/null
		for f in "$tmp/data"/operator-op*.csv; do
			"$idreg" --db "$db" eir import operator "$f" --operator "$(basename "$f" | cut -d- -f2)" >/dev/null
		done
	}; } 2>&1)
	held=$(sqlite3 "$db" "SELECT count(*) FROM eir_observation")
	[[ $held == "$observations" ]] || die "idreg holds $held observations, expected $observations"
	gawk -v r="$rows" -v o="$observations" -v s="$import_s" -v b="$(du -b "$db" | cut -f1)" 'BEGIN {
		printf "2. import: %.1f s, %.0f rows/s, %.0f observations/s; database %.0f MiB\n", s, r / s, o / s, b / 1048576 }'

	# ---- 3. classification ----
	dup_conf=$tmp/duplicate.conf
	all_conf=$tmp/all.conf
	{
		echo "[eir]"
		for c in malformed unknown_tac test_imei barred_tac duplicate_daily_avg stolen not_registered rat_unsupported transient; do
			echo "$c = off"
		done
	} >"$dup_conf"
	{
		echo "[eir]"
		echo "not_registered = off"
		echo "duplicate_daily_avg = blocking"
		for c in malformed unknown_tac test_imei barred_tac duplicate duplicate_daily_avg stolen rat_unsupported transient; do
			echo "${c}_max_permille = 1000"
		done
	} >"$all_conf"
	local i times=() mems=() t
	for ((i = 1; i <= runs; i++)); do
		echo "  idreg duplicate run $i/$runs..." >&2
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$idreg" --db "$db" -c "$dup_conf" eir classify --date "$date" >"$tmp/classify.out"
		read -r -a t <"$tmp/time"
		times+=("${t[0]}")
		mems+=("${t[1]}")
	done
	idreg_s=$(printf '%s\n' "${times[@]}" | median)
	idreg_mem=$(printf '%s\n' "${mems[@]}" | sort -g | tail -n 1)
	sqlite3 "$db" "SELECT imei FROM eir_class WHERE condition = 'duplicate' AND end_date = '' ORDER BY imei" >"$tmp/idreg.dup"
	echo "3. idreg eir classify, duplicate only: median $idreg_s s of ${times[*]}; peak $((idreg_mem / 1024)) MiB; $(wc -l <"$tmp/idreg.dup") duplicates"
	echo "  idreg whole classification..." >&2
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$idreg" --db "$db" -c "$all_conf" eir classify --date "$date" >"$tmp/classify-all.out"
	read -r -a t <"$tmp/time"
	echo "   idreg eir classify, every condition but not_registered: ${t[0]} s, peak $((t[1] / 1024)) MiB"
	sed 's/^/     /' "$tmp/classify-all.out"

	# ---- 4. PostgreSQL ----
	echo "  starting PostgreSQL..." >&2
	mkdir -p "$tmp/pg"
	[[ ${#as_pg[@]} == 0 ]] || chown postgres "$tmp/pg" "$tmp"
	"${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" --locale=C -E UTF8 -A trust -U bench >/dev/null
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$tmp/pg/log" -w -o \
		"-c listen_addresses='' -k $tmp/pg -c shared_buffers=1GB -c work_mem=1GB -c fsync=off -c synchronous_commit=off -c max_wal_size=8GB" \
		start >/dev/null
	psql=(psql -h "$tmp/pg" -U bench -d postgres -q -X -v ON_ERROR_STOP=1)
	"${psql[@]}" -c "CREATE UNLOGGED TABLE obs (operator text, month text, imei text, imei_raw text,
		imsi text, msisdn text, first_seen date, last_seen date, days bigint, rats integer)"
	echo "  loading PostgreSQL..." >&2
	load_s=$({ time {
		sqlite3 -csv "$db" "SELECT operator, month, imei, imei_raw, imsi, msisdn, first_seen, last_seen, days, rats FROM eir_observation" |
			"${psql[@]}" -c "COPY obs FROM STDIN (FORMAT csv)"
		"${psql[@]}" -c "VACUUM ANALYZE obs"
	}; } 2>&1)
	held=$("${psql[@]}" -At -c "SELECT count(*) FROM obs")
	[[ $held == "$observations" ]] || die "PostgreSQL holds $held observations, expected $observations"
	query="SELECT imei FROM obs WHERE last_seen >= DATE '$window_start' GROUP BY imei HAVING count(DISTINCT imsi) >= 3"
	times=()
	for ((i = 1; i <= runs; i++)); do
		echo "  PostgreSQL run $i/$runs..." >&2
		t=$({ time { "${psql[@]}" -At -c "$query" >"$tmp/pg.dup"; }; } 2>&1)
		times+=("$t")
	done
	pg_s=$(printf '%s\n' "${times[@]}" | median)
	sort -o "$tmp/pg.dup" "$tmp/pg.dup"
	echo "4. PostgreSQL: load (COPY + VACUUM ANALYZE) $load_s s; the query: median $pg_s s of ${times[*]}; $(wc -l <"$tmp/pg.dup") duplicates"
	"${psql[@]}" -c "EXPLAIN $query" | sed 's/^/     /'
	if cmp -s "$tmp/idreg.dup" "$tmp/pg.dup"; then
		echo "   same IMEIs found by both"
	else
		die "idreg and PostgreSQL found different IMEIs ($(diff "$tmp/idreg.dup" "$tmp/pg.dup" | grep -c '^[<>]') differ)"
	fi
	gawk -v p="$pg_s" -v i="$idreg_s" 'BEGIN {
		printf "ratio PostgreSQL / idreg, duplicate rule (median wall time): %.1f   goal >= 10: %s\n", p / i, p / i >= 10 ? "MET" : "MISSED" }'
}

mkdir -p "$root/bench/results"
out=$root/bench/results/bench-eir-$(date -u +%Y%m%d-%H%M%S).txt
report | tee "$out"
echo "(report saved in $out)" >&2
