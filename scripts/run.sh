#!/usr/bin/env bash
# `make run`: a registry on the embedded SQLite store, filled with the RIR
# statistics files found under $IDREG_DATA, and a first look at it.
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
