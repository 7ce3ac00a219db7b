#!/usr/bin/env bats
# The bad-config corpus: each broken field is refused with its JSON path, and nothing is left.

load helpers

refused() { # python edit, expected message fragment
  update_config "$1"
  run warren run c1
  assert_status 1
  assert_output_contains "$2"
  assert_no_state c1
  [ -z "$(ls -A "$STATE_ROOT" 2>/dev/null)" ]
  assert_no_process_in "$BUNDLE"
}

@test "SECURITY 9: relative mount destination" {
  refused 'c["mounts"].append({"destination": "mnt", "type": "tmpfs", "source": "tmpfs"})' \
    "config.json: mounts[$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mounts"]))' "$BUNDLE/config.json")].destination: must be absolute"
}

@test "SECURITY 9: mount destination with .." {
  refused 'c["mounts"].insert(0, {"destination": "/a/../../../etc", "type": "tmpfs", "source": "tmpfs"})' \
    'config.json: mounts[0].destination: must not contain'
}

@test "uidMappings size 0" {
  refused 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "user"] + [{"type": "user"}]; c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 0, "size": 0}]' \
    'config.json: linux.uidMappings[0].size: must be > 0'
}

@test "unknown namespace type" {
  refused 'c["linux"]["namespaces"].append({"type": "bogus"})' 'config.json: linux.namespaces['
}

@test "unknown capability" {
  refused 'c["process"]["capabilities"]["bounding"].append("CAP_BOGUS")' \
    'unknown capability "CAP_BOGUS"'
}

@test "rlimit soft above hard" {
  refused 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 10}]' \
    'config.json: process.rlimits[0]: soft limit 100 is above the hard limit 10'
}

@test "missing process.args" {
  refused 'del c["process"]["args"]' 'config.json: process.args: required'
}

@test "relative process.cwd" {
  refused 'c["process"]["cwd"] = "tmp"' 'config.json: process.cwd: must be absolute'
}

@test "SECURITY 16: sysctl keys with .., / or a way out of /proc/sys" {
  local key
  for key in net..ipv4 net/ipv4/ip_forward ../kernel.core_pattern .net.ipv4 net.ipv4. \
    "kernel/../../sysrq-trigger"; do
    refused "c['linux']['sysctl'] = {'$key': '1'}" "config.json: linux.sysctl.$key: not a valid sysctl name"
  done
}

@test "a hook with a relative path" {
  refused 'c["hooks"] = {"createRuntime": [{"path": "true"}]}' \
    'config.json: hooks.createRuntime[0].path: must be absolute'
}

@test "not JSON at all" {
  echo '{"ociVersion": ' >"$BUNDLE/config.json"
  run warren run c1
  assert_status 1
  assert_output_contains "config.json:"
  assert_no_state c1
}

@test "SECURITY 12: a NUL escape in a mount field" {
  refused 'c["mounts"][0]["source"] = "pro\u0000c"' 'contains a NUL character'
}

@test "a missing rootfs" {
  refused 'c["root"]["path"] = "no-such-dir"' 'config.json: root.path'
}

@test "a missing config.json" {
  rm "$BUNDLE/config.json"
  run warren run c1
  assert_status 1
  assert_output_contains "config.json"
  assert_no_state c1
}

@test "a terminal without a console socket under create" {
  update_config 'c["process"]["terminal"] = True'
  run warren create c1
  assert_status 1
  assert_output_contains "--console-socket"
  assert_no_state c1
}

@test "a console socket that is not a socket" {
  update_config 'c["process"]["terminal"] = True'
  touch "$BATS_TEST_TMPDIR/notasocket"
  run warren create --console-socket "$BATS_TEST_TMPDIR/notasocket" c1
  assert_status 1
  assert_output_contains "is not a socket"
  run warren create --console-socket "$BATS_TEST_TMPDIR/missing" c1
  assert_status 1
  assert_output_contains "No such file"
  assert_no_state c1
}

@test "a proc mount over a symlink in the rootfs" {
  rm -rf "$BUNDLE/rootfs/proc"
  ln -s /tmp "$BUNDLE/rootfs/proc"
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "is a symlink"
  assert_no_state c1
}
