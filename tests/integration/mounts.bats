#!/usr/bin/env bats
# Mounts, devices, propagation and namespaces: what the config asks for is what the mount
# table and /proc/self/ns show.

load helpers

@test "each mount type lands where the config says, with its options" {
  mkdir -p "$BATS_TEST_TMPDIR/src/sub"
  echo bound >"$BATS_TEST_TMPDIR/src/file"
  update_config "c['mounts'] += [
    {'destination': '/t', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['size=1m', 'mode=700', 'nosuid', 'noexec']},
    {'destination': '/b', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/src', 'options': ['bind', 'ro']},
    {'destination': '/rb', 'source': '$BATS_TEST_TMPDIR/src', 'options': ['rbind', 'rw']},
    {'destination': '/deep/new/dir', 'type': 'tmpfs', 'source': 'tmpfs'}]"
  set_args sh -c '
    grep " /t " /proc/self/mountinfo | grep -q "nosuid,nodev\|nosuid" && echo t-nosuid
    grep " /t " /proc/self/mountinfo | grep -q noexec && echo t-noexec
    stat -c %a /t
    cat /b/file
    touch /b/x 2>/dev/null || echo b-ro
    touch /rb/x && echo rb-rw
    grep -q " /deep/new/dir " /proc/self/mountinfo && echo deep'
  run warren run c1
  assert_status 0
  [ "$output" = "$(printf 't-nosuid\nt-noexec\n700\nbound\nb-ro\nrb-rw\ndeep')" ]
  [ -e "$BATS_TEST_TMPDIR/src/x" ]
}

@test "the default /dev has its devices, links, /dev/shm and /dev/pts" {
  set_args sh -c '
    for d in null zero full random urandom tty; do [ -c /dev/$d ] && printf "%s " $d; done; echo
    for l in fd stdin stdout stderr ptmx; do [ -L /dev/$l ] && printf "%s " $l; done; echo
    [ -d /dev/shm ] && [ -d /dev/pts ] && echo dirs
    echo x >/dev/null && head -c 4 /dev/zero | wc -c
    grep -c " /dev/mqueue " /proc/self/mountinfo'
  run warren run c1
  assert_status 0
  [ "${lines[0]}" = "null zero full random urandom tty " ]
  [ "${lines[1]}" = "fd stdin stdout stderr ptmx " ]
  [ "${lines[2]}" = dirs ]
  [ "${lines[3]}" = 4 ]
  [ "${lines[4]}" = 1 ]
  [ "$(stat -c '%U:%G %a %t:%T' /dev/null)" = "root:root 666 1:3" ]
}

@test "linux.devices adds a device node" {
  update_config 'c["linux"]["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200, "fileMode": 438, "uid": 0, "gid": 0}]'
  set_args sh -c 'stat -c "%F %t:%T" /dev/net/tun'
  run warren run c1
  assert_status 0
  [ "$output" = "character special file a:c8" ]
}

@test "a linux.devices entry that does not match the host's node is refused in a user namespace" {
  requires rootless
  update_config 'c["linux"]["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 201}]'
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "linux.devices[0]: host /dev/net/tun is not the device c 10:201"
  assert_no_state c1
}

@test "mount propagation options are applied" {
  mkdir -p "$BATS_TEST_TMPDIR/src"
  update_config "c['mounts'] += [
    {'destination': '/shared', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['rshared']},
    {'destination': '/private', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['rprivate']}]"
  set_args sh -c 'grep " /shared " /proc/self/mountinfo; grep " /private " /proc/self/mountinfo'
  run warren run c1
  assert_status 0
  [[ "${lines[0]}" == *" shared:"* ]]
  [[ "${lines[1]}" != *" shared:"* ]]
  [[ "${lines[1]}" != *" master:"* ]]
}

@test "the root mount is a slave of the host's by default" {
  set_args sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  run warren run c1
  assert_status 0
  [ "${#lines[@]}" = 1 ]
  if grep -q ' / / .*shared:' /proc/self/mountinfo; then
    [[ "$output" == *"master:"* ]]
  fi
  [[ "$output" != *"shared:"* ]]
}

@test "rootfsPropagation private leaves / with no peer group" {
  update_config 'c["linux"]["rootfsPropagation"] = "private"'
  set_args sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  run warren run c1
  assert_status 0
  [ "${#lines[@]}" = 1 ]
  [[ "$output" != *"shared:"* ]]
  [[ "$output" != *"master:"* ]]
}

@test "--no-pivot runs the container with the rootfs moved to /" {
  set_args sh -c 'ls /bin/busybox && cat /etc/passwd | head -1'
  run warren run --no-pivot c1
  assert_status 0
  [ "${lines[0]}" = /bin/busybox ]
  [ "${lines[1]}" = "root:x:0:0:root:/root:/bin/sh" ]
}

@test "every namespace in the config is a new one, and a missing one is shared" {
  update_config '
have = {n["type"] for n in c["linux"]["namespaces"]}
c["linux"]["namespaces"] += [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount", "cgroup", "time") if t not in have]'
  set_args sleep 100
  "$WARREN" --root "$STATE_ROOT" run -d c1 </dev/null >/dev/null 2>&1
  local pid ns
  pid=$(state_field c1 pid)
  for ns in pid net ipc uts mnt cgroup time; do
    [ "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] ||
      { echo "$ns is shared" >&2; false; }
  done
  warren delete -f c1
  # Without an ipc namespace of its own, a user namespace may not mount mqueue (and this host
  # may have no /dev/mqueue to bind instead).
  update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("ipc", "network")]; c["mounts"] = [m for m in c["mounts"] if m.get("type") != "mqueue"]'
  "$WARREN" --root "$STATE_ROOT" run -d c2 </dev/null >/dev/null 2>&1
  pid=$(state_field c2 pid)
  [ "$(readlink "/proc/$pid/ns/ipc")" = "$(readlink "/proc/self/ns/ipc")" ]
  [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink "/proc/self/ns/net")" ]
}

@test "a network namespace has only lo" {
  update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"] + [{"type": "network"}]'
  # /proc/net belongs to the namespace (a rootless /sys is a bind of the host's).
  set_args sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  run warren run c1
  assert_status 0
  [ "$output" = lo ]
}

@test "SECURITY 3, 4: mount destinations resolve inside the rootfs, whatever its symlinks say" {
  mkdir "$BATS_TEST_TMPDIR/outside"
  ln -s "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/abs"
  ln -s ../../../../../../../.. "$BUNDLE/rootfs/up"
  mkdir -p "$BATS_TEST_TMPDIR/src"
  update_config "c['mounts'] += [
    {'destination': '/abs/t1', 'type': 'tmpfs', 'source': 'tmpfs'},
    {'destination': '/up/warren-escape-t2', 'type': 'tmpfs', 'source': 'tmpfs'},
    {'destination': '/abs/b', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/src', 'options': ['bind']}]"
  set_args sh -c 'touch /abs/t1/x /up/warren-escape-t2/y /abs/b/z && echo ok'
  run warren run c1
  assert_status 0
  [ "$output" = ok ]
  # The symlinks were followed as if the rootfs were /: nothing reached the host's paths.
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  [ ! -e /warren-escape-t2 ]
  [ -d "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/outside/t1" ]
  [ -d "$BUNDLE/rootfs/warren-escape-t2" ]
  # The bind's source is the host's, as the config says.
  [ -e "$BATS_TEST_TMPDIR/src/z" ]
}

@test "a cwd that goes through a symlink out of the rootfs stays inside" {
  mkdir "$BATS_TEST_TMPDIR/outside"
  ln -s "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/abs"
  update_config 'c["root"]["readonly"] = False'
  update_config 'c["process"]["cwd"] = "/abs/work"'
  set_args sh -c 'pwd; touch here'
  run warren run c1
  assert_status 0
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  [ -e "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/outside/work/here" ]
}
