#!/usr/bin/env bats
# Attacks from ../shared/SECURITY-TESTS.md that the runtime must survive, one test each.

load helpers

@test "CVE-2019-5736 class: the warren image of a created init cannot be written from the container" {
  set_args sleep 100
  run detached create c1
  assert_status 0
  local sum
  sum=$(sha256sum "$WARREN" | cut -d' ' -f1)
  # Until it execs, the init is warren's own image (no re-exec). Nothing in the container may
  # write it, whatever it tries.
  run warren exec c1 sh -c 'echo x >>/proc/1/exe && echo WROTE; exec 3<>/proc/1/exe && echo OPENED-RW; true'
  [[ "$output" != *WROTE* ]]
  [[ "$output" != *OPENED-RW* ]]
  if is_root; then
    # As root the container's root is the host's: it may not even open it or its fds
    # (non-dumpable until execve).
    run warren exec c1 sh -c 'cat /proc/1/exe >/dev/null && echo READ; exec 3</proc/1/exe && echo OPENED; ls /proc/1/fd/ >/dev/null && echo FDS; true'
    [[ "$output" != *READ* ]]
    [[ "$output" != *OPENED* ]]
    [[ "$output" != *FDS* ]]
    assert_output_contains "Permission denied"
    # The init's image is not even named to the container.
    run warren exec c1 sh -c 'for p in /proc/[0-9]*; do readlink $p/exe 2>/dev/null; done; true'
    assert_status 0
    [[ "$output" != *warren* ]]
  fi
  [ "$(sha256sum "$WARREN" | cut -d' ' -f1)" = "$sum" ]
  # And the container still starts and runs normally afterwards.
  warren start c1
  wait_for_status c1 running
}

@test "SECURITY 35 (CVE-2019-5736): /proc/self/exe at the process's execve is never warren" {
  local sum
  sum=$(sha256sum "$WARREN" | cut -d' ' -f1)
  # Without the trampoline this would run the host's warren inside the container
  # ("warren version ..."), whose file the container could then reopen for writing.
  set_args /proc/self/exe --version
  run warren run c1
  assert_status 126
  [[ "$output" != *"warren version"* ]]
  assert_output_contains "the exec trampoline only runs a container's process for warren"
  # The same through a "#!" line: the kernel resolves the interpreter during the execve.
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/evil"
  chmod 755 "$BUNDLE/rootfs/bin/evil"
  set_args /bin/evil --version
  run warren run c2
  assert_status 126
  [[ "$output" != *"warren version"* ]]
  # And for exec.
  set_args sleep 100
  detached run -d c3
  run warren exec c3 /bin/evil --version
  assert_status 126
  [[ "$output" != *"warren version"* ]]
  run warren exec c3 /proc/self/exe --help
  assert_status 126
  [[ "$output" != *"Usage"* ]]
  [ "$(sha256sum "$WARREN" | cut -d' ' -f1)" = "$sum" ]
}

@test "SECURITY 42: an id starting with - is refused, also after --" {
  run warren create -- -x
  assert_status 1
  assert_output_contains "container id must not start with '-'"
  [ -z "$(ls -A "$STATE_ROOT" 2>/dev/null)" ]
}

@test "SECURITY 7: an image whose /dev is a symlink to a host dir leaves that dir alone" {
  local host=$BATS_TEST_TMPDIR/hostdev
  mkdir "$host"
  echo marker >"$host/ptmx"
  rm -rf "$BUNDLE/rootfs/dev"
  ln -s "$host" "$BUNDLE/rootfs/dev"
  set_args sh -c 'ls /dev/null /dev/zero >/dev/null && echo devs-ok'
  run warren run c1
  [ "$(ls -A "$host")" = ptmx ]
  [ "$(cat "$host/ptmx")" = marker ]
  [ ! -L "$host/ptmx" ]
  if [ "$status" = 0 ]; then [ "$output" = devs-ok ]; fi
  assert_no_state c1
}

@test "SECURITY 8: /dev entries planted in the image are replaced inside the rootfs only" {
  local host=$BATS_TEST_TMPDIR/hostfile
  echo untouched >"$host"
  update_config 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev"]; c["root"]["readonly"] = False'
  mkdir -p "$BUNDLE/rootfs/dev"
  for n in ptmx fd stdin stdout stderr; do ln -sf "$host" "$BUNDLE/rootfs/dev/$n"; done
  echo regular >"$BUNDLE/rootfs/dev/null"
  set_args sh -c 'readlink /dev/ptmx; readlink /dev/stdout; [ -c /dev/null ] && echo null-is-device'
  run warren run c1
  assert_status 0
  [ "${lines[0]}" = pts/ptmx ]
  [ "${lines[1]}" = /proc/self/fd/1 ]
  [ "${lines[2]}" = null-is-device ]
  [ "$(cat "$host")" = untouched ]
}

@test "SECURITY 19: a planted /dev/null cannot redirect a masked path" {
  local host=$BATS_TEST_TMPDIR/target
  echo original >"$host"
  chmod 0666 "$host"
  # No /dev tmpfs: the image's /dev is used, with /dev/null a symlink to a writable file.
  update_config 'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev"]; c["root"]["readonly"] = False; c["linux"]["maskedPaths"] = ["/proc/timer_list", "/masked-file"]'
  echo secret >"$BUNDLE/rootfs/masked-file"
  mkdir -p "$BUNDLE/rootfs/dev"
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s "$host" "$BUNDLE/rootfs/dev/null"
  # The mask is the host's verified /dev/null: a write is discarded (as with runc), it never
  # reaches the planted target or the masked file.
  set_args sh -c 'cat /masked-file; echo pwned >/masked-file 2>/dev/null; cat /masked-file; wc -c </proc/timer_list'
  run warren run c1
  assert_status 0
  [[ "$output" != *secret* ]]
  [[ "$output" != *pwned* ]]
  [ "$(cat "$host")" = original ]
  [ "$(cat "$BUNDLE/rootfs/masked-file")" = secret ]
}

@test "SECURITY 47: a 0-byte or mistyped state.json is reported and delete -f cleans up" {
  set_args sleep 100
  run detached create c1
  run detached create c2
  kill -9 "$(state_field c1 pid)" "$(state_field c2 pid)"
  : >"$STATE_ROOT/c1/state.json"
  echo '{"id": 5, "pid": "x"}' >"$STATE_ROOT/c2/state.json"
  for id in c1 c2; do
    run warren state $id
    assert_status 1
    assert_output_contains "state.json"
  done
  run warren list
  assert_status 0
  assert_output_contains c1
  for id in c1 c2; do
    run warren delete -f $id
    assert_status 0
    assert_no_state $id
  done
}

@test "SECURITY 48: a recorded start time that no longer matches means stopped, and kill signals nothing" {
  set_args sleep 100
  run detached run -d c1
  assert_status 0
  local pid
  pid=$(state_field c1 pid)
  # Simulate a recycled pid: the pid is alive but is not the process that was started.
  python3 - "$STATE_ROOT/c1/state.json" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
s["startTime"] = s["startTime"] - 1
json.dump(s, open(p, "w"))
PY
  [ "$(state_field c1 status)" = stopped ]
  run warren kill c1 KILL
  assert_status 1
  # The process that holds the pid was not signalled.
  kill -0 "$pid"
  kill -9 "$pid"
}

@test "SECURITY 45: list while containers are deleted never fails" {
  set_args sleep 100
  local i
  for i in $(seq 1 8); do "$WARREN" --root "$STATE_ROOT" create "l$i" </dev/null >/dev/null 2>&1; done
  (for i in $(seq 1 8); do "$WARREN" --root "$STATE_ROOT" delete -f "l$i"; done) 3>&- &
  local deleter=$!
  local n
  for n in $(seq 1 30); do
    run warren list -q
    assert_status 0
  done
  wait $deleter
  run warren list -q
  [ -z "$output" ]
}

@test "SECURITY 30: process.cwd through /proc/self/fd/N never starts a process outside the root" {
  local n
  for n in 3 4 5 6 7 8 9 10; do
    update_config "c['process']['cwd'] = '/proc/self/fd/$n'"
    set_args pwd
    run warren run "c$n"
    assert_status 1
    assert_output_contains "process.cwd"
    assert_no_state "c$n"
  done
}

@test "SECURITY 26: a console-socket peer that closes at once does not hang create" {
  update_config 'c["process"]["terminal"] = True'
  set_args true
  local sock=$BATS_TEST_TMPDIR/console.sock
  python3 - "$sock" >/dev/null 2>&1 3>&- <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
c.close()
PY
  local server=$!
  for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
  SECONDS=0
  run detached create --console-socket "$sock" c1
  [ "$SECONDS" -lt 10 ]
  wait $server || true
  # Either outcome is fine as long as it is a clean one.
  if [ "$status" = 0 ]; then
    warren delete -f c1
  else
    assert_no_state c1
  fi
  assert_no_state c1
}

@test "SECURITY 10: root.path through a symlink is resolved once; swapping the link later changes nothing" {
  mv "$BUNDLE/rootfs" "$BUNDLE/real"
  cp -a "$BUNDLE/real" "$BUNDLE/other"
  echo real >"$BUNDLE/real/marker"
  echo other >"$BUNDLE/other/marker"
  ln -s real "$BUNDLE/rootlink"
  update_config 'c["root"]["path"] = "rootlink"'
  set_args sleep 100
  run detached create c1
  assert_status 0
  ln -sfn other "$BUNDLE/rootlink"
  run warren start c1
  assert_status 0
  run warren exec c1 cat /marker
  assert_status 0
  [ "$output" = real ]
  # A new container follows the link as it is now.
  set_args cat /marker
  run warren run c2
  [ "$output" = other ]
}

@test "SECURITY 20, 21: with /dev/null deleted from an image without a /dev tmpfs, masks still mask" {
  update_config 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]; c["linux"]["maskedPaths"] += ["/etc/secret", "/etc/secretdir"]'
  rm -f "$BUNDLE/rootfs/dev/null"
  echo "top secret" >"$BUNDLE/rootfs/etc/secret"
  mkdir -p "$BUNDLE/rootfs/etc/secretdir"
  echo "top secret" >"$BUNDLE/rootfs/etc/secretdir/hidden-entry"
  # A masked file is /dev/null (writes are discarded, as in runc); a masked dir is read-only.
  set_args sh -c 'cat /etc/secret; ls -A /etc/secretdir; echo x >/etc/secret; touch /etc/secretdir/new && echo CREATED; echo done'
  run warren run c1
  assert_status 0
  [[ "$output" != *"top secret"* ]]
  [[ "$output" != *hidden-entry* ]]
  [[ "$output" != *CREATED* ]]
  assert_output_contains done
  [ "$(cat "$BUNDLE/rootfs/etc/secret")" = "top secret" ]
  [ ! -e "$BUNDLE/rootfs/etc/secretdir/new" ]
}

host_mounts() { awk '{print $5, $9}' /proc/self/mountinfo | sort; }

@test "SECURITY 1: a rootfs /proc that is a symlink fails create, and no procfs lands anywhere" {
  mkdir -p "$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/inside"
  local before target
  before=$(host_mounts)
  for target in /inside ../inside "$BATS_TEST_TMPDIR/outside" ../../../../../../..; do
    rm -rf "$BUNDLE/rootfs/proc"
    ln -sfn "$target" "$BUNDLE/rootfs/proc"
    set_args true
    run warren run c1
    assert_status 1
    assert_output_contains "mounts[0]: /proc in the rootfs is a symlink; a proc mount needs a directory"
    assert_no_state c1
  done
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  [ -z "$(ls -A "$BUNDLE/rootfs/inside")" ]
  [ "$(host_mounts)" = "$before" ]
}

@test "SECURITY 2: a rootfs /sys that is a symlink never puts sysfs or a bind outside the rootfs" {
  mkdir -p "$BATS_TEST_TMPDIR/outside"
  local before target
  before=$(host_mounts)
  for target in "$BATS_TEST_TMPDIR/outside" ../../../../../../..; do
    rm -rf "$BUNDLE/rootfs/sys"
    ln -sfn "$target" "$BUNDLE/rootfs/sys"
    set_args true
    run warren run c1
    if is_root; then
      # sysfs: refused outright.
      assert_status 1
      assert_output_contains "/sys in the rootfs is a symlink"
    fi
    # Rootless /sys is a bind of the host's: the symlink is followed inside the rootfs.
    assert_no_state c1
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  done
  [ "$(host_mounts)" = "$before" ]
}

@test "SECURITY 5: a file bind target that is a dangling symlink to a host path creates nothing there" {
  echo config >"$BATS_TEST_TMPDIR/source"
  rm -f "$BUNDLE/rootfs/etc/hostname"
  ln -s "$BATS_TEST_TMPDIR/host-file" "$BUNDLE/rootfs/etc/hostname"
  update_config "c['mounts'].append({'destination': '/etc/hostname', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/source', 'options': ['bind', 'ro']})"
  set_args cat /etc/hostname
  run warren run c1
  [ ! -e "$BATS_TEST_TMPDIR/host-file" ]
  if [ "$status" = 0 ]; then
    [ "$output" = config ]
    # Created inside the rootfs, where the link points when the rootfs is /.
    [ -f "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/host-file" ]
  fi
  [ "$(cat "$BATS_TEST_TMPDIR/source")" = config ]
}

@test "SECURITY 25: a console socket that is a file, missing, or another user's gets a clear error" {
  update_config 'c["process"]["terminal"] = True'
  set_args true
  touch "$BATS_TEST_TMPDIR/file"
  run warren run -d --console-socket "$BATS_TEST_TMPDIR/file" c1
  assert_status 1
  assert_output_contains "--console-socket: $BATS_TEST_TMPDIR/file is not a socket"
  assert_no_state c1
  run warren run -d --console-socket "$BATS_TEST_TMPDIR/missing" c1
  assert_status 1
  assert_output_contains "--console-socket: $BATS_TEST_TMPDIR/missing: No such file"
  assert_no_state c1
  if is_root; then
    # Served by another user: the console is not handed over.
    local dir sock
    dir=$(mktemp -d /tmp/warren-other.XXXXXX)
    chmod 0777 "$dir"
    sock=$dir/other.sock
    runuser -u nobody -- python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
import os; os.chmod(sys.argv[1], 0o777)
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(20)
try:
    c, _ = s.accept(); time.sleep(2)
except Exception:
    pass' "$sock" 3>&- &
    local server=$!
    for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
    run warren run -d --console-socket "$sock" c1
    assert_status 1
    assert_output_contains "is served by uid $(id -u nobody), not by this user"
    assert_no_state c1
    assert_no_process_in "$BUNDLE"
    kill $server 2>/dev/null || true
    wait $server 2>/dev/null || true
    rm -rf "$dir"
  fi
}

@test "SECURITY 39: exec -u takes UID[:GID] and refuses every other form" {
  set_args sleep 100
  detached run -d c1
  local u
  if is_root; then
    for u in 0 1 1000 1000:1000 1:2; do
      run warren exec -u "$u" c1 sh -c 'echo "$(id -u):$(id -g)"'
      assert_status 0
      case $u in
      *:*) [ "$output" = "$u" ] ;;
      *) [ "$output" = "$u:0" ] ;;
      esac
    done
  else
    run warren exec -u 0 c1 sh -c 'echo "$(id -u):$(id -g)"'
    assert_status 0
    [ "$output" = "0:0" ]
  fi
  for u in -1 4294967296 1: :1 1x name; do
    run warren exec -u "$u" c1 true
    assert_status 1
    assert_output_contains "--user"
  done
}

@test "SECURITY 49: --root that does not exist lists nothing; --root of another user is refused" {
  run "$WARREN" --root "$BATS_TEST_TMPDIR/nowhere" list -q
  assert_status 0
  [ -z "$output" ]
  [ ! -e "$BATS_TEST_TMPDIR/nowhere" ]
  if is_root; then
    mkdir "$BATS_TEST_TMPDIR/theirs"
    chown nobody "$BATS_TEST_TMPDIR/theirs"
    run "$WARREN" --root "$BATS_TEST_TMPDIR/theirs" list
    assert_status 1
    assert_output_contains "is owned by uid $(id -u nobody), not by the current user"
    run "$WARREN" --root "$BATS_TEST_TMPDIR/theirs" run -b "$BUNDLE" c1
    assert_status 1
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/theirs")" ]
  fi
}

@test "SECURITY 54: a failing hook at every stage is named by index and leaves nothing" {
  local s
  for s in prestart createRuntime createContainer startContainer poststart; do
    update_config "c['hooks'] = {'$s': [{'path': '/bin/true'}, {'path': '/bin/false'}]}"
    set_args sleep 100
    run warren run -d "c-$s"
    case $s in
    poststart)
      # A warning: the container runs; delete leaves nothing either.
      assert_output_contains "hooks.poststart[1]: /bin/false exited with status 1"
      warren delete -f "c-$s"
      ;;
    startContainer)
      # The container was started; its process never ran.
      wait_for_status "c-$s" stopped || true
      warren delete -f "c-$s"
      ;;
    *)
      assert_status 1
      assert_output_contains "hooks.$s[1]: /bin/false exited with status 1"
      ;;
    esac
    assert_no_state "c-$s"
    assert_no_process_in "$BUNDLE"
  done
  [ -z "$(ls -A "$STATE_ROOT" | grep -v '^\.')" ]
}

@test "SECURITY 44: delete racing start, kill and state always gives a defined result" {
  set_args sleep 100
  local i out=$BATS_TEST_TMPDIR/race
  mkdir -p "$out"
  for i in $(seq 1 15); do
    run detached create "r$i"
    assert_status 0
    "$WARREN" --root "$STATE_ROOT" start "r$i" >"$out/start.$i" 2>&1 &
    "$WARREN" --root "$STATE_ROOT" kill "r$i" KILL >"$out/kill.$i" 2>&1 &
    "$WARREN" --root "$STATE_ROOT" delete -f "r$i" >"$out/delete.$i" 2>&1 &
    "$WARREN" --root "$STATE_ROOT" state "r$i" >"$out/state.$i.a" 2>&1 &
    "$WARREN" --root "$STATE_ROOT" state "r$i" >"$out/state.$i.b" 2>&1 &
    wait
    "$WARREN" --root "$STATE_ROOT" delete -f "r$i" >/dev/null 2>&1 || true
    assert_no_state "r$i"
  done
  assert_no_process_in "$BUNDLE"
  # Every state was either a whole, valid state or a clear "does not exist".
  python3 - "$out" <<'PY'
import glob, json, sys
for f in glob.glob(sys.argv[1] + "/state.*"):
    text = open(f).read()
    if "does not exist" in text:
        continue
    s = json.loads(text)
    assert s["status"] in ("created", "running", "stopped"), (f, s)
    assert s["id"].startswith("r"), (f, s)
for f in glob.glob(sys.argv[1] + "/*.*"):
    text = open(f).read()
    assert "Segmentation" not in text and "assert" not in text.lower(), (f, text)
PY
}

@test "SECURITY 13: nothing but procfs (or lxcfs-style files) may be mounted on or under /proc" {
  local before
  before=$(host_mounts)
  refuse_mount() { # python dict of the mount, expected text
    cp "$BUNDLE/config.json.orig" "$BUNDLE/config.json"
    update_config "c['mounts'].append($1)"
    run warren run c1
    assert_status 1
    assert_output_contains "$2"
    assert_no_state c1
  }
  set_args cat /proc/cpuinfo
  cp "$BUNDLE/config.json" "$BUNDLE/config.json.orig"
  refuse_mount "{'destination': '/proc', 'type': 'tmpfs', 'source': 'tmpfs'}" \
    "destination: only a proc mount may go on /proc, not tmpfs"
  refuse_mount "{'destination': '/proc/', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR', 'options': ['rbind']}" \
    "destination: only a proc mount may go on /proc, not a bind"
  refuse_mount "{'destination': '/proc/self/attr', 'type': 'tmpfs', 'source': 'tmpfs'}" \
    "/proc/self/attr is under /proc: only procfs or the files lxcfs replaces"
  refuse_mount "{'destination': '/proc/sys', 'type': 'bind', 'source': '/proc/sys/kernel', 'options': ['bind']}" \
    "/proc/sys is under /proc"
  # What lxcfs does stays possible.
  echo "fake cpuinfo" >"$BATS_TEST_TMPDIR/cpuinfo"
  cp "$BUNDLE/config.json.orig" "$BUNDLE/config.json"
  update_config "c['mounts'].append({'destination': '/proc/cpuinfo', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/cpuinfo', 'options': ['bind', 'ro']})"
  run warren run c2
  assert_status 0
  [ "$output" = "fake cpuinfo" ]
  [ "$(host_mounts)" = "$before" ]
}

@test "SECURITY 14: /proc/self/attr/exec redirected to another procfs file fails the create" {
  # The label is written through warren's own procfs handle, never the container's /proc; a
  # config that redirects the container's attr/exec is refused before anything starts.
  update_config "c['process']['apparmorProfile'] = 'warren-test'; c['mounts'].append({'destination': '/proc/self/attr/exec', 'type': 'bind', 'source': '/proc/self/sched', 'options': ['bind']})"
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "/proc/self/attr/exec is under /proc: only procfs or the files lxcfs replaces"
  assert_no_state c1
  # Without the redirect, on a host without AppArmor, the create fails too: it never starts
  # unconfined. (Where AppArmor is on, config.bats applies a profile.)
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || return 0
  update_config "c['mounts'].pop()"
  run warren run c2
  assert_status 1
  assert_output_contains "apparmor"
  assert_no_state c2
}

@test "SECURITY 15: a sysctl goes to its own file whatever the config mounts over /proc/sys" {
  requires root
  local core
  core=$(cat /proc/sys/kernel/core_pattern)
  update_config "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}; c['mounts'].append({'destination': '/proc/sys/net/ipv4/ip_forward', 'type': 'bind', 'source': '/proc/sys/kernel/core_pattern', 'options': ['bind']})"
  set_args cat /proc/sys/net/ipv4/ip_forward
  run warren run c1
  assert_status 1
  assert_output_contains "/proc/sys/net/ipv4/ip_forward is under /proc"
  # Without the over-mount the value lands where it should, in the container's netns.
  update_config "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/proc/sys/net/ipv4/ip_forward']"
  run warren run c2
  assert_status 0
  [ "$output" = 1 ]
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$core" ]
}

@test "SECURITY 31: exec --cwd through a symlink the container planted stays in the container" {
  update_config 'c["root"]["readonly"] = False'
  set_args sleep 100
  detached run -d c1
  warren exec c1 sh -c 'ln -s /proc/self/fd/3 /x; ln -s /proc/1/cwd /y; ln -s ../../../../.. /z'
  local d
  for d in /x /y; do
    run warren exec --cwd "$d" c1 pwd
    [ "$status" != 0 ] || [[ "$output" != "$BATS_TEST_TMPDIR"* ]]
  done
  # A plain symlink going up resolves inside the container's root.
  run warren exec --cwd /z c1 sh -c 'pwd; ls /proc/self/cwd/ | grep -c "^bin$"'
  assert_status 0
  [ "${lines[1]}" = 1 ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep -v -e bundle -e state -e detached.out)" ]
}

@test "SECURITY 18: rootless, every cgroup mount in the container is read-only" {
  requires rootless
  local ns
  for ns in without with; do
    [ "$ns" = with ] && update_config 'c["linux"]["namespaces"].append({"type": "cgroup"})'
    set_args sh -c 'grep cgroup /proc/mounts; echo 0 > /sys/fs/cgroup/cgroup.procs 2>&1 || echo refused'
    run warren run "c-$ns"
    assert_status 0
    assert_output_contains refused
    local line n=0
    while read -r line; do
      case $line in
      *" cgroup"*)
        n=$((n + 1))
        [[ " $(echo "$line" | cut -d' ' -f4 | tr , ' ') " == *" ro "* ]] || {
          echo "not read-only: $line" >&2
          return 1
        }
        ;;
      esac
    done <<<"$output"
    [ "$n" -gt 0 ]
  done
}

@test "SECURITY 22: an image /dev/null that links to a host file changes no owner or mode" {
  local marker=$BATS_TEST_TMPDIR/marker
  echo keep >"$marker"
  chmod 0640 "$marker"
  local before
  before=$(stat -c '%u:%g %a' "$marker")
  update_config 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]; c["root"]["readonly"] = False'
  is_root && update_config 'c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  rm -f "$BUNDLE/rootfs/dev/null"
  ln -s "$marker" "$BUNDLE/rootfs/dev/null"
  set_args sh -c 'echo x >/dev/null; true'
  run warren run c1
  [ "$(stat -c '%u:%g %a' "$marker")" = "$before" ]
  [ "$(cat "$marker")" = keep ]
  [ "$(stat -c '%U:%G %a %t:%T' /dev/null)" = "root:root 666 1:3" ]
}

@test "SECURITY 6: a mount target swapped with a symlink during create never lands outside" {
  [ "$(uname -m)" = x86_64 ] || skip "the swapper calls renameat2 by its x86_64 number"
  local shared=$BATS_TEST_TMPDIR/shared outside=$BATS_TEST_TMPDIR/outside
  mkdir -p "$shared/a" "$outside"
  ln -s "$outside" "$shared/b"
  chmod -R a+rwX "$shared" "$outside"
  update_config "c['mounts'] += [{'destination': '/vol', 'type': 'bind', 'source': '$shared', 'options': ['rbind']}, {'destination': '/vol/a/m', 'type': 'tmpfs', 'source': 'tmpfs'}]"
  set_args true
  local before
  before=$(host_mounts)
  # Swap a (a dir) and b (a symlink out of the rootfs) as fast as possible.
  python3 - "$shared" "$BATS_TEST_TMPDIR/swaps" 3>&- <<'PY' &
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.path.join(sys.argv[1], n).encode() for n in ("a", "b"))
AT_FDCWD, RENAME_EXCHANGE, SYS_renameat2 = -100, 2, 316
swaps = 0
def done(*_):
    open(sys.argv[2], "w").write(str(swaps))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
end = time.time() + 60
while time.time() < end:
    if libc.syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
        swaps += 1
done()
PY
  local swapper=$! i ok=0
  for i in $(seq 1 60); do
    if "$WARREN" --root "$STATE_ROOT" run "s$i" >/dev/null 2>&1; then ok=$((ok + 1)); fi
    assert_no_state "s$i"
  done
  kill $swapper
  wait $swapper || true
  # The race really ran: thousands of swaps during the creates.
  [ "$(cat "$BATS_TEST_TMPDIR/swaps")" -gt 1000 ]
  # Whatever the timing, nothing was created or mounted outside the rootfs.
  [ -z "$(ls -A "$outside")" ]
  [ "$(host_mounts)" = "$before" ]
  assert_no_process_in "$BUNDLE"
}

@test "SECURITY 35: rootless with a warren binary the user owns, nothing in the container reaches it" {
  requires rootless
  local mine=$BATS_TEST_TMPDIR/bin/warren sum
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cp "$WARREN" "$mine"
  sum=$(sha256sum "$mine" | cut -d' ' -f1)
  set_args sleep 100
  "$mine" --root "$STATE_ROOT" create c1 </dev/null >/dev/null 2>&1
  # The waiting init is warren's image: neither exec nor anything else may open it.
  run "$mine" --root "$STATE_ROOT" exec c1 sh -c 'exec 3</proc/1/exe && echo OPENED; echo x >>/proc/1/exe && echo WROTE'
  [[ "$output" != *OPENED* ]]
  [[ "$output" != *WROTE* ]]
  run cat "/proc/$(state_field c1 pid)/exe"
  [ "$status" != 0 ]
  "$mine" --root "$STATE_ROOT" start c1
  # Started, the init is the container's program; exec works and still cannot reach warren.
  run "$mine" --root "$STATE_ROOT" exec c1 sh -c 'readlink /proc/1/exe'
  assert_status 0
  [[ "$output" != *warren* ]]
  [ "$(sha256sum "$mine" | cut -d' ' -f1)" = "$sum" ]
  "$mine" --root "$STATE_ROOT" delete -f c1
}

@test "SECURITY 46: a create killed at each sync point is cleaned up by delete -f, and the next create works" {
  local points=(cloned hooks ready written) point pid i state before
  is_root || points=(cloned mapped hooks ready written)
  update_config 'c["hooks"] = {"createRuntime": [{"path": "/bin/true"}]}'
  set_args sleep 100
  before=$(host_mounts)
  for point in "${points[@]}"; do
    WARREN_TEST_STOP_AT=$point "$WARREN" --root "$STATE_ROOT" create "k-$point" \
      </dev/null >/dev/null 2>&1 &
    pid=$!
    state=""
    for i in $(seq 1 100); do
      state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
      [ "$state" != T ] || break
      sleep 0.05
    done
    [ "$state" = T ] || { echo "warren create never stopped at $point (state '$state')" >&2; false; }
    kill -KILL "$pid"
    wait "$pid" || true
    warren delete -f "k-$point"
    assert_no_state "k-$point"
  done
  sleep 0.2
  assert_no_process_in "$BUNDLE"
  [ "$(host_mounts)" = "$before" ]
  # A normal create and start still work afterwards (runc 1.3.5 had to revert a fix that broke
  # exactly this).
  set_args true
  detached create k-after
  warren start k-after
  wait_for_status k-after stopped
  warren delete k-after
  assert_no_state k-after
}
