#!/usr/bin/env bats
# OCI hooks: the six stages at their points, in their namespaces, with the state on stdin.

load helpers

# A hook that records its stage, the state it got and the namespaces it ran in.
recording_hook() { # stage
  local out=$BATS_TEST_TMPDIR/hooks
  printf '{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/%s.json; readlink /proc/self/ns/mnt > %s/%s.mnt; echo %s >> %s/order"]}' \
    "$out" "$1" "$out" "$1" "$1" "$out"
}

setup() {
  setup_bundle
  cd "$BUNDLE"
  mkdir -p "$BATS_TEST_TMPDIR/hooks"
  chmod 0777 "$BATS_TEST_TMPDIR/hooks"
}

state_of() { # stage field
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
    "$BATS_TEST_TMPDIR/hooks/$1.json" "$2"
}

@test "all six hooks run in order with the state on stdin" {
  local s hooks="{"
  for s in prestart createRuntime createContainer poststart poststop; do
    hooks="$hooks\"$s\": [$(recording_hook "$s")],"
  done
  # startContainer resolves and runs in the container: it writes inside the rootfs.
  hooks="$hooks\"startContainer\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"cat > /start.json\"]}]}"
  update_config "c['hooks'] = $hooks; c['root']['readonly'] = False; c['annotations'] = {'k': 'v'}"
  set_args sleep 100
  run detached create c1
  assert_status 0
  local pid
  pid=$(state_field c1 pid)
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/order" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
  for s in prestart createRuntime createContainer; do
    [ "$(state_of $s status)" = creating ]
    [ "$(state_of $s pid)" = "$pid" ]
    [ "$(state_of $s id)" = c1 ]
    [ "$(state_of $s bundle)" = "$BUNDLE" ]
  done
  [ "$(state_of prestart annotations)" = "{'k': 'v'}" ]
  # prestart and createRuntime run in warren's mount namespace, createContainer in the
  # container's.
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/createRuntime.mnt")" = "$(readlink /proc/self/ns/mnt)" ]
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/createContainer.mnt")" = "$(readlink /proc/$pid/ns/mnt)" ]
  [ ! -e "$BUNDLE/rootfs/start.json" ]

  warren start c1
  wait_for_status c1 running
  [ "$(state_of poststart status)" = running ]
  for i in $(seq 1 50); do [ -e "$BUNDLE/rootfs/start.json" ] && break; sleep 0.05; done
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); assert s["status"] == "created" and s["id"] == "c1", s' "$BUNDLE/rootfs/start.json"

  warren delete -f c1
  [ "$(state_of poststop status)" = stopped ]
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/order" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
}

@test "run runs poststart and poststop too" {
  update_config "c['hooks'] = {'poststart': [$(recording_hook poststart)], 'poststop': [$(recording_hook poststop)]}"
  set_args true
  run warren run c1
  assert_status 0
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/order" | tr '\n' ' ')" = "poststart poststop " ]
  [ "$(state_of poststop status)" = stopped ]
}

@test "a failing hook before start fails create, names the hook and leaves nothing" {
  local s
  for s in prestart createRuntime createContainer; do
    update_config "c['hooks'] = {'$s': [{'path': '/bin/true'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo broken >&2; exit 2']}]}"
    set_args true
    run warren run "c-$s"
    assert_status 1
    assert_output_contains "hooks.$s[1]: /bin/sh exited with status 2: broken"
    assert_no_state "c-$s"
    assert_no_process_in "$BUNDLE"
  done
}

@test "a create whose hooks failed runs poststop after undoing everything" {
  local s out=$BATS_TEST_TMPDIR/hooks
  for s in prestart createRuntime createContainer; do
    rm -f "$out/poststop.json" "$out/gone"
    update_config "c['hooks'] = {'$s': [{'path': '/bin/false'}], 'poststop': [{'path': '/bin/sh', 'args': ['sh', '-c', 'cat > $out/poststop.json; test -e $STATE_ROOT/c-$s || echo gone > $out/gone']}]}"
    set_args true
    run warren run "c-$s"
    assert_status 1
    assert_output_contains "hooks.$s[0]: /bin/false exited with status 1"
    [ "$(state_of poststop status)" = stopped ]
    [ "$(state_of poststop id)" = "c-$s" ]
    [ "$(cat "$out/gone")" = gone ]
    assert_no_state "c-$s"
  done
  # A create that fails before any hook ran has no lifecycle to finish.
  rm -f "$out/poststop.json"
  update_config "c['process']['cwd'] = 'relative'"
  run warren run c-early
  assert_status 1
  [ ! -e "$out/poststop.json" ]
}

@test "a failing startContainer hook stops the container before its process runs" {
  update_config "c['hooks'] = {'startContainer': [{'path': '/bin/false'}]}; c['root']['readonly'] = False"
  set_args touch /ran
  run warren run c1
  [ "$status" != 0 ]
  assert_output_contains "hooks.startContainer[0]: /bin/false exited with status 1"
  [ ! -e "$BUNDLE/rootfs/ran" ]
}

@test "failing poststart and poststop hooks warn and the lifecycle goes on" {
  update_config "c['hooks'] = {'poststart': [{'path': '/bin/false'}, $(recording_hook poststart)], 'poststop': [{'path': '/bin/false'}, $(recording_hook poststop)]}"
  set_args sh -c 'echo main'
  run warren run c1
  assert_status 0
  assert_output_contains "warning: hooks.poststart[0]: /bin/false exited with status 1"
  assert_output_contains "warning: hooks.poststop[0]: /bin/false exited with status 1"
  assert_output_contains main
  # The hooks after the failed one still ran.
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/order" | tr '\n' ' ')" = "poststart poststop " ]
}

@test "a hook that outlives its timeout is killed and fails create" {
  update_config "c['hooks'] = {'createRuntime': [{'path': '/bin/sleep', 'args': ['sleep', '30'], 'timeout': 1}]}"
  set_args true
  SECONDS=0
  run warren run c1
  assert_status 1
  assert_output_contains "hooks.createRuntime[0]: /bin/sleep timed out after 1 s"
  [ "$SECONDS" -lt 10 ]
  assert_no_state c1
  ! pgrep -f '^sleep 30$' -u "$(id -u)" >/dev/null
}

@test "a hook leaving a child that holds its stdout does not hang warren" {
  local pidfile=$BATS_TEST_TMPDIR/bg.pid
  update_config "c['hooks'] = {'prestart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'sleep 60 & echo \$! > $pidfile; echo started']}]}"
  set_args true
  SECONDS=0
  run warren run c1
  local took=$SECONDS
  kill "$(cat "$pidfile")" 2>/dev/null || true
  assert_status 0
  [ "$took" -lt 20 ]
}

@test "hooks get exactly their own args and env" {
  update_config "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo \"\$0 \$1\" > $BATS_TEST_TMPDIR/hooks/args; env > $BATS_TEST_TMPDIR/hooks/env', 'zero', 'one'], 'env': ['HOOKVAR=x']}]}"
  set_args true
  run env WARREN_LEAK=1 "$WARREN" --root "$STATE_ROOT" run c1
  assert_status 0
  [ "$(cat "$BATS_TEST_TMPDIR/hooks/args")" = "zero one" ]
  grep -qx HOOKVAR=x "$BATS_TEST_TMPDIR/hooks/env"
  ! grep -q WARREN_LEAK "$BATS_TEST_TMPDIR/hooks/env"
}

@test "hooks get only stdin, stdout and stderr: no fd of warren's caller or --preserve-fds" {
  local stage
  update_config "c['hooks'] = {s: [{'path': '/bin/sh', 'args': ['sh', '-c', 'ls /proc/self/fd | sort -n | tr \"\\\\n\" \" \" > $BATS_TEST_TMPDIR/hooks/' + s]}] for s in ('prestart', 'createRuntime', 'poststart', 'poststop')}"
  set_args true
  run bash -c "exec 3</ 5</etc 7>/dev/null; '$WARREN' --root '$STATE_ROOT' run --preserve-fds 1 c1"
  assert_status 0
  for stage in prestart createRuntime poststart poststop; do
    # 0 1 2, and the one ls opens for /proc/self/fd.
    [ "$(cat "$BATS_TEST_TMPDIR/hooks/$stage")" = "0 1 2 3 " ] ||
      { echo "$stage: $(cat "$BATS_TEST_TMPDIR/hooks/$stage")" >&2; false; }
  done
}
