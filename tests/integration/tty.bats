#!/usr/bin/env bats
# warren-tty: recv, serve, list, attach. Real terminals are tmux panes (send-keys to type,
# capture-pane to read); peers that a runtime would not be are played by tty-peer.py.

load helpers

WARREN_TTY=${WARREN_TTY:?WARREN_TTY must name the warren-tty binary}
PEER="$BATS_TEST_DIRNAME/tty-peer.py"

setup() {
  setup_bundle
  cd "$BUNDLE"
  SOCK=$BATS_TEST_TMPDIR/s/console.sock
  TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
  update_config 'c["process"]["terminal"] = True'
  set_args sh
}

teardown() {
  tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
  if [ -n "${SERVE_PID:-}" ]; then kill "$SERVE_PID" 2>/dev/null || true; fi
  if [ -n "${SHARED_DIR:-}" ]; then rm -rf "$SHARED_DIR"; fi
  if [ -d "$BATS_TEST_TMPDIR/runc" ]; then
    runc --root "$BATS_TEST_TMPDIR/runc" delete -f r1 >/dev/null 2>&1 || true
  fi
  if [ -d "$BATS_TEST_TMPDIR/crun" ]; then
    crun_private delete -f r2 >/dev/null 2>&1 || true
  fi
  # helpers' teardown: background jobs, containers
  local id job
  for job in $(jobs -p); do kill "$job" 2>/dev/null || true; done
  if [ -d "$STATE_ROOT" ]; then
    for id in $("$WARREN" --root "$STATE_ROOT" list -q 2>/dev/null); do
      "$WARREN" --root "$STATE_ROOT" delete -f "$id" >/dev/null 2>&1 || true
    done
  fi
}

wtty() { "$WARREN_TTY" "$@"; }

# pane NAME WIDTH HEIGHT COMMAND: a tmux pane running COMMAND (kept open after it ends).
pane() {
  local name=$1 w=$2 h=$3
  shift 3
  tmux -S "$TMUX_SOCK" new-session -d -s "$name" -x "$w" -y "$h" "$*; echo PANE-RC=\$?; sleep 600"
}
keys() { tmux -S "$TMUX_SOCK" send-keys -t "$@"; }
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -J -S - -t "$1"; }

# wait_screen NAME TEXT: until the pane shows TEXT (10 s).
wait_screen() {
  local i
  for i in $(seq 1 200); do
    [[ "$(screen "$1")" == *"$2"* ]] && return 0
    sleep 0.05
  done
  echo "pane $1 never showed '$2'; it shows:" >&2
  screen "$1" >&2
  return 1
}

wait_for_file() {
  local i
  for i in $(seq 1 200); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  echo "$1 never appeared" >&2
  return 1
}

# serve [OPTIONS]: a server on $SOCK, its messages in serve.err.
serve() {
  "$WARREN_TTY" serve --socket "$SOCK" "$@" >"$BATS_TEST_TMPDIR/serve.err" 2>&1 3>&- &
  SERVE_PID=$!
  wait_for_file "$SOCK"
}

serve_log_contains() {
  local i
  for i in $(seq 1 100); do
    grep -qF -- "$1" "$BATS_TEST_TMPDIR/serve.err" && return 0
    sleep 0.05
  done
  echo "serve.err lacks '$1':" >&2
  cat "$BATS_TEST_TMPDIR/serve.err" >&2
  return 1
}

# run_console ID: `warren run -d` with its console going to $SOCK.
run_console() {
  detached run -d --console-socket "$SOCK" "$1"
}

wait_session() { # name state
  local i
  for i in $(seq 1 100); do
    wtty list --socket "$SOCK" --format json | grep -qF "{\"name\":\"$1\",\"state\":\"$2\"" &&
      return 0
    sleep 0.05
  done
  echo "no session $1 in state $2:" >&2
  wtty list --socket "$SOCK" >&2
  return 1
}

fd_count() { # pid
  find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l
}

# wait_fd_count PID N: until PID holds N fds (2 s); a closed connection may take a moment.
wait_fd_count() {
  local i
  for i in $(seq 1 40); do
    [ "$(fd_count "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "pid $1 holds $(fd_count "$1") fds, not $2:" >&2
  ls -l "/proc/$1/fd" >&2
  return 1
}

ptmx_count() { # pid: how many pty masters (ptmx, 5:2) it holds
  local fd n=0
  for fd in "/proc/$1/fd/"*; do
    [ "$(stat -L -c %t:%T "$fd" 2>/dev/null)" = 5:2 ] && n=$((n + 1))
  done
  echo $n
}

# pty_size ID: the rows and columns of the container's terminal, from its init's stdin (busybox
# stty reports sizes of 30000 and more as 24x80).
pty_size() {
  local pid
  pid=$(warren state "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
  python3 -c '
import fcntl, os, struct, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
print("%d %d" % struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, bytes(8)))[:2])
' "/proc/$pid/fd/0"
}

wait_pty_size() { # id "ROWS COLS"
  local i
  for i in $(seq 1 100); do
    [ "$(pty_size "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "$1's terminal is $(pty_size "$1"), not $2" >&2
  return 1
}

# other_uid: sets OTHER_UID to a uid that is not ours and that as_other_uid runs as: nobody
# as root; rootless, the first uid of our subuid range, through a user namespace.
other_uid() {
  if is_root; then
    OTHER_UID=65534
    return
  fi
  requires newuidmap
  OTHER_UID=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
  OTHER_GID=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subgid)
  [ -n "$OTHER_UID" ] && [ -n "$OTHER_GID" ]
}

as_other_uid() {
  if is_root; then
    setpriv --reuid "$OTHER_UID" --regid "$OTHER_UID" --clear-groups "$@"
  else
    unshare --map-users="$OTHER_UID,1,1" --map-groups="$OTHER_GID,1,1" --map-root-user \
      setpriv --reuid 1 --regid 1 --clear-groups "$@"
  fi
}

@test "tty: socket prints the default path" {
  run wtty socket
  assert_status 0
  if is_root; then
    [ "$output" = /run/warren-tty/console.sock ]
  else
    [ "$output" = "$XDG_RUNTIME_DIR/warren-tty/console.sock" ]
    run env -u XDG_RUNTIME_DIR "$WARREN_TTY" socket
    assert_status 1
    assert_output_contains "XDG_RUNTIME_DIR is not set"
  fi
}

@test "tty: unknown commands and options fail clearly" {
  run wtty frobnicate
  assert_status 1
  assert_output_contains 'unknown command "frobnicate"'
  run wtty recv --mode loud "$SOCK"
  assert_status 1
  assert_output_contains '"loud" is not single or null'
  run wtty attach --detach-keys ctrl-1 c1
  assert_status 1
  assert_output_contains 'ctrl- takes a-z'
  run wtty serve extra
  assert_status 1
  assert_output_contains 'serve: takes no arguments (got "extra")'
  run wtty recv
  assert_status 1
  assert_output_contains 'recv: expects SOCKET (got 0 arguments)'
  run wtty help attach
  assert_status 0
  assert_output_contains "warren-tty [OPTION…] attach NAME"
  assert_output_contains "--detach-keys=KEYS"
  run wtty list --socket "$BATS_TEST_TMPDIR/none.sock"
  assert_status 1
  assert_output_contains "connect $BATS_TEST_TMPDIR/none.sock"
}

@test "tty: recv relays both ways and propagates the window size" {
  pane r 91 27 "'$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv.pid' '$SOCK'"
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run_console c1
  keys r 'echo out-$((6*7)); stty size' Enter
  wait_screen r out-42
  wait_screen r "27 91"
  tmux -S "$TMUX_SOCK" resize-window -t r -x 100 -y 30
  keys r 'stty size' Enter
  wait_screen r "30 100"
  wait_for_status c1 running
}

@test "tty: recv exits when the console closes and restores the terminal" {
  pane r 80 24 "before=\$(stty -g); '$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv.pid' '$SOCK'; rc=\$?; [ \"\$(stty -g)\" = \"\$before\" ] && echo TERMINAL-RESTORED; echo RECV-RC=\$rc"
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run_console c1
  keys r 'echo in-the-container' Enter
  wait_screen r in-the-container
  keys r 'exit' Enter
  wait_screen r RECV-RC=0
  wait_screen r TERMINAL-RESTORED
  [ ! -e "$SOCK" ]
}

@test "tty: recv restores the terminal when it is killed by SIGTERM" {
  pane r 80 24 "before=\$(stty -g); '$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv.pid' '$SOCK'; rc=\$?; [ \"\$(stty -g)\" = \"\$before\" ] && echo TERMINAL-RESTORED; echo RECV-RC=\$rc"
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run_console c1
  keys r 'echo relaying' Enter
  wait_screen r relaying
  kill -TERM "$(cat "$BATS_TEST_TMPDIR/recv.pid")"
  wait_screen r RECV-RC=0
  wait_screen r TERMINAL-RESTORED
}

# hostile_consoles: every console message that is not one pty master, each on a connection
# of its own; each must be answered by closing the connection.
hostile_consoles() {
  echo data >"$BATS_TEST_TMPDIR/regular-file"
  run python3 "$PEER" nofd "$SOCK"
  assert_output_contains closed
  run python3 "$PEER" two "$SOCK"
  assert_output_contains closed
  # 20 fds: more than the control buffer holds (MSG_CTRUNC).
  run python3 "$PEER" fds "$SOCK" 20
  assert_output_contains closed
  run python3 "$PEER" fd "$SOCK" "$BATS_TEST_TMPDIR/regular-file"
  assert_output_contains closed
  run python3 "$PEER" fd "$SOCK" /dev/null
  assert_output_contains closed
  run python3 "$PEER" sock "$SOCK"
  assert_output_contains closed
  run python3 "$PEER" slave "$SOCK"
  assert_output_contains closed
}

@test "SECURITY 75: recv refuses every console message but one pty master, closing each fd" {
  "$WARREN_TTY" recv --no-stdin --pid-file "$BATS_TEST_TMPDIR/recv.pid" "$SOCK" \
    >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  local recv=$! base
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  base=$(fd_count $recv)
  hostile_consoles
  cat "$BATS_TEST_TMPDIR/recv.err"
  grep -q "refused a connection that sent no console" "$BATS_TEST_TMPDIR/recv.err"
  grep -q "expected exactly one fd, got 2$" "$BATS_TEST_TMPDIR/recv.err"
  grep -q "expected exactly one fd, got 8 or more (truncated)" "$BATS_TEST_TMPDIR/recv.err"
  # The regular file, /dev/null, the socket and the pty slave.
  [ "$(grep -c "the fd is not a pty master" "$BATS_TEST_TMPDIR/recv.err")" = 4 ]
  # Every fd received is closed again.
  wait_fd_count $recv "$base"
  [ "$(ptmx_count $recv)" = 0 ]
  kill -0 $recv
  # Still waiting: a real console is taken and relayed, even with a name of 5000 bytes.
  python3 "$PEER" console "$SOCK" --name "$(printf 'n%.0s' $(seq 1 5000))" \
    --write "from-the-pty" --hold 0
  wait $recv
  grep -q from-the-pty "$BATS_TEST_TMPDIR/recv.out"
}

@test "tty: recv closes idle connections after --idle-timeout and still takes a console" {
  "$WARREN_TTY" recv --no-stdin --idle-timeout 300 --pid-file "$BATS_TEST_TMPDIR/recv.pid" \
    "$SOCK" >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run python3 "$PEER" idle "$SOCK" 20 3000
  assert_output_contains "closed 20"
  grep -q "closed a connection that sent nothing for 300 ms" "$BATS_TEST_TMPDIR/recv.err"
  python3 "$PEER" console "$SOCK" --name c1 --write "after-idle" --hold 0
  wait $recv
  grep -q after-idle "$BATS_TEST_TMPDIR/recv.out"
}

@test "tty: recv --mode null drains consoles and keeps accepting" {
  "$WARREN_TTY" recv --mode null --pid-file "$BATS_TEST_TMPDIR/recv.pid" "$SOCK" \
    >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  # 1 MiB each: far more than a pty buffers, so the writes finish only if it is drained.
  timeout 20 python3 "$PEER" console "$SOCK" --name one --spew 1048576
  timeout 20 python3 "$PEER" console "$SOCK" --name two --spew 1048576
  run_console c1
  kill -0 $recv
  [ ! -s "$BATS_TEST_TMPDIR/recv.out" ]
  grep -q "draining console two" "$BATS_TEST_TMPDIR/recv.err"
  grep -q "draining console c1" "$BATS_TEST_TMPDIR/recv.err"
  kill -TERM $recv
  wait $recv
}

@test "SECURITY 74: recv's socket is 0600 in a new 0700 directory; symlinks and files are refused" {
  "$WARREN_TTY" recv --no-stdin --pid-file "$BATS_TEST_TMPDIR/recv.pid" "$SOCK" \
    >/dev/null 2>&1 3>&- &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  [ "$(stat -c %a "$SOCK")" = 600 ]
  [ "$(stat -c %a "$(dirname "$SOCK")")" = 700 ]
  run wtty recv "$SOCK"
  assert_status 1
  assert_output_contains "another server is listening on it"
  kill $recv
  wait $recv || true
  [ ! -e "$SOCK" ]

  ln -s "$BATS_TEST_TMPDIR/target" "$SOCK"
  run wtty recv "$SOCK"
  assert_status 1
  assert_output_contains "is a symlink; refusing to use it"
  [ ! -e "$BATS_TEST_TMPDIR/target" ]
  rm "$SOCK"
  echo data >"$SOCK"
  run wtty recv "$SOCK"
  assert_status 1
  assert_output_contains "exists and is not a socket"
  [ "$(cat "$SOCK")" = data ]
}

@test "SECURITY 74: serve's socket is 0600 in a new 0700 directory; symlinks and files are refused" {
  serve
  [ "$(stat -c %a "$SOCK")" = 600 ]
  [ "$(stat -c %a "$(dirname "$SOCK")")" = 700 ]
  run wtty serve --socket "$SOCK"
  assert_status 1
  assert_output_contains "another server is listening on it"
  kill "$SERVE_PID"
  wait "$SERVE_PID" || true
  [ ! -e "$SOCK" ]

  ln -s "$BATS_TEST_TMPDIR/target" "$SOCK"
  run wtty serve --socket "$SOCK"
  assert_status 1
  assert_output_contains "is a symlink; refusing to use it"
  run wtty recv "$SOCK"
  assert_status 1
  assert_output_contains "is a symlink"
  [ ! -e "$BATS_TEST_TMPDIR/target" ]
  rm "$SOCK"
  echo data >"$SOCK"
  run wtty serve --socket "$SOCK"
  assert_status 1
  assert_output_contains "exists and is not a socket"
  [ "$(cat "$SOCK")" = data ]
}

@test "tty: serve takes a stale socket over" {
  # A socket file nobody listens on, as a killed server leaves it.
  mkdir -m 0700 "$(dirname "$SOCK")"
  python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
  [ -S "$SOCK" ]
  serve
  run wtty list --socket "$SOCK"
  assert_status 0
}

@test "tty: serve uses the default socket under XDG_RUNTIME_DIR" {
  requires rootless
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -m 0700 "$XDG_RUNTIME_DIR"
  SOCK=$(wtty socket)
  "$WARREN_TTY" serve >"$BATS_TEST_TMPDIR/serve.err" 2>&1 3>&- &
  SERVE_PID=$!
  wait_for_file "$SOCK"
  [ "$(stat -c %a "$XDG_RUNTIME_DIR/warren-tty")" = 700 ]
  run_console c1
  wait_session c1 running
  run wtty list
  assert_output_contains c1
}

@test "tty: serve + run -d: list names the session" {
  serve
  run_console c1
  run_console c2
  wait_session c1 running
  wait_session c2 running
  run wtty list --socket "$SOCK"
  assert_status 0
  [[ "${lines[0]}" == "NAME"*"STATE"*"CLIENTS"*"BYTES" ]]
  [[ "${lines[1]}" == "c1 "*"running"*"0"* ]]
  [[ "${lines[2]}" == "c2 "*"running"*"0"* ]]
  run wtty list --socket "$SOCK" --format json
  assert_status 0
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])
assert [x["name"] for x in s] == ["c1", "c2"], s
assert all(x["state"] == "running" and x["clients"] == 0 and x["bytes"] > 0 for x in s), s
' "$output"
}

@test "tty: a console from runc is a session too (named console-N)" {
  serve
  runc --root "$BATS_TEST_TMPDIR/runc" run -d --console-socket "$SOCK" r1 \
    </dev/null >"$BATS_TEST_TMPDIR/runc.out" 2>&1
  wait_session console-1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' console-1"
  keys a 'echo from-runc-$((4*4))' Enter
  wait_screen a from-runc-16
}

# crun 1.8 refuses this host's hybrid cgroups: run it in a private mount namespace whose
# /sys/fs/cgroup is a plain cgroup2 mount (as bench/lifecycle does).
crun_private() {
  unshare --mount --propagation private sh -c \
    'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' crun-private crun --root "$BATS_TEST_TMPDIR/crun" "$@"
}

@test "tty: a console from crun is a session too" {
  requires root
  command -v crun >/dev/null || skip "crun is not installed"
  # crun 1.8.1 knows runtime-spec 1.0.x only.
  update_config 'c["ociVersion"] = "1.0.2"'
  serve
  crun_private run -d --console-socket "$SOCK" r2 </dev/null >"$BATS_TEST_TMPDIR/crun.out" 2>&1 || {
    cat "$BATS_TEST_TMPDIR/crun.out" >&2
    return 1
  }
  local name i
  for i in $(seq 1 100); do
    name=$(wtty list --socket "$SOCK" --format json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s[0]["name"] if s else "")')
    [ -n "$name" ] && break
    sleep 0.05
  done
  [ -n "$name" ]
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' '$name'"
  keys a 'echo from-crun-$((5*5))' Enter
  wait_screen a from-crun-25
  crun_private delete -f r2 >/dev/null 2>&1 || true
}

@test "tty: an exec console is a session of its own (NAME-2)" {
  serve
  run_console c1
  wait_session c1 running
  detached exec -d -t --console-socket "$SOCK" c1 sh
  wait_session c1-2 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1-2"
  keys a 'echo from-exec-$((8*8)); exit' Enter
  wait_screen a from-exec-64
  wait_session c1-2 exited
  wait_session c1 running
}

@test "tty: attach relays, ctrl-p ctrl-q detaches and the container keeps running" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys a 'echo attached-$((40+2))' Enter
  wait_screen a attached-42
  keys a C-p C-q
  wait_screen a "detached from c1"
  wait_screen a PANE-RC=0
  wait_for_status c1 running
  wait_session c1 running
  # The container's shell never saw the keys: it still answers.
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys b 'echo still-$((1+1))' Enter
  wait_screen b still-2
}

@test "tty: reattach replays the scrollback" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys a 'echo marker-$((3*5))' Enter
  wait_screen a marker-15
  keys a C-p C-q
  wait_screen a PANE-RC=0
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  # Nothing typed in b: what it shows comes from the scrollback.
  wait_screen b marker-15
  [[ "$(screen b)" == *"echo marker-\$((3*5))"* ]]
}

@test "tty: two attached clients both see output; the latest sets the window size" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen a '#'
  pane b 90 25 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen b '#'
  run wtty list --socket "$SOCK"
  [[ "${lines[1]}" == "c1 "*"running"*"2"* ]]
  keys a 'echo both-$((2*21)); stty size' Enter
  wait_screen a both-42
  wait_screen b both-42
  wait_screen a "25 90"
  # Input from the other one too.
  keys b 'echo from-b-$((5+5))' Enter
  wait_screen a from-b-10
  # When the latest leaves, the size is the remaining client's.
  keys b C-p C-q
  wait_screen b PANE-RC=0
  keys a 'stty size' Enter
  wait_screen a "24 80"
}

@test "SECURITY 78: the detach sequence split across reads still detaches, and none of it leaks" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen a '#'
  keys a 'cat -v' Enter
  keys a C-p
  sleep 0.3
  keys a C-q
  wait_screen a "detached from c1"
  wait_for_status c1 running
  # cat -v shows what reached the container: the line typed after reattaching, no ^P.
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys b 'after-split' Enter
  wait_screen b after-split
  [[ "$(screen b)" != *'^P'* ]]
}

@test "SECURITY 78: ctrl-p followed by another key reaches the container; --detach-keys changes it" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen a '#'
  keys a 'cat -v' Enter
  # ctrl-p is held back, then let through when the next key does not continue the sequence.
  keys a C-p
  sleep 0.3
  keys a x C-p y Enter
  wait_screen a '^Px^Py'
  keys a C-d
  keys a C-p C-q
  wait_screen a PANE-RC=0

  pane b 80 24 "'$WARREN_TTY' attach --detach-keys ctrl-x,d --socket '$SOCK' c1"
  wait_screen b '#'
  keys b C-p C-q
  sleep 0.3
  [[ "$(screen b)" != *detached* ]]
  keys b C-x d
  wait_screen b "detached from c1"
}

@test "SECURITY 77: a container that exits while attached: session exited, master closed, no busy loop" {
  serve
  run_console c1
  wait_session c1 running
  [ "$(ptmx_count "$SERVE_PID")" = 1 ]
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys a 'echo last-words; exit' Enter
  wait_screen a "session c1 has ended"
  wait_session c1 exited
  serve_log_contains "session c1: exited"
  [ "$(ptmx_count "$SERVE_PID")" = 0 ]
  assert_idle "$SERVE_PID" 1 5
  # An exited session still replays, then ends.
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen b last-words
  wait_screen b "session c1 has ended"
}

@test "SECURITY 77: a container that exits while detached: session exited, master closed, no busy loop" {
  serve
  run_console c1
  wait_session c1 running
  [ "$(ptmx_count "$SERVE_PID")" = 1 ]
  # Nobody attached ever: the init dies and its pty with it.
  warren kill c1 KILL
  wait_session c1 exited
  serve_log_contains "session c1: exited"
  [ "$(ptmx_count "$SERVE_PID")" = 0 ]
  assert_idle "$SERVE_PID" 1 5
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen b "session c1 has ended"
}

@test "SECURITY 74: another uid is refused before anything is read, by serve and by recv" {
  other_uid
  # A directory the other user can reach (bats' own temporary directories are private).
  SHARED_DIR=$(mktemp -d /tmp/warren-tty-test.XXXXXX)
  chmod 0755 "$SHARED_DIR"
  SOCK=$SHARED_DIR/s/console.sock
  serve
  # Even when the modes let another user connect, SO_PEERCRED keeps it out.
  chmod 0755 "$SHARED_DIR/s"
  chmod 0666 "$SOCK"
  local base
  base=$(fd_count "$SERVE_PID")
  # A real pty master with a name: read before the check, it would become a session. Closing
  # with the message unread resets the connection; a server that read it closes cleanly.
  run as_other_uid python3 "$PEER" master "$SOCK" intruder
  assert_output_contains "closed unread"
  serve_log_contains "refused a connection from uid $OTHER_UID"
  ! grep -q intruder "$BATS_TEST_TMPDIR/serve.err"
  run wtty list --socket "$SOCK" --format json
  [ "$output" = "[]" ]
  wait_fd_count "$SERVE_PID" "$base"
  kill "$SERVE_PID"
  wait "$SERVE_PID" || true
  SERVE_PID=

  "$WARREN_TTY" recv --no-stdin --pid-file "$BATS_TEST_TMPDIR/recv.pid" "$SOCK" \
    >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  chmod 0666 "$SOCK"
  run as_other_uid python3 "$PEER" master "$SOCK" intruder
  assert_output_contains "closed unread"
  grep -q "refused a connection from uid $OTHER_UID" "$BATS_TEST_TMPDIR/recv.err"
  kill -0 $recv
  # Had it taken the intruder's console, it would relay that one and never this.
  python3 "$PEER" console "$SOCK" --name c1 --write "ours" --hold 0
  wait $recv
  grep -q ours "$BATS_TEST_TMPDIR/recv.out"
}

@test "SECURITY 75: serve refuses every console message but one pty master, closing each fd" {
  serve
  local base
  base=$(fd_count "$SERVE_PID")
  hostile_consoles
  serve_log_contains "expected exactly one fd, got 2"
  serve_log_contains "expected exactly one fd, got 8 or more (truncated)"
  # The regular file, /dev/null, the socket and the pty slave.
  [ "$(grep -c "the fd is not a pty master" "$BATS_TEST_TMPDIR/serve.err")" = 4 ]
  # Every fd received is closed again, and none of them became a session.
  wait_fd_count "$SERVE_PID" "$base"
  [ "$(ptmx_count "$SERVE_PID")" = 0 ]
  run wtty list --socket "$SOCK" --format json
  [ "$output" = "[]" ]
}

@test "SECURITY 29, 75: session names are escaped and cut, whatever the payload" {
  serve
  python3 "$PEER" console "$SOCK" --name 'evil\x1b]0;owned\x07\n/..' --hold 60 >/dev/null &
  python3 "$PEER" console "$SOCK" --name '' --hold 60 >/dev/null &
  # 5000 bytes: longer than a page, cut to 128.
  python3 "$PEER" console "$SOCK" --name "$(printf 'a%.0s' $(seq 1 5000))" --hold 60 >/dev/null &
  local long
  long=$(printf 'a%.0s' $(seq 1 128))
  wait_session 'evil\\x1b]0;owned\\x07\\x0a\\x2f..' running
  wait_session console-1 running
  wait_session "$long" running
  run wtty list --socket "$SOCK"
  [[ "$output" != *$'\e'* ]]
  [[ "$output" == *'evil\x1b]0;owned\x07\x0a\x2f..'* ]]
  # runc sends the master's path, not an id: a fallback name too.
  python3 "$PEER" console "$SOCK" --name /dev/ptmx --hold 60 >/dev/null &
  wait_session console-2 running
  # A running name taken again gets a number.
  python3 "$PEER" console "$SOCK" --name console-1 --hold 60 >/dev/null &
  wait_session console-1-2 running
}

@test "SECURITY 29: 1 MiB of random bytes, cut UTF-8 and escapes: bounded scrollback, escaped names" {
  serve --scrollback 65536
  local rss_before rss
  rss_before=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")
  # Escape sequences and UTF-8 characters cut in half before the random bytes, and the
  # stream ends inside an OSC sequence and a character. The name has control characters.
  timeout 30 python3 "$PEER" console "$SOCK" --name 'spew\x1b[2J\x07' \
    --write '\x1b[31m\xe2\x82\x1b]0;title\x07\xf0\x9f\x1b[?1049h' --spew 1048576 \
    --end '\x1b]0;no-end\xe2' --record "$BATS_TEST_TMPDIR/written" --hold 3 &
  # An attached terminal gets it all too.
  wait_session 'spew\\x1b[2J\\x07' running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' 'spew\x1b[2J\x07'"
  wait_session 'spew\\x1b[2J\\x07' exited
  kill -0 "$SERVE_PID"
  run wtty list --socket "$SOCK" --format json
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])[0]
assert s["bytes"] == int(sys.argv[2]) and s["scrollback"] == 65536, s
' "$output" "$(stat -c %s "$BATS_TEST_TMPDIR/written")"
  # The scrollback is exactly the last 64 KiB written, broken sequences and all.
  run python3 "$PEER" replay "$SOCK" 'spew\x1b[2J\x07' "$BATS_TEST_TMPDIR/replayed"
  assert_output_contains '"state":"exited"'
  tail -c 65536 "$BATS_TEST_TMPDIR/written" | cmp - "$BATS_TEST_TMPDIR/replayed"
  # list shows the name escaped: no escape or bell byte reaches the terminal.
  run wtty list --socket "$SOCK"
  assert_status 0
  [[ "$output" != *$'\e'* ]]
  [[ "$output" != *$'\a'* ]]
  [[ "${lines[1]}" == 'spew\x1b[2J\x07 '*exited* ]]
  # A server that kept the output would have grown by the 1 MiB.
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")
  echo "rss ${rss_before} kB -> ${rss} kB"
  [ $((rss - rss_before)) -lt 768 ]
}

@test "tty: at most 256 sessions run; list answers with all of them" {
  serve
  python3 "$PEER" many "$SOCK" 260 120 >"$BATS_TEST_TMPDIR/many.out" &
  for i in $(seq 1 400); do grep -q "sent 260" "$BATS_TEST_TMPDIR/many.out" && break; sleep 0.05; done
  serve_log_contains "refused a console: 256 sessions are running (the limit)"
  # Each name is 3 digits and 125 escaped bytes: the reply is far above 64 KiB.
  wtty list --socket "$SOCK" --format json >"$BATS_TEST_TMPDIR/list.json"
  [ "$(stat -c %s "$BATS_TEST_TMPDIR/list.json")" -gt 131072 ]
  python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s) == 256, len(s)
assert all(len(x["name"]) == 3 + 4 * 125 and x["state"] == "running" for x in s), s[0]
' "$BATS_TEST_TMPDIR/list.json"
}

@test "SECURITY 76: 1000 idle connections are closed after the timeout, stall nothing, leak no fd" {
  serve --idle-timeout 500
  local base
  base=$(fd_count "$SERVE_PID")
  python3 "$PEER" idle "$SOCK" 1000 5000 >"$BATS_TEST_TMPDIR/idle.out" &
  local idle=$!
  for i in $(seq 1 100); do grep -q connected "$BATS_TEST_TMPDIR/idle.out" && break; sleep 0.05; done
  # While they wait, a console and a list go through.
  run_console c1
  wait_session c1 running
  wait $idle
  cat "$BATS_TEST_TMPDIR/idle.out"
  grep -q "closed 1000" "$BATS_TEST_TMPDIR/idle.out"
  # Back to where it started, but for c1's master.
  wait_fd_count "$SERVE_PID" $((base + 1))
  # Pending connections are bounded: beyond 1024 they are closed at once.
  run python3 "$PEER" idle "$SOCK" 1100 3000
  assert_output_contains "closed 1100"
  serve_log_contains "refused a connection: 1024 connections are waiting (the limit)"
  wait_fd_count "$SERVE_PID" $((base + 1))
}

# flood_out_of_fds PID LOG: 1000 idle connections against a process limited to 256 fds, so
# that accept fails with EMFILE while the listening socket stays readable. It must wait for
# an fd rather than spin, log that once or so, and close them all after the idle timeout.
flood_out_of_fds() {
  local pid=$1 log=$2 base spinning=0
  base=$(fd_count "$pid")
  python3 "$PEER" idle "$SOCK" 1000 15000 >"$BATS_TEST_TMPDIR/idle.out" &
  local idle=$!
  sleep 0.5
  assert_idle "$pid" 1 20 || spinning=1
  wait $idle
  cat "$BATS_TEST_TMPDIR/idle.out"
  grep -q "closed 1000" "$BATS_TEST_TMPDIR/idle.out"
  echo "EMFILE lines: $(grep -c 'Too many open files' "$log")"
  grep -q "Too many open files" "$log"
  [ "$(grep -c 'Too many open files' "$log")" -le 20 ]
  [ $spinning = 0 ]
  wait_fd_count "$pid" "$base"
}

@test "SECURITY 76: recv out of fds waits instead of spinning, then still takes a console" {
  (
    ulimit -n 256
    exec "$WARREN_TTY" recv --no-stdin --idle-timeout 1000 --pid-file "$BATS_TEST_TMPDIR/recv.pid" \
      "$SOCK" >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&-
  ) &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  flood_out_of_fds $recv "$BATS_TEST_TMPDIR/recv.err"
  python3 "$PEER" console "$SOCK" --name c1 --write "after-the-flood" --hold 0
  wait $recv
  grep -q after-the-flood "$BATS_TEST_TMPDIR/recv.out"
}

@test "SECURITY 76: serve out of fds waits instead of spinning, then still takes a console" {
  (
    ulimit -n 256
    exec "$WARREN_TTY" serve --socket "$SOCK" --idle-timeout 1000 >"$BATS_TEST_TMPDIR/serve.err" 2>&1 3>&-
  ) &
  SERVE_PID=$!
  wait_for_file "$SOCK"
  flood_out_of_fds "$SERVE_PID" "$BATS_TEST_TMPDIR/serve.err"
  run_console c1
  wait_session c1 running
}

@test "SECURITY 79: terminals of 0x0 and 65535x65535 crash nothing; 0x0 is ignored" {
  pane r 80 24 "stty rows 0 cols 0; '$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv.pid' '$SOCK'"
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run_console c1
  keys r 'echo zero-$((0+0))' Enter
  wait_screen r zero-0
  keys r exit Enter
  wait_screen r PANE-RC=0

  SOCK=$BATS_TEST_TMPDIR/s2/console.sock
  serve
  run_console c2
  wait_session c2 running
  pane a 80 24 "stty rows 0 cols 0; '$WARREN_TTY' attach --socket '$SOCK' c2"
  keys a 'echo zero-$((1+0))' Enter
  wait_screen a zero-1
  run python3 "$PEER" winsize "$SOCK" c2 0 0
  assert_output_contains '"name":"c2"'
  kill -0 "$SERVE_PID"
  wait_session c2 running

  # A frame of 0x0 from the latest client leaves the size alone; 65535x65535 is passed on.
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c2"
  wait_pty_size c2 "24 80"
  python3 "$PEER" winsize "$SOCK" c2 0 0 2 >"$BATS_TEST_TMPDIR/winsize-0.out" &
  local peer=$!
  for i in $(seq 1 100); do grep -q c2 "$BATS_TEST_TMPDIR/winsize-0.out" && break; sleep 0.05; done
  sleep 0.5
  [ "$(pty_size c2)" = "24 80" ]
  wait $peer
  python3 "$PEER" winsize "$SOCK" c2 65535 65535 2 >"$BATS_TEST_TMPDIR/winsize-max.out" &
  peer=$!
  wait_pty_size c2 "65535 65535"
  wait $peer
  # When it leaves, the size is b's again.
  wait_pty_size c2 "24 80"
  pane c 80 24 "stty rows 65535 cols 65535; '$WARREN_TTY' attach --socket '$SOCK' c2"
  wait_pty_size c2 "65535 65535"
  keys c 'echo still-$((2+0))' Enter
  wait_screen c still-2
  kill -0 "$SERVE_PID"

  SOCK=$BATS_TEST_TMPDIR/s3/console.sock
  pane r3 80 24 "stty rows 65535 cols 65535; '$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv3.pid' '$SOCK'"
  wait_for_file "$BATS_TEST_TMPDIR/recv3.pid"
  run_console c3
  wait_pty_size c3 "65535 65535"
  keys r3 'echo big-$((3+0))' Enter
  wait_screen r3 big-3
  keys r3 exit Enter
  wait_screen r3 PANE-RC=0
}

@test "tty: --log-dir keeps each session's output" {
  serve --log-dir "$BATS_TEST_TMPDIR/logs"
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys a 'echo logged-$((10*10))' Enter
  wait_screen a logged-100
  grep -q logged-100 "$BATS_TEST_TMPDIR/logs/c1.log"
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/logs")" = 700 ]
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/logs/c1.log")" = 600 ]
}

@test "tty: attach to an unknown session fails with its name" {
  serve
  run wtty attach --socket "$SOCK" nosuch
  assert_status 1
  assert_output_contains "attach nosuch: no session named nosuch"
}
