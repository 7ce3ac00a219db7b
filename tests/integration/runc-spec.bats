#!/usr/bin/env bats
# Configs written by `runc spec` (as root) and `runc spec --rootless` (as a user) run as they
# are: what podman, containerd and people hand to runc must work with warren too.

load helpers
bats_require_minimum_version 1.5.0

setup() {
  STATE_ROOT=$BATS_TEST_TMPDIR/state
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  mkdir -p "$BUNDLE"
  cp -a "$WARREN_TEST_ROOTFS" "$BUNDLE/rootfs"
  cd "$BUNDLE"
  if is_root; then runc spec; else runc spec --rootless; fi
  update_config 'c["process"]["terminal"] = False'
}

@test "runc spec: run, exit status, pid 1, hostname" {
  set_args sh -c 'echo $$; hostname; exit 7'
  run --separate-stderr warren run c1
  assert_status 7
  [ "$output" = "$(printf '1\nrunc')" ]
  assert_no_state c1
}

@test "runc spec: create, start, kill, delete" {
  set_args sleep 100
  run detached create c1
  assert_status 0
  [ "$(state_field c1 status)" = created ]
  warren start c1
  wait_for_status c1 running
  warren kill c1 KILL
  wait_for_status c1 stopped
  warren delete c1
  assert_no_state c1
  assert_no_process_in "$BUNDLE"
}

@test "runc spec: masked and read-only paths, read-only root, capabilities" {
  set_args sh -c '
    wc -c </proc/timer_list; ls -A /sys/firmware | wc -l
    if [ -e /proc/kcore ]; then wc -c </proc/kcore; else echo 0; fi
    echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null || echo sys-ro
    touch /x 2>/dev/null || echo root-ro
    grep -E "^Cap(Bnd|Eff)" /proc/self/status'
  run --separate-stderr warren run c1
  assert_status 0
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" = sys-ro ]
  [ "${lines[4]}" = root-ro ]
  # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29).
  [ "${lines[5]}" = "CapEff:	0000000020000420" ]
  [ "${lines[6]}" = "CapBnd:	0000000020000420" ]
}

@test "runc spec: a terminal config takes the console socket" {
  update_config 'c["process"]["terminal"] = True'
  set_args true
  run detached create c1
  assert_status 1
  assert_output_contains "--console-socket"
  assert_no_state c1
}
