#!/bin/sh
# Prints the Debian packages holding the shared libraries that the
# programs and plugins installed under STAGING link, one per line: what a
# runtime image needs besides tools/debian-packages.txt's "runtime" role.
# Run where the build dependencies are installed (the image's build stage).
set -eu
staging=${1:?usage: runtime-packages.sh STAGING}
libs=$(mktemp)
owners=$(mktemp)
trap 'rm -f "$libs" "$owners"' EXIT

find "$staging" -type f \( -name '*.so' -o -perm -u+x \) -print |
  while read -r file; do
    # Only ELF files; ldd prints "name => /path (address)".
    head -c 4 "$file" | grep -q 'ELF' || continue
    ldd "$file" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
  done | sort -u >"$libs"

# One dpkg query for all: with merged /usr, a library may be registered
# under /lib or /usr/lib, so both names are asked and one must answer.
# shellcheck disable=SC2046
dpkg -S $(sed 's|^/usr||; p; s|^|/usr|' "$libs") 2>/dev/null >"$owners" || true

awk -F': ' '
  NR == FNR { owner[$2] = $1; next }
  {
    path = $0; sub(/^\/usr/, "", path)
    if (path in owner) print owner[path]
    else if (("/usr" path) in owner) print owner["/usr" path]
    else { print "runtime-packages.sh: no package holds " $0 > "/dev/stderr"; failed = 1 }
  }
  END { exit failed }' "$owners" "$libs" | tr ',' '\n' | sed 's/^ *//; s/:.*//' | sort -u
