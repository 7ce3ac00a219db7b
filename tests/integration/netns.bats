#!/usr/bin/env bats
# warren-netns as a createRuntime hook: the container's tap0, the host's loopback, published
# ports, the helper's life and its errors. Traffic stays on this machine: 127.0.0.1 on the
# host, the slirp network inside the container.

load helpers
load netns-helpers

setup() {
  setup_bundle
  cd "$BUNDLE"
  RUN_DIR=$BATS_TEST_TMPDIR/netns-run
  # Ports of their own per suite and per test: the suites may run side by side.
  if is_root; then PORT_BASE=21000; else PORT_BASE=22000; fi
}

teardown() {
  local f
  teardown_containers
  # A helper that a failed test left behind.
  for f in "$RUN_DIR"/*/pid; do
    [ -f "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true
  done
}

port() { echo $((PORT_BASE + BATS_TEST_NUMBER * 4 + ${1:-0})); }

# host_server PORT [ADDR]: in the background, a TCP server on ADDR:PORT (default 127.0.0.1)
# that answers one connection with "from-host" and keeps what it got in
# $BATS_TEST_TMPDIR/server.got.
host_server() {
  python3 - "$1" "$BATS_TEST_TMPDIR" "${2:-127.0.0.1}" >/dev/null 2>&1 <<'PY' &
import socket, sys
port, d, addr = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen()
open(d + "/server.ready", "w").close()
s.settimeout(30)
c, peer = s.accept()
c.settimeout(5)
open(d + "/server.peer", "w").write(peer[0])
open(d + "/server.got", "wb").write(c.recv(100))
c.sendall(b"from-host\n")
c.close()
PY
  local i
  for i in $(seq 1 100); do
    [ -e "$BATS_TEST_TMPDIR/server.ready" ] && return 0
    sleep 0.05
  done
  echo "the host server on port $1 never listened" >&2
  return 1
}

# dns_server ADDR: in the background, a DNS server on ADDR:53 (UDP) that answers every A
# query with 192.0.2.53 and every other one with no records, and counts the queries in
# $BATS_TEST_TMPDIR/dns.got.
dns_server() {
  python3 - "$1" "$BATS_TEST_TMPDIR" >/dev/null 2>&1 <<'PY' &
import socket, struct, sys
addr, d = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 53))
open(d + "/dns.ready", "w").close()
s.settimeout(30)
while True:
    q, peer = s.recvfrom(512)
    qid = struct.unpack("!H", q[:2])[0]
    i = 12
    while q[i] != 0:
        i += q[i] + 1
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    answer = b""
    if qtype == 1:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 53])
    s.sendto(struct.pack("!HHHHHH", qid, 0x8180, 1, 1 if answer else 0, 0, 0)
             + q[12:i + 5] + answer, peer)
    open(d + "/dns.got", "a").write("query\n")
PY
  local i
  for i in $(seq 1 100); do
    [ -e "$BATS_TEST_TMPDIR/dns.ready" ] && return 0
    sleep 0.05
  done
  echo "the DNS server on $1 never listened" >&2
  return 1
}

# Container c1, running, with a network namespace but no helper: for the standalone mode.
# Its nc answers port 80 with $1.
start_container_without_helper() {
  add_network_namespace
  set_args nc -ll -p 80 -e echo "$1"
  run detached create c1
  assert_status 0
  warren start c1
}

# A loopback address of this test's own, for a server that needs a fixed port.
test_loopback() { echo "127.0.$((RANDOM % 200 + 20)).$((BATS_TEST_NUMBER % 200 + 20))"; }


# No helper process and no run dir left for id $1, after the second a helper may take to
# notice that the container is gone.
assert_no_helper() {
  local i
  for i in $(seq 1 20); do
    [ ! -e "$RUN_DIR/$1" ] && ! pgrep -f -- "--run-dir $RUN_DIR" >/dev/null && return 0
    sleep 0.1
  done
  echo "left behind: $(ls -la "$RUN_DIR/$1" 2>&1); $(pgrep -a -f -- "--run-dir $RUN_DIR")" >&2
  return 1
}

# Exited: gone, or a zombie (the helper's parent is whoever adopted it, and this machine's
# init reaps late).
@test "the container gets tap0 with 10.0.2.100/24, MTU 65520, a default route, lo up" {
  with_netns
  set_args sh -c 'ip -o addr show tap0; ip route; ip -o link show tap0; ip -o link show lo'
  run warren run c1
  assert_status 0
  assert_output_contains "inet 10.0.2.100/24"
  assert_output_contains "default via 10.0.2.2 dev tap0"
  assert_output_contains "tap0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65520"
  assert_output_contains "lo: <LOOPBACK,UP,LOWER_UP>"
  assert_no_state c1
  assert_no_helper c1
}

@test "warren.net.* annotations set the MTU, network and MAC; the command line wins" {
  with_netns --mtu 9000
  update_config "c['annotations'] = {'warren.net.mtu': '1500', 'warren.net.cidr': '10.0.3.0/24',
    'warren.net.mac': '02:00:00:00:00:42', 'other': 'ignored'}"
  set_args sh -c 'ip -o addr show tap0; ip route; ip -o link show tap0'
  run warren run c1
  assert_status 0
  assert_output_contains "inet 10.0.3.100/24"
  assert_output_contains "default via 10.0.3.2 dev tap0"
  assert_output_contains "mtu 9000"
  assert_output_contains "link/ether 02:00:00:00:00:42"
}

@test "SECURITY 63: the host's loopback is out of reach by default" {
  local p
  p=$(port)
  host_server "$p"
  with_netns
  set_args sh -c "echo hi | nc -w 3 10.0.2.2 $p; echo rc=\$?"
  run warren run c1
  assert_status 0
  assert_output_contains "rc=1"
  [ ! -e "$BATS_TEST_TMPDIR/server.got" ]
}

@test "SECURITY 63: UDP to the gateway, other addresses, broadcast, and raw frames to 0.0.0.0 or 127.0.0.1 stay off the host's loopback" {
  local p
  p=$(port)
  # A UDP server on the host's 127.0.0.1 that answers and records every datagram.
  python3 - "$p" "$BATS_TEST_TMPDIR" >/dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2] + "/udp.ready", "w").close()
s.settimeout(30)
while True:
    data, peer = s.recvfrom(100)
    open(sys.argv[2] + "/udp.got", "ab").write(data + b"\n")
    s.sendto(b"from-host", peer)
PY
  local i
  for i in $(seq 1 50); do [ -e "$BATS_TEST_TMPDIR/udp.ready" ] && break; sleep 0.1; done
  with_netns
  update_config "
for k in ('bounding', 'effective', 'permitted'):
    c['process']['capabilities'][k].append('CAP_NET_RAW')"
  # Through the container's own stack, then as frames it builds itself, for destinations its
  # kernel would keep (0.0.0.0 and 127.0.0.1 are its own).
  set_args sh -c "for a in 10.0.2.2 10.0.2.77 10.0.2.255 255.255.255.255; do echo \$a: \$(udp-send \$a $p); done
    for a in 0.0.0.0 127.0.0.1 255.255.255.255 10.0.2.255 10.0.2.0; do echo raw \$a: \$(udp-send --raw tap0 \$a $p); done
    sleep 1"
  run warren run c1
  assert_status 0
  echo "$output" >&2
  [ "$(echo "$output" | grep -c 'no reply')" = 4 ]
  [ "$(echo "$output" | grep -c ': sent$')" = 5 ]
  if [ -e "$BATS_TEST_TMPDIR/udp.got" ]; then
    echo "the host's loopback got datagrams sent to: $(cat "$BATS_TEST_TMPDIR/udp.got")" >&2
    return 1
  fi
}

@test "SECURITY 63: raw IPv6 frames to ::1, :: or an IPv4-mapped loopback stay off the host's loopback" {
  local p i
  p=$(port)
  # A UDP server on the host's ::1 and 127.0.0.1 (one dual-stack socket would not take
  # ::1 and 127.0.0.1 at once) that records every datagram.
  python3 - "$p" "$BATS_TEST_TMPDIR" >/dev/null 2>&1 <<'PY' &
import select, socket, sys
port, d = int(sys.argv[1]), sys.argv[2]
socks = []
for fam, addr in ((socket.AF_INET6, "::1"), (socket.AF_INET, "127.0.0.1")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    socks.append(s)
open(d + "/udp.ready", "w").close()
while True:
    ready, _, _ = select.select(socks, [], [], 30)
    if not ready:
        break
    for s in ready:
        data, peer = s.recvfrom(100)
        open(d + "/udp.got", "ab").write(data + b"\n")
PY
  for i in $(seq 1 50); do [ -e "$BATS_TEST_TMPDIR/udp.ready" ] && break; sleep 0.1; done
  with_netns --ipv6
  update_config "
for k in ('bounding', 'effective', 'permitted'):
    c['process']['capabilities'][k].append('CAP_NET_RAW')"
  set_args sh -c "for a in ::1 :: ::ffff:127.0.0.1 ::127.0.0.1; do echo raw6 \$a: \$(udp-send --raw6 tap0 \$a $p); done
    sleep 1"
  run warren run c1
  assert_status 0
  echo "$output" >&2
  [ "$(echo "$output" | grep -c ': sent$')" = 4 ]
  if [ -e "$BATS_TEST_TMPDIR/udp.got" ]; then
    echo "the host's loopback got datagrams sent to: $(cat "$BATS_TEST_TMPDIR/udp.got")" >&2
    return 1
  fi
}

@test "--allow-host-loopback reaches a server on the host's 127.0.0.1 through 10.0.2.2" {
  local p
  p=$(port)
  host_server "$p"
  with_netns --allow-host-loopback
  set_args sh -c "echo hi | nc -w 5 10.0.2.2 $p"
  run warren run c1
  assert_status 0
  assert_output_contains "from-host"
  [ "$(cat "$BATS_TEST_TMPDIR/server.got")" = hi ]
  [ "$(cat "$BATS_TEST_TMPDIR/server.peer")" = 127.0.0.1 ]
}

@test "--outbound-addr: the container's connections leave from that host address" {
  local p
  p=$(port)
  host_server "$p"
  with_netns --allow-host-loopback --outbound-addr 127.0.0.2
  set_args sh -c "echo hi | nc -w 5 10.0.2.2 $p"
  run warren run c1
  assert_status 0
  assert_output_contains "from-host"
  [ "$(cat "$BATS_TEST_TMPDIR/server.peer")" = 127.0.0.2 ]
}

# in_private_net SETUP COMMAND...: COMMAND in a network namespace of this test's own, after the
# shell SETUP ran there with CAP_NET_ADMIN, so that the host's interfaces are never changed.
# Rootless, that namespace belongs to a user namespace whose root is the caller, and COMMAND
# runs as the caller's own uid again, in one more user namespace nested inside.
in_private_net() {
  local setup=$1
  shift
  if is_root; then
    unshare --net -- sh -c "$setup"' && exec "$@"' sh "$@"
  else
    unshare --map-root-user --net -- sh -c "$setup"' && uid=$1 gid=$2 && shift 2 &&
      exec unshare --user --map-user="$uid" --map-group="$gid" -- "$@"' sh "$(id -u)" "$(id -g)" "$@"
  fi
}

# The private network for --outbound-addr: lo up with the servers' addresses 192.0.2.6 and
# 2001:db8::6, and a tap t0 (nothing behind it) holding 192.0.2.5 and 2001:db8::5, the
# addresses the container's connections must come from. Without the option, the kernel
# picks the destination's own address as the source.
OUTBOUND_NET='ip link set lo up && ip addr add 192.0.2.6/32 dev lo &&
  ip addr add 2001:db8::6/128 dev lo nodad && ip tuntap add mode tap t0 && ip link set t0 up &&
  ip addr add 192.0.2.5/32 dev t0 && ip addr add 2001:db8::5/128 dev t0 nodad'

# A server on 192.0.2.6:4000 and [2001:db8::6]:4000 that writes each peer's address to
# DIR/peer.4 and DIR/peer.6.
OUTBOUND_SERVER='
import socket, sys
d = sys.argv[1]
ls = []
for fam, addr in ((socket.AF_INET, "192.0.2.6"), (socket.AF_INET6, "2001:db8::6")):
    s = socket.socket(fam)
    s.bind((addr, 4000))
    s.listen()
    s.settimeout(30)
    ls.append(s)
open(d + "/server.ready", "w").close()
for s, name in zip(ls, ("4", "6")):
    c, peer = s.accept()
    open(d + "/peer." + name, "w").write(peer[0])
    c.sendall(b"from-host\n")
    c.close()
'

# outbound_run: in that network, the server and `warren run c1`, the container connecting to
# both of its addresses.
outbound_run() {
  set_args sh -c "nc -w 5 192.0.2.6 4000 </dev/null; nc -w 5 2001:db8::6 4000 </dev/null"
  in_private_net "$OUTBOUND_NET" sh -c '
    python3 -c "$1" "$2" >/dev/null 2>&1 &
    i=0
    while [ ! -e "$2/server.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    "$3" --root "$4" run c1' sh "$OUTBOUND_SERVER" "$BATS_TEST_TMPDIR" "$WARREN" "$STATE_ROOT"
}

assert_outbound_peers() {
  assert_status 0
  [ "$(echo "$output" | grep -c from-host)" = 2 ]
  [ "$(cat "$BATS_TEST_TMPDIR/peer.4")" = 192.0.2.5 ]
  [ "$(cat "$BATS_TEST_TMPDIR/peer.6")" = 2001:db8::5 ]
}

@test "--outbound-addr ADDR, IPv4 and IPv6: the container's connections leave from them" {
  with_netns --ipv6 --outbound-addr 192.0.2.5 --outbound-addr 2001:db8::5
  run outbound_run
  assert_outbound_peers
}

@test "warren.net.outbound-addr IFACE: its IPv4 address, and with --ipv6 its global IPv6 one" {
  update_config "c['annotations'] = {'warren.net.outbound-addr': 't0', 'warren.net.ipv6': 'true'}"
  with_netns
  run outbound_run
  assert_outbound_peers
}

@test "a published TCP port reaches a server in the container, spliced" {
  local p
  p=$(port)
  with_netns --publish "127.0.0.1:$p:80"
  set_args nc -ll -p 80 -e netstat -tn
  run detached create c1
  assert_status 0
  warren start c1
  run host_client tcp "$p"
  assert_status 0
  # The companion connected from inside: the container sees its own address as the peer.
  [[ "$output" =~ (::ffff:)?10\.0\.2\.100:80\ +(::ffff:)?10\.0\.2\.100:[0-9]+\ +ESTABLISHED ]]
}

@test "SECURITY 65: --port-driver slirp publishes TCP through libslirp, a loopback peer seen as the gateway" {
  local p
  p=$(port)
  with_netns --port-driver slirp --publish "127.0.0.1:$p:80"
  set_args nc -ll -p 80 -e netstat -tn
  run detached create c1
  assert_status 0
  warren start c1
  run host_client tcp "$p"
  assert_status 0
  [[ "$output" =~ (::ffff:)?10\.0\.2\.100:80\ +(::ffff:)?10\.0\.2\.2:[0-9]+\ +ESTABLISHED ]]
}

@test "SECURITY 65: through libslirp, a client on a non-loopback host address is seen by its own address" {
  # The client's address must be the host's but not loopback: 198.51.100.7 on lo of a network
  # namespace of the test's own. The connection from the loopback shows the gateway instead
  # (the test before); spliced ports show the container's own address, never 127.0.0.1.
  local p
  p=$(port)
  with_netns --port-driver slirp --publish "198.51.100.7:$p:80"
  set_args nc -ll -p 80 -e netstat -tn
  run in_private_net 'ip link set lo up && ip addr add 198.51.100.7/32 dev lo' bash -c '
    "$1" --root "$2" run -d c1 </dev/null >/dev/null 2>&1 || { echo "run -d failed"; exit 1; }
    '"$(declare -f host_client)"'
    host_client tcp "$3" 198.51.100.7
    rc=$?
    "$1" --root "$2" delete -f c1
    exit $rc' sh "$WARREN" "$STATE_ROOT" "$p"
  assert_status 0
  [[ "$output" =~ (::ffff:)?10\.0\.2\.100:80\ +(::ffff:)?198\.51\.100\.7:[0-9]+\ +ESTABLISHED ]]
  [[ ! "$output" =~ 127\.0\.0\.1 ]]
}

@test "a spliced port never reaches the container's loopback" {
  local p
  p=$(port)
  with_netns -p "127.0.0.1:$p:80"
  set_args httpd -f -p 127.0.0.1:80 -h /
  run detached create c1
  assert_status 0
  warren start c1
  # Let httpd listen, then expect the connection to be reset, never answered.
  sleep 0.5
  run python3 - "$p" <<'PY'
import socket, sys
try:
    # The reset may come as early as the connect itself when the helper is quick.
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
    s.settimeout(5)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    print("got", s.recv(100))
except OSError as e:
    print("error", e)
PY
  assert_status 0
  [[ "$output" == "got b''" || "$output" == error* ]]
}

@test "a spliced port carries 4 MiB each way and passes half-closes on" {
  local p
  p=$(port)
  with_netns -p "127.0.0.1:$p:80"
  # wc answers only once it has read to the end: the host's shutdown must get through.
  set_args sh -c 'nc -ll -p 80 -e wc -c & nc -ll -p 81 -e head -c 4194304 /dev/zero & wait'
  update_config "c['hooks']['createRuntime'][0]['args'] += ['-p', '127.0.0.1:$((p + 1)):81']"
  run detached create c1
  assert_status 0
  warren start c1
  run python3 - "$p" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
deadline = time.time() + 15
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"x" * (4 << 20))
        s.shutdown(socket.SHUT_WR)
        got = b""
        while chunk := s.recv(65536):
            got += chunk
        if got:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("no answer from wc")
    time.sleep(0.2)
print("up", got.decode().strip())
s = socket.create_connection(("127.0.0.1", port + 1), timeout=10)
n = 0
while chunk := s.recv(1 << 16):
    n += len(chunk)
print("down", n)
PY
  assert_status 0
  assert_output_contains "up 4194304"
  assert_output_contains "down 4194304"
}

@test "a published UDP port reaches a server in the container" {
  local p
  p=$(port)
  with_netns -p "127.0.0.1:$p:5353/udp"
  set_args udp-echo 5353
  run detached create c1
  assert_status 0
  warren start c1
  run host_client udp "$p"
  assert_status 0
  [ "$output" = echo:ping ]
}

@test "a published UDP port opens no way to the host's loopback" {
  local p
  p=$(port)
  host_server "$p"
  with_netns -p "127.0.0.1:$((p + 1)):5353/udp"
  # TCP from the published port's number too: only UDP replies to its peers pass.
  set_args sh -c "echo hi | nc -w 3 -p 5353 10.0.2.2 $p; echo rc=\$?"
  run warren run c1
  assert_status 0
  assert_output_contains "rc=1"
  [ ! -e "$BATS_TEST_TMPDIR/server.got" ]
}

@test "--ipv6: fd00::100/64 at once (no DAD), default route via fd00::2, no router advertisements" {
  with_netns --ipv6
  # /proc/net/if_inet6: address, index, prefix length, scope, flags (0x40: tentative).
  set_args sh -c 'ip -6 -o addr show tap0 scope global; grep ^fd00 /proc/net/if_inet6; ip -6 route
    cat /proc/sys/net/ipv6/conf/tap0/accept_ra'
  run warren run c1
  assert_status 0
  assert_output_contains "inet6 fd00::100/64 scope global"
  [ "$(echo "$output" | grep -c 'inet6 fd00')" = 1 ]
  local flags
  flags=$(echo "$output" |
    awk '$1 == "fd000000000000000000000000000100" && $3 == "40" { print $5 }')
  [ -n "$flags" ]
  [ $((16#$flags & 0x40)) = 0 ]
  assert_output_contains "default via fd00::2 dev tap0"
  [ "$(echo "$output" | tail -n 1)" = 0 ]
  # The IPv4 side as ever.
  set_args sh -c 'ip -o addr show tap0'
  run warren run c2
  assert_output_contains "inet 10.0.2.100/24"
}

@test "without --ipv6 the container has no IPv6 route out" {
  with_netns
  set_args sh -c 'ip -6 route show default; ip -6 -o addr show tap0 scope global'
  run warren run c1
  assert_status 0
  [ -z "$output" ]
}

@test "--ipv6: the host's ::1 is out of reach through fd00::2 and other addresses by default" {
  local p
  p=$(port)
  host_server "$p" ::1
  with_netns --ipv6
  set_args sh -c "echo hi | nc -w 3 fd00::2 $p; echo rc=\$?
    echo hi | nc -w 3 fd00::77 $p; echo rc=\$?"
  run warren run c1
  assert_status 0
  [ "$(echo "$output" | grep -c rc=1)" = 2 ]
  [ ! -e "$BATS_TEST_TMPDIR/server.got" ]
}

@test "--ipv6 --allow-host-loopback reaches a server on the host's ::1 through fd00::2" {
  local p
  p=$(port)
  host_server "$p" ::1
  with_netns --ipv6 --allow-host-loopback
  set_args sh -c "echo hi | nc -w 5 fd00::2 $p"
  run warren run c1
  assert_status 0
  assert_output_contains "from-host"
  [ "$(cat "$BATS_TEST_TMPDIR/server.got")" = hi ]
  [ "$(cat "$BATS_TEST_TMPDIR/server.peer")" = ::1 ]
}

@test "--ipv6: [::1] publishes, spliced to fd00::100 and through libslirp, TCP and UDP" {
  local p
  p=$(port)
  update_config "c['annotations'] = {'warren.net.ipv6': 'true'}"
  with_netns -p "[::1]:$p:80" -p "[::]:$((p + 1)):80" -p "[::1]:$((p + 2)):5353/udp" \
    -p "127.0.0.1:$((p + 3)):80"
  set_args sh -c 'nc -ll -p 80 -e netstat -tn & udp-echo 5353'
  run detached create c1
  assert_status 0
  warren start c1
  # Spliced: the companion connects to the container's IPv6 address.
  run host_client tcp "$p" ::1
  assert_status 0
  [[ "$output" =~ fd00::100:80\ +fd00::100:[0-9]+\ +ESTABLISHED ]]
  run host_client tcp "$((p + 1))" ::1
  assert_status 0
  [[ "$output" =~ fd00::100:80\ +fd00::100:[0-9]+\ +ESTABLISHED ]]
  # [::] is IPv6 only: the IPv4 side of that port stays free.
  python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$((p + 1))"
  run host_client udp "$((p + 2))" ::1
  assert_status 0
  [ "$output" = echo:ping ]
  run host_client tcp "$((p + 3))"
  assert_status 0
  [[ "$output" =~ 10\.0\.2\.100:80\ +(::ffff:)?10\.0\.2\.100:[0-9]+\ +ESTABLISHED ]]
}

@test "--ipv6 --port-driver slirp: a [::1] publish through libslirp's hostxfwd" {
  local p
  p=$(port)
  with_netns --ipv6 --port-driver slirp -p "[::1]:$p:80"
  set_args nc -ll -p 80 -e netstat -tn
  run detached create c1
  assert_status 0
  warren start c1
  run host_client tcp "$p" ::1
  assert_status 0
  # libslirp shows a client on the host's loopback as the gateway.
  [[ "$output" =~ fd00::100:80\ +fd00::2:[0-9]+\ +ESTABLISHED ]]
}

@test "--dns-forward: queries to 10.0.2.3 and fd00::3 go to that resolver" {
  if ! is_root && [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" -gt 53 ]; then
    skip "a resolver on port 53 needs root (net.ipv4.ip_unprivileged_port_start > 53)"
  fi
  local addr
  addr=$(test_loopback)
  dns_server "$addr"
  update_config "c['annotations'] = {'warren.net.dns-forward': '$addr'}"
  with_netns --ipv6
  set_args sh -c 'nslookup warren.test 10.0.2.3; echo rc=$?; nslookup warren.test fd00::3; echo rc=$?'
  run warren run c1
  assert_status 0
  [ "$(echo "$output" | grep -c 'Address: 192.0.2.53')" = 2 ]
  [ "$(echo "$output" | grep -c rc=0)" = 2 ]
  [ -s "$BATS_TEST_TMPDIR/dns.got" ]
}

@test "SECURITY 63: the DNS forwarder's address passes port 53 alone, not the resolver's other ports" {
  local addr p
  addr=$(test_loopback)
  p=$(port)
  host_server "$p" "$addr"
  with_netns --dns-forward "$addr"
  set_args sh -c "echo hi | nc -w 3 10.0.2.3 $p; echo rc=\$?"
  run warren run c1
  assert_status 0
  assert_output_contains "rc=1"
  [ ! -e "$BATS_TEST_TMPDIR/server.got" ]
}

@test "SECURITY 63, 64: a host resolv.conf naming a loopback resolver: DNS reaches it, its other ports do not" {
  requires root # a private mount namespace over the host's /etc/resolv.conf
  local addr p
  addr=$(test_loopback)
  p=$(port)
  dns_server "$addr"
  host_server "$p" "$addr"
  printf 'nameserver %s\n' "$addr" >"$BATS_TEST_TMPDIR/resolv.conf"
  with_netns
  set_args sh -c "nslookup warren.test 10.0.2.3; echo rc=\$?; echo hi | nc -w 3 10.0.2.3 $p; echo nc=\$?"
  run unshare --mount --propagation private sh -c \
    'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' sh "$BATS_TEST_TMPDIR/resolv.conf" \
    "$WARREN" --root "$STATE_ROOT" run c1
  assert_status 0
  assert_output_contains "Address: 192.0.2.53"
  assert_output_contains "rc=0"
  assert_output_contains "nc=1"
  [ -s "$BATS_TEST_TMPDIR/dns.got" ]
  [ ! -e "$BATS_TEST_TMPDIR/server.got" ]
}

# reply_count KIND: from frame-fuzz's "replayed ... replies: arp N icmp N ..." line in $output.
reply_count() { echo "$output" | sed -n "s/^replayed .* $1 \([0-9]*\).*/\1/p"; }

@test "SECURITY 71: seed pcaps, then mutated and random frames for 6 s: the helper keeps forwarding, sanitizers silent" {
  local p seed hpid
  p=$(port)
  seed=$RANDOM
  # scripts/test builds warren-netns with AddressSanitizer and UBSan for this test. A report
  # lands in the helper's log, its stderr: the sandbox leaves it no path to write a log_path
  # file to. The first one ends the helper (halt_on_error, and UBSan built without recovery);
  # not through abort_on_error, whose abort() the seccomp filter turns into a second report.
  # LeakSanitizer is off: it needs ptrace, which the sandbox kills; symbolizing needs files
  # the sandbox hides.
  if [ -n "${WARREN_NETNS_ASAN:-}" ]; then
    WARREN_NETNS=$WARREN_NETNS_ASAN
    grep -qa __asan_init "$WARREN_NETNS"
    grep -qa __ubsan_handle "$WARREN_NETNS"
  else
    echo "# WARREN_NETNS_ASAN is not set: the helper without sanitizers" >&2
  fi
  python3 "$BATS_TEST_DIRNAME/pcap-seeds.py" "$BUNDLE/rootfs/seeds"
  # The published port goes through libslirp, the fuzzed stack, not the splice path. DNS
  # seeds go to a loopback address of this test's own, where nothing listens.
  with_netns --ipv6 --port-driver slirp -p "127.0.0.1:$p:80" --dns-forward "$(test_loopback)"
  update_config "
c['hooks']['createRuntime'][0]['env'] = [
    'ASAN_OPTIONS=halt_on_error=1:detect_leaks=0:symbolize=0',
    'UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:symbolize=0']
for k in ('bounding', 'effective', 'permitted'):
    c['process']['capabilities'][k].append('CAP_NET_RAW')"
  # Mutated ARP and neighbour messages teach libslirp wrong addresses for the container: one
  # ordinary ARP request for the gateway afterwards sets them right, as on any link.
  set_args sh -c "out=\$(frame-fuzz tap0 6 $seed /seeds/*.pcap 2>&1); sleep 1
    arping -q -c 2 -w 3 -I tap0 10.0.2.2; nc -ll -p 80 -e echo \"\$out\""
  local started=$SECONDS
  run detached create c1
  assert_status 0
  hpid=$(helper_pid c1)
  warren start c1
  sleep 5
  run host_client tcp "$p"
  echo "seed $seed: $output" >&2
  # A sanitizer report first: it explains a helper that died.
  if grep -E -A20 'Sanitizer|runtime error' "$RUN_DIR/c1/log" >&2; then
    echo "the sanitizers reported the above (seed $seed)" >&2
    return 1
  fi
  assert_status 0
  # Every seed file was read and sent; the helper answered ARP, ICMP echo, neighbour and
  # router solicitations and TCP (resets), and never BOOTP or TFTP: both are off.
  [[ "$output" =~ replayed\ [1-9][0-9]*\ frames\ from\ 9\ files ]]
  [ "$(reply_count arp)" -gt 0 ]
  [ "$(reply_count icmp)" -gt 0 ]
  [ "$(reply_count icmp6)" -gt 0 ]
  [ "$(reply_count tcp)" -gt 0 ]
  [ "$(reply_count bootp)" = 0 ]
  [ "$(reply_count tftp)" = 0 ]
  [[ "$output" =~ sent\ [1-9][0-9]*\ frames ]]
  kill -0 "$hpid"
  # The frames' warnings did not flood the log: a burst of 50, then 10 a second, each passing
  # message at most with one "N messages suppressed" line before it (without the limit: about
  # 2900 lines on a quiet machine, for a limit of about 300 here).
  local lines limit
  lines=$(wc -l <"$RUN_DIR/c1/log")
  limit=$((2 * (50 + 10 * (SECONDS - started + 1))))
  echo "log: $lines lines, limit $limit" >&2
  [ "$lines" -le "$limit" ]
}

@test "SECURITY 66: the helper and its companion run without privileges, under seccomp" {
  with_netns -p "127.0.0.1:$(port):80"
  set_args sleep 100
  run detached create c1
  assert_status 0
  local pids pid
  # The hook returns before the helper is in its sandbox (it serves nothing until it is: see
  # the next test).
  eventually grep -qx 'Seccomp:	2' "/proc/$(helper_pid c1)/status"
  pids=$(pgrep -f -- "--run-dir $RUN_DIR")
  # The daemon and the companion that stays in the container's namespaces.
  [ "$(echo "$pids" | wc -l)" = 2 ]
  echo "$pids" | grep -qx "$(helper_pid c1)"
  for pid in $pids; do
    grep -qx 'CapEff:	0000000000000000' "/proc/$pid/status"
    grep -qx 'CapPrm:	0000000000000000' "/proc/$pid/status"
    grep -qx 'CapBnd:	0000000000000000' "/proc/$pid/status" || ! is_root
    grep -qx 'NoNewPrivs:	1' "/proc/$pid/status"
    grep -qx 'Seccomp:	2' "/proc/$pid/status"
  done
  # The helper's root is an empty tmpfs of its own but for a read-only resolv.conf.
  local hpid root
  hpid=$(helper_pid c1)
  root=/proc/$hpid/root
  [ "$(ls -A "$root")" = etc ]
  [ ! -e "$root/home" ] && [ ! -e "$root/root" ] && [ ! -e "$root/var" ]
  [ "$(ls -A "$root/etc")" = resolv.conf ]
  cmp "$root/etc/resolv.conf" /etc/resolv.conf
  ! touch "$root/etc/resolv.conf" 2>/dev/null
  ! touch "$root/new" 2>/dev/null
  [ "$(readlink "/proc/$hpid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "SECURITY 66: ready before the sandbox, and nothing served until the sandbox is in place" {
  command -v strace >/dev/null || skip "needs strace"
  local p
  p=$(port)
  start_container_without_helper sandboxed
  # Standalone, in the foreground under strace -ff (one file per process, so no call is split
  # in two by another's): daemon_run() is the hook's daemon's too. A connection to the
  # published port goes out the moment the helper says it is ready.
  run python3 - "$WARREN_NETNS" "$(state_field c1 pid)" "$p" "$BATS_TEST_TMPDIR/trace" <<'PY'
import os, re, socket, subprocess, sys
netns, pid, port, trace = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ready_r, ready_w = os.pipe()
exit_r, exit_w = os.pipe()
helper = subprocess.Popen(
    ["strace", "-ff", "-qq", "-o", trace,
     "-e", "trace=execve,write,seccomp,poll,ppoll,epoll_wait,accept,accept4",
     netns, "--pid", pid, "-p", "127.0.0.1:%d:80" % port,
     "--ready-fd", str(ready_w), "--exit-fd", str(exit_r)],
    pass_fds=(ready_w, exit_r), stderr=subprocess.DEVNULL)
os.close(ready_w)
os.close(exit_r)
print("ready", os.read(ready_r, 16))
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.settimeout(5)
print("got", s.recv(100).decode().strip())
s.close()
os.close(exit_w)
print("exit", helper.wait(timeout=15))
# The helper's own file is the one that starts with its execve; the companion has another.
d = os.path.dirname(trace)
files = [os.path.join(d, f) for f in os.listdir(d) if f.startswith(os.path.basename(trace) + ".")]
lines = next(open(f).read().splitlines() for f in files if open(f).readline().startswith("execve("))
def first(pattern):
    return next((i for i, l in enumerate(lines) if re.search(pattern, l)), None)
ready = first(r'^write\(%d, "1", 1\) += 1' % ready_w)
sandbox = first(r"^seccomp\(SECCOMP_SET_MODE_FILTER, 0, \{len=.* = 0")
# The main loop's first poll: every frame, connection and request is served after one.
served = first(r"^(poll|ppoll|epoll_wait|accept4?)\(")
print("order", ready, sandbox, served)
print("ready before the sandbox:", ready is not None and sandbox is not None and ready < sandbox)
print("nothing served before the sandbox:", served is not None and sandbox < served)
PY
  echo "$output" >&2
  assert_status 0
  assert_output_contains "ready b'1'"
  assert_output_contains "got sandboxed"
  assert_output_contains "exit 0"
  assert_output_contains "ready before the sandbox: True"
  assert_output_contains "nothing served before the sandbox: True"
}

@test "SECURITY 66: the helper's sandbox kills execve, ptrace, mount, setns, unshare and module loading" {
  local probe
  SANDBOX_PROBE=${SANDBOX_PROBE:?SANDBOX_PROBE must name the sandbox-probe binary}
  # The same sandbox_enter() as the helper's, with nothing but /etc/resolv.conf in sight.
  run "$SANDBOX_PROBE" ls
  assert_status 0
  [ "$output" = "$(printf '/etc\n/etc/resolv.conf')" ]
  for probe in execve ptrace mount setns unshare open_by_handle_at kexec_load init_module; do
    run "$SANDBOX_PROBE" "$probe"
    # 128 + SIGSYS: killed, never a mere error it could try around.
    if [ "$status" != 159 ]; then
      echo "$probe: status $status, output: $output" >&2
      return 1
    fi
  done
}

@test "an idle helper sleeps" {
  with_netns -p "127.0.0.1:$(port):80" -p "127.0.0.1:$(port 1):53/udp"
  set_args sleep 100
  run detached create c1
  assert_status 0
  assert_idle "$(helper_pid c1)" 2 20
}

@test "SECURITY 70: a published port in use fails create, naming it, and leaves nothing behind" {
  local p
  p=$(port)
  host_server "$p"
  with_netns -p "127.0.0.1:$p:80"
  set_args sleep 100
  run detached create c1
  assert_status 1
  assert_output_contains "hooks.createRuntime[0]"
  assert_output_contains "publish 127.0.0.1:$p:80: listen on 127.0.0.1:$p/tcp: Address already in use"
  assert_no_state c1
  assert_no_process_in
  assert_no_helper c1
}

@test "SECURITY 68: the helper exits within a second of the container's init and frees its port" {
  local p hpid
  p=$(port)
  with_netns -p "127.0.0.1:$p:80"
  set_args sleep 100
  run detached create c1
  assert_status 0
  hpid=$(helper_pid c1)
  kill -0 "$hpid"
  warren start c1
  warren kill c1 KILL
  # One second, plus some slack for a loaded machine.
  wait_gone "$hpid" 15
  # The companion too: it must not keep the container's network namespace alive.
  assert_no_helper c1
  python3 -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' "$p"
}

@test "the helper holds none of the runtime's stdio: warren run | cat returns" {
  with_netns
  set_args echo done
  run bash -c "timeout 30 '$WARREN' --root '$STATE_ROOT' run c1 | cat"
  assert_status 0
  [ "$output" = done ]

  set_args sleep 100
  # A published TCP port: the companion stays too, and holds nothing of the runtime either.
  with_netns -p "127.0.0.1:$(port):80"
  run detached create c2
  assert_status 0
  local hpid pid
  hpid=$(helper_pid c2)
  [ "$(readlink "/proc/$hpid/fd/0")" = /dev/null ]
  [ "$(readlink "/proc/$hpid/fd/1")" = "$RUN_DIR/c2/log" ]
  [ "$(readlink "/proc/$hpid/fd/2")" = "$RUN_DIR/c2/log" ]
  # A session of its own, away from the runtime's terminal and signals.
  other_session() { [ "$(ps -o sid= -p "$1")" != "$(ps -o sid= -p $$)" ]; }
  eventually other_session "$hpid"
  # The companion is not dumpable: only root may look at its fds.
  is_root || return 0
  for pid in $(pgrep -f -- "--run-dir $RUN_DIR"); do
    [ "$pid" != "$hpid" ] || continue
    [ "$(readlink "/proc/$pid/fd/0")" = /dev/null ]
    [ "$(readlink "/proc/$pid/fd/1")" = /dev/null ]
    [ "$(readlink "/proc/$pid/fd/2")" = /dev/null ]
    fd_count() { [ "$(ls "/proc/$1/fd" | wc -l)" = "$2" ]; }
    eventually fd_count "$pid" 4 # and its socket to the helper
  done
}

@test "the hook returns while its daemon has not run yet, and holds none of the runtime's stdio" {
  command -v strace >/dev/null || skip "needs strace"
  local sb
  # A process with a network namespace of its own stands for the container.
  if is_root; then
    unshare --net sleep 100 &
  else
    unshare --user --map-root-user --net sleep 100 &
  fi
  sb=$!
  own_netns() { [ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
  eventually own_netns "$sb"
  # strace -D traces from a detached grandchild, so that the hook is the process we wait for,
  # and holds the daemon's first system call, setsid(), for 3 s: the hook must not wait, and
  # the stuck daemon must already have /dev/null and the log for stdio, never the runtime's
  # pipes. (The tracer itself keeps the hook's stdout and stderr: they are not checked here,
  # "warren run | cat returns" does that.)
  run python3 - "$WARREN_NETNS" "$RUN_DIR" "$sb" "$BATS_TEST_TMPDIR/hook.err" <<'PY'
import json, os, subprocess, sys, time
netns, run_dir, pid, err = sys.argv[1:5]
state = json.dumps({"ociVersion": "1.2.0", "id": "c1", "pid": int(pid), "bundle": "/"})
start = time.monotonic()
hook = subprocess.Popen(["strace", "-D", "-f", "-qq", "-o", "/dev/null", "-e", "trace=setsid",
                         "-e", "inject=setsid:delay_enter=3000000", netns, "--run-dir", run_dir],
                        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=open(err, "w"))
hook.communicate(state.encode())
print("hook exit", hook.returncode, "in", "time" if time.monotonic() - start < 2.5 else "too long")
daemon = open(os.path.join(run_dir, "c1", "pid")).read().strip()
print("daemon fds", [os.readlink("/proc/%s/fd/%d" % (daemon, i)) for i in range(3)])
print("daemon stuck", time.monotonic() - start < 2.8)
PY
  echo "$output" >&2
  local hpid
  hpid=$(helper_pid c1)
  kill "$sb"
  # Out of its 3 s in setsid(), it sees the container gone; strace leaves with it.
  wait_gone "$hpid" 60
  assert_status 0
  assert_output_contains "hook exit 0 in time"
  assert_output_contains "daemon fds ['/dev/null', '$RUN_DIR/c1/log', '$RUN_DIR/c1/log']"
  assert_output_contains "daemon stuck True"
  assert_no_helper c1
}

@test "bad options and annotations are named in the error and nothing starts" {
  local args annotations message
  while IFS='|' read -r args annotations message; do
    echo "case: $args / $annotations" >&2
    # shellcheck disable=SC2086
    with_netns $args
    update_config "c['annotations'] = {$annotations}"
    set_args true
    run detached create c1
    assert_status 1
    assert_output_contains "$message"
    assert_no_state c1
    assert_no_helper c1
  done <<'EOF_CASES'
--mtu abc||--mtu: 'abc' is not a number between 68 and 65521
--mtu 65522||--mtu: '65522' is not a number between 68 and 65521
--publish 80||--publish: '80': expected [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]
-p 1:2/sctp||-p: '1:2/sctp': protocol 'sctp' is not tcp or udp
-p 1:0||-p: '1:0': container port '0' is not a port number between 1 and 65535
-p 300.1.1.1:1:2||host address '300.1.1.1' is not an IPv4 address (IPv6 goes in brackets)
--cidr 10.0.2.1/24||--cidr: '10.0.2.1/24': host bits are set
--cidr 10.0.0.0/30||--cidr: '10.0.0.0/30': the prefix length must be between 8 and 25
--mac 01:00:00:00:00:01||--mac: '01:00:00:00:00:01' is a multicast address
-p [::1]:1:2||publish [::1]:1:2: an IPv6 host address needs --ipv6
-p [::1:1:2||-p: '[::1:1:2': expected [IPV6]:HOSTPORT:CONTAINERPORT
-p [fe80::zz]:1:2||host address 'fe80::zz' is not an IPv6 address
|'warren.net.ipv6': 'yes'|annotation warren.net.ipv6: 'yes' is not true or false
--port-driver fast||--port-driver: 'fast' is not splice or slirp
--dns-forward dns.example||--dns-forward: 'dns.example' is not an IPv4 or IPv6 address
--dns-forward 127.0.0.1 --disable-dns||--dns-forward: there is no DNS forwarder with --disable-dns
--outbound-addr nosuchif0||--outbound-addr: 'nosuchif0' is neither an IPv4 or IPv6 address nor an interface
--outbound-addr ::1||outbound-addr ::1: an IPv6 address needs --ipv6
--outbound-addr fe80::1 --ipv6||--outbound-addr: 'fe80::1': a link-local, multicast or unspecified address
|'warren.net.mtu': 'x'|annotation warren.net.mtu: 'x' is not a number
|'warren.net.bogus': '1'|annotation warren.net.bogus: unknown option
|'warren.net.publish': '8080:80, 53/udp'|annotation warren.net.publish: '53/udp': expected
EOF_CASES
}

@test "SECURITY 69: bad state on stdin, a gone process or our own namespace fail without a daemon" {
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" </dev/null
  assert_status 1
  assert_output_contains "warren-netns: no OCI state on stdin"
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<'{'
  assert_status 1
  assert_output_contains "warren-netns: OCI state on stdin:"
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<'{"id": "../x", "pid": 1, "bundle": "/"}'
  assert_status 1
  assert_output_contains "id: '../x' cannot name a file"
  local gone
  sleep 0 &
  gone=$!
  wait "$gone"
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<"{\"id\": \"x\", \"pid\": $gone, \"bundle\": \"/\"}"
  assert_status 1
  assert_output_contains "process $gone: No such process"
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<"{\"id\": \"x\", \"pid\": $$, \"bundle\": \"/\"}"
  assert_status 1
  assert_output_contains "process $$ shares our network namespace"
  if ! is_root; then
    # A process of another user (root's init): its namespaces are not ours to join.
    run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<'{"id": "x", "pid": 1, "bundle": "/"}'
    assert_status 1
    assert_output_contains "/proc/1/ns/"
    assert_output_contains "Permission denied"
  fi
  assert_no_helper x
}

@test "one helper per container id" {
  with_netns
  set_args sleep 100
  run detached create c1
  assert_status 0
  local pid
  pid=$(state_field c1 pid)
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" <<<"{\"id\": \"c1\", \"pid\": $pid, \"bundle\": \"/\"}"
  assert_status 1
  assert_output_contains "a warren-netns for c1 runs already"
  kill -0 "$(helper_pid c1)"
}

@test "standalone: --pid gives a running container its network, in the foreground" {
  local p hpid
  p=$(port)
  start_container_without_helper standalone
  "$WARREN_NETNS" --pid "$(state_field c1 pid)" -p "127.0.0.1:$p:80" \
    >"$BATS_TEST_TMPDIR/standalone.log" 2>&1 &
  hpid=$!
  run host_client tcp "$p"
  assert_status 0
  [ "$output" = standalone ]
  run warren exec c1 ip -o addr show tap0
  assert_output_contains "inet 10.0.2.100/24"
  warren delete -f c1
  wait_gone "$hpid" 15
  wait "$hpid"
}

@test "standalone: --ready-fd says 1 once ports listen, --exit-fd stops it, --log takes its output" {
  local p
  p=$(port)
  start_container_without_helper standalone
  run python3 - "$WARREN_NETNS" "$(state_field c1 pid)" "$p" "$BATS_TEST_TMPDIR/helper.log" <<'PY'
import os, socket, subprocess, sys, time
netns, pid, port, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ready_r, ready_w = os.pipe()
exit_r, exit_w = os.pipe()
helper = subprocess.Popen([netns, "--pid", pid, "-p", "127.0.0.1:%d:80" % port,
                           "--ready-fd", str(ready_w), "--exit-fd", str(exit_r), "--log", log],
                          pass_fds=(ready_w, exit_r), stderr=subprocess.PIPE)
os.close(ready_w)
os.close(exit_r)
print("ready", os.read(ready_r, 16))
# Ready means listening: the very first connection gets through, no retry.
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.settimeout(5)
print("got", s.recv(100).decode().strip())
s.close()
start = time.time()
os.close(exit_w)
rc = helper.wait(timeout=10)
print("exit", rc, "within", "1s" if time.time() - start < 1.5 else "too long")
print("stderr", repr(helper.stderr.read()))
PY
  assert_status 0
  assert_output_contains "ready b'1'"
  assert_output_contains "got standalone"
  assert_output_contains "exit 0 within 1s"
  assert_output_contains "stderr b''"
  grep -q "process $(state_field c1 pid): network up" "$BATS_TEST_TMPDIR/helper.log"
  grep -q "stopping: the exit fd is closed" "$BATS_TEST_TMPDIR/helper.log"
  # Its port is closed with it (the connection may linger in TIME_WAIT: SO_REUSEADDR).
  python3 - "$p" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
PY
}

@test "standalone options are checked: fds that are not open, the same fd twice, hook mode" {
  run "$WARREN_NETNS" --pid $$ --ready-fd 77
  assert_status 1
  assert_output_contains "--ready-fd: 77 is not an open file descriptor above 2"
  run "$WARREN_NETNS" --pid $$ --exit-fd 1
  assert_status 1
  assert_output_contains "--exit-fd: 1 is not an open file descriptor above 2"
  run "$WARREN_NETNS" --pid $$ --ready-fd 5 --exit-fd 5 5>/dev/null
  assert_status 1
  assert_output_contains "--ready-fd and --exit-fd: need two file descriptors"
  run "$WARREN_NETNS" --pid $$ --log /nonexistent/dir/log
  assert_status 1
  assert_output_contains "--log: open /nonexistent/dir/log: No such file or directory"
  run "$WARREN_NETNS" --run-dir "$RUN_DIR" --log "$BATS_TEST_TMPDIR/log" </dev/null
  assert_status 1
  assert_output_contains "--ready-fd, --exit-fd and --log need --pid"
}

@test "warren spec --net slirp -p writes a network namespace and the hook" {
  local dir=$BATS_TEST_TMPDIR/spec
  mkdir -p "$dir"
  if is_root; then
    "$WARREN" spec --net slirp -p 8080:80 -p 127.0.0.1:5353:53/udp --bundle "$dir"
  else
    "$WARREN" spec --rootless --net slirp -p 8080:80 -p 127.0.0.1:5353:53/udp --bundle "$dir"
  fi
  python3 - "$dir/config.json" "$WARREN_NETNS" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
types = [n["type"] for n in c["linux"]["namespaces"]]
assert types.count("network") == 1, types
assert c["hooks"] == {"createRuntime": [{"path": sys.argv[2], "args": [
    "warren-netns", "--publish", "8080:80", "--publish", "127.0.0.1:5353:53/udp"]}],
    "poststop": [{"path": sys.argv[2], "args": ["warren-netns", "cleanup"]}]}, c["hooks"]
assert c["mounts"][-1] == {"destination": "/etc/resolv.conf", "type": "bind",
    "source": "resolv.conf", "options": ["rbind", "ro"]}, c["mounts"][-1]
PY
  [ "$(cat "$dir/resolv.conf")" = "nameserver 10.0.2.3" ]
  run "$WARREN" spec --net bridge --bundle "$BATS_TEST_TMPDIR"
  assert_status 1
  assert_output_contains "spec: --net: 'bridge' is not supported (slirp is)"
  run "$WARREN" spec -p 1:2 --bundle "$BATS_TEST_TMPDIR"
  assert_status 1
  assert_output_contains "spec: --publish needs --net slirp"
  [ ! -e "$BATS_TEST_TMPDIR/config.json" ]
}

@test "a bundle from warren spec --net slirp runs with its network" {
  rm "$BUNDLE/config.json"
  if is_root; then
    "$WARREN" spec --net slirp --bundle "$BUNDLE"
  else
    "$WARREN" spec --rootless --net slirp --bundle "$BUNDLE"
  fi
  update_config "c['process']['terminal'] = False; c['linux'].pop('resources', None)"
  set_args sh -c 'ip -o addr show tap0; ip route; cat /etc/resolv.conf'
  # The hook keeps its files in the default run dir, shared with other runs: an id of its own.
  run warren run "spec$$"
  assert_status 0
  assert_output_contains "inet 10.0.2.100/24"
  assert_output_contains "default via 10.0.2.2 dev tap0"
  assert_output_contains "nameserver 10.0.2.3"
}
