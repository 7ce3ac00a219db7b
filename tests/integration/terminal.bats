#!/usr/bin/env bats
# process.terminal: the foreground relay and --console-socket.

load helpers

@test "run with a terminal relays the container's pty" {
  update_config 'c["process"]["terminal"] = True'
  set_args sh -c 'tty; echo "size $(stty size)"; echo done'
  run script -qec "'$WARREN' --root '$STATE_ROOT' run c1" /dev/null
  assert_status 0
  assert_output_contains "/dev/pts/0"
  assert_output_contains "done"
  assert_no_state c1
}

@test "SECURITY 27: the pty master goes to the console socket with the id as payload, and no fd stays" {
  update_config 'c["process"]["terminal"] = True'
  set_args sh -c 'echo hello-from-console; sleep 100'
  local sock=$BATS_TEST_TMPDIR/console.sock
  python3 "$BATS_TEST_DIRNAME/console-recv.py" "$sock" hello-from-console \
    >"$BATS_TEST_TMPDIR/recv.out" 2>&1 3>&- &
  local recv=$!
  for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
  run warren run -d --console-socket "$sock" c1
  assert_status 0
  wait $recv
  cat "$BATS_TEST_TMPDIR/recv.out"
  grep -q "payload c1" "$BATS_TEST_TMPDIR/recv.out"
  grep -q "fds 1" "$BATS_TEST_TMPDIR/recv.out"
  grep -q "major 5" "$BATS_TEST_TMPDIR/recv.out"
  grep -q "hello-from-console" "$BATS_TEST_TMPDIR/recv.out"
  # The console socket and the master do not reach the container.
  local pid
  pid=$(state_field c1 pid)
  run ls -l "/proc/$pid/fd"
  [[ "$output" != *console.sock* ]]
  [[ "$output" != *ptmx* ]]
  [[ "$output" != *"$BUNDLE"* ]]
  [ "$(ls "/proc/$pid/fd" | wc -l)" = 3 ]
}

@test "SECURITY 11: a FIFO planted at /dev/console never blocks create, and the console is a pty" {
  update_config 'c["process"]["terminal"] = True; c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev"]; c["root"]["readonly"] = False'
  set_args sh -c 'stat -c "%F %t" /dev/console; sleep 100'
  rm -f "$BUNDLE/rootfs/dev/console"
  mkfifo "$BUNDLE/rootfs/dev/console"
  local sock=$BATS_TEST_TMPDIR/console.sock
  python3 "$BATS_TEST_DIRNAME/console-recv.py" "$sock" >"$BATS_TEST_TMPDIR/recv.out" 2>&1 3>&- &
  local recv=$!
  for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
  SECONDS=0
  run timeout 20 "$WARREN" --root "$STATE_ROOT" run -d --console-socket "$sock" c1
  assert_status 0
  [ "$SECONDS" -lt 15 ]
  wait $recv
  # A character device of major 136 (0x88): a pty from the container's devpts.
  grep -q "character special file 88" "$BATS_TEST_TMPDIR/recv.out"
}

@test "SECURITY 23: /dev/pts/ptmx planted in the image (no fresh devpts) never yields a pty from elsewhere" {
  update_config 'c["process"]["terminal"] = True; c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/dev", "/dev/pts")]; c["root"]["readonly"] = False'
  set_args true
  local sock=$BATS_TEST_TMPDIR/console.sock
  python3 - "$sock" >/dev/null 2>&1 3>&- <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.bind(sys.argv[1]); s.listen(4)
open(sys.argv[1] + ".ready", "w").close()
for _ in range(2):
    try:
        c, _ = s.accept(); c.close()
    except Exception:
        break
PY
  local server=$!
  for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
  mkdir -p "$BUNDLE/rootfs/dev/pts"
  # A symlink to the host's ptmx (as the container would resolve it, and as the host would).
  ln -sfn /dev/ptmx "$BUNDLE/rootfs/dev/pts/ptmx"
  run warren run -d --console-socket "$sock" c1
  assert_status 1
  assert_output_contains "process.terminal: open /dev/pts/ptmx in the container"
  assert_no_state c1
  # A regular file in its place.
  rm -f "$BUNDLE/rootfs/dev/pts/ptmx"
  touch "$BUNDLE/rootfs/dev/pts/ptmx"
  run warren run -d --console-socket "$sock" c2
  assert_status 1
  assert_output_contains "/dev/pts/ptmx in the container is not on devpts"
  assert_no_state c2
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
}

@test "SECURITY 24: /dev/console planted as a link to a host path: nothing outside changes, the console is a pty" {
  local ro
  cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
  for ro in False True; do
    cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
    update_config "c['process']['terminal'] = True; c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']; c['root']['readonly'] = $ro"
    set_args sh -c 'stat -c "%F %t" /dev/console'
    rm -rf "$BATS_TEST_TMPDIR/host-console"
    rm -f "$BUNDLE/rootfs/dev/console"
    ln -s "$BATS_TEST_TMPDIR/host-console" "$BUNDLE/rootfs/dev/console"
    local sock=$BATS_TEST_TMPDIR/console-$ro.sock
    python3 "$BATS_TEST_DIRNAME/console-recv.py" "$sock" >"$BATS_TEST_TMPDIR/recv.out" 2>&1 3>&- &
    local recv=$!
    for i in $(seq 1 100); do [ -e "$sock.ready" ] && break; sleep 0.05; done
    run warren run -d --console-socket "$sock" "c-$ro"
    if [ "$status" = 0 ]; then
      wait $recv
      grep -q "character special file 88" "$BATS_TEST_TMPDIR/recv.out"
    else
      kill $recv 2>/dev/null || true
      wait $recv 2>/dev/null || true
      assert_no_state "c-$ro"
    fi
    [ ! -e "$BATS_TEST_TMPDIR/host-console" ]
  done
}
