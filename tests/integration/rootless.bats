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

@test "a bad XDG_RUNTIME_DIR is refused with advice" {
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

@test "a state root planted as a symlink is refused" {
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

@test "own ids map directly and setgroups is denied" {
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

@test "a mapping outside the subuid range fails with newuidmap's message" {
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
