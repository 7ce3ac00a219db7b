#!/usr/bin/env bats
# warren-netns's runtime control: the API socket of a running helper and the commands that use
# it (publish, unpublish, list), its limits and refusals, and restart after the helper died.
# Traffic stays on this machine: 127.0.0.1 on the host, the slirp network in the container.

load helpers
load netns-helpers

setup() {
  setup_bundle
  cd "$BUNDLE"
  RUN_DIR=$BATS_TEST_TMPDIR/netns-run
}

teardown() {
  local f
  teardown_containers
  for f in "$RUN_DIR"/*/pid; do
    [ -f "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true
  done
}

# free_port: a host port that is free for TCP and UDP on 127.0.0.1 now, picked at random
# from a range of its own, so that suites running side by side do not collide.
free_port() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(42000, 52000)
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            s.bind(("127.0.0.1", p))
            s.close()
        print(p)
        break
    except OSError:
        pass
PY
}

netns() { "$WARREN_NETNS" --run-dir "$RUN_DIR" "$@"; }

# A container that answers on TCP 80 and 81 with its connection table (the peer shows the
# driver: the container's own address when spliced, the gateway through libslirp) and echoes
# UDP on 5353. Created and started, with the helper as its hook.
start_servers() {
  with_netns "$@"
  set_args sh -c 'nc -ll -p 80 -e netstat -tn & nc -ll -p 81 -e netstat -tn & udp-echo 5353 & wait'
  run detached create c1
  assert_status 0
  warren start c1
}

spliced_peer='10\.0\.2\.100:8[01] +(::ffff:)?10\.0\.2\.100:[0-9]+ +ESTABLISHED'
slirp_peer='10\.0\.2\.100:8[01] +(::ffff:)?10\.0\.2\.2:[0-9]+ +ESTABLISHED'

# assert_ports_reach P1 P2 P3: host ports P1 (TCP, spliced), P2 (TCP through libslirp) and P3
# (UDP) reach the servers start_servers runs in the container.
assert_ports_reach() {
  run host_client tcp "$1"
  assert_status 0
  [[ "$output" =~ $spliced_peer ]]
  run host_client tcp "$2"
  assert_status 0
  [[ "$output" =~ $slirp_peer ]]
  run host_client udp "$3"
  assert_status 0
  [ "$output" = echo:ping ]
}

# api_raw ID: send stdin as it is to the helper's socket, print its reply (or "closed").
api_raw() {
  # The script as an argument: stdin is the request.
  python3 -c '
import socket, sys
data = sys.stdin.buffer.read()
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
try:
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
except OSError:
    pass  # the helper stops reading at its limit
reply = b""
try:
    while chunk := s.recv(4096):
        reply += chunk
except OSError:
    pass
print(reply.decode().strip() or "closed")
' "$RUN_DIR/$1/api.sock"
}

@test "runtime publish: spliced TCP, TCP through libslirp and UDP reach the container" {
  local p1 p2 p3
  p1=$(free_port)
  p2=$(free_port)
  p3=$(free_port)
  start_servers
  run netns publish c1 "127.0.0.1:$p1:80"
  assert_status 0
  [ "$output" = "published 127.0.0.1:$p1:80/tcp (splice)" ]
  run netns publish --port-driver slirp c1 "127.0.0.1:$p2:81"
  assert_status 0
  [ "$output" = "published 127.0.0.1:$p2:81/tcp (slirp)" ]
  run netns publish c1 "127.0.0.1:$p3:5353/udp"
  assert_status 0
  [ "$output" = "published 127.0.0.1:$p3:5353/udp (slirp)" ]

  assert_ports_reach "$p1" "$p2" "$p3"
}

@test "list shows every port with its driver, as a table and as JSON" {
  local p1 p2 p3
  p1=$(free_port)
  p2=$(free_port)
  p3=$(free_port)
  start_servers -p "127.0.0.1:$p1:80"
  netns publish --port-driver slirp c1 "$p2:81"
  netns publish c1 "127.0.0.1:$p3:5353/udp"
  run netns list c1
  assert_status 0
  [ "${lines[0]}" = "DRIVER   PROTO HOST ADDR       HOST PORT CONTAINER PORT" ]
  [[ "${lines[1]}" =~ ^splice\ +tcp\ +127\.0\.0\.1\ +$p1\ +80$ ]]
  [[ "${lines[2]}" =~ ^slirp\ +tcp\ +0\.0\.0\.0\ +$p2\ +81$ ]]
  [[ "${lines[3]}" =~ ^slirp\ +udp\ +127\.0\.0\.1\ +$p3\ +5353$ ]]
  [ "${#lines[@]}" = 4 ]
  run netns list c1 --format json
  assert_status 0
  python3 - "$output" "$p1" "$p2" "$p3" <<'PY'
import json, sys
ports = json.loads(sys.argv[1])
p1, p2, p3 = map(int, sys.argv[2:])
assert ports == [
    {"driver": "splice", "proto": "tcp", "host_addr": "127.0.0.1", "host_port": p1, "container_port": 80},
    {"driver": "slirp", "proto": "tcp", "host_addr": "0.0.0.0", "host_port": p2, "container_port": 81},
    {"driver": "slirp", "proto": "udp", "host_addr": "127.0.0.1", "host_port": p3, "container_port": 5353},
], ports
PY
  run netns list c1 --format yaml
  assert_status 1
  assert_output_contains "--format: 'yaml' is not table or json"
}

@test "unpublish closes the listener and frees the port; the others keep working" {
  local p1 p2 p3
  p1=$(free_port)
  p2=$(free_port)
  p3=$(free_port)
  start_servers -p "127.0.0.1:$p1:80"
  netns publish --port-driver slirp c1 "127.0.0.1:$p2:81"
  netns publish c1 "127.0.0.1:$p3:5353/udp"
  run netns unpublish c1 "$p1"
  assert_status 0
  [ "$output" = "unpublished 127.0.0.1:$p1:80/tcp (splice)" ]
  run netns unpublish c1 "127.0.0.1:$p2/tcp"
  assert_status 0
  run netns unpublish c1 "$p3/udp"
  assert_status 0
  # Free: this binds, and nobody else listens (the bind fails otherwise).
  python3 - "$p1" "$p2" "$p3" <<'PY'
import socket, sys
p1, p2, p3 = map(int, sys.argv[1:])
for p, kind in ((p1, socket.SOCK_STREAM), (p2, socket.SOCK_STREAM), (p3, socket.SOCK_DGRAM)):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", p))
    s.close()
PY
  run netns list c1 --format json
  [ "$output" = "[]" ]
  run netns unpublish c1 "$p1"
  assert_status 1
  assert_output_contains "unpublish c1: unpublish $p1/tcp: not published"
  # Publishing again after an unpublish works.
  netns publish c1 "127.0.0.1:$p1:80"
  run host_client tcp "$p1"
  assert_status 0
  [[ "$output" =~ $spliced_peer ]]
}

@test "a runtime publish of a port in use fails, naming it, and changes nothing" {
  local p1 busy p3
  p1=$(free_port)
  busy=$(free_port)
  p3=$(free_port)
  start_servers -p "127.0.0.1:$p1:80"
  python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close(); time.sleep(60)' "$busy" "$BATS_TEST_TMPDIR/busy" &
  while [ ! -e "$BATS_TEST_TMPDIR/busy" ]; do sleep 0.05; done
  run netns publish c1 "127.0.0.1:$busy:81"
  assert_status 1
  assert_output_contains "warren-netns: publish c1: publish 127.0.0.1:$busy:81/tcp: listen on 127.0.0.1:$busy/tcp: Address already in use"
  run netns publish --port-driver slirp c1 "127.0.0.1:$busy:81"
  assert_status 1
  assert_output_contains "listen on 127.0.0.1:$busy/tcp"
  run netns publish c1 "127.0.0.1:$busy:5353/udp"
  assert_status 1
  assert_output_contains "listen on 127.0.0.1:$busy/udp"
  run netns publish c1 "127.0.0.1:$p1:81"
  assert_status 1
  assert_output_contains "publish 127.0.0.1:$p1:81/tcp: published already"
  run netns list c1 --format json
  [ "$(echo "$output" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 1 ]
  run host_client tcp "$p1"
  assert_status 0
  netns publish c1 "127.0.0.1:$p3:81"
  run host_client tcp "$p3"
  assert_status 0
}

@test "SECURITY 67: a peer with another uid is refused before anything is read" {
  requires root
  local p
  p=$(free_port)
  start_servers -p "127.0.0.1:$p:80"
  # Root that passes the directory and socket modes (fsuid 0) but whose effective uid, the
  # one SO_PEERCRED reports, is nobody's.
  run python3 - "$RUN_DIR/c1/api.sock" <<'PY'
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
os.seteuid(65534)
libc.setfsuid(0)
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
# Nothing sent: the refusal comes before anything is read.
print(s.recv(4096).decode().strip())
PY
  assert_status 0
  [ "$output" = '{"error":"peer: uid 65534 is not the helper'"'"'s uid 0"}' ]
  grep -q "api: peer: uid 65534 is not the helper's uid 0" "$RUN_DIR/c1/log"
  run host_client tcp "$p"
  assert_status 0
}

@test "SECURITY 67: bad requests get a JSON error naming the field, and forwarding goes on" {
  local p request fragment
  p=$(free_port)
  start_servers -p "127.0.0.1:$p:80"
  while IFS='|' read -r request fragment; do
    echo "case: $request" >&2
    run api_raw c1 <<<"$request"
    assert_status 0
    [[ "$output" == '{"error":"'*"$fragment"* ]] || { echo "got: $output" >&2; return 1; }
  done <<'EOF_CASES'
{"request": "publish", "host_port": 1, "container_port": 2}|request: proto: missing (tcp or udp)
{"request": "publish", "proto": "tcp", "host_port": 0, "container_port": 80}|request: host_port: 0 is not a port number between 1 and 65535
{"request": "publish", "proto": "tcp", "host_port": 65536, "container_port": 80}|request: host_port: 65536 is not a port number
{"request": "publish", "proto": "tcp", "host_port": 8080, "container_port": -1}|request: container_port: -1 is not a port number
{"request": "publish", "proto": "tcp", "host_addr": "::::", "host_port": 8080, "container_port": 80}|request: host_addr: '::::' is not an IPv4 or IPv6 address
{"request": "publish", "proto": "sctp", "host_port": 8080, "container_port": 80}|request: proto: 'sctp' is not tcp or udp
{"request": "publish", "proto": "udp", "driver": "splice", "host_port": 8080, "container_port": 80}|request: driver: UDP goes through slirp only
{"request": "publish", "proto": "tcp", "host_port": "80", "container_port": 80}|request: host_port: must be
{"request": "unpublish", "host_port": 8080}|request: proto: missing
{"request": "reboot"}|request: request: 'reboot' is not publish, unpublish or list
{"proto": "tcp"}|request: request: missing
[1, 2]|request: (root): must be an object
{"request": "list"|request:
not json at all|request:
EOF_CASES
  # A 4097-byte line and a 1 MiB one: refused at 4096 bytes, whatever follows.
  run api_raw c1 < <(python3 -c 'import sys; sys.stdout.write("x" * 4097 + "\n")')
  [ "$output" = '{"error":"request: longer than 4096 bytes (a request is one line)"}' ]
  run api_raw c1 < <(python3 -c 'import sys; sys.stdout.write("{" + " " * (1 << 20) + "}\n")')
  [ "$output" = '{"error":"request: longer than 4096 bytes (a request is one line)"}' ]
  # A line of exactly 4096 bytes, its newline included, is still read.
  run api_raw c1 < <(python3 -c 'import sys; sys.stdout.write("{\"request\": \"list\"" + " " * 4075 + "}\n")')
  [ "$output" = '{"ok":true,"ports":[{"driver":"splice","proto":"tcp","host_addr":"127.0.0.1","host_port":'"$p"',"container_port":80}]}' ]
  # Half-closed before the newline, or before anything.
  run api_raw c1 < <(printf '{"request": "list"}')
  [ "$output" = '{"error":"request: the stream ended before the newline that ends a request"}' ]
  run api_raw c1 </dev/null
  [ "$output" = '{"error":"request: the stream ended before any request"}' ]
  # A NUL byte in the line.
  run api_raw c1 < <(printf '{"request": "list"}\0\n')
  [ "$output" = '{"error":"request: contains a NUL byte"}' ]
  kill -0 "$(helper_pid c1)"
  run host_client tcp "$p"
  assert_status 0
  [[ "$output" =~ $spliced_peer ]]
}

@test "SECURITY 67: silent clients do not stall forwarding, are dropped after 5 s, and are at most 16" {
  local p1 p2
  p1=$(free_port)
  p2=$(free_port)
  start_servers -p "127.0.0.1:$p1:80" -p "127.0.0.1:$p2:5353/udp"
  python3 - "$RUN_DIR/c1/api.sock" "$BATS_TEST_TMPDIR" <<'PY' &
import socket, sys, time
path, d = sys.argv[1], sys.argv[2]
silent = []
for _ in range(16):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    silent.append(s)
time.sleep(0.5)
extra = socket.socket(socket.AF_UNIX)
extra.settimeout(5)
extra.connect(path)
open(d + "/extra", "w").write(extra.recv(4096).decode())
open(d + "/connected", "w").close()
start = time.time()
silent[0].settimeout(10)
reply = silent[0].recv(4096).decode()
open(d + "/silent", "w").write("%s %.1f" % (reply.strip(), time.time() - start))
PY
  while [ ! -e "$BATS_TEST_TMPDIR/connected" ]; do sleep 0.05; done
  [ "$(cat "$BATS_TEST_TMPDIR/extra")" = '{"error":"too many clients (at most 16 at once)"}' ]
  # While 16 clients hold the helper's connections and send nothing, traffic flows at once.
  run host_client tcp "$p1" 127.0.0.1 2
  assert_status 0
  [[ "$output" =~ $spliced_peer ]]
  run host_client udp "$p2" 127.0.0.1 2
  assert_status 0
  [ "$output" = echo:ping ]
  wait
  [[ "$(cat "$BATS_TEST_TMPDIR/silent")" == '{"error":"request: none within 5 seconds"} '[3-5].* ]]
  run netns list c1 --format json
  assert_status 0
}

@test "SECURITY 73: the log and the API socket are 0600 in a 0700 dir, and go with the container" {
  local p dir
  p=$(free_port)
  start_servers -p "127.0.0.1:$p:80"
  dir=$RUN_DIR/c1
  [ "$(stat -c '%a %u' "$dir")" = "700 $(id -u)" ]
  [ "$(stat -c '%a %u %F' "$dir/api.sock")" = "600 $(id -u) socket" ]
  [ "$(stat -c '%a %u' "$dir/log")" = "600 $(id -u)" ]
  [ "$(stat -c '%a %u' "$dir/net.json")" = "600 $(id -u)" ]
  [ "$(stat -c '%a' "$RUN_DIR")" = 700 ]
  local hpid
  hpid=$(helper_pid c1)
  warren delete -f c1
  wait_gone "$hpid" 15
  local i
  for i in $(seq 1 20); do
    [ ! -e "$dir" ] && break
    sleep 0.1
  done
  [ ! -e "$dir" ]
  run netns list c1
  assert_status 1
  assert_output_contains "warren-netns: list c1: no warren-netns runs for c1 (no $dir)"
}

@test "the commands: a missing helper, a bad id, bad specs and misplaced options" {
  run netns publish c1 8080:80
  assert_status 1
  assert_output_contains "warren-netns: publish c1: no warren-netns runs for c1 (no $RUN_DIR/c1)"
  mkdir -p -m 0700 "$RUN_DIR/c1"
  run netns list c1
  assert_status 1
  assert_output_contains "no warren-netns runs for c1 ($RUN_DIR/c1/api.sock: No such file or directory)"
  run netns list ../x
  assert_status 1
  assert_output_contains "list ../x: '../x' cannot name a container"
  run netns publish c1 80
  assert_status 1
  assert_output_contains "publish c1: '80': expected [HOSTIP:]HOSTPORT:CONTAINERPORT"
  run netns unpublish c1 1.2.3:80
  assert_status 1
  assert_output_contains "unpublish c1: '1.2.3:80': host address '1.2.3' is not an IPv4 or IPv6 address"
  run netns unpublish c1 80/sctp
  assert_status 1
  assert_output_contains "protocol 'sctp' is not tcp or udp"
  run netns publish c1
  assert_status 1
  assert_output_contains "usage: warren-netns publish ID [HOSTIP:]HOSTPORT:CPORT[/tcp|/udp]"
  run netns publish --mtu 1500 c1 1:2
  assert_status 1
  assert_output_contains "publish: --mtu is not an option of publish"
  run netns list --format json --pid 1 c1
  assert_status 1
  assert_output_contains "list: --pid, --userns, --netns and --id are for starting a helper"
  run netns publish --format json c1 1:2
  assert_status 1
  assert_output_contains "publish: --format is for list"
}

@test "restart after a SIGKILL of the helper gives the container its network and ports back" {
  local p1 p2 p3 hpid
  p1=$(free_port)
  p2=$(free_port)
  p3=$(free_port)
  start_servers --mtu 9000 -p "127.0.0.1:$p1:80"
  netns publish --port-driver slirp c1 "127.0.0.1:$p2:81"
  netns publish c1 "127.0.0.1:$p3:5353/udp"
  netns unpublish c1 "$p1"
  netns publish c1 "127.0.0.1:$p1:80"
  hpid=$(helper_pid c1)
  run netns restart c1
  assert_status 1
  assert_output_contains "warren-netns: restart c1: a warren-netns for c1 runs already"

  kill -KILL "$hpid"
  wait_gone "$hpid" 20
  # Its tap went with its fd: the container has no network, and the ports are closed.
  local i
  for i in $(seq 1 20); do
    warren exec c1 ip link show tap0 >/dev/null 2>&1 || break
    sleep 0.1
  done
  run warren exec c1 ip link show tap0
  [ "$status" != 0 ]
  assert_output_contains "can't find device 'tap0'"
  run host_client tcp "$p1" 127.0.0.1 1
  assert_status 1
  run netns list c1
  assert_status 1
  assert_output_contains "no warren-netns runs for c1"

  run netns restart c1
  assert_status 0
  [ "$(helper_pid c1)" != "$hpid" ]
  kill -0 "$(helper_pid c1)"
  run warren exec c1 sh -c 'ip -o addr show tap0; ip route; ip -o link show tap0'
  assert_status 0
  assert_output_contains "inet 10.0.2.100/24"
  assert_output_contains "default via 10.0.2.2 dev tap0"
  assert_output_contains "mtu 9000"
  run netns list c1 --format json
  python3 - "$output" "$p1" "$p2" "$p3" <<'PY'
import json, sys
ports = json.loads(sys.argv[1])
p1, p2, p3 = map(int, sys.argv[2:])
got = sorted((p["driver"], p["proto"], p["host_port"], p["container_port"]) for p in ports)
assert got == sorted([("splice", "tcp", p1, 80), ("slirp", "tcp", p2, 81),
                      ("slirp", "udp", p3, 5353)]), got
PY
  assert_ports_reach "$p1" "$p2" "$p3"
  grep -q "network up" "$RUN_DIR/c1/log"

  # The restarted helper goes with the container, as the first one would have.
  hpid=$(helper_pid c1)
  warren delete -f c1
  wait_gone "$hpid" 15
}

@test "restart refuses a container whose init is gone, and cleans up after it" {
  local hpid
  start_servers
  hpid=$(helper_pid c1)
  kill -KILL "$hpid"
  wait_gone "$hpid" 20
  warren kill c1 KILL
  wait_for_status c1 stopped
  run netns restart c1
  assert_status 1
  assert_output_contains "restart c1: the container's init (pid"
  assert_output_contains "is gone; removed $RUN_DIR/c1"
  [ ! -e "$RUN_DIR/c1" ]
  run netns restart c1
  assert_status 1
  assert_output_contains "restart c1: no warren-netns has run for c1 (no $RUN_DIR/c1)"
}

@test "standalone with --id serves the API in a run dir of that name, and removes it" {
  local p hpid i
  p=$(free_port)
  update_config "
ns = c['linux']['namespaces']
if not any(n['type'] == 'network' for n in ns):
    ns.append({'type': 'network'})"
  set_args sh -c 'nc -ll -p 80 -e netstat -tn & wait'
  run detached create c1
  assert_status 0
  warren start c1
  "$WARREN_NETNS" --pid "$(state_field c1 pid)" --id s1 --run-dir "$RUN_DIR" \
    >"$BATS_TEST_TMPDIR/standalone.log" 2>&1 &
  hpid=$!
  for i in $(seq 1 100); do
    [ -S "$RUN_DIR/s1/api.sock" ] && break
    sleep 0.05
  done
  [ "$(stat -c '%a' "$RUN_DIR/s1")" = 700 ]
  [ "$(stat -c '%a' "$RUN_DIR/s1/api.sock")" = 600 ]
  [ "$(cat "$RUN_DIR/s1/pid")" = "$hpid" ]
  run netns publish s1 "127.0.0.1:$p:80"
  assert_status 0
  run host_client tcp "$p"
  assert_status 0
  [[ "$output" =~ $spliced_peer ]]
  run netns list s1
  [[ "${lines[1]}" =~ ^splice\ +tcp\ +127\.0\.0\.1\ +$p\ +80$ ]]
  kill -TERM "$hpid"
  wait "$hpid"
  [ ! -e "$RUN_DIR/s1" ]
  grep -q "api: published 127.0.0.1:$p:80/tcp (splice)" "$BATS_TEST_TMPDIR/standalone.log"

  run "$WARREN_NETNS" --id s1 --run-dir "$RUN_DIR" </dev/null
  assert_status 1
  assert_output_contains "--id is for standalone mode (--pid)"
  run "$WARREN_NETNS" --pid 1 --run-dir "$RUN_DIR"
  assert_status 1
  assert_output_contains "--run-dir is for hook mode, or standalone with --id"
  run "$WARREN_NETNS" --pid "$(state_field c1 pid)" --id ../x --run-dir "$RUN_DIR"
  assert_status 1
  assert_output_contains "--id: '../x' cannot name a file"
}

@test "IPv6 ports through the API: publish, list, unpublish, and restart brings them back" {
  local p1 p2 pid
  p1=$(free_port)
  p2=$(free_port)
  start_servers --ipv6 -p "[::1]:$p1:80"
  run netns publish c1 "[::1]:$p2:5353/udp"
  assert_status 0
  [ "$output" = "published [::1]:$p2:5353/udp (slirp)" ]
  run host_client tcp "$p1" ::1
  assert_status 0
  [[ "$output" =~ fd00::100:80\ +fd00::100:[0-9]+\ +ESTABLISHED ]]
  run host_client udp "$p2" ::1
  assert_status 0
  [ "$output" = echo:ping ]
  run netns list c1
  assert_status 0
  [[ "$output" == *"splice   tcp   ::1             $p1"* ]]
  [[ "$output" == *"slirp    udp   ::1             $p2"* ]]

  # A new helper brings both back from net.json.
  pid=$(helper_pid c1)
  kill -KILL "$pid"
  wait_gone "$pid" 50
  run netns restart c1
  assert_status 0
  run host_client tcp "$p1" ::1
  assert_status 0
  [[ "$output" =~ fd00::100:80 ]]
  run host_client udp "$p2" ::1
  assert_status 0
  [ "$output" = echo:ping ]

  run netns unpublish c1 "[::1]:$p1"
  assert_status 0
  # Nobody listens there any more (SO_REUSEADDR: the connections above left TIME_WAITs).
  python3 - "$p1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::1", int(sys.argv[1])))
s.listen()
PY
  run netns list c1
  [[ "$output" != *" $p1 "* ]]
}

@test "an IPv6 publish needs a helper started with --ipv6" {
  local p
  p=$(free_port)
  start_servers
  run netns publish c1 "[::1]:$p:80"
  assert_status 1
  assert_output_contains "an IPv6 host address needs a helper started with --ipv6"
  run netns list c1 --format json
  assert_status 0
  [ "$output" = "[]" ]
}

@test "SECURITY 68, 73: a helper killed with SIGKILL leaves its run dir to the poststop cleanup" {
  local pid
  with_netns
  update_config "c['hooks']['poststop'] = [{'path': '$WARREN_NETNS', 'args': $(json_args warren-netns --run-dir "$RUN_DIR" cleanup)}]"
  set_args sleep 100
  run detached create c1
  assert_status 0
  warren start c1
  pid=$(helper_pid c1)
  kill -KILL "$pid"
  wait_gone "$pid" 50
  # Killed, the helper could not remove its run dir.
  [ -e "$RUN_DIR/c1/net.json" ]
  warren delete -f c1
  [ ! -e "$RUN_DIR/c1" ]
  # By id too, and a dir nobody made is no error.
  run netns cleanup c1
  assert_status 0
  run netns cleanup ../x
  assert_status 1
  assert_output_contains "cleanup: '../x' cannot name a container"
}

@test "cleanup leaves the run dir of a helper that still runs" {
  start_servers
  run timeout 10 "$WARREN_NETNS" --run-dir "$RUN_DIR" cleanup c1
  assert_status 1
  assert_output_contains "cleanup c1: a warren-netns for c1 runs already"
  [ -e "$RUN_DIR/c1/api.sock" ]
}
