#!/usr/bin/env bash
# The Debian packages the end-to-end tests need: qemu to run the linux/arm64 executable, the
# arm64 C libraries it loads, and osslsigncode for the Windows executable (distribution tests);
# Graphviz's dot and libxml2's xmllint, which check what `graph -o dot|svg` writes. Installs the
# missing ones when it can (root with apt-get), otherwise says which to install.
set -euo pipefail
declare -A provides=(
  [qemu-user-static]=/usr/bin/qemu-aarch64-static
  [libc6-arm64-cross]=/usr/aarch64-linux-gnu/lib/libc.so.6
  [libstdc++6-arm64-cross]=/usr/aarch64-linux-gnu/lib/libstdc++.so.6
  [osslsigncode]=/usr/bin/osslsigncode
  [graphviz]=/usr/bin/dot
  [libxml2-utils]=/usr/bin/xmllint
)
missing=()
for package in "${!provides[@]}"; do
  [[ -e ${provides[$package]} ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages for the end-to-end tests)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "test-tools.sh: the end-to-end tests need the Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
