#!/usr/bin/env bash
# `idreg stats` over every file of $IDREG_DATA (default ../shared/data/rir),
# side by side with the floor for reading those files: a plain awk pass that
# sums IPv4 addresses and IPv6 /48s per economy.  Two awk baselines: over
# every exchange file found there, and over only the files idreg counts
# (the newest of each registry; idreg reads just the first line of the
# others).  RUNS runs of each (default 5), alternating, after a warm-up;
# median wall and CPU (user + system) time, and the largest resident set
# (GNU time).
# Goal: idreg's time <= 2 x awk's.  Also timed: the HTML report
# (--format html), which computes three views and renders them, against
# the JSON.
# Builds a release build in BENCH_BUILD (default build-bench) if needed.
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${IDREG_DATA:-$root/../shared/data/rir}
economies=${IDREG_ECONOMIES:-$root/../shared/data/economies}
runs=${RUNS:-5}
build=${BENCH_BUILD:-$root/build-bench}

die() {
	echo "bench/bench_stats.sh: $*" >&2
	exit 1
}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
[[ -d $data ]] || die "$data: no such directory (set IDREG_DATA)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (scripts/deps.sh installs it)"

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" --buildtype=release -Dbench=true >/dev/null
fi
ninja -C "$build" cli/idreg >/dev/null
idreg=$build/cli/idreg

# Every exchange file (the first line that is no comment is a version line).
all=()
while IFS= read -r -d '' f; do
	if awk -F'|' '!/^[ \t]*#/ && NF { seen = 1; exit !($1 ~ /^[0-9.]+$/ && NF >= 6) } END { if (!seen) exit 1 }' "$f"; then
		all+=("$f")
	fi
done < <(find "$data" -type f ! -name '.*' -print0 | sort -z)
((${#all[@]} > 0)) || die "$data: no exchange files"
# The files idreg counts, as it says in its JSON.
counted=()
while IFS= read -r f; do
	counted+=("$f")
done < <("$idreg" stats --economies "$economies" --format json "$data" 2>/dev/null |
	python3 -c 'import json, sys; [print(f["path"]) for f in json.load(sys.stdin)["files"]]')

sum_awk() {
	awk -F'|' '$6 != "summary" && $3 == "ipv4" { v4[$2] += $5 }
	           $6 != "summary" && $3 == "ipv6" { v6[$2] += 2 ^ (48 - $5) }
	           END { for (cc in v4) print cc, v4[cc], v6[cc] + 0 }' "$@" >/dev/null
}
export -f sum_awk

# measure COMMAND...: "wall-seconds max-rss-KiB cpu-seconds" of one run.
measure() {
	/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || die "$* failed: $(cat "$tmp/err")"
	awk '{ print $1, $2, $3 + $4 }' "$tmp/time"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
idreg_cmd=("$idreg" stats --economies "$economies" --format json "$data")
html_cmd=("$idreg" stats --economies "$economies" --format html "$data")
awk_all=(bash -c 'sum_awk "$@"' sum_awk "${all[@]}")
awk_counted=(bash -c 'sum_awk "$@"' sum_awk "${counted[@]}")
measure "${idreg_cmd[@]}" >/dev/null
measure "${html_cmd[@]}" >/dev/null
measure "${awk_all[@]}" >/dev/null
for ((i = 0; i < runs; i++)); do
	measure "${idreg_cmd[@]}" >>"$tmp/idreg"
	measure "${html_cmd[@]}" >>"$tmp/html"
	measure "${awk_all[@]}" >>"$tmp/awk_all"
	measure "${awk_counted[@]}" >>"$tmp/awk_counted"
done
bytes() { cat "$@" | wc -c; }
t_idreg=$(cut -d' ' -f1 "$tmp/idreg" | median)
t_all=$(cut -d' ' -f1 "$tmp/awk_all" | median)
t_counted=$(cut -d' ' -f1 "$tmp/awk_counted" | median)
c_idreg=$(cut -d' ' -f3 "$tmp/idreg" | median)
t_html=$(cut -d' ' -f1 "$tmp/html" | median)
c_html=$(cut -d' ' -f3 "$tmp/html" | median)
c_all=$(cut -d' ' -f3 "$tmp/awk_all" | median)
c_counted=$(cut -d' ' -f3 "$tmp/awk_counted" | median)
echo "idreg stats benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $runs runs, medians (wall, CPU)"
echo "data: $data: ${#all[@]} exchange files, $(bytes "${all[@]}") bytes; idreg counts ${#counted[@]} of them ($(bytes "${counted[@]}") bytes)"
printf '%-44s %6s s %6s s CPU  max RSS %7s KiB\n' "idreg stats --format json (every table)" "$t_idreg" "$c_idreg" "$(cut -d' ' -f2 "$tmp/idreg" | sort -n | tail -1)"
printf '%-44s %6s s %6s s CPU  max RSS %7s KiB\n' "idreg stats --format html (the report)" "$t_html" "$c_html" "$(cut -d' ' -f2 "$tmp/html" | sort -n | tail -1)"
printf '%-44s %6s s %6s s CPU  max RSS %7s KiB\n' "awk, every exchange file" "$t_all" "$c_all" "$(cut -d' ' -f2 "$tmp/awk_all" | sort -n | tail -1)"
printf '%-44s %6s s %6s s CPU  max RSS %7s KiB\n' "awk, the files idreg counts" "$t_counted" "$c_counted" "$(cut -d' ' -f2 "$tmp/awk_counted" | sort -n | tail -1)"
ratios() { # LABEL IDREG ALL COUNTED
	awk -v l="$1" -v i="$2" -v a="$3" -v c="$4" 'BEGIN {
		printf "%s: idreg / awk (every file) %.2f; idreg / awk (files counted) %.2f; goal <= 2\n",
		       l, (a > 0 ? i / a : 0), (c > 0 ? i / c : 0) }'
}
ratios "wall" "$t_idreg" "$t_all" "$t_counted"
ratios "CPU " "$c_idreg" "$c_all" "$c_counted"
awk -v h="$t_html" -v j="$t_idreg" -v hc="$c_html" -v jc="$c_idreg" 'BEGIN {
	printf "the report: html / json %.2f wall, %.2f CPU\n", (j > 0 ? h / j : 0), (jc > 0 ? hc / jc : 0) }'
