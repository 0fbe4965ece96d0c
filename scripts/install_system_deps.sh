#!/usr/bin/env bash
# Installs the Debian packages Kaohe needs outside Python, only those missing.
#   demo: CJK fonts and HarfBuzz subsetting for Chinese PDF score sheets
#   test: the above plus Debian's chromium (browser tests), poppler-utils (pdf text), gettext,
#         faketime (the quick suites with the machine clock moved: `make test-dates`)
set -euo pipefail
profile=${1:-demo}
pkgs=(fonts-noto-cjk libharfbuzz-subset0)
if [ "$profile" = "test" ]; then
  pkgs+=(chromium poppler-utils gettext faketime)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "kaohe: missing system packages: ${missing[*]}" >&2
  echo "kaohe: run as root, or: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "kaohe: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
