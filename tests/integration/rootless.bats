#!/usr/bin/env bats
# Rootless specifics: the state location, uid/gid maps, setgroups.

load helpers

@test "state lives in XDG_RUNTIME_DIR/warren" {
  requires rootless
  set_args sleep 100
  "$WARREN" run -d x1
  [ -d "$XDG_RUNTIME_DIR/warren/x1" ]
  [ "$(stat -c %a "$XDG_RUNTIME_DIR/warren")" = 1700 ]
  "$WARREN" delete -f x1
  [ ! -e "$XDG_RUNTIME_DIR/warren/x1" ]
}

@test "SECURITY 55: a bad XDG_RUNTIME_DIR is refused with advice" {
  requires rootless
  run env -u XDG_RUNTIME_DIR "$WARREN" list
  assert_status 1
  assert_output_contains "XDG_RUNTIME_DIR is not set"
  run env XDG_RUNTIME_DIR=/nonexistent "$WARREN" list
  assert_status 1
  assert_output_contains "No such file"
  run env XDG_RUNTIME_DIR=/tmp "$WARREN" list
  assert_status 1
  assert_output_contains "not owned by the current user"
  mkdir -m 0755 "$BATS_TEST_TMPDIR/open"
  run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/open" "$WARREN" list
  assert_status 1
  assert_output_contains "mode 0755"
  [ ! -e "$BATS_TEST_TMPDIR/open/warren" ]
}

@test "SECURITY 56: a state root planted as a symlink is refused" {
  mkdir "$BATS_TEST_TMPDIR/elsewhere"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$BATS_TEST_TMPDIR/link"
  run "$WARREN" --root "$BATS_TEST_TMPDIR/link" list
  assert_status 1
  assert_output_contains "symlink"
}

@test "a state root owned by another user is refused" {
  requires rootless
  run "$WARREN" --root /root list
  assert_status 1
}

@test "SECURITY 58: own ids map directly and setgroups is denied" {
  requires rootless
  set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u'
  run warren run c1
  assert_status 0
  [ "$(echo "${lines[0]}" | awk '{print $1, $2, $3}')" = "0 $(id -u) 1" ]
  [ "$(echo "${lines[1]}" | awk '{print $1, $2, $3}')" = "0 $(id -g) 1" ]
  [ "${lines[2]}" = deny ]
  [ "${lines[3]}" = 0 ]
}

@test "a user namespace without mappings maps the caller to root" {
  requires rootless
  update_config 'del c["linux"]["uidMappings"]; del c["linux"]["gidMappings"]'
  set_args sh -c 'cat /proc/self/uid_map'
  run warren run c1
  assert_status 0
  [ "$(echo "$output" | awk '{print $1, $2, $3}')" = "0 $(id -u) 1" ]
}

@test "a rootless config needs a user namespace" {
  requires rootless
  update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"]; del c["linux"]["uidMappings"]; del c["linux"]["gidMappings"]'
  run warren run c1
  assert_status 1
  assert_output_contains "needs a user namespace"
  assert_no_state c1
}

subid_start() { awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' "$1"; }

@test "a multi-range mapping goes through newuidmap, and chown works inside" {
  requires rootless newuidmap
  local sub
  sub=$(subid_start /etc/subuid)
  local subg
  subg=$(subid_start /etc/subgid)
  update_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $(id -u), 'size': 1}, {'containerID': 1, 'hostID': $sub, 'size': 65536}]"
  update_config "c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $(id -g), 'size': 1}, {'containerID': 1, 'hostID': $subg, 'size': 65536}]"
  update_config 'for k in ("bounding", "effective", "permitted"): c["process"]["capabilities"][k].append("CAP_CHOWN")'
  update_config 'c["root"]["readonly"] = False; c["process"]["user"]["additionalGids"] = [1000]'
  set_args sh -c 'cat /proc/self/uid_map; touch /tmp/x && chown 1000:1000 /tmp/x && stat -c "%u:%g" /tmp/x; id -G'
  run warren run c1
  assert_status 0
  [ "$(echo "${lines[1]}" | awk '{print $1, $2, $3}')" = "1 $sub 65536" ]
  [ "${lines[2]}" = "1000:1000" ]
  [ "${lines[3]}" = "0 1000" ]
  [ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/x")" = "$((sub + 999)):$((subg + 999))" ]
}

@test "SECURITY 57: a mapping outside the subuid range fails with newuidmap's message" {
  requires rootless newuidmap
  update_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $(id -u), 'size': 1}, {'containerID': 1, 'hostID': 1, 'size': 10}]"
  set_args sleep 100
  run warren run c1
  assert_status 1
  assert_output_contains "newuidmap"
  assert_output_contains "not allowed"
  assert_no_state c1
  sleep 0.2
  assert_no_process_in "$BUNDLE"
}

@test "additionalGids with only the own gid mapped is refused" {
  requires rootless
  update_config 'c["process"]["user"]["additionalGids"] = [5]'
  run warren run c1
  assert_status 1
  assert_output_contains "process.user.additionalGids"
  assert_no_state c1
}

@test "sysfs is bound read-only from the host" {
  requires rootless
  set_args sh -c 'grep " /sys " /proc/self/mountinfo; touch /sys/x'
  run warren run c1
  assert_status 1
  [[ "${lines[0]}" == *" /sys ro,"* ]]
}

@test "SECURITY 62: real root may map host uid 0 directly into a user namespace" {
  requires root
  update_config 'c["linux"]["namespaces"].append({"type": "user"}); c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1000}]; c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 0, "size": 1000}]; c["mounts"] = [m for m in c["mounts"] if m["type"] not in ("sysfs", "cgroup")]'
  set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
  run warren run c1
  assert_status 0
  [ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 0 1000" ]
  [ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 0 1000" ]
  [ "${lines[2]}" = 0 ]
}

# A rootless bundle of the test user with a multi-range mapping, in a dir that user owns; for
# the tests that need root to swap newuidmap/newgidmap inside a private mount namespace.
idmap_setup() {
  TEST_USER=${WARREN_TEST_USER:-warren-test}
  id "$TEST_USER" >/dev/null 2>&1 || skip "needs the test user (scripts/lib.sh ensure_test_user)"
  grep -q "^$TEST_USER:" /etc/subuid || skip "needs an /etc/subuid range for $TEST_USER"
  IDMAP_DIR=$(mktemp -d /tmp/warren-idmap.XXXXXX)
  chmod 0755 "$IDMAP_DIR"
  mkdir "$IDMAP_DIR/bundle" "$IDMAP_DIR/fake" "$IDMAP_DIR/state"
  chmod 0700 "$IDMAP_DIR/state"
  cp -a "$WARREN_TEST_ROOTFS" "$IDMAP_DIR/bundle/rootfs"
  chown -R "$TEST_USER:" "$IDMAP_DIR/bundle" "$IDMAP_DIR/state"
  as_test_user "$WARREN" spec --rootless --bundle "$IDMAP_DIR/bundle"
  local uid gid sub subg
  uid=$(id -u "$TEST_USER")
  gid=$(id -g "$TEST_USER")
  sub=$(awk -F: -v u="$TEST_USER" '$1 == u { print $2; exit }' /etc/subuid)
  subg=$(awk -F: -v u="$TEST_USER" '$1 == u { print $2; exit }' /etc/subgid)
  BUNDLE=$IDMAP_DIR/bundle update_config "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $uid, 'size': 1}, {'containerID': 1, 'hostID': $sub, 'size': 1000}]; c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $gid, 'size': 1}, {'containerID': 1, 'hostID': $subg, 'size': 1000}]; c['process']['terminal'] = False; c['linux'].pop('resources', None); c['process']['args'] = ['cat', '/proc/self/uid_map', '/proc/self/gid_map']"
}

idmap_teardown() {
  [ -n "${IDMAP_DIR:-}" ] || return 0
  as_test_user "$WARREN" --root "$IDMAP_DIR/state" delete -f c1 >/dev/null 2>&1 || true
  rm -rf "$IDMAP_DIR"
}

as_test_user() {
  setpriv --reuid "$TEST_USER" --regid "$TEST_USER" --init-groups -- env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ "$@"
}

# idmap_run [PATH-DIR]: warren run as the test user in a private mount namespace whose
# newuidmap and newgidmap are the files in $IDMAP_DIR/fake (when present), with PATH-DIR
# first on PATH.
idmap_run() {
  local path=/usr/sbin:/usr/bin:/sbin:/bin
  [ -z "${1:-}" ] || path=$1:$path
  unshare --mount --propagation private -- sh -ec '
    for h in newuidmap newgidmap; do
      [ ! -e "$1/$h" ] || mount --bind "$1/$h" "/usr/bin/$h"
    done
    shift
    exec "$@"' sh "$IDMAP_DIR/fake" \
    setpriv --reuid "$TEST_USER" --regid "$TEST_USER" --init-groups -- env -i PATH="$path" \
    HOME=/ "$WARREN" --root "$IDMAP_DIR/state" run --bundle "$IDMAP_DIR/bundle" c1
}

# A fake helper, compiled setuid root: LOG gets its environment; PARTIAL writes one range only.
idmap_fake() { # name [cc flags...]
  local name=$1
  shift
  cc -O2 -DLOG="\"$IDMAP_DIR/fake.log\"" "$@" -o "$IDMAP_DIR/fake/$name" \
    "$BATS_TEST_DIRNAME/fake-idmap.c"
  chmod 4755 "$IDMAP_DIR/fake/$name"
  touch "$IDMAP_DIR/fake.log"
  chmod 0666 "$IDMAP_DIR/fake.log"
}

@test "SECURITY 59: a newuidmap that is not setuid is named, and nothing is left behind" {
  requires root
  idmap_setup
  cp /usr/bin/newuidmap "$IDMAP_DIR/fake/newuidmap"
  chmod 0755 "$IDMAP_DIR/fake/newuidmap"
  run idmap_run
  local left
  left=$(ls "$IDMAP_DIR/state")
  idmap_teardown
  assert_status 1
  assert_output_contains "/usr/bin/newuidmap: neither setuid root nor given file capabilities"
  [[ "$output" != *"uid_map"* ]]
  [[ "$left" != *c1* ]]
  BUNDLE=$IDMAP_DIR/bundle assert_no_process_in
}

@test "SECURITY 59: a newgidmap nobody may execute is named" {
  requires root
  idmap_setup
  : >"$IDMAP_DIR/fake/newgidmap"
  chmod 0644 "$IDMAP_DIR/fake/newgidmap"
  run idmap_run
  idmap_teardown
  assert_status 1
  assert_output_contains "/usr/bin/newgidmap: not a file that everyone may execute (mode 0644)"
}

@test "SECURITY 59: warren runs the helpers by absolute path, with an empty environment" {
  requires root
  idmap_setup
  idmap_fake newuidmap
  idmap_fake newgidmap
  # A newuidmap earlier on PATH must never run.
  mkdir "$IDMAP_DIR/path"
  printf '#!/bin/sh\ntouch %s/path-helper-ran\nexit 1\n' "$IDMAP_DIR" >"$IDMAP_DIR/path/newuidmap"
  cp "$IDMAP_DIR/path/newuidmap" "$IDMAP_DIR/path/newgidmap"
  chmod 0755 "$IDMAP_DIR/path/newuidmap" "$IDMAP_DIR/path/newgidmap"
  run idmap_run "$IDMAP_DIR/path"
  local log
  log=$(cat "$IDMAP_DIR/fake.log")
  [ ! -e "$IDMAP_DIR/path-helper-ran" ] || { idmap_teardown; false; }
  idmap_teardown
  assert_status 0
  [ "$(echo "${lines[1]}" | awk '{print $1, $3}')" = "1 1000" ]
  [ "$(echo "${lines[3]}" | awk '{print $1, $3}')" = "1 1000" ]
  [[ "$log" == *"uid_map env:"$'\n'* ]]
  [[ "$log" == *"gid_map env:"$'\n'* ]] || [[ "$log" == *"gid_map env:" ]]
}

@test "SECURITY 60: a helper that writes only part of the map fails the run" {
  requires root
  idmap_setup
  idmap_fake newuidmap -DPARTIAL
  idmap_fake newgidmap
  run idmap_run
  local left
  left=$(ls "$IDMAP_DIR/state")
  idmap_teardown
  assert_status 1
  assert_output_contains "uid_map does not match the requested map"
  [[ "$output" != *"/proc/self/uid_map"* ]]
  [[ "$left" != *c1* ]]
  BUNDLE=$IDMAP_DIR/bundle assert_no_process_in
}

# An /etc/subuid with the user by name and by uid, a duplicate, a range overlapping another
# user's, comments, blank lines and a malformed line.
write_subid_file() { # path
  local me uid
  me=$(id -un)
  uid=$(id -u)
  cat >"$1" <<EOT
# ranges
$me:100000:65536

someone:150000:65536
$uid:400000:1000
$me:100000:65536
broken:line
EOT
}

@test "SECURITY 61: warren check reads subuid as shadow does and warns about overlaps" {
  requires rootless
  write_subid_file "$BATS_TEST_TMPDIR/subuid"
  printf '%s:300000:5000\n' "$(id -un)" >"$BATS_TEST_TMPDIR/subgid"
  run "$WARREN" check --subuid "$BATS_TEST_TMPDIR/subuid" --subgid "$BATS_TEST_TMPDIR/subgid"
  assert_status 0
  assert_output_contains "ok    user namespaces: this user may create them"
  assert_output_contains "warn  $BATS_TEST_TMPDIR/subuid: line 7: not OWNER:START:COUNT; shadow ignores it"
  assert_output_contains "warn  $BATS_TEST_TMPDIR/subuid: line 2: 100000-165535 overlaps line 4 of someone (150000-215535)"
  assert_output_contains "warn  $BATS_TEST_TMPDIR/subuid: line 6 repeats line 2"
  # The range given by uid is the user's too, and the only one that overlaps nobody's.
  assert_output_contains "ok    $BATS_TEST_TMPDIR/subuid: 1000 ids from 400000 for $(id -un) (line 5)"
  assert_output_contains "ok    $BATS_TEST_TMPDIR/subgid: 5000 ids from 300000"
  assert_output_contains "0 failed, 4 warnings"
}

@test "warren check fails on a state directory others may enter, and names it" {
  requires rootless
  mkdir -m 0755 "$BATS_TEST_TMPDIR/xdg"
  XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg run "$WARREN" check
  assert_status 1
  assert_output_contains "fail  state directory: XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg has mode 0755"
  assert_output_contains "1 failed"
}

@test "SECURITY 61: spec --subids never proposes a range that overlaps another user's" {
  requires rootless
  write_subid_file "$BATS_TEST_TMPDIR/subuid"
  printf '%s:300000:5000\n' "$(id -un)" >"$BATS_TEST_TMPDIR/subgid"
  mkdir "$BATS_TEST_TMPDIR/b1"
  "$WARREN" spec --rootless --subids --subuid "$BATS_TEST_TMPDIR/subuid" \
    --subgid "$BATS_TEST_TMPDIR/subgid" --bundle "$BATS_TEST_TMPDIR/b1"
  BUNDLE=$BATS_TEST_TMPDIR/b1 update_config 'print(json.dumps(c["linux"]["uidMappings"] + c["linux"]["gidMappings"]))' >"$BATS_TEST_TMPDIR/maps"
  [ "$(cat "$BATS_TEST_TMPDIR/maps")" = "[{\"containerID\": 0, \"hostID\": $(id -u), \"size\": 1}, {\"containerID\": 1, \"hostID\": 400000, \"size\": 1000}, {\"containerID\": 0, \"hostID\": $(id -g), \"size\": 1}, {\"containerID\": 1, \"hostID\": 300000, \"size\": 5000}]" ]
  # Only overlapping ranges: refused, naming the file, and no config written.
  printf '%s:100000:65536\nsomeone:100000:1\n' "$(id -un)" >"$BATS_TEST_TMPDIR/subuid"
  mkdir "$BATS_TEST_TMPDIR/b2"
  run "$WARREN" spec --rootless --subids --subuid "$BATS_TEST_TMPDIR/subuid" \
    --subgid "$BATS_TEST_TMPDIR/subgid" --bundle "$BATS_TEST_TMPDIR/b2"
  assert_status 1
  assert_output_contains "--subids: $BATS_TEST_TMPDIR/subuid has no range for $(id -un)"
  [ ! -e "$BATS_TEST_TMPDIR/b2/config.json" ]
  run "$WARREN" spec --subids --bundle "$BATS_TEST_TMPDIR/b2"
  assert_status 1
  assert_output_contains "--subids needs --rootless"
}

@test "a bundle from spec --rootless --subids runs with the subordinate range mapped" {
  requires rootless newuidmap
  rm "$BUNDLE/config.json"
  "$WARREN" spec --rootless --subids --bundle "$BUNDLE"
  update_config 'c["process"]["terminal"] = False'
  set_args sh -c 'cat /proc/self/uid_map; touch /tmp/x; chown 100:100 /tmp/x && stat -c %u:%g /tmp/x'
  update_config 'c["root"]["readonly"] = False; [c["process"]["capabilities"][k].append("CAP_CHOWN") for k in ("bounding", "effective", "permitted")]'
  run warren run c1
  assert_status 0
  [ "$(echo "${lines[1]}" | awk '{print $1, $2, $3}')" = "1 $(subid_start /etc/subuid) 65536" ]
  [ "${lines[2]}" = "100:100" ]
}
