#!/usr/bin/env bash
# `make run`: a registry on the embedded SQLite store, filled with the RIR
# statistics files found under $IDREG_DATA, made-up names (from
# $GEN_DOMAINS, when set) and made-up device data for the equipment identity
# register (idreg eir sample, imported and classified), a first look at it,
# and -- when $IDREGD names the daemon -- idregd serving it over RDAP, WHOIS
# and EPP until interrupted.  EPP runs on a self-signed development
# certificate made with openssl next to the database, for a development
# registrar (devreg).  The made-up data goes in once, into a registry that
# has none.
set -euo pipefail

: "${IDREG:?}" "${DB:?}"
mkdir -p "$(dirname "$DB")"
var=$(dirname "$DB")

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

if [ -n "${GEN_DOMAINS:-}" ] && "$IDREG" --db "$DB" summary | grep -q '^names: 0 domains'; then
  echo "== 2,000 made-up domains (bench/gen_domains), a fifth of them internationalized"
  "$GEN_DOMAINS" 2000 1 >"$var/domains-sample.jsonl"
  "$IDREG" --db "$DB" import domains "$var/domains-sample.jsonl"
fi

# The register's operators as the sample makes them: op1 and op2, IMSIs of
# MCC 639 (eir.home_mccs) and MNC 01, 02.
eir_conf="$var/eir-sample.conf"
printf '[eir]\noperators = op1:639-01 op2:639-02\n' >"$eir_conf"
if [ "$(sqlite3 "$DB" 'SELECT count(*) FROM eir_import')" = 0 ]; then
  echo "== made-up device data: two operators, two months (idreg eir sample), imported and classified"
  sample="$var/eir-sample"
  "$IDREG" eir sample --out "$sample" --operators 2 --months 2 --subscribers 300 >/dev/null
  for kind in tac stolen registered pairings golden; do
    "$IDREG" --db "$DB" eir import "$kind" "$sample/$kind.csv" >/dev/null
  done
  "$IDREG" --db "$DB" eir import barred "$sample/barred_tacs.csv" >/dev/null
  for f in "$sample"/operator-op*.csv; do
    "$IDREG" --db "$DB" eir import operator "$f" --operator "$(basename "$f" | cut -d- -f2)" >/dev/null
  done
  for day in 2026-01-31 2026-02-28; do
    "$IDREG" -c "$eir_conf" --db "$DB" eir classify --date "$day" | head -1
  done
  "$IDREG" -c "$eir_conf" --db "$DB" eir lists --out "$var/eir-lists" | head -1
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
  $IDREG -c $eir_conf --db $DB eir lists --out $var/eir-lists   # block, notification, exception lists
HELP
domain=$(sqlite3 "$DB" "SELECT ldh_name FROM domain ORDER BY id LIMIT 1")
blocked=$(sqlite3 "$DB" "SELECT imei FROM eir_class WHERE end_date = '' AND blocking = 1
  AND length(imei) = 14 ORDER BY imei LIMIT 1")

# A TLD for EPP to register names in, and a session to try: log in as the
# development registrar, create a contact and a domain, show it, log out.
if ! "$IDREG" --db "$DB" tld show test >/dev/null 2>&1; then
  echo "== serving the TLD 'test' over EPP"
  "$IDREG" --db "$DB" tld add test
fi
examples="$var/epp-examples"
mkdir -p "$examples"
head='<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command>'
dom='xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"'
con='xmlns:contact="urn:ietf:params:xml:ns:contact-1.0"'
name="try-$(date +%s).test"
cat >"$examples/1-login.xml" <<XML
$head<login><clID>devreg</clID><pw>dev-pass-1</pw><options><version>1.0</version><lang>en</lang></options><svcs><objURI>urn:ietf:params:xml:ns:domain-1.0</objURI><objURI>urn:ietf:params:xml:ns:contact-1.0</objURI><objURI>urn:ietf:params:xml:ns:host-1.0</objURI></svcs></login><clTRID>try-1</clTRID></command></epp>
XML
cat >"$examples/2-contact-create.xml" <<XML
$head<create><contact:create $con><contact:id>try-$$</contact:id><contact:postalInfo type="loc"><contact:name>张三</contact:name><contact:addr><contact:city>北京</contact:city><contact:cc>CN</contact:cc></contact:addr></contact:postalInfo><contact:email>zhang@example.test</contact:email><contact:authInfo><contact:pw>contact-pw-1</contact:pw></contact:authInfo></contact:create></create><clTRID>try-2</clTRID></command></epp>
XML
cat >"$examples/3-domain-create.xml" <<XML
$head<create><domain:create $dom><domain:name>$name</domain:name><domain:period unit="y">2</domain:period><domain:registrant>try-$$</domain:registrant><domain:authInfo><domain:pw>domain-pw-1</domain:pw></domain:authInfo></domain:create></create><clTRID>try-3</clTRID></command></epp>
XML
cat >"$examples/4-domain-info.xml" <<XML
$head<info><domain:info $dom><domain:name>$name</domain:name></domain:info></info><clTRID>try-4</clTRID></command></epp>
XML
cat >"$examples/5-logout.xml" <<XML
$head<logout/><clTRID>try-5</clTRID></command></epp>
XML
for f in "$examples"/*.xml; do echo "send $f"; done >"$examples/steps"

if [ -n "${IDREGD:-}" ]; then
  RDAP=${RDAP:-127.0.0.1:8080}
  WHOIS=${WHOIS:-127.0.0.1:4343}
  EPP=${EPP:-127.0.0.1:7000}
  if [ ! -s "$var/epp-dev.pem" ] || [ ! -s "$var/epp-dev.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$var/epp-dev.key" -out "$var/epp-dev.pem" 2>/dev/null
  fi
  if ! "$IDREG" --db "$DB" registrar list | grep -q '^devreg'$'\t'; then
    echo 'dev-pass-1' | "$IDREG" --db "$DB" registrar add devreg --name "Development registrar"
  fi
  cat <<URLS

== idregd is serving this registry (Ctrl-C stops it)
  curl http://$RDAP/ip/1.1.1.1
  curl http://$RDAP/ip/2001:200::/35
  curl http://$RDAP/autnum/4608
  curl http://$RDAP/help
  whois -h ${WHOIS%:*} -p ${WHOIS##*:} 1.1.1.1${domain:+
  curl http://$RDAP/domain/$domain
  curl 'http://$RDAP/domains?name=${domain%%.*}*'}${blocked:+
  curl http://$RDAP/eir/v1/imei/$blocked            # the equipment identity check
  $IDREG --db $DB eir show $blocked}

== the statistics report (IPv6 adoption, equity), in a browser
  http://$RDAP/stats/
  http://$RDAP/stats/zh/

== EPP
  # EPP over TLS on $EPP: registrar devreg, password dev-pass-1 (docs/epp.md)
  perl -MNet::EPP::Client -e 'my \$c = Net::EPP::Client->new(host => "${EPP%:*}", port => ${EPP##*:}, ssl => 1);
    print \$c->connect(SSL_ca_file => "$var/epp-dev.pem", SSL_verifycn_name => "localhost")'
  sleep 1 | openssl s_client -connect $EPP -CAfile $var/epp-dev.pem -quiet -no_ign_eof | tail -c +5
  # a session: login, contact and domain create, info, logout; answers in /tmp/epp-try-N.xml
  perl tests/daemon/epp_client.pl ${EPP##*:} $var/epp-dev.pem /tmp/epp-try <$examples/steps
  curl http://$RDAP/domain/$name       # the new domain, at once
URLS
  exec "$IDREGD" --db "$DB" --rdap "$RDAP" --whois "$WHOIS" --epp "$EPP" \
    -o epp.cert="$var/epp-dev.pem" -o epp.key="$var/epp-dev.key" --log-level info
fi
