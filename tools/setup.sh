# Shared set-up for tools/run, tools/check and tools/bench; sourced, not run.
# Installs the missing Debian packages of the given roles and configures
# the meson build directory.

porthole_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# porthole_install ROLE... : apt-get install exactly the missing packages.
porthole_install () {
  local wanted missing=() pkg
  wanted=$(awk -v roles=" $* " '
    /^[[:space:]]*(#|$)/ { next }
    index(roles, " " $1 " ") { print $2 }' "$porthole_top/tools/debian-packages.txt")
  for pkg in $wanted; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# porthole_build BUILDDIR [MESON-ARGS...] : configure once, then build.
porthole_build () {
  local builddir=$1
  shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$porthole_top" "$@"
  fi
  ninja -C "$builddir"
}
