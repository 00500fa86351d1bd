#!/usr/bin/env bash
# Installs the Debian packages of scripts/debian-packages.txt (root, or sudo). Nothing is
# started: the tests start each server on loopback themselves. Skips apt when all are present.
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t packages < <(grep -v '^#' debian-packages.txt | grep -v '^$')
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && { echo "Debian packages: all ${#packages[@]} present"; exit 0; }
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts some services on install where an init system runs; the tests need none.
for s in nginx postgresql redis-server pgbouncer; do $sudo_cmd service "$s" stop >/dev/null 2>&1 || true; done
echo "Debian packages: installed ${missing[*]}"
