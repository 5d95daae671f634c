#!/usr/bin/env bash
# `make run`: a registry on the embedded SQLite store, filled with the RIR
# statistics files found under $IDREG_DATA, a first look at it, and -- when
# $IDREGD names the daemon -- idregd serving it over RDAP and WHOIS until
# interrupted.
set -euo pipefail

: "${IDREG:?}" "${DB:?}"
mkdir -p "$(dirname "$DB")"

if [ ! -e "$DB" ]; then
  "$IDREG" --db "$DB" init
fi

if [ -n "${IDREG_DATA:-}" ] && [ -d "$IDREG_DATA" ]; then
  echo "== importing the newest exchange file of each registry under $IDREG_DATA"
  # A file whose counts disagree with its records is refused; say so and go on.
  "$IDREG" --db "$DB" import rir "$IDREG_DATA" || echo "(some files were refused; see above)"
else
  echo "== no data directory (set IDREG_DATA to a directory of RIR statistics files)"
fi

echo
echo "== what the registry holds"
"$IDREG" --db "$DB" summary
echo
cat <<HELP
== try
  $IDREG --db $DB lookup 1.1.1.1
  $IDREG --db $DB lookup 2001:200::/32 41.0.0.0/10 AS4608
  $IDREG --db $DB export rir --registry afrinic | head
  $IDREG --help
HELP

if [ -n "${IDREGD:-}" ]; then
  RDAP=${RDAP:-127.0.0.1:8080}
  WHOIS=${WHOIS:-127.0.0.1:4343}
  cat <<URLS

== idregd is serving this registry (Ctrl-C stops it)
  curl http://$RDAP/ip/1.1.1.1
  curl http://$RDAP/ip/2001:200::/35
  curl http://$RDAP/autnum/4608
  curl http://$RDAP/help
  whois -h ${WHOIS%:*} -p ${WHOIS##*:} 1.1.1.1

== the statistics report (IPv6 adoption, equity), in a browser
  http://$RDAP/stats/
  http://$RDAP/stats/zh/
URLS
  exec "$IDREGD" --db "$DB" --rdap "$RDAP" --whois "$WHOIS" --log-level info
fi
