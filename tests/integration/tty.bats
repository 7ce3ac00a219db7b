#!/usr/bin/env bats
# warren-tty recv. Real terminals are tmux panes (send-keys to type,
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

# run_console ID: `warren run -d` with its console going to $SOCK.
run_console() {
  detached run -d --console-socket "$SOCK" "$1"
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

@test "tty: a terminal of 0x0 does not crash recv" {
  pane r 80 24 "stty rows 0 cols 0; '$WARREN_TTY' recv --pid-file '$BATS_TEST_TMPDIR/recv.pid' '$SOCK'"
  wait_for_file "$BATS_TEST_TMPDIR/recv.pid"
  run_console c1
  keys r 'echo zero-$((0+0))' Enter
  wait_screen r zero-0
  keys r exit Enter
  wait_screen r PANE-RC=0
}
