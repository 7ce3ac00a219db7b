# Shared by the warren-netns suites (netns.bats, netns-api.bats): the helper as a container's
# hook, a client on the host, and the helper's pid and end.

WARREN_NETNS=${WARREN_NETNS:?WARREN_NETNS must name the warren-netns binary}

json_args() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; }

add_network_namespace() {
  update_config "
ns = c['linux']['namespaces']
if not any(n['type'] == 'network' for n in ns):
    ns.append({'type': 'network'})"
}

# with_netns ARG...: a network namespace, and warren-netns as its createRuntime hook.
with_netns() {
  add_network_namespace
  update_config "c['hooks'] = {'createRuntime': [{'path': '$WARREN_NETNS', 'timeout': 30,
    'args': $(json_args warren-netns --run-dir "$RUN_DIR" "$@")}]}"
}

# host_client tcp|udp PORT [ADDR [SECONDS]]: read what the server on ADDR:PORT (default
# 127.0.0.1) says (UDP: send it "ping" first) and print it. Retries for SECONDS (default 15):
# the server in the container may not listen yet.
host_client() {
  python3 - "$1" "$2" "${3:-127.0.0.1}" "${4:-15}" <<'PY'
import socket, sys, time
proto, port, addr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
deadline = time.time() + float(sys.argv[4])
while True:
    try:
        if proto == "tcp":
            # Nothing sent: a server that never reads would close with a reset.
            s = socket.create_connection((addr, port), timeout=2)
            s.settimeout(2)
            data = b""
            try:
                while chunk := s.recv(4096):
                    data += chunk
            except ConnectionResetError:
                pass
        else:
            s = socket.socket(family, socket.SOCK_DGRAM)
            s.settimeout(0.5)
            s.sendto(b"ping", (addr, port))
            data, _ = s.recvfrom(100)
        if data:
            sys.stdout.write(data.decode())
            sys.exit(0)
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit(1)
    time.sleep(0.2)
PY
}

helper_pid() { cat "$RUN_DIR/$1/pid"; }

# eventually COMMAND...: COMMAND succeeds within 5 s. The hook returns as soon as the network
# is up; what the daemon does for itself after the fork (its session, its sandbox) comes a
# moment later, before it serves anything.
eventually() {
  local i
  for i in $(seq 1 50); do
    "$@" && return 0
    sleep 0.1
  done
  echo "never true: $*" >&2
  return 1
}

exited() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ -z "$state" ] || [ "$state" = Z ]
}

wait_gone() { # pid tenths-of-a-second
  local i
  for i in $(seq 1 "$2"); do
    exited "$1" && return 0
    sleep 0.1
  done
  echo "process $1 still runs after $2 tenths of a second" >&2
  return 1
}
