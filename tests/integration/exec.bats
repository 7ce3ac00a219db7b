#!/usr/bin/env bats
# warren exec: a new process in the container's namespaces, as the config and flags say.

load helpers

setup() {
  setup_bundle
  cd "$BUNDLE"
  set_args sleep 1000
}

start_box() {
  "$WARREN" --root "$STATE_ROOT" run -d c1 </dev/null >/dev/null 2>&1
  INIT_PID=$(state_field c1 pid)
}

@test "exec runs in the container's namespaces and passes the exit status through" {
  start_box
  run warren exec c1 sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "; echo; hostname; exit 7'
  assert_status 7
  [ "${lines[0]}" -gt 1 ]
  [ "${lines[1]}" = "sleep 1000 " ]
  [ "${lines[2]}" = warren ]
  run bash -c "echo piped | '$WARREN' --root '$STATE_ROOT' exec c1 sh -c 'read l; echo got \$l'"
  assert_status 0
  [ "$output" = "got piped" ]
}

@test "exec joins every namespace of the init" {
  start_box
  run warren exec c1 sh -c 'for n in mnt pid uts ipc net cgroup user; do readlink /proc/self/ns/$n; done'
  assert_status 0
  local i=0 n
  for n in mnt pid uts ipc net cgroup user; do
    [ "${lines[$i]}" = "$(readlink /proc/$INIT_PID/ns/$n)" ] || { echo "$n differs" >&2; false; }
    i=$((i + 1))
  done
}

@test "exec joins the init's time namespace" {
  # A joiner that shares warren's memory may not join a time namespace (EUSERS): this is
  # the case where exec must fork it instead.
  update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "time"] + [{"type": "time"}]'
  start_box
  [ "$(readlink /proc/$INIT_PID/ns/time)" != "$(readlink /proc/self/ns/time)" ]
  run warren exec c1 readlink /proc/self/ns/time
  assert_status 0
  [ "$output" = "$(readlink /proc/$INIT_PID/ns/time)" ]
}

@test "exec -d with --pid-file leaves the process running" {
  start_box
  run detached exec -d --pid-file "$BATS_TEST_TMPDIR/pid" c1 sleep 999
  assert_status 0
  local pid
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 999 " ]
  [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$INIT_PID/ns/pid)" ]
  warren delete -f c1
}

@test "exec takes env, cwd and the config's process settings" {
  update_config 'c["process"]["env"] = ["PATH=/bin", "A=config", "B=config"]; c["process"]["noNewPrivileges"] = True'
  start_box
  run warren exec -e B=flag -e C=new --cwd /tmp c1 sh -c 'echo $A $B $C; pwd; grep NoNewPrivs /proc/self/status'
  assert_status 0
  [ "${lines[0]}" = "config flag new" ]
  [ "${lines[1]}" = /tmp ]
  [[ "${lines[2]}" == *"	1" ]]
}

@test "exec --user and --additional-gids" {
  requires root
  start_box
  run warren exec -u 1000:1001 -g 10,20 c1 sh -c 'id -u; id -g; id -G'
  assert_status 0
  [ "$output" = "$(printf '1000\n1001\n1001 10 20')" ]
  run warren exec -u 1 c1 sh -c 'id -u; id -g'
  [ "$output" = "$(printf '1\n0')" ]
  for bad in -1 4294967296 1: :1 1x; do
    run warren exec -u "$bad" c1 true
    assert_status 1
    assert_output_contains "--user"
  done
}

@test "SECURITY 36: exec --cap adds to bounding, effective and permitted only" {
  start_box
  run warren exec --cap CAP_SYS_PTRACE c1 grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
  assert_status 0
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
  # CAP_SYS_PTRACE is bit 19 on top of runc's three (5, 10, 29).
  [[ "$output" == *"CapBnd:	0000000020080420"* ]]
  [[ "$output" == *"CapEff:	0000000020080420"* ]]
  run warren exec --cap CAP_BOGUS c1 true
  assert_status 1
  assert_output_contains 'unknown capability "CAP_BOGUS"'
}

@test "exec --process takes a process.json" {
  start_box
  cat >"$BATS_TEST_TMPDIR/process.json" <<'JSON'
{"args": ["sh", "-c", "echo $X; pwd"], "env": ["X=from-file", "PATH=/bin"], "cwd": "/etc", "user": {"uid": 0, "gid": 0}}
JSON
  run warren exec --process "$BATS_TEST_TMPDIR/process.json" c1
  assert_status 0
  [ "$output" = "$(printf 'from-file\n/etc')" ]
  echo '{"args": []}' >"$BATS_TEST_TMPDIR/bad.json"
  run warren exec --process "$BATS_TEST_TMPDIR/bad.json" c1
  assert_status 1
  assert_output_contains "bad.json: args: must hold at least one"
}

@test "exec into a stopped or missing container fails" {
  start_box
  kill -9 "$INIT_PID"
  wait_for_status c1 stopped
  run warren exec c1 true
  assert_status 1
  assert_output_contains "it has stopped"
  run warren exec nosuch true
  assert_status 1
  assert_output_contains "container nosuch does not exist"
}

@test "SECURITY 28: the exec'd process leads its own session" {
  start_box
  run warren exec c1 sh -c 'echo $$; cut -d" " -f6 /proc/$$/stat'
  assert_status 0
  [ "${lines[0]}" = "${lines[1]}" ]
}

@test "SECURITY 17: masked and read-only paths hold for exec too" {
  start_box
  run warren exec c1 sh -c 'wc -c < /proc/timer_list; echo 1 > /proc/sys/kernel/ns_last_pid'
  [ "$status" != 0 ]
  [ "${lines[0]}" = 0 ]
  assert_output_contains "Read-only file system"
}

@test "exec --cwd through /proc/self/fd fails" {
  start_box
  local n
  for n in 3 4 5 6 7 8; do
    run warren exec --cwd "/proc/self/fd/$n" c1 pwd
    assert_status 1
  done
}

@test "exec passes only stdio and the asked fds" {
  start_box
  echo secret >"$BATS_TEST_TMPDIR/f3"
  run bash -c "exec 3<'$BATS_TEST_TMPDIR/f3' 5</ 6</etc; '$WARREN' --root '$STATE_ROOT' exec --preserve-fds 1 c1 sh -c 'ls /proc/self/fd | sort -n | tr \"\\n\" \" \"; echo; cat <&3'"
  assert_status 0
  [ "${lines[0]}" = "0 1 2 3 4 " ]
  [ "${lines[1]}" = secret ]
}

@test "exec forwards signals and passes a fatal one through as 128+N" {
  start_box
  "$WARREN" --root "$STATE_ROOT" exec c1 sh -c 'trap "echo caught; exit 4" TERM; echo ready; while :; do sleep 0.1; done' >"$BATS_TEST_TMPDIR/out" 3>&- &
  local pid=$! rc=0
  for i in $(seq 1 100); do grep -q ready "$BATS_TEST_TMPDIR/out" && break; sleep 0.05; done
  kill -TERM $pid
  wait $pid || rc=$?
  [ "$rc" = 4 ]
  "$WARREN" --root "$STATE_ROOT" exec -d --pid-file "$BATS_TEST_TMPDIR/p2" c1 sleep 500 </dev/null >/dev/null 2>&1
  run warren exec c1 sh -c "kill -9 \$(pidof sleep | tr ' ' '\n' | grep -v '^1\$' | head -1); sleep 0.2; echo done"
  assert_status 0
  run warren exec c1 sh -c 'kill -KILL $$'
  assert_status 137
}

@test "exec --tty relays a pty, and sends it to a console socket" {
  start_box
  run script -qec "'$WARREN' --root '$STATE_ROOT' exec -t c1 sh -c 'tty; echo in-pty'" /dev/null
  assert_status 0
  assert_output_contains "/dev/pts/"
  assert_output_contains "in-pty"
  run warren exec -t -d c1 true
  assert_status 1
  assert_output_contains "--console-socket"
}
