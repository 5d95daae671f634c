#!/usr/bin/env bash
# The manual pages, the example configuration and the systemd unit against
# the programs they describe: each page renders without a warning; every
# configuration key that `idreg --check-config` prints is in idreg.conf(5)
# and in daemon/idreg.conf.example (with its default); every command of
# `idreg --help` is in idreg(1), every option of `idregd --help` in
# idregd(8); and systemd-analyze accepts daemon/idregd.service where it can
# run.  So a key, command or option added without documentation fails here.
set -euo pipefail

: "${IDREG:?IDREG must name the idreg binary}"
: "${IDREGD:?IDREGD must name the idregd binary}"
: "${SRC:?SRC must name the source tree}"
MAN="$SRC/docs/man"
EXAMPLE="$SRC/daemon/idreg.conf.example"
UNIT="$SRC/daemon/idregd.service"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/idreg-docs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8
CHECKS=0
FAILS=0

fail() {
  echo "FAIL: $*" >&2
  FAILS=$((FAILS + 1))
}

pass() {
  CHECKS=$((CHECKS + 1))
}

command -v groff >/dev/null || { echo "FAIL: groff is missing (Debian package groff-base)" >&2; exit 1; }

# render PAGE: the page as plain text, 80 columns, no bold or underlining.
render() {
  groff -man -Tutf8 -P-cbou -rLL=78n -K utf8 "$1" 2>/dev/null
}

# section TEXT HEADING: the lines of a rendered page's section HEADING.
section() {
  awk -v h="$2" '/^[A-Z]/ { on = ($0 == h); next } on' <<<"$1"
}

# ---- every page renders without a warning ----
for page in idreg.1 idregd.8 idreg.conf.5; do
  file="$MAN/$page"
  [ -f "$file" ] || { fail "$page: missing"; continue; }
  warnings=$(groff -man -ww -z -K utf8 "$file" 2>&1 || echo "groff exit status $?")
  if [ -n "$warnings" ]; then
    fail "$page: groff -man -ww: $warnings"
  else
    pass
  fi
  if command -v man >/dev/null; then
    warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$file" 2>&1 >/dev/null || echo "man exit status $?")
    if [ -n "$warnings" ]; then
      fail "$page: man --warnings: $warnings"
    else
      pass
    fi
  fi
  for heading in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
    if grep -q "^\.SH \"\?$heading\"\?\$" "$file"; then pass; else fail "$page: no $heading section"; fi
  done
done

# ---- configuration keys: idreg.conf(5) and the example file ----
"$IDREG" --check-config >"$WORK/defaults.conf"
keys=$(awk '/^\[/ { s = substr($0, 2, length($0) - 2); next }
            /^[a-z0-9_]+ =/ { print s "." $1 }' "$WORK/defaults.conf")
[ -n "$keys" ] || fail "idreg --check-config printed no keys"
conf5="$MAN/idreg.conf.5"
for key in $keys; do
  sect=${key%%.*} name=${key#*.}
  # In the page: an item naming the key under ".SS [section]".
  if awk -v s=".SS [$sect]" -v k="$name" '
       /^\.S[SH]/ { on = ($0 == s); next }
       on && ($1 == ".B" || $1 == ".BR") && $2 == k { found = 1 }
       END { exit !found }' "$conf5"; then
    pass
  else
    fail "idreg.conf.5: key $key is not described under .SS [$sect]"
  fi
  # In the example: the key, commented out or set, in its section.
  if awk -v s="[$sect]" -v k="$name" '
       /^\[/ { on = ($0 == s); next }
       on && ($0 ~ "^#?" k " ?=") { found = 1 }
       END { exit !found }' "$EXAMPLE"; then
    pass
  else
    fail "idreg.conf.example: key $key is not in section [$sect]"
  fi
done
# Every key the page describes exists (a removed key leaves no stale text).
documented=$(awk '/^\.SS \[/ { s = substr($2, 2, length($2) - 2); next }
                  /^\.S[SH]/ { s = ""; next }
                  s != "" && $1 == ".BR" && $3 == "\"" { print s "." $2 }' "$conf5")
for key in $documented; do
  if grep -qxF "$key" <<<"$keys"; then pass; else fail "idreg.conf.5: describes $key, which idreg does not know"; fi
done
# The example, uncommented, is a valid configuration whose values are the
# defaults: the same effective configuration as no file at all.
sed -E 's/^#([a-z0-9_]+ ?=)/\1/' "$EXAMPLE" >"$WORK/example.conf"
if "$IDREG" -c "$WORK/example.conf" --check-config >"$WORK/example.out" 2>"$WORK/example.err"; then
  if diff -u "$WORK/defaults.conf" "$WORK/example.out" >"$WORK/example.diff"; then
    pass
  else
    fail "idreg.conf.example: a value is not its default: $(cat "$WORK/example.diff")"
  fi
else
  fail "idreg.conf.example, uncommented, is refused: $(cat "$WORK/example.err")"
fi
if "$IDREGD" -c "$EXAMPLE" --check-config >/dev/null 2>"$WORK/example.err"; then
  pass
else
  fail "idregd -c idreg.conf.example --check-config: $(cat "$WORK/example.err")"
fi

# ---- idreg(1): every command and global option ----
idreg1=$(render "$MAN/idreg.1")
commands_text=$(section "$idreg1" COMMANDS)
options_text=$(section "$idreg1" OPTIONS)
names=$("$IDREG" --help | awk '/Commands:/ { on = 1; next } on && /^$/ { if (seen) exit; next }
                                on && /^  [a-z]/ { seen = 1; print $1 }' | sort -u)
[ -n "$names" ] || fail "idreg --help listed no commands"
for name in $names; do
  # 'idreg NAME --help' gives the usage of every command of that name;
  # its command words are the lowercase words after the global options.
  usages=$("$IDREG" "$name" --help | sed -n 's/^usage: idreg \[GLOBAL OPTIONS\] //p')
  [ -n "$usages" ] || fail "idreg $name --help printed no usage line"
  while IFS= read -r usage; do
    [ -n "$usage" ] || continue
    words=$(awk '{ w = ""; for (i = 1; i <= NF && $i ~ /^[a-z][a-z0-9-]*$/; i++) w = w (w ? " " : "") $i; print w }' <<<"$usage")
    if grep -Eq "^       $words( |$)" <<<"$commands_text"; then
      pass
    else
      fail "idreg.1: command '$words' is not described under COMMANDS"
    fi
  done <<<"$usages"
done
# The options of 'idreg --help': "  -c, --config FILE   text" or "  --db PATH   text".
check_options() { # PAGE TEXT HELP
  local page=$1 text=$2 help=$3 opt
  while IFS= read -r opt; do
    if grep -Eq -- "^       $opt( |,|\$)" <<<"$text"; then
      pass
    else
      fail "$page: option '$opt' is not described under OPTIONS"
    fi
  done < <(grep -Eo -- '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' <<<"$help" | sed -E 's/^ +//')
}
idreg_help=$("$IDREG" --help | awk '/^Global options:/ { on = 1; next } on')
[ -n "$idreg_help" ] || fail "idreg --help listed no global options"
check_options idreg.1 "$options_text" "$idreg_help"

# ---- idregd(8): every option ----
idregd8=$(render "$MAN/idregd.8")
idregd_help=$("$IDREGD" --help)
grep -Eq -- '^ +(-[a-zA-Z], )?--' <<<"$idregd_help" || fail "idregd --help listed no options"
check_options idregd.8 "$(section "$idregd8" OPTIONS)" "$idregd_help"
for sig in SIGHUP SIGTERM; do
  if section "$idregd8" SIGNALS | grep -q "$sig"; then pass; else fail "idregd.8: $sig is not under SIGNALS"; fi
done

# ---- the systemd unit ----
if ! grep -qx 'ExecStart=/usr/sbin/idregd -c /etc/idreg/idreg.conf' "$UNIT"; then
  fail "idregd.service: ExecStart is not '/usr/sbin/idregd -c /etc/idreg/idreg.conf'"
fi
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze verify: systemd-analyze is not installed"
else
  # verify wants the executable to exist: point ExecStart at the one built.
  mkdir -p "$WORK/sanity" "$WORK/unit"
  printf '[Service]\nExecStart=/bin/true\n' >"$WORK/sanity/sanity.service"
  if ! out=$(systemd-analyze verify --man=no "$WORK/sanity/sanity.service" 2>&1) || [ -n "$out" ]; then
    echo "SKIP: systemd-analyze verify cannot run here: $(head -c 300 <<<"$out")"
  else
    sed "s|^ExecStart=/usr/sbin/idregd |ExecStart=$IDREGD |" "$UNIT" >"$WORK/unit/idregd.service"
    if out=$(systemd-analyze verify --man=no "$WORK/unit/idregd.service" 2>&1) && [ -z "$out" ]; then
      pass
    else
      fail "idregd.service: systemd-analyze verify: $out"
    fi
  fi
fi

echo "docs: $CHECKS checks passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
