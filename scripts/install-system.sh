#!/usr/bin/env bash
# Installs the Debian packages listed in $1 (one per line, '#' comments) when any is missing.
set -euo pipefail
list="$1"
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^\s*$/d' "$list")
[ "${#wanted[@]}" -eq 0 ] && exit 0
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
