#!/usr/bin/env bash
# EPP domain:create throughput, durable, with EPP_SESSIONS (8) concurrent
# sessions, side by side in the same run with a plain SQLite program
# writing the same rows with the same durability:
#   1. idregd: bench/epp_load opens EPP_SESSIONS TLS sessions, logs in and
#      creates names for EPP_SECONDS (each create acknowledged only once
#      its group is durably committed), then sends <domain:info> for
#      EPP_SECONDS and <domain:check> for EPP_SECONDS over the names it
#      created: creates/s, and p50/p99 latency of create, info and check.
#      idregd runs with service.threads = 2 x EPP_SESSIONS, so that every
#      session can wait for a commit at once, and reports on SIGTERM how
#      many writes it ran in how many commits: their ratio is its average
#      group.
#   2. bench/bench_epp_sqlite writes the rows idregd's creates wrote (change
#      set, domain and its linked rows, history line, id counters) into a
#      copy of the registry as it was before the run: one create per
#      transaction (one fsync each), and then grouped, as many creates per
#      transaction as idregd's average group (rounded, at least 1).
# Goal: idregd's creates/s at least 0.5 x the grouped baseline's.
# EPP_RUNS rounds (default 3); medians.  EPP_OBJECT=contact measures
# <contact:create>/info/check instead (contacts need no TLD).
# Environment: BENCH_BUILD (default build-bench), EPP_SESSIONS (8),
# EPP_SECONDS (10), EPP_RUNS (3), EPP_OBJECT (domain), EPP_KEEP (non-empty:
# keep the temporary directory).  Needs openssl and sqlite3.  A copy of the
# report goes to bench/results/ (ignored by git).
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
sessions=${EPP_SESSIONS:-8}
seconds=${EPP_SECONDS:-10}
runs=${EPP_RUNS:-3}
object=${EPP_OBJECT:-domain}

die() {
	echo "bench/bench_epp.sh: $*" >&2
	exit 1
}
for v in sessions seconds runs; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, not '${!v}'"
done
((sessions <= 64)) || die "EPP_SESSIONS is at most 64"
((seconds <= 120)) || die "EPP_SECONDS is at most 120"
((runs <= 20)) || die "EPP_RUNS is at most 20"
[[ $object == domain || $object == contact ]] || die "EPP_OBJECT is domain or contact"
for tool in meson ninja openssl sqlite3 python3 gawk; do
	command -v "$tool" >/dev/null || die "$tool is missing (bash scripts/deps.sh installs it)"
done

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$root" --buildtype=release -Dtests=false >&2
fi
ninja -C "$build" cli/idreg daemon/idregd bench/epp_load bench/bench_epp_sqlite >&2
idreg=$build/cli/idreg idregd=$build/daemon/idregd

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-epp.XXXXXX")
daemon_pid=""
cleanup() {
	if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
		kill -TERM "$daemon_pid"
		wait "$daemon_pid" || true
	fi
	if [[ -z ${EPP_KEEP:-} ]]; then rm -rf "$tmp"; else echo "kept $tmp" >&2; fi
}
trap cleanup EXIT

# ---- certificates, the registry as it is before the load ----
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench CA" \
	-keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tmp/server.key" \
	-out "$tmp/server.csr" 2>/dev/null
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-days 2 -extfile <(echo "subjectAltName=DNS:localhost,IP:127.0.0.1") \
	-out "$tmp/server.pem" 2>/dev/null

free_ports() {
	python3 -c 'import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}

# start_idregd DB LOG: idregd with EPP; sets daemon_pid and epp_port.
start_idregd() {
	local rdap whois
	read -r rdap whois epp_port < <(free_ports)
	"$idregd" --db "$1" --rdap "127.0.0.1:$rdap" --whois "127.0.0.1:$whois" \
		--epp "127.0.0.1:$epp_port" -o epp.cert="$tmp/server.pem" -o epp.key="$tmp/server.key" \
		-o service.threads=$((2 * sessions)) --log-level info 2>"$2" &
	daemon_pid=$!
	for _ in $(seq 300); do
		(exec 3<>"/dev/tcp/127.0.0.1/$epp_port") 2>/dev/null && return 0
		kill -0 "$daemon_pid" 2>/dev/null || die "idregd did not start: $(tail -n 5 "$2")"
		sleep 0.1
	done
	die "idregd did not listen within 30 s"
}

stop_idregd() {
	kill -TERM "$daemon_pid"
	wait "$daemon_pid" || die "idregd exited with status $? on SIGTERM"
	daemon_pid=""
}

head='<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0">'
cns='urn:ietf:params:xml:ns:contact-1.0' dns='urn:ietf:params:xml:ns:domain-1.0'
contact_create() { # ID-TEMPLATE
	echo "$head<command><create><contact:create xmlns:contact=\"$cns\"><contact:id>$1</contact:id><contact:postalInfo type=\"int\"><contact:name>Holder $1</contact:name><contact:addr><contact:street>1 Main Street</contact:street><contact:city>Springfield</contact:city><contact:cc>US</contact:cc></contact:addr></contact:postalInfo><contact:email>$1@example.net</contact:email><contact:authInfo><contact:pw>Bench-pw-1</contact:pw></contact:authInfo></contact:create></create><clTRID>{TRID}</clTRID></command></epp>"
}
if [[ $object == domain ]]; then
	echo "$head<command><create><domain:create xmlns:domain=\"$dns\"><domain:name>{NAME}.example</domain:name><domain:period unit=\"y\">1</domain:period><domain:registrant>holder1</domain:registrant><domain:contact type=\"admin\">holder1</domain:contact><domain:contact type=\"tech\">holder1</domain:contact><domain:authInfo><domain:pw>Bench-pw-1</domain:pw></domain:authInfo></domain:create></create><clTRID>{TRID}</clTRID></command></epp>" >"$tmp/create.xml"
	echo "$head<command><info><domain:info xmlns:domain=\"$dns\"><domain:name hosts=\"all\">{NAME}.example</domain:name></domain:info></info><clTRID>{TRID}</clTRID></command></epp>" >"$tmp/info.xml"
	echo "$head<command><check><domain:check xmlns:domain=\"$dns\"><domain:name>{NAME}.example</domain:name></domain:check></check><clTRID>{TRID}</clTRID></command></epp>" >"$tmp/check.xml"
else
	contact_create '{NAME}' >"$tmp/create.xml"
	echo "$head<command><info><contact:info xmlns:contact=\"$cns\"><contact:id>{NAME}</contact:id></contact:info></info><clTRID>{TRID}</clTRID></command></epp>" >"$tmp/info.xml"
	echo "$head<command><check><contact:check xmlns:contact=\"$cns\"><contact:id>{NAME}</contact:id></contact:check></check><clTRID>{TRID}</clTRID></command></epp>" >"$tmp/check.xml"
fi

"$idreg" --db "$tmp/before.db" init >/dev/null
echo bench-pass-1 | "$idreg" --db "$tmp/before.db" registrar add bench --name "Bench Registrar" >/dev/null
if [[ $object == domain ]]; then
	"$idreg" --db "$tmp/before.db" tld add example >/dev/null
	# The registrant, created over EPP as a registrar would.
	contact_create holder1 | sed 's/{TRID}/setup-1/' >"$tmp/holder.xml"
	start_idregd "$tmp/before.db" "$tmp/setup.err"
	"$build/bench/epp_load" -p "$epp_port" -c "$tmp/ca.pem" -u bench -w bench-pass-1 \
		-C "$tmp/holder.xml" -s 1 -n 1 -d 10 >"$tmp/setup.out"
	grep -q '^RESULT create 1 0 ' "$tmp/setup.out" || die "the registrant was not created: $(cat "$tmp/setup.out")"
	stop_idregd
fi
[[ ! -e $tmp/before.db-wal ]] || die "before.db has a WAL left: it is not a whole copy"

report=$tmp/report
{
	echo "EPP ${object}:create, $sessions sessions, ${seconds} s per phase, $runs rounds; $(date -u '+%F %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown), load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-5s %10s %9s %8s %8s %8s %8s %8s %8s %10s %10s %7s\n' round creates/s group \
		c.p50 c.p99 i.p50 i.p99 k.p50 k.p99 sqlite1/s sqliteG/s ratio
} >"$report"
for round in $(seq "$runs"); do
	cp "$tmp/before.db" "$tmp/run.db"
	start_idregd "$tmp/run.db" "$tmp/run.err"
	"$build/bench/epp_load" -p "$epp_port" -c "$tmp/ca.pem" -u bench -w bench-pass-1 \
		-C "$tmp/create.xml" -I "$tmp/info.xml" -K "$tmp/check.xml" -s "$sessions" -d "$seconds" \
		-x "r$round-" >"$tmp/load.out"
	stop_idregd
	read -r creates failed cps cp50 cp99 < <(gawk '$2 == "create" { print $3, $4, $6, $7, $8 }' "$tmp/load.out")
	read -r ip50 ip99 ifailed < <(gawk '$2 == "info" { print $7, $8, $4 }' "$tmp/load.out")
	read -r kp50 kp99 kfailed < <(gawk '$2 == "check" { print $7, $8, $4 }' "$tmp/load.out")
	((failed == 0 && ifailed == 0 && kfailed == 0)) ||
		die "commands answered other than 1000: $(cat "$tmp/load.out")"
	! grep -q BROKEN "$tmp/load.out" || die "a session broke: $(cat "$tmp/load.out")"
	# The rows written must be the creates acknowledged, one change set each.
	stored=$(sqlite3 "$tmp/run.db" "SELECT count(*) FROM change_set WHERE actor = 'bench' AND sv_trid IS NOT NULL AND cl_trid LIKE 'c%';")
	((stored == creates)) || die "$creates creates acknowledged, $stored change sets stored"
	read -r writes commits < <(gawk 'match($0, /EPP: ([0-9]+) writes in ([0-9]+) commits/, m) { print m[1], m[2] }' "$tmp/run.err")
	[[ -n ${commits:-} ]] || die "idregd did not report its commits: $(tail -n 3 "$tmp/run.err")"
	group=$(gawk -v w="$writes" -v c="$commits" 'BEGIN { printf "%.2f", w / c }')
	g=$(gawk -v w="$writes" -v c="$commits" 'BEGIN { g = int(w / c + 0.5); print g < 1 ? 1 : g }')
	cp "$tmp/before.db" "$tmp/one.db"
	cp "$tmp/before.db" "$tmp/grouped.db"
	read -r _ n1 _ _ s1 < <("$build/bench/bench_epp_sqlite" "$tmp/run.db" "$tmp/one.db" 1)
	read -r _ ng _ _ sg < <("$build/bench/bench_epp_sqlite" "$tmp/run.db" "$tmp/grouped.db" "$g")
	((n1 == creates && ng == creates)) || die "the baseline wrote $n1 and $ng creates, not $creates"
	# Both baselines end with the very rows idregd ended with.
	for t in change_set history domain domain_entity domain_grace entity id_counter; do
		for db in one grouped; do
			[[ $(sqlite3 "$tmp/run.db" "SELECT * FROM \"$t\" ORDER BY 1, 2" | md5sum) == \
				$(sqlite3 "$tmp/$db.db" "SELECT * FROM \"$t\" ORDER BY 1, 2" | md5sum) ]] ||
				die "the baseline's $t ($db.db) differs from idregd's"
		done
	done
	ratio=$(gawk -v a="$cps" -v b="$sg" 'BEGIN { printf "%.3f", a / b }')
	printf '%-5s %10s %9s %8s %8s %8s %8s %8s %8s %10s %10s %7s\n' "$round" "$cps" "$group" \
		"$cp50" "$cp99" "$ip50" "$ip99" "$kp50" "$kp99" "$s1" "$sg" "$ratio" >>"$report"
done
medians=$(gawk 'function median(col,   k, r, a) {
		for (r = 3; r <= n; r++) a[++k] = v[col, r]
		asort(a)
		return a[int((k + 1) / 2)]
	}
	NR > 2 { for (i = 2; i <= NF; i++) v[i, NR] = $i; n = NR }
	END {
		printf "%-5s %10s %9s %8s %8s %8s %8s %8s %8s %10s %10s %7s\n", "median", median(2),
			median(3), median(4), median(5), median(6), median(7), median(8), median(9),
			median(10), median(11), median(12)
	}' "$report")
echo "$medians" >>"$report"
echo "latencies in ms; group = idregd's writes per commit; ratio = idregd creates/s / grouped SQLite creates/s (goal >= 0.5)" >>"$report"
mkdir -p "$root/bench/results"
cp "$report" "$root/bench/results/epp-$(date -u +%Y%m%dT%H%M%S).txt"
cat "$report"
