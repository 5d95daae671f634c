#!/usr/bin/env bash
# idregd's query-service benchmarks, each side by side with nginx in the same
# run (the machine is shared and noisy, so the goals are ratios):
#   1. RDAP ip/ lookups over keep-alive connections: wrk drives idregd and
#      nginx with the same Lua script (bench/wrk-paths.lua) cycling through the
#      same QUERY_PATHS paths (addresses and prefixes sampled from the RIR
#      files).  nginx serves the bodies idregd gave for those paths, fetched
#      once, as static files at the same paths (bench/nginx-query.conf.in).
#      Goal: idregd's requests/s >= 0.8 x nginx's.
#   2. RDAP domain/ lookups, the same way, with QUERY_DOMAINS=N: the registry
#      then also holds N domains from bench/gen_domains, and QUERY_PATHS paths
#      name domains drawn from them: an ASCII name by its name, an
#      internationalized one both by its A-label and by its U-label,
#      percent-encoded as clients send it (nginx decodes it to the file's
#      name).  Same goal.
#   3. WHOIS with one connection per query: bench/whois_load sends the same
#      queries to idregd and to nginx's stream module answering every
#      connection with a fixed text (idregd's answer to one of the queries).
#      Goal: idregd's queries/s >= 0.8 x nginx's.
#   4. idregd's resident memory (VmRSS): empty, on the number resources alone
#      and on the whole registry.
#   5. The equipment identity register's check, GET eir/v1/imei/{imei}[?imsi=],
#      the same way as 1., with QUERY_EIR=N: the registry then also holds
#      `idreg eir sample`'s golden list and pairings and N classification rows
#      (synthetic IMEIs, a third black, a third with a block date to come, a
#      third informative), and QUERY_PATHS paths name distinct IMEIs, 60%
#      classified and 40% not, as 14, 15 (check digit) or 16 digits, a
#      quarter with ?imsi=.  nginx serves idregd's answers as static files
#      (the query string ignored: each IMEI is asked once).  Same goal.
# The registry holds every file in $IDREG_DATA/current and the arin and
# ripencc fixtures (and the N domains).  Every response must be a 200 with the
# right body (RDAP: the object asked for, the same bytes from both servers) or
# a whole answer with a "source:" line (WHOIS): a fast wrong run fails.
# QUERY_RUNS rounds, the order of the sides alternating; medians.
# All traffic is to 127.0.0.1; every server started here is stopped on exit.
# Only idregd's command line (--db, --rdap, --whois, -o, --check-config) and
# its configuration keys are used, never its logs.
# Environment: IDREG_DATA (default ../shared/data/rir from the repository
# root), BENCH_BUILD (default build-bench), QUERY_RUNS (5), QUERY_SECONDS (10
# per side, kind and round), QUERY_PATHS (4000 per RDAP kind), QUERY_CONNECTIONS
# (wrk's, 32), WHOIS_CLIENTS (whois_load threads, 8), QUERY_PORT_BASE (18480:
# four ports from there), QUERY_IDREGD_OPTS (more idregd options, "-o KEY=VALUE"
# ...; default none: idregd runs with its defaults but for the rate limit, which
# is off), QUERY_DOMAINS (default 0: no domain/ side; N > 0, at least
# QUERY_PATHS: N generated domains in the registry, which takes a minute or
# more a million), QUERY_EIR (default 0: no eir/ side; N > 0, at least
# QUERY_PATHS: N classification rows and the check measured), QUERY_KEEP
# (non-empty: keep the temporary directory, for
# looking into a failure).  Needs wrk, nginx and libnginx-mod-stream:
# `bash scripts/deps.sh bench` installs them.  A copy of the report goes to
# bench/results/ (ignored by git).
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C
umask 022

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${IDREG_DATA:-$root/../shared/data/rir}
build=${BENCH_BUILD:-$root/build-bench}
runs=${QUERY_RUNS:-5}
seconds=${QUERY_SECONDS:-10}
npaths=${QUERY_PATHS:-4000}
conns=${QUERY_CONNECTIONS:-32}
wclients=${WHOIS_CLIENTS:-8}
port_base=${QUERY_PORT_BASE:-18480}
ndomains=${QUERY_DOMAINS:-0}
neir=${QUERY_EIR:-0}
read -r -a idregd_opts <<<"${QUERY_IDREGD_OPTS:-}"
stream_module=/usr/lib/nginx/modules/ngx_stream_module.so

die() {
	echo "bench/bench_query.sh: $*" >&2
	exit 1
}

for v in runs seconds npaths conns wclients port_base; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
((seconds <= 120)) || die "QUERY_SECONDS is at most 120"
((runs <= 20)) || die "QUERY_RUNS is at most 20"
((npaths <= 100000)) || die "QUERY_PATHS is at most 100000"
((conns >= 2 && conns <= 1000)) || die "QUERY_CONNECTIONS must be in 2..1000"
((wclients <= 256)) || die "WHOIS_CLIENTS is at most 256"
((port_base >= 1024 && port_base <= 65530)) || die "QUERY_PORT_BASE must be in 1024..65530"
[[ $ndomains =~ ^[0-9]+$ ]] && ((ndomains <= 10000000)) || die "QUERY_DOMAINS must be in 0..10000000"
((ndomains == 0 || ndomains >= npaths)) || die "QUERY_DOMAINS must be 0 or at least QUERY_PATHS ($npaths)"
[[ $neir =~ ^[0-9]+$ ]] && ((neir <= 100000000)) || die "QUERY_EIR must be in 0..100000000"
((neir == 0 || neir >= npaths)) || die "QUERY_EIR must be 0 or at least QUERY_PATHS ($npaths)"
[[ -d $data/current ]] || die "$data/current: no such directory (set IDREG_DATA to the rir data directory)"
data=$(cd "$data" && pwd)
for tool in meson ninja gawk curl ss wrk nginx sqlite3; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing (bash scripts/deps.sh bench installs what this benchmark needs)"
done
[[ -f $stream_module ]] || die "$stream_module is missing (bash scripts/deps.sh bench installs libnginx-mod-stream)"

files=()
while IFS= read -r -d '' f; do
	files+=("$f")
done < <(find "$data/current" -maxdepth 1 -type f ! -name '.*' -print0 | sort -z)
for f in arin ripencc; do
	[[ -f $data/fixtures-nro-delegated-stats/$f ]] && files+=("$data/fixtures-nro-delegated-stats/$f")
done
((${#files[@]} > 0)) || die "$data/current: no files"

rdap_port=$port_base whois_port=$((port_base + 1)) nginx_http_port=$((port_base + 2)) nginx_stream_port=$((port_base + 3))
for p in "$rdap_port" "$whois_port" "$nginx_http_port" "$nginx_stream_port"; do
	[[ -z $(ss -Hltn "sport = :$p") ]] || die "port $p is in use (set QUERY_PORT_BASE)"
done

# ---- build ----
if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=false >&2
fi
targets=(cli/idreg daemon/idregd bench/whois_load)
((ndomains == 0)) || targets+=(bench/gen_domains)
ninja -C "$build" "${targets[@]}" >&2
buildtype=$(meson introspect "$build" --buildoptions 2>/dev/null |
	gawk 'match($0, /"name": "buildtype", "value": "([a-z]+)"/, m) { print m[1] }' || true)
[[ -z $buildtype || $buildtype == release ]] ||
	echo "bench/bench_query.sh: warning: $build is a '$buildtype' build, not release" >&2
idreg=$build/cli/idreg
idregd=$build/daemon/idregd
whois_load=$build/bench/whois_load

# ---- servers, stopped whatever happens ----
tmp=$(mktemp -d "${TMPDIR:-/tmp}/idreg-qbench.XXXXXX")
chmod 755 "$tmp" # nginx's workers run as nobody and read the docroot
idregd_pid= nginx_pid=
stop_server() {
	local pid=$1 i
	[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		# Still there after 5 s: its children (nginx's workers) first, by pid.
		local child
		for child in $(pgrep -P "$pid" || true); do
			kill -KILL "$child" 2>/dev/null || true
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	[[ -n ${QUERY_KEEP:-} ]] && { echo "kept $tmp" >&2; stop_server "$idregd_pid"; stop_server "$nginx_pid"; return; }
	stop_server "$idregd_pid"
	stop_server "$nginx_pid"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (at most SECONDS, default 10) until URL answers over HTTP while PID
# lives.
wait_http() {
	local pid=$1 url=$2 i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		curl -s -o /dev/null --max-time 1 "$url" && return 0
		sleep 0.1
	done
	return 1
}

# CPU seconds (user + system) a process and its threads have used so far;
# for nginx, the master and its workers.
cpu_seconds() {
	local pids=("$@") p
	for p in "$@"; do
		while read -r c; do pids+=("$c"); done < <(pgrep -P "$p" || true)
	done
	for p in "${pids[@]}"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		gawk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.2f\n", t / hz }'
}

# The value idregd runs with for a configuration KEY; nothing if it has no
# such key.
config_value() {
	"$idregd" --db "$tmp/registry.db" "${idregd_opts[@]}" --check-config |
		gawk -v k="$1" '/^\[/ { section = substr($0, 2, length($0) - 2) } section "." $1 == k && $2 == "=" { print $3; exit }'
}

# Starts idregd (idregd_pid) on the registry DB, logging to LOG, with the
# options after them and QUERY_IDREGD_OPTS; waits until it answers (loading a
# million domains takes a while).
start_idregd() {
	local db=$1 log=$2
	shift 2
	"$idregd" --db "$db" --rdap "127.0.0.1:$rdap_port" --whois "127.0.0.1:$whois_port" \
		"$@" "${idregd_opts[@]}" >"$log" 2>&1 &
	idregd_pid=$!
	wait_http "$idregd_pid" "http://127.0.0.1:$rdap_port/help" 300 ||
		die "idregd did not start on ${db#"$tmp/"}: $(cat "$log")"
}

# A FIELD of idregd's /proc status (VmRSS, VmHWM: KiB; Threads).
idregd_status() {
	gawk -v f="$1:" '$1 == f { print $2 }' "/proc/$idregd_pid/status"
}

# idregd_memory DB LOG RSS_VAR HWM_VAR: starts idregd on DB and stops it
# again; its VmRSS and VmHWM, in KiB, go into the variables named.
idregd_memory() {
	local db=$1 log=$2
	start_idregd "$db" "$log"
	printf -v "$3" '%s' "$(idregd_status VmRSS)"
	printf -v "$4" '%s' "$(idregd_status VmHWM)"
	stop_server "$idregd_pid"
	idregd_pid=
}

# Fetches once from idregd, into the docroot, the body of every RDAP path of
# KIND (ip or domain): $tmp/KIND.paths holds the paths as requested, one a
# line; the same line of $tmp/KIND.expect the file the body goes to (the path
# as nginx decodes it) and, after tabs, the texts the body must hold.  Every
# answer must be a 200 holding them.
fetch_bodies() {
	local kind=$1 n ok
	n=$(wc -l <"$tmp/$kind.paths")
	paste "$tmp/$kind.paths" "$tmp/$kind.expect" |
		gawk -F'\t' -v base="http://127.0.0.1:$rdap_port/" -v dir="$tmp/docroot/" \
			'{ printf "url = \"%s%s\"\noutput = \"%s%s\"\n", base, $1, dir, $2 }' >"$tmp/curl.cfg"
	curl -s --globoff --path-as-is --create-dirs --max-time 300 -w '%{http_code} %{size_download}\n' \
		-K "$tmp/curl.cfg" >"$tmp/$kind.codes" || die "fetching the $kind/ bodies from idregd failed"
	chmod -R a+rX "$tmp/docroot" # curl makes its directories 0750
	ok=$(grep -c '^200 ' "$tmp/$kind.codes" || true)
	((ok == n)) || die "idregd answered $ok of $n $kind/ paths with 200"
	gawk -F'\t' -v dir="$tmp/docroot/" '
	{
		file = dir $1; body = ""
		while ((getline line <file) > 0) body = body line "\n"
		close(file)
		for (i = 2; i <= NF; i++)
			if (!index(body, $i)) { printf "the body idregd gave for %s lacks %s\n", $1, $i; exit 1 }
	}' "$tmp/$kind.expect" >"$tmp/$kind.bad" || die "$(cat "$tmp/$kind.bad")"
}

# Both servers give the same body with the same content type (RDAP's, JSON
# for the EIR check), compared for every 40th path of KIND.
compare_bodies() {
	local kind=$1 path i=0 h type=application/rdap+json
	[[ $kind != eir ]] || type=application/json
	while read -r path; do
		((i++ % 40 == 0)) || continue
		curl -s --globoff --path-as-is --max-time 5 -D "$tmp/h1" -o "$tmp/b1" "http://127.0.0.1:$rdap_port/$path"
		curl -s --globoff --path-as-is --max-time 5 -D "$tmp/h2" -o "$tmp/b2" "http://127.0.0.1:$nginx_http_port/$path"
		cmp -s "$tmp/b1" "$tmp/b2" || die "idregd and nginx answer $path differently"
		for h in "$tmp/h1" "$tmp/h2"; do
			grep -qi "^content-type: $type" "$h" || die "$path: no $type content type in $(cat "$h")"
		done
	done <"$tmp/$kind.paths"
}

# The paths of KIND: how many, the mean body and how many were compared.
describe_paths() {
	local kind=$1 mix
	if [[ $kind == ip ]]; then
		mix=$(gawk '{ v6 = index($0, ":") > 0; pre = split($0, x, "/") == 3; k[v6, pre]++ }
			END { printf "%d IPv4 addresses, %d IPv4 prefixes, %d IPv6 addresses, %d IPv6 prefixes", k[0, 0], k[0, 1], k[1, 0], k[1, 1] }' "$tmp/ip.paths")
	elif [[ $kind == eir ]]; then
		mix=$(gawk '{ split($0, p, "[/?]"); d[length(p[4])]++; if (index($0, "?imsi=")) m++ }
			END { printf "IMEIs of 14, 15, 16 digits: %d, %d, %d; %d with ?imsi=", d[14], d[15], d[16], m }' "$tmp/eir.paths")
		mix+=$(cat "$tmp/docroot/eir/v1/imei/"* | grep -o '"status":"[a-z]*"' | sort | uniq -c |
			gawk '{ gsub(/"status":|"/, "", $2); printf "; %s %d", $2, $1 }')
	else
		mix=$(gawk '/%/ { u++; next } /xn--/ { a++; next } { n++ }
			END { printf "%d ASCII names, %d internationalized names by A-label, %d by U-label (percent-encoded)", n, a, u }' "$tmp/domain.paths")
	fi
	gawk -v kind="$kind" -v mix="$mix" '{ n++; bytes += $2 }
		END { printf "%s/ paths: %d (%s); mean body %d bytes; %d bodies compared byte for byte with nginx'"'"'s\n",
			kind, n, mix, bytes / n, int((n + 39) / 40) }' "$tmp/$kind.codes"
}

# wrk's report to "requests seconds req/s p50_ms p99_ms non2xx socket_errors".
parse_wrk() {
	gawk '
	function ms(v) {
		if (v ~ /us$/) return v * 0.001
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		if (v ~ /m$/) return v * 60000
		return -1
	}
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	/ requests in / { n = $1; s = $4 + 0 }
	/^ *Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
	/^ *Non-2xx or 3xx responses:/ { bad = $NF }
	$1 == "Requests/sec:" { rps = $2 }
	END { printf "%d %.2f %.1f %.3f %.3f %d %d\n", n, s, rps, p50, p99, bad + 0, err + 0 }'
}

# KiB as MiB.
mib() {
	gawk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

median() {
	sort -g | gawk '{ v[NR] = $1 } END { printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

TIMEFORMAT='%3R %3U %3S'

# One timed run of wrk against SIDE (idregd or nginx) over the paths of KIND;
# appends "side requests/s p50 p99 server_cpu_s client_cpu_s requests" to
# $tmp/rdap-KIND.runs.
run_rdap() {
	local side=$1 kind=$2 dur=$3 record=$4 pid=$nginx_pid port=$nginx_http_port c0 c1 t
	if [[ $side == idregd ]]; then pid=$idregd_pid port=$rdap_port; fi
	c0=$(cpu_seconds "$pid")
	t=$({ time wrk -t2 -c"$conns" -d"${dur}s" --timeout 5s --latency -s "$root/bench/wrk-paths.lua" \
		"http://127.0.0.1:$port" -- "$tmp/$kind.paths" >"$tmp/wrk.out" 2>&1; } 2>&1) ||
		die "wrk against $side ($kind/) failed: $(cat "$tmp/wrk.out")"
	c1=$(cpu_seconds "$pid")
	read -r n s rps p50 p99 bad err < <(parse_wrk <"$tmp/wrk.out")
	((n > 0)) || die "wrk against $side ($kind/): no requests: $(cat "$tmp/wrk.out")"
	((bad == 0)) || die "wrk against $side ($kind/): $bad responses were not 2xx/3xx"
	((err == 0)) || die "wrk against $side ($kind/): $err socket errors: $(grep 'Socket errors' "$tmp/wrk.out")"
	if [[ $record == yes ]]; then
		read -r -a tt <<<"$t"
		echo "$side $rps $p50 $p99 $(gawk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }') $(gawk -v u="${tt[1]}" -v s="${tt[2]}" 'BEGIN { printf "%.2f", u + s }') $n" >>"$tmp/rdap-$kind.runs"
		echo "  rdap $kind/ $side: $rps requests/s, p50 $p50 ms, p99 $p99 ms, $n requests, all 200" >&2
	fi
}

# One timed run of whois_load against SIDE; appends
# "side queries/s p50 p99 server_cpu_s client_cpu_s queries resets bytes" to $tmp/whois.runs.
run_whois() {
	local side=$1 dur=$2 record=$3 pid=$nginx_pid port=$nginx_stream_port c0 c1 t
	if [[ $side == idregd ]]; then pid=$idregd_pid port=$whois_port; fi
	c0=$(cpu_seconds "$pid")
	t=$({ time "$whois_load" -p "$port" -q "$tmp/whois-queries" -t "$wclients" -d "$dur" \
		-e 'source:' >"$tmp/whois.out" 2>&1; } 2>&1) ||
		die "whois_load against $side failed: $(cat "$tmp/whois.out")"
	c1=$(cpu_seconds "$pid")
	read -r _ n failed bad _ qps p50 p99 bytes resets < <(grep '^RESULT ' "$tmp/whois.out")
	((n > 0)) || die "whois_load against $side: no answers: $(cat "$tmp/whois.out")"
	((failed == 0 && bad == 0)) ||
		die "whois_load against $side: $failed failed and $bad bad answers: $(cat "$tmp/whois.out")"
	if [[ $side == idregd ]] && ((resets > 0)); then
		die "whois_load against idregd: $resets connections ended by a reset"
	fi
	if [[ $record == yes ]]; then
		read -r -a tt <<<"$t"
		echo "$side $qps $p50 $p99 $(gawk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }') $(gawk -v u="${tt[1]}" -v s="${tt[2]}" 'BEGIN { printf "%.2f", u + s }') $n $resets $bytes" >>"$tmp/whois.runs"
		echo "  whois $side: $qps queries/s, p50 $p50 ms, p99 $p99 ms, $n answers, $resets ended by a reset" >&2
	fi
}

# The table of KIND (rdap or whois) from its runs, and the ratios.
summarize() {
	local kind=$1 unit=$2 f=$tmp/$1.runs
	local s col
	# Each column's median over the runs; column 7 is the runs' answers per
	# CPU-second of the server.
	for s in idregd nginx; do
		for col in 2 3 4 5 6 7; do
			printf '%s ' "$(gawk -v s="$s" -v c="$col" '$1 == s { $7 = $7 / $5; print $c }' "$f" | median)"
		done
		echo "$s"
	done >"$tmp/$kind.medians"
	gawk -v unit="$unit" '
	{ rate[$7] = $1; p50[$7] = $2; p99[$7] = $3; scpu[$7] = $4; ccpu[$7] = $5; percpu[$7] = $6 }
	END {
		printf "  %-8s %12s %9s %9s %12s %12s %20s\n", "side", unit "/s", "p50 ms", "p99 ms",
			"server cpu s", "client cpu s", unit "/server-cpu-s"
		for (i = 1; i <= 2; i++) {
			s = i == 1 ? "idregd" : "nginx"
			printf "  %-8s %12.0f %9.3f %9.3f %12.2f %12.2f %20.0f\n", s, rate[s], p50[s], p99[s],
				scpu[s], ccpu[s], percpu[s]
		}
	}' "$tmp/$kind.medians"
	# The goal is judged on the median of each round's ratio: the two runs
	# of a round are next to each other in time, so a change in the load of
	# the machine between rounds cancels out.
	gawk -v unit="$unit" -v medians="$(gawk '{ r[$7] = $1; c[$7] = $6 } END { print r["idregd"] / r["nginx"], c["idregd"] / c["nginx"] }' "$tmp/$kind.medians")" '
	{ k = ++n[$1]; rate[$1, k] = $2 }
	END {
		for (k = 1; k <= n["idregd"] && k <= n["nginx"]; k++) {
			r[k] = rate["idregd", k] / rate["nginx", k]
			list = list sprintf(" %.3f", r[k])
		}
		m = k - 1
		asort(r)
		med = m % 2 ? r[(m + 1) / 2] : (r[m / 2] + r[m / 2 + 1]) / 2
		split(medians, mr, " ")
		printf "  ratio idregd/nginx, %-40s %.3f   goal >= 0.800: %s\n",
			unit "/s, median of the rounds:", med, med >= 0.8 ? "MET" : "MISSED"
		printf "    (each round:%s; ratio of the medians %.3f)\n", list, mr[1]
		printf "  ratio idregd/nginx, %-40s %.3f   (cross-check)\n", unit " per server CPU-second:", mr[2]
	}' "$f"
}

report() {
	local cpu
	cpu=$(gawk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "idreg query-service benchmarks, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "machine: $(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- lib daemon 2>/dev/null || echo ' (lib/ or daemon/ modified)'), build $build (${buildtype:-unknown})"
	echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | sed 's/^nginx version: //'), $(curl --version | head -1 | cut -d' ' -f1-2)"
	echo "QUERY_RUNS=$runs QUERY_SECONDS=$seconds QUERY_PATHS=$npaths QUERY_CONNECTIONS=$conns WHOIS_CLIENTS=$wclients QUERY_DOMAINS=$ndomains QUERY_EIR=$neir QUERY_IDREGD_OPTS='${idregd_opts[*]}'"

	# ---- the registry ----
	"$idreg" --db "$tmp/registry.db" init >/dev/null
	"$idreg" --db "$tmp/registry.db" import rir "${files[@]}" >/dev/null
	records=$("$idreg" --db "$tmp/registry.db" summary | gawk '$1 == "total" && $2 == "records:" { print $3 }')
	[[ $records =~ ^[0-9]+$ ]] || die "idreg summary printed no record count"
	echo "registry: $records records from ${files[*]#"$data/"}"

	# ---- idregd's memory on an empty registry, and on the number resources
	# alone before the domains join them ----
	local rss_empty hwm_empty rss_numbers= hwm_numbers=
	"$idreg" --db "$tmp/empty.db" init >/dev/null
	idregd_memory "$tmp/empty.db" "$tmp/idregd-empty.log" rss_empty hwm_empty
	local kinds=(ip)
	if ((ndomains > 0)); then
		idregd_memory "$tmp/registry.db" "$tmp/idregd-numbers.log" rss_numbers hwm_numbers
		echo "  generating and importing $ndomains domains..." >&2
		"$build/bench/gen_domains" "$ndomains" --names "$tmp/domain-names" >"$tmp/domains.jsonl"
		"$idreg" --db "$tmp/registry.db" import domains "$tmp/domains.jsonl" >"$tmp/domains-import.out"
		rm -f "$tmp/domains.jsonl"
		echo "registry: plus bench/gen_domains $ndomains, imported: $(tail -1 "$tmp/domains-import.out" | sed 's|^.*domains.jsonl: ||')"
		kinds+=(domain)
	fi
	if ((neir > 0)); then
		echo "  classifying $neir synthetic IMEIs..." >&2
		"$idreg" eir sample --out "$tmp/eir-sample" --operators 2 --months 1 --subscribers 1000 >/dev/null
		"$idreg" --db "$tmp/registry.db" eir import golden "$tmp/eir-sample/golden.csv" >/dev/null
		"$idreg" --db "$tmp/registry.db" eir import pairings "$tmp/eir-sample/pairings.csv" >/dev/null
		# IMEI k is 35 and (k * 7919) mod 10^12 in 12 digits: distinct for every k.
		sqlite3 "$tmp/registry.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $neir)
			INSERT INTO eir_class SELECT printf('35%012d', (i * 7919) % 1000000000000),
			  CASE i % 4 WHEN 0 THEN 'duplicate' WHEN 1 THEN 'stolen' WHEN 2 THEN 'not_registered'
			             ELSE 'unknown_tac' END, '2026-01-01', '',
			  CASE i % 3 WHEN 0 THEN '2026-01-31' WHEN 1 THEN '2099-01-01' ELSE '' END, i % 3 <> 2, 1
			FROM n"
		echo "registry: plus $neir classification rows (synthetic IMEIs in eir_class) and the golden list and pairings of idreg eir sample"
		kinds+=(eir)
	fi

	# ---- idregd ----
	start_idregd "$tmp/registry.db" "$tmp/idregd.log" -o ratelimit.per_second=0
	# Memory once the registry is loaded, before any query.
	local rss hwm threads
	rss=$(idregd_status VmRSS)
	hwm=$(idregd_status VmHWM)
	threads=$(idregd_status Threads)

	# ---- the ip/ paths: addresses inside records and records' prefixes ----
	gawk -v want="$npaths" -v expect="$tmp/ip.expect" '
	function ip4(n) { return sprintf("%d.%d.%d.%d", int(n / 16777216), int(n / 65536) % 256, int(n / 256) % 256, n % 256) }
	# the 8 groups of an IPv6 address (no embedded IPv4 in RIR files) into G[0..7]
	function expand6(a,   k, head, tail, h, t, H, T, i) {
		k = index(a, "::")
		if (k) { head = substr(a, 1, k - 1); tail = substr(a, k + 2) } else { head = a; tail = "" }
		h = head == "" ? 0 : split(head, H, ":")
		t = tail == "" ? 0 : split(tail, T, ":")
		for (i = 0; i < 8; i++) G[i] = 0
		for (i = 1; i <= h; i++) G[i - 1] = strtonum("0x" H[i])
		for (i = 1; i <= t; i++) G[8 - t + i - 1] = strtonum("0x" T[i])
	}
	/^#/ || NF < 7 || $6 == "summary" || $1 ~ /^[0-9.]+$/ { next }
	$3 == "ipv4" || $3 == "ipv6" { n++; type[n] = $3; start[n] = $4; value[n] = $5 }
	END {
		srand(20261128)
		for (tries = 0; count < want && tries < 20 * want; tries++) {
			r = 1 + int(rand() * n)
			prefix = rand() < 0.2
			if (type[r] == "ipv4") {
				split(start[r], o, ".")
				s = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
				p = 1; b = 0
				while (p < value[r]) { p *= 2; b++ }
				if (prefix && p == value[r] && s % p == 0) {
					path = "ip/" start[r] "/" (32 - b)
				} else {
					path = "ip/" ip4(s + int(rand() * value[r]))
				}
			} else if (prefix) {
				path = "ip/" start[r] "/" value[r]
			} else {
				expand6(start[r]); L = value[r]; path = "ip"
				for (i = 0; i < 8; i++) {
					if (16 * i >= L) {
						G[i] = int(rand() * 65536)
					} else if (16 * (i + 1) > L) {
						free = 2 ^ (16 * (i + 1) - L)
						G[i] = G[i] - G[i] % free + int(rand() * free)
					}
					path = path (i ? ":" : "/") sprintf("%x", G[i])
				}
			}
			if (path in seen) continue
			# A prefix path needs its address as a directory in the docroot:
			# no path may be both a file and a directory.
			k = split(path, parts, "/")
			if (k == 3 && (("ip/" parts[2]) in seen)) continue
			if (k == 2 && (path in dirs)) continue
			seen[path] = 1
			if (k == 3) dirs["ip/" parts[2]] = 1
			out[++count] = path
		}
		# Each body is a network, in the file named by its path.
		for (i = 1; i <= count; i++) {
			print out[i]
			printf "%s\t\"objectClassName\":\"ip network\"\n", out[i] >expect
		}
	}' FS='|' "${files[@]}" >"$tmp/ip.paths"
	local got
	got=$(wc -l <"$tmp/ip.paths")
	((got == npaths)) || die "sampled only $got ip/ paths, wanted $npaths"
	sed 's|^ip/||' "$tmp/ip.paths" >"$tmp/whois-queries"

	# ---- the domain/ paths: generated domains drawn at random; an
	# internationalized one both by its A-label and by its U-label,
	# percent-encoded as clients send it (RFC 9082, 3.1.3); nginx decodes it
	# to the file's name ----
	if ((ndomains > 0)); then
		gawk -v want="$npaths" -v n="$ndomains" -v expect="$tmp/domain.expect" '
		function percent_encoded(s,   i, c, out) {
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				out = out (c ~ /[a-z0-9.-]/ ? c : sprintf("%%%02X", byte[c]))
			}
			return out
		}
		# The body of either form is this domain, with both of its names.
		function path(requested, file, alabel, ulabel) {
			print "domain/" requested
			printf "domain/%s\t\"objectClassName\":\"domain\"\t\"ldhName\":\"%s\"", file, alabel >expect
			if (ulabel != alabel) printf "\t\"unicodeName\":\"%s\"", ulabel >expect
			printf "\n" >expect
			count++
		}
		BEGIN {
			for (i = 1; i < 256; i++) byte[sprintf("%c", i)] = i
			srand(20261129)
			while (picked < want) {
				k = 1 + int(rand() * n)
				if (!(k in order)) order[k] = ++picked
			}
		}
		# gen_domains --names: "A-label U-label", one domain a line.
		NR in order { alabel[order[NR]] = $1; ulabel[order[NR]] = $2 }
		END {
			for (i = 1; count < want; i++) {
				path(alabel[i], alabel[i], alabel[i], ulabel[i])
				if (ulabel[i] != alabel[i] && count < want)
					path(percent_encoded(ulabel[i]), ulabel[i], alabel[i], ulabel[i])
			}
		}' "$tmp/domain-names" >"$tmp/domain.paths"
		got=$(wc -l <"$tmp/domain.paths")
		((got == npaths)) || die "drew only $got domain/ paths, wanted $npaths"
	fi

	# ---- the eir/ paths: distinct IMEIs, 60% classified, in the three
	# forms, a quarter with an IMSI ----
	if ((neir > 0)); then
		gawk -v want="$npaths" -v n="$neir" -v expect="$tmp/eir.expect" '
		function luhn(s,   t, i, d) {
			for (i = 1; i <= 14; i++) {
				d = substr(s, i, 1) + 0
				if (i % 2 == 0) { d *= 2; if (d > 9) d -= 9 }
				t += d
			}
			return (10 - t % 10) % 10
		}
		BEGIN {
			srand(20261130)
			while (count < want) {
				k = rand() < 0.6 ? 1 + int(rand() * n) : n + 1 + int(rand() * n)
				if (k in seen) continue
				seen[k] = 1
				count++
				imei = sprintf("35%012d", (k * 7919) % 1000000000000)
				form = int(rand() * 3)
				path = "eir/v1/imei/" (form == 0 ? imei : form == 1 ? imei luhn(imei) : imei "01")
				print path (rand() < 0.25 ? sprintf("?imsi=63901%010d", int(rand() * 1e10)) : "")
				printf "%s\t\"normalized\":\"%s\"\t\"status\":\"\n", path, imei >expect
			}
		}' >"$tmp/eir.paths"
	fi

	# ---- the RDAP bodies, fetched once from idregd ----
	mkdir "$tmp/docroot"
	local kind
	for kind in "${kinds[@]}"; do
		fetch_bodies "$kind"
	done

	# ---- nginx ----
	# The fixed WHOIS text: idregd's answer to the first query, as one nginx
	# string (its lines end in CRLF, written \r\n).
	local whois_query whois_text
	whois_query=$(head -1 "$tmp/whois-queries")
	(exec 9<>"/dev/tcp/127.0.0.1/$whois_port" && printf '%s\r\n' "$whois_query" >&9 &&
		timeout 5 cat <&9 >"$tmp/whois-answer") || die "no WHOIS answer from idregd to $whois_query"
	grep -q '^source:' "$tmp/whois-answer" || die "idregd's WHOIS answer to $whois_query has no source: line"
	! grep -q '[$]' "$tmp/whois-answer" || die "the WHOIS answer holds a \$, which nginx would take for a variable"
	whois_text=$(gawk '{ sub(/\r$/, ""); gsub(/\\/, "&&"); gsub(/"/, "\\\""); printf "%s\\r\\n", $0 }' "$tmp/whois-answer")
	mkdir "$tmp/nginx"
	PREFIX=$tmp/nginx DOCROOT=$tmp/docroot HTTP_PORT=$nginx_http_port STREAM_PORT=$nginx_stream_port \
		STREAM_MODULE=$stream_module WHOIS_TEXT=$whois_text gawk '
	BEGIN { split("PREFIX DOCROOT HTTP_PORT STREAM_PORT STREAM_MODULE WHOIS_TEXT", n); for (i in n) known[n[i]] = 1 }
	{
		rest = $0; done = ""
		while (match(rest, /@[A-Z_]+@/)) {
			name = substr(rest, RSTART + 1, RLENGTH - 2)
			if (!(name in known)) { print "nginx-query.conf.in: unknown @" name "@" > "/dev/stderr"; exit 1 }
			done = done substr(rest, 1, RSTART - 1) ENVIRON[name]
			rest = substr(rest, RSTART + RLENGTH)
		}
		print done rest
	}' "$root/bench/nginx-query.conf.in" >"$tmp/nginx/nginx.conf"
	nginx -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout" 2>&1 &
	nginx_pid=$!
	wait_http "$nginx_pid" "http://127.0.0.1:$nginx_http_port/$(head -1 "$tmp/ip.paths")" ||
		die "nginx did not start: $(cat "$tmp/nginx/stdout" "$tmp/nginx/error.log" 2>/dev/null)"
	(exec 9<>"/dev/tcp/127.0.0.1/$nginx_stream_port" && printf '%s\r\n' "$whois_query" >&9 &&
		timeout 5 cat <&9 >"$tmp/whois-answer-nginx") 2>/dev/null || true
	cmp -s "$tmp/whois-answer" "$tmp/whois-answer-nginx" || die "nginx's WHOIS text differs from idregd's answer"

	for kind in "${kinds[@]}"; do
		compare_bodies "$kind"
	done

	echo "idregd: RDAP on 127.0.0.1:$rdap_port, WHOIS on 127.0.0.1:$whois_port (service.threads $(config_value service.threads), service.cache_bytes $(config_value service.cache_bytes)), rate limit off"
	echo "nginx: 2 workers, RDAP bodies as static files on 127.0.0.1:$nginx_http_port, WHOIS text on 127.0.0.1:$nginx_stream_port"
	for kind in "${kinds[@]}"; do
		describe_paths "$kind"
	done
	echo "WHOIS text nginx returns: idregd's answer to '$whois_query', $(wc -c <"$tmp/whois-answer") bytes"
	echo

	# ---- warm-up, untimed ----
	echo "  warm-up..." >&2
	local side
	for kind in "${kinds[@]}"; do
		for side in idregd nginx; do
			run_rdap "$side" "$kind" 2 no
		done
	done
	for side in idregd nginx; do
		run_whois "$side" 2 no
	done

	# ---- timed rounds, alternating which side goes first ----
	for kind in "${kinds[@]}"; do
		: >"$tmp/rdap-$kind.runs"
	done
	: >"$tmp/whois.runs"
	local r order
	for ((r = 1; r <= runs; r++)); do
		order="idregd nginx"
		((r % 2)) || order="nginx idregd"
		echo "  round $r/$runs" >&2
		for kind in "${kinds[@]}"; do
			for side in $order; do
				run_rdap "$side" "$kind" "$seconds" yes
			done
		done
		for side in $order; do
			run_whois "$side" "$seconds" yes
		done
	done
	local rss_after
	rss_after=$(idregd_status VmRSS)
	kill -0 "$idregd_pid" 2>/dev/null || die "idregd died during the benchmark"

	local wrk_line="keep-alive: wrk -t2 -c$conns -d${seconds}s --latency, same Lua script and paths ($runs rounds per side, alternating; medians)"
	local all_200="  every response 200 (wrk: no non-2xx/3xx responses, no socket errors) in every run"
	echo "1. RDAP ip/ lookups, $wrk_line"
	summarize rdap-ip requests
	echo "$all_200"
	echo
	if ((ndomains > 0)); then
		echo "2. RDAP domain/ lookups among $ndomains domains, $wrk_line"
		summarize rdap-domain requests
		echo "$all_200"
	else
		echo "2. RDAP domain/ lookups: not measured (QUERY_DOMAINS=1000000 measures them among a million domains)"
	fi
	echo
	echo "3. WHOIS, one connection per query: whois_load, $wclients threads, ${seconds}s ($runs rounds per side, alternating; medians)"
	summarize whois queries
	gawk '$1 == "nginx" { r += $8; n += $7 } $1 == "idregd" { b += $9; q += $7 }
		END { printf "  every answer whole with a source: line; idregd mean answer %.0f bytes; nginx closed %d of %d connections with a reset (it never reads the query)\n", b / q, r, n }' "$tmp/whois.runs"
	echo
	echo "4. idregd's resident memory"
	local loaded="$records number resources"
	((ndomains == 0)) || loaded+=" + $ndomains domains"
	((neir == 0)) || loaded+=" + $neir classified IMEIs"
	printf '  %-58s %9s\n' "state" "VmRSS"
	printf '  %-58s %6s MiB   (VmHWM %s MiB)\n' "empty registry" "$(mib "$rss_empty")" "$(mib "$hwm_empty")"
	if [[ -n $rss_numbers ]]; then
		printf '  %-58s %6s MiB   (VmHWM %s MiB)\n' "$records number resources alone, no query yet" \
			"$(mib "$rss_numbers")" "$(mib "$hwm_numbers")"
	fi
	printf '  %-58s %6s MiB   (VmHWM %s MiB, %d threads)\n' "$loaded, no query yet" "$(mib "$rss")" "$(mib "$hwm")" "$threads"
	printf '  %-58s %6s MiB\n' "after the benchmark" "$(mib "$rss_after")"
	((ndomains > 0)) || printf '  %-58s %s\n' "with 1,000,000 domains" "   (QUERY_DOMAINS=1000000 measures it)"
	echo
	if ((neir > 0)); then
		echo "5. EIR check, GET eir/v1/imei/ among $neir classified IMEIs, $wrk_line"
		summarize rdap-eir requests
		echo "$all_200"
	else
		echo "5. EIR check: not measured (QUERY_EIR=1000000 measures it among a million classified IMEIs)"
	fi
}

mkdir -p "$root/bench/results"
out=$root/bench/results/query-$(date -u +%Y%m%d-%H%M%S).txt
# Not in a pipeline: report must run in this shell, whose EXIT trap stops the
# servers it starts.
report > >(tee "$out")
wait $!
echo "(report saved in $out)" >&2
