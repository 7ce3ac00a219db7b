#!/usr/bin/env bats
# Global flags and the create flags that change how the container is set up.

load helpers

@test "the container gets a session keyring of its own unless --no-new-keyring" {
  # runc spec masks /proc/keys; this test looks at it.
  update_config 'c["linux"]["maskedPaths"].remove("/proc/keys")'
  # Ids of this test only: /proc/keys shows every keyring of the user.
  local id="kr$$x$RANDOM"
  set_args sh -c "grep -c ' _ses\\.$id\\.[0-9a-f]*: ' /proc/keys || true"
  run warren run "$id"
  assert_status 0
  [ "$output" = 1 ]
  set_args sh -c "grep -c ' _ses\\.$id-2\\.' /proc/keys || true"
  run warren run --no-new-keyring "$id-2"
  assert_status 0
  [ "$output" = 0 ]
}

@test "--debug logs each step, and --log takes it to a file" {
  set_args true
  run warren --debug run c1
  assert_status 0
  assert_output_contains "debug"
  run warren --debug --log "$BATS_TEST_TMPDIR/log" run c2
  assert_status 0
  [[ "$output" != *debug* ]]
  grep -q debug "$BATS_TEST_TMPDIR/log"
}

@test "--rootless takes auto, true and false only" {
  set_args true
  run warren --rootless maybe run c1
  assert_status 1
  assert_output_contains "--rootless"
  assert_no_state c1
  run warren --rootless auto run c2
  assert_status 0
}

@test "--rootless true without a user namespace is refused" {
  requires root
  set_args true
  run warren --rootless true run c1
  assert_status 1
  assert_output_contains "user namespace"
  assert_no_state c1
}

@test "--systemd-cgroup is accepted" {
  set_args true
  run warren --systemd-cgroup run c1
  assert_status 0
}
