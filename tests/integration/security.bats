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
