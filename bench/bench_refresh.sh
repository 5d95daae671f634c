#!/usr/bin/env bash
# RDAP and WHOIS after an EPP commit (docs/benchmarks.md section 9): a
# registry of REFRESH_DOMAINS generated domains (bench/gen_domains, seed 1,
# imported with `idreg import domains`), then bench/bench_refresh on it:
# the snapshot loaded whole (RUNS times, median) side by side with the
# snapshot refreshed after each of REFRESH_COMMITS contact updates, and after
# one update of the contact named by the most domains.
# Environment: BENCH_BUILD (default build-bench in the repository root),
# RUNS (default 3), REFRESH_DOMAINS (default 100000), REFRESH_COMMITS
# (default 1000).  Works from any current directory; the registry lives in a
# temporary directory removed at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BENCH_BUILD:-$root/build-bench}
runs=${RUNS:-3}
domains=${REFRESH_DOMAINS:-100000}
commits=${REFRESH_COMMITS:-1000}
for exe in bench/gen_domains bench/bench_refresh cli/idreg; do
	[[ -x $build/$exe ]] || { echo "bench_refresh.sh: $build/$exe is missing (ninja -C $build)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/idreg-bench-refresh.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "  generating and importing $domains domains..." >&2
"$build/bench/gen_domains" "$domains" >"$tmp/domains.jsonl"
"$build/cli/idreg" --db "$tmp/reg.db" init >/dev/null
"$build/cli/idreg" --db "$tmp/reg.db" import domains "$tmp/domains.jsonl" >/dev/null
echo "9. RDAP and WHOIS after an EPP commit: the snapshot loaded whole against one refreshed"
echo "   after each commit ($domains domains; $commits contact updates, then the busiest contact)"
"$build/bench/bench_refresh" "$tmp/reg.db" "$runs" "$commits" | sed 's/^/  /'
