#!/usr/bin/env bash
# idreg's benchmarks.  The machine they run on is shared and noisy, so every
# goal is measured side by side with its baseline in the same run and
# reported as a ratio:
#   1. import: `idreg --db X init` + `idreg --db X import rir FILES...` of every
#      file in $IDREG_DATA/current, against bench_sqlite_baseline (a plain
#      SQLite bulk insert of the same records in one transaction, same
#      journal_mode=WAL and synchronous=FULL).  RUNS runs of each, alternating,
#      a fresh database in a temporary directory each time; median time.
#      Goal: idreg's records/s >= 0.5 x the baseline's.
#   2. lookups: bench_lookup loads the same files into the in-memory index and
#      times LOOKUPS point and covering lookups per workload on one thread,
#      RUNS times; median.  Goal: >= 5,000,000 lookups/s.
#   3. label generation rules: bench_lgr gives LGR_LABELS labels in several
#      scripts a disposition and an index label under the Chinese and the
#      common LGR of $LGR_DATA, side by side with ICU's uidna_labelToASCII_UTF8
#      over the same labels, RUNS times; median.  Goal: <= 3 x ICU's time.
#      And the time and memory of loading those LGRs.
#   4. then bench/bench_stats.sh (see there): `idreg stats` over the RIR
#      files side by side with a plain awk pass over them.
#   5. then bench/bench_query.sh (see there): idregd's RDAP and WHOIS side by
#      side with nginx, and its memory; `scripts/deps.sh bench` installs the
#      wrk and nginx it needs first.
#   6. then bench/bench_eir.sh (see there): the equipment identity
#      register's import and classification, and its duplicate rule side by
#      side with PostgreSQL (EIR_OBSERVATIONS, default 10,000,000).
#   7. then bench/bench_refresh.sh (see there; docs/benchmarks.md section 9):
#      the daemon's snapshot loaded whole against one refreshed after an EPP
#      commit, at 100,000 domains.
# Builds a release build in BENCH_BUILD (default: build-bench in the
# repository root) first if needed.  Works from any current directory.
# Environment: IDREG_DATA (default: ../shared/data/rir from the repository
# root), RUNS (default 5), LOOKUPS (default 20000000), LGR_DATA (default:
# ../shared/data/lgr), LGR_LABELS (default 1000000), BENCH_BUILD.
# A copy of the report goes to bench/results/ (ignored by git).
# Needs only gcc, meson, ninja, libsqlite3-dev, sqlite3 and gawk.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${IDREG_DATA:-$root/../shared/data/rir}
runs=${RUNS:-5}
lookups=${LOOKUPS:-20000000}
lgr_data=${LGR_DATA:-$root/../shared/data/lgr}
lgr_labels=${LGR_LABELS:-1000000}
build=${BENCH_BUILD:-$root/build-bench}

die() {
	echo "bench/run.sh: $*" >&2
	exit 1
}

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
[[ $lookups =~ ^[1-9][0-9]*$ ]] || die "LOOKUPS must be a positive integer, not '$lookups'"
[[ $lgr_labels =~ ^[1-9][0-9]*$ ]] || die "LGR_LABELS must be a positive integer, not '$lgr_labels'"
[[ -d $data/current ]] || die "$data/current: no such directory (set IDREG_DATA to the rir data directory)"
data=$(cd "$data" && pwd)
for tool in meson ninja sqlite3 gawk; do
	command -v "$tool" >/dev/null || die "$tool is missing (make deps installs it)"
done

files=()
while IFS= read -r -d '' f; do
	files+=("$f")
done < <(find "$data/current" -maxdepth 1 -type f ! -name '.*' -print0 | sort -z)
((${#files[@]} > 0)) || die "$data/current: no files"

# ---- build ----
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=false >&2
fi
ninja -C "$build" cli/idreg bench/bench_lookup bench/bench_sqlite_baseline bench/bench_lgr >&2
buildtype=$(meson introspect "$build" --buildoptions 2>/dev/null |
	gawk 'match($0, /"name": "buildtype", "value": "([a-z]+)"/, m) { print m[1] }' || true)
[[ -z $buildtype || $buildtype == release ]] ||
	echo "bench/run.sh: warning: $build is a '$buildtype' build, not release" >&2
idreg=$build/cli/idreg
baseline=$build/bench/bench_sqlite_baseline
lookup=$build/bench/bench_lookup

tmp=$(mktemp -d "${TMPDIR:-/tmp}/idreg-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Each side runs on a fresh database in a fresh directory, and prints
# "wall user sys" in seconds (bash's time keyword).  Their own error
# messages go to the script's stderr (fd 3).
exec 3>&2
TIMEFORMAT='%3R %3U %3S'
time_idreg() {
	local dir=$1
	mkdir "$dir"
	sync
	{ time {
		"$idreg" --db "$dir/idreg.db" init >/dev/null 2>&3 &&
			"$idreg" --db "$dir/idreg.db" import rir "${files[@]}" >/dev/null 2>&3
	}; } 2>&1
}
time_baseline() {
	local dir=$1
	mkdir "$dir"
	sync
	{ time { "$baseline" "$dir/base.db" "${files[@]}" >"$dir/out" 2>&3; }; } 2>&1
}
# Both databases must hold every record: a fast wrong run measures nothing.
check_counts() {
	local dir=$1 kind=$2 n
	if [[ $kind == idreg ]]; then
		# Every record is in numres, and its creation in the history (a
		# history line covers a run of ids created together).
		n=$(sqlite3 "$dir/idreg.db" "SELECT (SELECT count(*) FROM numres) || ' ' || (SELECT sum(last_id - first_id + 1) FROM history WHERE action = 'create')")
		[[ $n == "$records $records" ]] || die "idreg run in $dir: numres holds and history created '$n', expected $records each"
	else
		n=$(sqlite3 "$dir/base.db" "SELECT count(*) FROM numres")
		[[ $n == "$records" ]] || die "baseline run in $dir: $n rows, expected $records"
	fi
	rm -rf "$dir"
}

# Median, min and max of the numbers on stdin.
stats() {
	sort -g | gawk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

report() {
	cpu=$(gawk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "idreg benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- lib cli 2>/dev/null || echo ' (lib/ or cli/ modified)'), build $build (${buildtype:-unknown}), SQLite $(sqlite3 --version | cut -d' ' -f1)"
	echo "data: $data/current (${#files[@]} files), RUNS=$runs, LOOKUPS=$lookups"
	echo

	# ---- 1. import ----
	# An untimed warm-up of each side: the files and binaries get cached,
	# and the baseline says how many records there are.
	time_baseline "$tmp/warm-base" >/dev/null || die "the baseline failed"
	records=$(gawk '$1 == "records" { print $2 }' "$tmp/warm-base/out")
	[[ $records =~ ^[0-9]+$ ]] || die "the baseline printed no record count"
	check_counts "$tmp/warm-base" baseline
	time_idreg "$tmp/warm-idreg" >/dev/null || die "idreg failed"
	check_counts "$tmp/warm-idreg" idreg

	local i side order times t dir iw=() ic=() bw=() bc=()
	for ((i = 1; i <= runs; i++)); do
		# Alternate which side goes first, so that a drift in the machine's
		# speed does not always favour one of them.
		order="idreg baseline"
		((i % 2)) || order="baseline idreg"
		for side in $order; do
			dir=$tmp/$side-$i
			times=$(time_$side "$dir") || die "run $i of $side failed"
			read -r -a t <<<"$times"
			check_counts "$dir" "$side"
			if [[ $side == idreg ]]; then
				iw+=("${t[0]}"); ic+=("$(gawk -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { print u + s }')")
			else
				bw+=("${t[0]}"); bc+=("$(gawk -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { print u + s }')")
			fi
		done
		echo "  import run $i/$runs: idreg ${iw[-1]} s (cpu ${ic[-1]} s), baseline ${bw[-1]} s (cpu ${bc[-1]} s)" >&2
	done
	read -r iwm iwmin iwmax < <(printf '%s\n' "${iw[@]}" | stats)
	read -r icm _ _ < <(printf '%s\n' "${ic[@]}" | stats)
	read -r bwm bwmin bwmax < <(printf '%s\n' "${bw[@]}" | stats)
	read -r bcm _ _ < <(printf '%s\n' "${bc[@]}" | stats)

	echo "1. import of $records records ($runs runs per side, alternating; fresh database each run)"
	gawk -v r="$records" -v iwm="$iwm" -v iwmin="$iwmin" -v iwmax="$iwmax" -v icm="$icm" \
		-v bwm="$bwm" -v bwmin="$bwmin" -v bwmax="$bwmax" -v bcm="$bcm" 'BEGIN {
		printf "  %-36s %8s %7s %7s %11s %8s %11s\n", "side", "median s", "min s", "max s",
			"records/s", "cpu s", "rec/cpu-s"
		printf "  %-36s %8.3f %7.3f %7.3f %11.0f %8.3f %11.0f\n", "idreg init + import rir",
			iwm, iwmin, iwmax, r / iwm, icm, r / icm
		printf "  %-36s %8.3f %7.3f %7.3f %11.0f %8.3f %11.0f\n", "baseline: plain SQLite bulk insert",
			bwm, bwmin, bwmax, r / bwm, bcm, r / bcm
		ratio = bwm / iwm
		printf "  ratio idreg/baseline, records/s (median wall time): %.3f   goal >= 0.500: %s\n",
			ratio, ratio >= 0.5 ? "MET" : "MISSED"
		printf "  ratio idreg/baseline, records per CPU-second:       %.3f   (cross-check)\n",
			bcm / icm
	}'
	echo

	# ---- 2. lookups ----
	echo "  running bench_lookup ($lookups lookups x $runs runs per workload)..." >&2
	"$lookup" "$data/current" "$lookups" "$runs" >"$tmp/lookup.out"
	echo "2. lookups in the in-memory index, one thread ($lookups per run, median of $runs runs)"
	gawk '$1 != "RESULT" { print "  " $0 }' "$tmp/lookup.out"
	gawk 'BEGIN {
		printf "  %-22s %8s %12s %8s %12s %6s %8s  %-16s %s\n", "workload", "cpu s",
			"lookups/cpu-s", "wall s", "lookups/s", "hit %", "ratio/5M", "checksum", "goal >= 5M/s"
	}
	$1 == "RESULT" {
		ratio = $6 / 5e6
		printf "  %-22s %8.3f %12.0f %8.3f %12.0f %6.1f %8.2f  %-16s %s\n", $2, $4, $6, $5, $7,
			$8, ratio, $9, ratio >= 1 ? "MET" : "MISSED"
	}' "$tmp/lookup.out"
	echo "  (rates per CPU-second of the lookup thread, which other processes on the machine"
	echo "  do not inflate; the goal is judged on them.  lookups/s is by the wall clock.)"
	echo

	# ---- 3. label generation rules ----
	if [[ ! -d $lgr_data ]]; then
		echo "3. label generation rules: skipped, $lgr_data not found (set LGR_DATA)"
		return
	fi
	echo "  running bench_lgr ($lgr_labels labels per set x $runs runs per side)..." >&2
	echo "3. label generation rules (RFC 7940): disposition + index label against ICU's bare"
	echo "   uidna_labelToASCII_UTF8 over the same labels (median of $runs runs); LGR loading"
	"$build/bench/bench_lgr" "$lgr_data" "$lgr_labels" "$runs" | sed 's/^/  /'
}

mkdir -p "$root/bench/results"
out=$root/bench/results/bench-$(date -u +%Y%m%d-%H%M%S).txt
report | tee "$out"
echo "(report saved in $out)" >&2
BENCH_BUILD=$build RUNS=$runs bash "$root/bench/bench_stats.sh"
bash "$root/scripts/deps.sh" bench && BENCH_BUILD=$build bash "$root/bench/bench_query.sh"
BENCH_BUILD=$build RUNS=$runs bash "$root/bench/bench_eir.sh"
BENCH_BUILD=$build RUNS=$runs bash "$root/bench/bench_refresh.sh"
