# shellcheck shell=bash
# Shared helpers for the EPP daemon tests (after harness_daemon.sh): TLS
# certificates made by openssl, registrars added with the real CLI, EPP
# sessions driven by Debian's Net::EPP (epp_client.pl), answers read with
# xmllint, and every frame the server sent validated against the EPP
# schemas of $SHARED/data/epp-xsd.
#
#   epp_certs                      a CA, the server's certificate (localhost) and
#                                  two clients' ($EPP_TLS/{ca,server,client,other}.{pem,key})
#   epp_registrar DB ID PW [OPT..] `idreg registrar add` with the password on stdin
#   epp_start [IDREGD-ARGS..]      start idregd on $DB with EPP on $EPP_PORT
#   epp_xml NAME BODY              write <epp>BODY</epp> to $EPP_XML/NAME
#   epp_login NAME ID PW TRID      a <login> for the domain, host and contact services
#   epp_session NAME < STEPS       run a client (steps as in epp_client.pl); its
#                                  answers' files in $WORK/NAME.log, one a line
#   epp_answer NAME N              the file of answer N (0 is the greeting)
#   epp_code FILE, epp_cltrid FILE, epp_xpath FILE XPATH (local names: use //*[local-name()=...])
#   epp_expect_answers NAME "CODE TRID"|greeting|eof ...
#   epp_validate_frames [MIN]      every frame received so far valid; svTRIDs all different
set -euo pipefail

EPP_XSD=$(realpath "$SHARED/data/epp-xsd")
[ -f "$EPP_XSD/epp-1.0.xsd" ] || fail "no EPP schemas in $EPP_XSD"
command -v xmllint >/dev/null || fail "xmllint is missing (Debian package libxml2-utils)"
perl -MNet::EPP::Client -e 1 2>/dev/null || fail "Net::EPP is missing (Debian package libnet-epp-perl)"
EPP_CLIENT="$HERE/epp_client.pl"
EPP_TLS="$WORK/tls"
EPP_XML="$WORK/xml"
EPP_FRAMES="$WORK/frames"
mkdir -p "$EPP_TLS" "$EPP_XML" "$EPP_FRAMES"
EPP_HEAD='<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0">'
EPP_DOMAIN_NS='urn:ietf:params:xml:ns:domain-1.0'
EPP_HOST_NS='urn:ietf:params:xml:ns:host-1.0'
EPP_CONTACT_NS='urn:ietf:params:xml:ns:contact-1.0'

epp_sign() { # NAME CN EXT
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$EPP_TLS/$1.key" -out "$EPP_TLS/$1.csr" 2>/dev/null
  openssl x509 -req -in "$EPP_TLS/$1.csr" -CA "$EPP_TLS/ca.pem" -CAkey "$EPP_TLS/ca.key" -CAcreateserial \
    -days 2 -extfile <(printf '%s\n' "$3") -out "$EPP_TLS/$1.pem" 2>/dev/null
}

epp_certs() {
  step "certificates"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=idreg test CA" \
    -keyout "$EPP_TLS/ca.key" -out "$EPP_TLS/ca.pem" 2>/dev/null
  epp_sign server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1"
  epp_sign client registrar-d "extendedKeyUsage=clientAuth"
  epp_sign other registrar-x "extendedKeyUsage=clientAuth"
  pass
}

epp_registrar() { # DB ID PASSWORD [OPTIONS...]
  local db=$1 id=$2 pw=$3
  shift 3
  printf '%s\n' "$pw" | "$IDREG" --db "$db" registrar add "$id" --name "Registrar $id" "$@" \
    || fail "registrar add $id"
  pass
}

epp_start() { # [IDREGD-ARGS...]: start_daemon with EPP on the test certificate
  start_daemon epp -o epp.cert="$EPP_TLS/server.pem" -o epp.key="$EPP_TLS/server.key" "$@"
}

epp_xml() { # NAME BODY
  printf '%s%s</epp>\n' "$EPP_HEAD" "$2" >"$EPP_XML/$1"
}

epp_login() { # NAME ID PASSWORD TRID
  epp_xml "$1" "<command><login><clID>$2</clID><pw>$3</pw><options><version>1.0</version><lang>en</lang></options><svcs><objURI>$EPP_DOMAIN_NS</objURI><objURI>$EPP_HOST_NS</objURI><objURI>$EPP_CONTACT_NS</objURI></svcs></login><clTRID>$4</clTRID></command>"
}

epp_session() { # NAME [CERT KEY] < STEPS
  local name=$1
  shift
  step "session $name"
  perl "$EPP_CLIENT" "$EPP_PORT" "$EPP_TLS/ca.pem" "$EPP_FRAMES/$name" "$@" >"$WORK/$name.log" \
    2>"$WORK/$name.client-err" || fail "session $name: the client failed: $(cat "$WORK/$name.client-err")"
}

epp_answer() { sed -n "$(($2 + 1))p" "$WORK/$1.log"; }
epp_xpath() { xmllint --xpath "$2" "$1"; }
epp_code() { xmllint --xpath 'string(//*[local-name()="result"]/@code)' "$1"; }
epp_cltrid() { xmllint --xpath 'string(//*[local-name()="clTRID"])' "$1"; }
epp_is_greeting() { xmllint --xpath 'count(/*[local-name()="epp"]/*[local-name()="greeting"])' "$1"; }

# epp_expect_answers NAME "CODE TRID" ...: the session's answers after the greeting, in order.
epp_expect_answers() {
  local name=$1 i=1 line want got lines
  shift
  mapfile -t lines <"$WORK/$name.log"
  expect_eq "$(epp_is_greeting "${lines[0]}")" 1 "$name: greeting on connect"
  for want in "$@"; do
    line=${lines[$i]:-none}
    if [ "$want" = greeting ]; then
      expect_eq "$(epp_is_greeting "$line")" 1 "$name: answer $i is a greeting"
    elif [ "$want" = eof ]; then
      expect_eq "$line" eof "$name: answer $i: the server closed"
    else
      got="$(epp_code "$line") $(epp_cltrid "$line")"
      expect_eq "${got% }" "$want" "$name: answer $i (code, clTRID)"
    fi
    i=$((i + 1))
  done
  expect_eq "${#lines[@]}" "$i" "$name: answers"
}

# epp_validate_frames [MIN]: every frame received is valid against the
# schemas (EPP, its objects and the extensions idreg may use), at least MIN
# of them; no svTRID given twice.
epp_validate_frames() {
  local min=${1:-1} f imports="" frames out dups
  step "schemas"
  for f in eppcom-1.0 epp-1.0 domain-1.0 host-1.0 contact-1.0 rgp-1.0 secDNS-1.1 idn-1.0 cdn-1.0; do
    f="$EPP_XSD/$f.xsd"
    imports+="<import namespace=\"$(xmllint --xpath 'string(/*/@targetNamespace)' "$f")\" schemaLocation=\"$f\"/>"
  done
  printf '<schema xmlns="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:idreg:test">%s</schema>\n' \
    "$imports" >"$WORK/epp-all.xsd"
  frames=("$EPP_FRAMES"/*.xml)
  [ "${#frames[@]}" -ge "$min" ] || fail "only ${#frames[@]} frames received"
  if ! out=$(xmllint --noout --schema "$WORK/epp-all.xsd" "${frames[@]}" 2>&1); then
    fail "frames not valid against the EPP schemas: $(grep -v ' validates$' <<<"$out" | head -n 10)"
  fi
  pass
  dups=$(for f in "${frames[@]}"; do xmllint --xpath 'string(//*[local-name()="svTRID"])' "$f"; echo; done |
    grep -v '^$' | sort | uniq -d)
  expect_eq "$dups" "" "svTRIDs given twice"
}
