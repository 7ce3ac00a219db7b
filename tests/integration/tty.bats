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

cpu_ticks() { # pid: user + system clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
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

@test "tty: recv refuses fds that are not one pty master and keeps waiting" {
  "$WARREN_TTY" recv --no-stdin --pid-file "$BATS_TEST_TMPDIR/recv.pid" "$SOCK" \
    >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  local recv=$!
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run python3 "$PEER" fd "$SOCK" /dev/null
  assert_output_contains closed
  run python3 "$PEER" slave "$SOCK"
  assert_output_contains closed
  run python3 "$PEER" two "$SOCK"
  assert_output_contains closed
  grep -q "the fd is not a pty master" "$BATS_TEST_TMPDIR/recv.err"
  grep -q "expected exactly one fd, got 2" "$BATS_TEST_TMPDIR/recv.err"
  kill -0 $recv
  # Still waiting: a real console is taken and relayed.
  python3 "$PEER" console "$SOCK" --name c1 --write "from-the-pty" --hold 0
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

@test "tty: recv's socket is 0600 in a new 0700 directory; symlinks and files are refused" {
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

@test "tty: serve's socket is 0600 in a new 0700 directory; symlinks and files are refused" {
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

@test "tty: the detach sequence split across reads still detaches" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen a '#'
  keys a C-p
  sleep 0.3
  keys a C-q
  wait_screen a "detached from c1"
  wait_for_status c1 running
}

@test "tty: ctrl-p followed by another key reaches the container; --detach-keys changes it" {
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

@test "tty: a session whose container exits is marked exited, without a busy loop" {
  serve
  run_console c1
  wait_session c1 running
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  keys a 'echo last-words; exit' Enter
  wait_screen a "session c1 has ended"
  wait_session c1 exited
  serve_log_contains "session c1: exited"
  local before after
  before=$(cpu_ticks "$SERVE_PID")
  sleep 1
  after=$(cpu_ticks "$SERVE_PID")
  [ $((after - before)) -le 5 ]
  # An exited session still replays, then ends.
  pane b 80 24 "'$WARREN_TTY' attach --socket '$SOCK' c1"
  wait_screen b last-words
  wait_screen b "session c1 has ended"
}

@test "tty: another uid is refused before anything is read" {
  requires root
  # A directory the other user can reach (bats' own temporary directories are private).
  SHARED_DIR=$(mktemp -d /tmp/warren-tty-test.XXXXXX)
  chmod 0755 "$SHARED_DIR"
  SOCK=$SHARED_DIR/s/console.sock
  serve
  # Even when the modes let another user connect, SO_PEERCRED keeps it out.
  chmod 0755 "$SHARED_DIR/s"
  chmod 0666 "$SOCK"
  run setpriv --reuid 65534 --regid 65534 --clear-groups python3 "$PEER" fd "$SOCK" /dev/null
  assert_output_contains closed
  serve_log_contains "refused a connection from uid 65534"
  run wtty list --socket "$SOCK" --format json
  [ "$output" = "[]" ]
}

@test "tty: serve refuses non-pty fds and names sessions safely" {
  serve
  run python3 "$PEER" fd "$SOCK" /dev/null
  assert_output_contains closed
  run python3 "$PEER" slave "$SOCK"
  assert_output_contains closed
  run python3 "$PEER" two "$SOCK"
  assert_output_contains closed
  serve_log_contains "the fd is not a pty master"
  serve_log_contains "expected exactly one fd, got 2"
  python3 "$PEER" console "$SOCK" --name 'evil\x1b]0;owned\x07\n/..' --hold 60 >/dev/null &
  python3 "$PEER" console "$SOCK" --name '' --hold 60 >/dev/null &
  python3 "$PEER" console "$SOCK" --name "$(printf 'a%.0s' $(seq 1 300))" --hold 60 >/dev/null &
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

@test "tty: 1 MiB of random bytes stays within the scrollback bound" {
  serve --scrollback 65536
  timeout 30 python3 "$PEER" console "$SOCK" --name spew --spew 1048576 --hold 3 &
  pane a 80 24 "'$WARREN_TTY' attach --socket '$SOCK' spew"
  wait_session spew exited
  run wtty list --socket "$SOCK" --format json
  python3 -c '
import json, sys
s = json.loads(sys.argv[1])[0]
assert s["bytes"] == 1048576 and s["scrollback"] == 65536, s
' "$output"
  kill -0 "$SERVE_PID"
  local rss
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")
  echo "rss ${rss} kB"
  [ "$rss" -lt 16384 ]
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

@test "tty: idle connections are closed after the timeout and do not stall others" {
  serve --idle-timeout 500
  python3 "$PEER" idle "$SOCK" 1000 5000 >"$BATS_TEST_TMPDIR/idle.out" &
  local idle=$!
  for i in $(seq 1 100); do grep -q connected "$BATS_TEST_TMPDIR/idle.out" && break; sleep 0.05; done
  # While they wait, a console and a list go through.
  run_console c1
  wait_session c1 running
  wait $idle
  cat "$BATS_TEST_TMPDIR/idle.out"
  grep -q "closed 1000" "$BATS_TEST_TMPDIR/idle.out"
}

@test "tty: a terminal of 0x0 does not crash recv, attach or the server" {
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
