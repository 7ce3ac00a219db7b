# Shared by scripts/demo, scripts/test and tests/integration/run-suite. Sourced, not run.

WARREN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARREN_BUILD=${WARREN_BUILD:-$WARREN_TOP/build}
WARREN_TEST_USER=${WARREN_TEST_USER:-warren-test}

# Debian packages the build and the tests need.
WARREN_PACKAGES=(meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev libjson-glib-dev
  libseccomp-dev libcap-dev libslirp-dev busybox-static uidmap bats runc crun python3 util-linux
  bsdutils passwd scdoc tmux procps strace)

missing_packages() {
  local p missing=()
  for p in "${WARREN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  echo "${missing[@]}"
}

ensure_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "warren needs these Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y $missing" >&2
    exit 1
  fi
  echo "installing: $missing" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
}

build_warren() {
  if [ ! -f "$WARREN_BUILD/build.ninja" ]; then
    meson setup "$WARREN_BUILD" "$WARREN_TOP" -Dwerror=true >&2
  fi
  ninja -C "$WARREN_BUILD" >&2
}

# warren-netns built with AddressSanitizer and UBSan, for the packet robustness test
# (SECURITY 71, netns.bats): only that one program, in a build dir of its own. UBSan stops at
# its first report, as ASan does.
WARREN_ASAN_BUILD=${WARREN_ASAN_BUILD:-$WARREN_TOP/_build-asan}
build_netns_asan() {
  if [ ! -f "$WARREN_ASAN_BUILD/build.ninja" ]; then
    meson setup "$WARREN_ASAN_BUILD" "$WARREN_TOP" -Dwerror=true -Db_sanitize=address,undefined \
      -Db_lundef=false -Dc_args=-fno-sanitize-recover=undefined >&2
  fi
  ninja -C "$WARREN_ASAN_BUILD" netns-helper/warren-netns >&2
}

# The unprivileged user of the rootless suite and the demo, with its own /etc/subuid and
# /etc/subgid range (one that overlaps no other line) and a runtime dir, as logind makes it.
ensure_test_user() {
  local user=$WARREN_TEST_USER uid f start
  if ! id "$user" >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash "$user"
  fi
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    if ! grep -q "^$user:" "$f"; then
      start=$(awk -F: 'BEGIN { m = 100000 } $2 + $3 > m { m = $2 + $3 } END { print m }' "$f")
      echo "$user:$start:65536" >>"$f"
    fi
  done
  uid=$(id -u "$user")
  mkdir -p "/run/user/$uid"
  chown "$user:" "/run/user/$uid"
  chmod 0700 "/run/user/$uid"
  # Every distribution ships /dev/net/tun as 0666; these machines have 0600.
  if [ -c /dev/net/tun ]; then chmod 0666 /dev/net/tun; fi
}

test_user_uid() { id -u "$WARREN_TEST_USER"; }

# A busybox root filesystem from Debian's busybox-static: nothing is downloaded.
make_rootfs() {
  local dir=$1 applet
  mkdir -p "$dir"/{bin,etc,proc,sys,dev,tmp,root,home}
  chmod 1777 "$dir/tmp"
  cp /bin/busybox "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$dir/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$dir/etc/group"
}

devnull_state() { stat -c '%U:%G %a %t:%T' /dev/null; }
