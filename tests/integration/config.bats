#!/usr/bin/env bats
# What the config asks for is what the container gets.

load helpers

@test "hostname from the config" {
  update_config 'c["hostname"] = "box-1"'
  set_args hostname
  run warren run c1
  assert_status 0
  [ "$output" = box-1 ]
}

@test "a read-only rootfs cannot be written" {
  set_args sh -c 'touch /x'
  run warren run c1
  assert_status 1
  assert_output_contains "Read-only file system"
  update_config 'c["root"]["readonly"] = False'
  set_args sh -c 'touch /x && echo written'
  run warren run c2
  assert_status 0
  [ "$output" = written ]
}

@test "masked paths read empty" {
  # /proc/kcore is missing on kernels without it; mask paths this kernel has as well.
  update_config 'c["linux"]["maskedPaths"] += ["/proc/timer_list", "/proc/cmdline", "/sys/firmware"]'
  set_args sh -c 'wc -c < /proc/timer_list; wc -c < /proc/cmdline; ls -A /sys/firmware | wc -l; if [ -e /proc/kcore ]; then wc -c < /proc/kcore; else echo 0; fi'
  run warren run c1
  assert_status 0
  [ "$output" = "$(printf '0\n0\n0\n0')" ]
}

@test "read-only paths cannot be written" {
  update_config 'c["linux"]["readonlyPaths"] += ["/proc/sys"]'
  set_args sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
  run warren run c1
  assert_status 1
  assert_output_contains "Read-only file system"
  if [ -e /proc/sysrq-trigger ]; then
    set_args sh -c 'echo h > /proc/sysrq-trigger'
    run warren run c2
    assert_status 1
    assert_output_contains "Read-only file system"
  fi
}

@test "rlimits are applied" {
  update_config 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
  set_args sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
  run warren run c1
  assert_status 0
  [ "$output" = "$(printf '512\n768\n0')" ]
}

@test "a hard rlimit above ours fails with the rlimit named" {
  local hard
  hard=$(ulimit -Hn)
  update_config "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': $hard, 'hard': $((hard + 1))}]"
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "process.rlimits[0]"
  assert_output_contains "RLIMIT_NOFILE"
  assert_no_state c1
}

@test "env and cwd are applied, and a missing cwd is created" {
  update_config 'c["process"]["env"] = ["PATH=/bin", "FOO=bar baz"]; c["process"]["cwd"] = "/work/dir"; c["root"]["readonly"] = False'
  set_args sh -c 'echo "$FOO"; pwd'
  run warren run c1
  assert_status 0
  [ "$output" = "$(printf 'bar baz\n/work/dir')" ]
}

@test "a missing executable fails create with runc's message" {
  set_args no-such-binary
  run warren run c1
  assert_status 1
  assert_output_contains 'exec: "no-such-binary": executable file not found in $PATH'
  assert_no_state c1
}

@test "SECURITY 40: noNewPrivileges sets NoNewPrivs, for the init and for every exec" {
  set_args grep NoNewPrivs /proc/self/status
  run warren run c1
  [[ "$output" == *"1" ]]
  set_args sleep 100
  detached run -d cx
  run warren exec cx grep NoNewPrivs /proc/self/status
  [[ "$output" == *"1" ]]
  run warren exec cx sh -c 'grep NoNewPrivs /proc/self/status'
  [[ "$output" == *"1" ]]
  warren delete -f cx
  set_args grep NoNewPrivs /proc/self/status
  update_config 'c["process"]["noNewPrivileges"] = False'
  run warren run c2
  [[ "$output" == *"0" ]]
}

cap_mask() { # names...: the hex mask /proc/self/status prints
  python3 - "$@" <<'PY'
import sys
numbers = {"CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_FOWNER": 3, "CAP_KILL": 5,
           "CAP_SETUID": 7, "CAP_NET_BIND_SERVICE": 10, "CAP_SYS_ADMIN": 21, "CAP_AUDIT_WRITE": 29}
m = 0
for n in sys.argv[1:]:
    m |= 1 << numbers[n]
print("%016x" % m)
PY
}

@test "capabilities are exactly the configured sets" {
  update_config 'c["process"]["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_AUDIT_WRITE"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"]}'
  update_config 'c["process"]["user"]["uid"] = 0'
  set_args grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status
  run warren run c1
  assert_status 0
  # As uid 0 after exec, permitted and effective become the bounding set (execve rules for
  # root); inheritable and ambient stay empty.
  [[ "$output" == *"CapInh:	0000000000000000"* ]]
  [[ "$output" == *"CapBnd:	$(cap_mask CAP_KILL CAP_CHOWN CAP_AUDIT_WRITE)"* ]]
  [[ "$output" == *"CapAmb:	0000000000000000"* ]]
}

@test "a non-root user gets exactly effective and permitted" {
  requires root
  update_config 'c["process"]["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}'
  update_config 'c["process"]["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
  set_args sh -c 'id -u; id -g; id -G; grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status'
  run warren run c1
  assert_status 0
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1000 ]
  [ "${lines[2]}" = "1000 10 20" ]
  # Ambient caps survive exec into effective/permitted; the rest is dropped by exec for
  # a non-root user.
  [[ "$output" == *"CapInh:	$(cap_mask CAP_KILL)"* ]]
  [[ "$output" == *"CapPrm:	$(cap_mask CAP_KILL)"* ]]
  [[ "$output" == *"CapEff:	$(cap_mask CAP_KILL)"* ]]
  [[ "$output" == *"CapBnd:	$(cap_mask CAP_KILL CAP_CHOWN)"* ]]
  [[ "$output" == *"CapAmb:	$(cap_mask CAP_KILL)"* ]]
}

@test "no capabilities object means no capabilities" {
  update_config 'del c["process"]["capabilities"]'
  set_args grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status
  run warren run c1
  assert_status 0
  [ "$(echo "$output" | grep -c 0000000000000000)" = 3 ]
}

@test "SECURITY 38: ambient capabilities that are not inheritable are refused with a warning" {
  update_config 'c["process"]["capabilities"]["ambient"] = ["CAP_KILL"]'
  set_args grep CapAmb /proc/self/status
  run warren run c1
  assert_status 0
  assert_output_contains "process.capabilities.ambient"
  assert_output_contains "CapAmb:	0000000000000000"
}

@test "a config written by runc spec runs" {
  rm "$BUNDLE/config.json"
  if is_root; then
    (cd "$BUNDLE" && runc spec)
  else
    (cd "$BUNDLE" && runc spec --rootless)
  fi
  update_config 'c["process"]["terminal"] = False'
  set_args sh -c 'echo $$; hostname'
  run warren run c1
  assert_status 0
  # runc spec writes a device rule as root (runc spec --rootless drops linux.resources).
  if is_root; then
    assert_output_contains "cgroups are not implemented yet"
    [ "$(grep -c 'cgroups are not implemented yet' <<<"$output")" = 1 ]
  else
    [[ "$output" != *cgroups* ]]
  fi
  [ "${lines[-2]}" = 1 ]
  [ "${lines[-1]}" = runc ]
}

@test "SECURITY 37: warren spec writes no inheritable caps, and refuses to overwrite config.json" {
  local dir=$BATS_TEST_TMPDIR/spec
  mkdir "$dir"
  run "$WARREN" spec --bundle "$dir"
  assert_status 0
  python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); assert "inheritable" not in c["process"]["capabilities"]; assert "ambient" not in c["process"]["capabilities"]' "$dir/config.json"
  run "$WARREN" spec --bundle "$dir"
  assert_status 1
  assert_output_contains "exists already"
}

@test "warren spec --rootless maps the caller to root" {
  local dir=$BATS_TEST_TMPDIR/spec
  mkdir "$dir"
  "$WARREN" spec --rootless --bundle "$dir"
  python3 - "$dir/config.json" "$(id -u)" "$(id -g)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
assert {"type": "user"} in c["linux"]["namespaces"], c["linux"]["namespaces"]
assert c["linux"]["uidMappings"] == [{"containerID": 0, "hostID": int(sys.argv[2]), "size": 1}]
assert c["linux"]["gidMappings"] == [{"containerID": 0, "hostID": int(sys.argv[3]), "size": 1}]
assert "inheritable" not in c["process"]["capabilities"]
PY
}

@test "sysctls in the container's namespaces are written" {
  update_config 'c["linux"]["sysctl"] = {"kernel.shmmni": "1234"}'
  set_args cat /proc/sys/kernel/shmmni
  run warren run c1
  assert_status 0
  [ "$output" = 1234 ]
  [ "$(cat /proc/sys/kernel/shmmni)" != 1234 ]
}

@test "a sysctl outside the container's namespaces is refused" {
  update_config 'c["linux"]["sysctl"] = {"kernel.core_pattern": "|/evil"}'
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "linux.sysctl.kernel.core_pattern"
  assert_no_state c1
}

@test "joining an existing namespace by path" {
  requires root
  set_args sleep 100
  warren run -d holder
  local pid
  pid=$(state_field holder pid)
  update_config "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'uts'] + [{'type': 'uts', 'path': '/proc/$pid/ns/uts'}]; c.pop('hostname')"
  set_args hostname
  run warren run c1
  assert_status 0
  [ "$output" = warren ]
}

@test "a rootless container joins another's user, uts and ipc namespaces, as in a pod" {
  requires rootless
  set_args sleep 100
  warren run -d holder
  local pid
  pid=$(state_field holder pid)
  update_config "
keep = [n for n in c['linux']['namespaces'] if n['type'] not in ('user', 'uts', 'ipc')]
c['linux']['namespaces'] = keep + [{'type': t, 'path': '/proc/$pid/ns/' + t} for t in ('user', 'uts', 'ipc')]
del c['linux']['uidMappings'], c['linux']['gidMappings']
c.pop('hostname')
c['mounts'] = [m for m in c['mounts'] if m.get('type') != 'mqueue']"
  set_args sh -c 'hostname; readlink /proc/self/ns/user; readlink /proc/self/ns/ipc; readlink /proc/self/ns/mnt; id -u; echo $$'
  run warren run c1
  assert_status 0
  [ "${lines[0]}" = warren ]
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ]
  [ "${lines[2]}" = "$(readlink /proc/$pid/ns/ipc)" ]
  [ "${lines[3]}" != "$(readlink /proc/$pid/ns/mnt)" ]
  [ "${lines[4]}" = 0 ]
  # Its own pid namespace, made under the joined user namespace.
  [ "${lines[5]}" = 1 ]
  # A user namespace path that does not exist fails cleanly.
  update_config "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user'] + [{'type': 'user', 'path': '/proc/999999999/ns/user'}]"
  run warren run c2
  assert_status 1
  assert_output_contains "linux.namespaces: join user namespace /proc/999999999/ns/user"
  assert_no_state c2
}

@test "a hostname without a uts namespace is refused" {
  update_config 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]'
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "config.json: hostname"
  assert_no_state c1
}

@test "umask, oomScoreAdj and domainname are applied" {
  update_config 'c["process"]["user"]["umask"] = 23; c["process"]["oomScoreAdj"] = 500; c["domainname"] = "example.org"; c["root"]["readonly"] = False'
  set_args sh -c 'umask; cat /proc/self/oom_score_adj; cat /proc/sys/kernel/domainname'
  run warren run c1
  assert_status 0
  [ "$output" = "$(printf '0027\n500\nexample.org')" ]
}

@test "an oomScoreAdj below ours needs privilege and names the field" {
  requires rootless
  update_config 'c["process"]["oomScoreAdj"] = -1000'
  set_args true
  run warren run c1
  assert_status 1
  assert_output_contains "process.oomScoreAdj"
  assert_no_state c1
}

@test "process.scheduler, process.ioPriority and linux.personality apply to the process" {
  update_config 'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}; c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 6}; c["linux"]["personality"] = {"domain": "LINUX32"}'
  set_args sh -c 'awk "{print \"nice=\" \$19, \"policy=\" \$41}" /proc/self/stat; ionice -p $$; uname -m'
  run warren run c1
  assert_status 0
  # SCHED_BATCH is policy 3.
  [ "${lines[0]}" = "nice=5 policy=3" ]
  [ "${lines[1]}" = "best-effort: prio 6" ]
  [ "${lines[2]}" = "i686" ]
  # exec gets the process's scheduler and I/O priority (the personality is the init's).
  set_args sleep 100
  detached run -d c2
  run warren exec c2 sh -c 'awk "{print \"nice=\" \$19, \"policy=\" \$41}" /proc/self/stat; ionice -p $$'
  assert_status 0
  [ "${lines[0]}" = "nice=5 policy=3" ]
  [ "${lines[1]}" = "best-effort: prio 6" ]
}

@test "bad scheduler, ioPriority, personality and intelRdt are refused by field" {
  local cases=(
    'c["process"]["scheduler"] = {"policy": "SCHED_ISO"}|config.json: process.scheduler.policy: unknown policy "SCHED_ISO" (Linux has no SCHED_ISO)'
    'c["process"]["scheduler"] = {"policy": "SCHED_FIFO"}|config.json: process.scheduler.priority: required by SCHED_FIFO'
    'c["process"]["scheduler"] = {"policy": "SCHED_OTHER", "nice": 20}|config.json: process.scheduler.nice: 20 is out of range'
    'c["process"]["scheduler"] = {"policy": "SCHED_DEADLINE", "runtime": 10, "deadline": 5}|config.json: process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline'
    'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "flags": ["SCHED_FLAG_FAST"]}|config.json: process.scheduler.flags[0]: unknown flag "SCHED_FLAG_FAST"'
    'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_NONE"}|config.json: process.ioPriority.class: unknown class "IOPRIO_CLASS_NONE"'
    'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 8}|config.json: process.ioPriority.priority: 8 is out of range'
    'c["linux"]["personality"] = {"domain": "LINUX64"}|config.json: linux.personality.domain: must be "LINUX" or "LINUX32"'
    'c["linux"]["personality"] = {"domain": "LINUX", "flags": ["X"]}|config.json: linux.personality.flags: the runtime-spec defines no personality flags yet'
    'c["linux"]["intelRdt"] = {"closID": "a/b"}|config.json: linux.intelRdt.closID: must name a resctrl group'
    'c["linux"]["intelRdt"] = {"closID": ".."}|config.json: linux.intelRdt.closID: must name a resctrl group'
    'c["linux"]["intelRdt"] = {"memBwSchema": "L3:0=ff"}|config.json: linux.intelRdt.memBwSchema: must be one line starting with "MB:"'
    'c["linux"]["intelRdt"] = {"enableCMT": "yes"}|config.json: linux.intelRdt.enableCMT: '
  )
  # Where the host has no resctrl, a valid intelRdt fails before anything is created.
  if [ ! -d /sys/fs/resctrl ]; then
    cases+=('c["linux"]["intelRdt"] = {"closID": "x"}|config.json: linux.intelRdt: this host has no /sys/fs/resctrl')
  elif ! mountpoint -q /sys/fs/resctrl; then
    cases+=('c["linux"]["intelRdt"] = {"closID": "x"}|config.json: linux.intelRdt: no resctrl file system is mounted on /sys/fs/resctrl')
  fi
  local original case
  original=$(cat "$BUNDLE/config.json")
  for case in "${cases[@]}"; do
    echo "$original" >"$BUNDLE/config.json"
    update_config "${case%%|*}"
    run warren run c1
    assert_status 1
    assert_output_contains "${case#*|}"
    assert_no_state c1
  done
}

apparmor_enabled() { [ -e /sys/kernel/security/apparmor ] && grep -q Y /sys/module/apparmor/parameters/enabled 2>/dev/null; }
selinux_enabled() { [ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" = f97cff8c ]; }

@test "an AppArmor profile is applied, or refused when AppArmor is off: never unconfined silently" {
  update_config 'c["process"]["apparmorProfile"] = "unconfined"'
  set_args cat /proc/self/attr/current
  run warren run c1
  if apparmor_enabled; then
    assert_status 0
    assert_output_contains "unconfined"
    return
  fi
  assert_status 1
  assert_output_contains 'config.json: process.apparmorProfile: AppArmor is not enabled on this host, so profile "unconfined" cannot be applied'
  assert_no_state c1
  update_config 'del c["process"]["apparmorProfile"]'
  set_args sleep 100
  detached run -d c2
  run warren exec --apparmor unconfined c2 true
  assert_status 1
  assert_output_contains '--apparmor: AppArmor is not enabled on this host'
}

@test "an SELinux process label is refused when SELinux is off, for run and exec" {
  selinux_enabled && skip "SELinux is enabled here; labels need a policy this suite does not have"
  update_config 'c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2"'
  run warren run c1
  assert_status 1
  assert_output_contains 'config.json: process.selinuxLabel: SELinux is not enabled on this host, so label "system_u:system_r:container_t:s0:c1,c2" cannot be applied'
  assert_no_state c1
  update_config 'del c["process"]["selinuxLabel"]'
  set_args sleep 100
  detached run -d c2
  run warren exec --process-label system_u:system_r:container_t:s0 c2 true
  assert_status 1
  assert_output_contains '--process-label: SELinux is not enabled on this host'
}

@test "linux.mountLabel: the context of new filesystems, or a warning when SELinux is off" {
  update_config 'c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"'
  set_args sh -c 'grep -E " /dev (rw|ro)" /proc/self/mountinfo'
  run warren run c1
  assert_status 0
  if selinux_enabled; then
    assert_output_contains 'context="system_u:object_r:container_file_t:s0:c1,c2"'
  else
    # As runc and crun: a file label means nothing without SELinux. Said once, not applied.
    assert_output_contains 'warren: warning: linux.mountLabel: SELinux is not enabled on this host; "system_u:object_r:container_file_t:s0:c1,c2" is not applied'
    [[ "$output" != *context=* ]]
  fi
}
