#!/usr/bin/env bash
# Installs the Debian packages idreg needs to build, run and test, and only
# those that are missing.  Used by `make run`, `make test` and CI alike, so a
# fresh Debian 12 machine needs nothing installed by hand.
# `bash scripts/deps.sh bench` also installs what bench/bench_query.sh drives
# and compares against: wrk, nginx and nginx's stream module, and the
# PostgreSQL server bench/bench_eir.sh compares the classification with.
# The browser tests (tests/browser) need chromium and Node.js, and their npm
# packages (package-lock.json), which `npm ci` installs from the npm registry
# when tests/browser/node_modules is missing or older than the lock file.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build   # toolchain
  clang libclang-rt-14-dev                       # libFuzzer targets
  libsqlite3-dev libinih-dev                     # store, configuration
  libicu-dev                                     # IDNA (UTS #46) for domain names
  libxml2-dev                                    # label generation rules (RFC 7940 XML, RELAX NG)
  libhttp-parser-dev libjansson-dev libsystemd-dev # idregd: HTTP, JSON, sd_notify
  libcmocka-dev                                  # unit tests
  librust-idna-dev                               # IDNA conformance: Unicode's IdnaTestV2.txt
  sqlite3 gawk util-linux time                   # integration tests, benchmarks (GNU time)
  curl whois python3-jsonschema                  # daemon tests: real clients, RDAP schemas
  groff-base                                     # docs test: man pages render without warnings
  chromium nodejs                                # browser tests: headless Chromium, Playwright
  libssl-dev openssl                             # EPP over TLS; test and development certificates
  libsodium-dev                                  # registrar passwords (argon2id)
  libnet-epp-perl libxml2-utils                  # EPP tests: Net::EPP client, xmllint against the XSDs
)
# npm comes with some builds of nodejs (NodeSource's); Debian's is a package.
command -v npm >/dev/null 2>&1 || packages+=(npm)

case ${1:-} in
  "") ;;
  bench) packages+=(wrk nginx libnginx-mod-stream postgresql postgresql-client) ;; # query-service benchmarks (load, baselines); the EIR baseline
  *) echo "usage: scripts/deps.sh [bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
  echo "deps: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

browser=$(cd "$(dirname "$0")/../tests/browser" && pwd)
if [ ! -d "$browser/node_modules" ] || [ "$browser/package-lock.json" -nt "$browser/node_modules" ]; then
  echo "deps: npm ci in tests/browser" >&2
  (cd "$browser" && npm ci --no-audit --no-fund >/dev/null)
  touch "$browser/node_modules"
fi
