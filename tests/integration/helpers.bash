# Shared setup for the integration tests. Every test gets its own state root and bundle in
# $BATS_TEST_TMPDIR; teardown deletes whatever the test left and checks nothing remains.

WARREN=${WARREN:?WARREN must name the warren binary}
WARREN_TEST_ROOTFS=${WARREN_TEST_ROOTFS:?WARREN_TEST_ROOTFS must name a busybox rootfs}

is_root() { [ "$(id -u)" = 0 ]; }

# requires root | rootless | newuidmap | tty
requires() {
  local what
  for what in "$@"; do
    case $what in
    root) is_root || skip "needs root" ;;
    rootless) ! is_root || skip "needs an unprivileged user" ;;
    newuidmap)
      [ -u /usr/bin/newuidmap ] || skip "needs the setuid newuidmap"
      grep -q "^$(id -un):" /etc/subuid || skip "needs an /etc/subuid range"
      ;;
    *) echo "requires: unknown $what" >&2; return 1 ;;
    esac
  done
}

warren() {
  "$WARREN" --root "$STATE_ROOT" "$@"
}

# For `run detached create ...`: a container that outlives warren inherits its stdio, as with
# runc, so bats' capture pipe would stay open; the output goes through a file instead.
detached() {
  local rc=0
  "$WARREN" --root "$STATE_ROOT" "$@" </dev/null >"$BATS_TEST_TMPDIR/detached.out" 2>&1 || rc=$?
  cat "$BATS_TEST_TMPDIR/detached.out"
  return $rc
}

setup_bundle() {
  STATE_ROOT=$BATS_TEST_TMPDIR/state
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  mkdir -p "$BUNDLE"
  cp -a "$WARREN_TEST_ROOTFS" "$BUNDLE/rootfs"
  if is_root; then
    "$WARREN" spec --bundle "$BUNDLE"
  else
    "$WARREN" spec --rootless --bundle "$BUNDLE"
  fi
  # Tests compare output exactly; the warning that cgroups are not applied yet is tested on
  # its own (config.bats).
  update_config 'c["process"]["terminal"] = False; c["linux"].pop("resources", None)'
}

# update_config PYTHON: edit config.json; the config is the dict `c`.
update_config() {
  python3 - "$BUNDLE/config.json" "$1" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
json.dump(c, open(path, "w"), indent=2)
PY
}

set_args() {
  local json
  json=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
  update_config "c['process']['args'] = $json"
}

setup() {
  setup_bundle
  # Like runc, warren takes the bundle from the working directory when --bundle is absent.
  cd "$BUNDLE"
}

teardown() {
  teardown_containers
}

teardown_containers() {
  local id job
  # Background helpers of a failed test must not hold bats' output open.
  for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
  if [ -d "$STATE_ROOT" ]; then
    for id in $("$WARREN" --root "$STATE_ROOT" list -q 2>/dev/null); do
      "$WARREN" --root "$STATE_ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
}

# Nothing left behind: no state dir entry for the id and no process of it.
assert_no_state() {
  local id=$1
  if [ -e "$STATE_ROOT/$id" ]; then
    echo "state of $id left behind: $(ls -la "$STATE_ROOT/$id")" >&2
    return 1
  fi
}

assert_no_process_in() { # bundle path: no process runs with a cwd or root in this bundle
  local p found=""
  for p in /proc/[0-9]*; do
    case $(readlink "$p/root" 2>/dev/null) in
    "$BUNDLE"/*) found="$found ${p#/proc/}" ;;
    esac
  done
  if [ -n "$found" ]; then
    echo "processes left in the bundle:$found" >&2
    return 1
  fi
}

state_field() { # id field
  warren state "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# assert_idle PID SECONDS MAX_TICKS: PID used at most MAX_TICKS clock ticks of CPU (user +
# system) in SECONDS seconds. A busy loop uses about 100 a second.
assert_idle() {
  local before after
  before=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
  sleep "$2"
  after=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
  if [ $((after - before)) -gt "$3" ]; then
    echo "pid $1 used $((after - before)) clock ticks of CPU in $2 s (at most $3)" >&2
    return 1
  fi
}

wait_for_status() { # id status
  local i
  for i in $(seq 1 100); do
    [ "$(state_field "$1" status 2>/dev/null)" = "$2" ] && return 0
    sleep 0.05
  done
  echo "container $1 never reached $2 (now: $(state_field "$1" status 2>&1))" >&2
  return 1
}

assert_status() {
  if [ "$status" != "$1" ]; then
    echo "expected status $1, got $status; output:" >&2
    echo "$output" >&2
    return 1
  fi
}

assert_output_contains() {
  if [[ "$output" != *"$1"* ]]; then
    echo "output lacks '$1':" >&2
    echo "$output" >&2
    return 1
  fi
}
