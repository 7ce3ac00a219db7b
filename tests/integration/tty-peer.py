#!/usr/bin/env python3
"""Peers for warren-tty's tests: what a runtime or a hostile client sends on a console socket.

  console SOCK [--name N] [--write TEXT] [--spew BYTES] [--end TEXT] [--record FILE]
          [--hold SECONDS]
      a pty master with payload N; then TEXT, BYTES random bytes and TEXT of --end written
      to the slave, which is held open SECONDS (then closed: the console ends). N and the
      texts take \\xNN escapes (raw bytes); --record keeps a copy of every byte written
  fd SOCK PATH        an fd of PATH (opened read-only): not a pty master
  slave SOCK          the slave side of a pty: not a master
  two SOCK            two pty masters in one message
  fds SOCK N          N pty masters in one message: more than the server's control buffer
                      holds, so it sees MSG_CTRUNC
  sock SOCK           one end of a socketpair: not a pty master
  nofd SOCK           a console's payload without an fd, then end of stream
  master SOCK NAME    a real pty master named NAME; prints "closed unread" when the server
                      closed the connection without reading the message
  many SOCK N SECONDS  N consoles with long names (each escaped to 503 bytes), held SECONDS
  idle SOCK N MS      N connections that send nothing; prints how many the server closed
                      within MS milliseconds
  winsize SOCK NAME ROWS COLS [HOLD]   attach NAME, send a window size frame, stay
                      attached HOLD seconds
  replay SOCK NAME FILE   attach NAME (an exited session) and write what it replays to FILE
"""
import array
import json
import os
import resource
import socket
import struct
import sys
import time
import tty


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def send_fds(s, fds, payload=b"x"):
    s.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])


def report_close(s, fds, payload):
    """Send fds and print whether the server closed the connection. A server that refuses the
    peer before reading may close it before the send: that is "closed" too."""
    s.settimeout(5)
    try:
        send_fds(s, fds, payload)
        print("sent", flush=True)
        data = s.recv(1)
    except (BrokenPipeError, ConnectionResetError):
        # Closed with our message still unread (reset), or before we could send it.
        print("closed unread", flush=True)
        return
    print("closed" if data == b"" else "open", flush=True)


def raw(text):
    """TEXT with \\xNN escapes as bytes."""
    return text.encode("utf-8", "surrogateescape").decode("unicode_escape").encode("latin-1")


def console(args):
    path, name, text, spew, end, record, hold = args[0], "", "", 0, "", None, 0.0
    i = 1
    while i < len(args):
        opt, val = args[i], args[i + 1]
        if opt == "--name":
            name = val
        elif opt == "--write":
            text = val
        elif opt == "--spew":
            spew = int(val)
        elif opt == "--end":
            end = val
        elif opt == "--record":
            record = open(val, "wb")
        elif opt == "--hold":
            hold = float(val)
        i += 2
    master, slave = os.openpty()
    tty.setraw(slave)
    s = connect(path)
    payload = raw(name)
    if payload:
        s.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [master]))])
    else:
        # Like a runtime that sends no payload: one byte is needed to carry the fd.
        s.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [master]))])
    s.close()
    os.close(master)
    print("sent", flush=True)
    def write(data):
        if record:
            record.write(data)
        view = memoryview(data)
        while view:
            n = os.write(slave, view)
            view = view[n:]

    if text:
        write(raw(text))
    left = spew
    while left > 0:
        chunk = os.urandom(min(left, 65536))
        write(chunk)
        left -= len(chunk)
    if spew:
        print("spewed", spew, flush=True)
    if end:
        write(raw(end))
    if record:
        record.close()
    time.sleep(hold)
    os.close(slave)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "console":
        console(args)
    elif cmd == "fd":
        fd = os.open(args[1], os.O_RDONLY)
        s = connect(args[0])
        report_close(s, [fd], b"notapty")
    elif cmd == "slave":
        master, slave = os.openpty()
        s = connect(args[0])
        report_close(s, [slave], b"slave")
    elif cmd == "two":
        m1, _s1 = os.openpty()
        m2, _s2 = os.openpty()
        s = connect(args[0])
        report_close(s, [m1, m2], b"two")
    elif cmd == "fds":
        masters = [os.openpty()[0] for _ in range(int(args[1]))]
        s = connect(args[0])
        report_close(s, masters, b"fds")
    elif cmd == "sock":
        a, _b = socket.socketpair()
        s = connect(args[0])
        report_close(s, [a.fileno()], b"sock")
    elif cmd == "nofd":
        s = connect(args[0])
        s.settimeout(5)
        s.sendall(b"c1\0")
        s.shutdown(socket.SHUT_WR)
        print("closed" if s.recv(1) == b"" else "open", flush=True)
    elif cmd == "master":
        master, _slave = os.openpty()
        s = connect(args[0])
        report_close(s, [master], raw(args[1]))
    elif cmd == "many":
        n, hold = int(args[1]), float(args[2])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 3 * n + 64)), hard))
        slaves = []
        for i in range(n):
            master, slave = os.openpty()
            s = connect(args[0])
            send_fds(s, [master], b"%03d" % i + b"\x01" * 127)
            s.close()
            os.close(master)
            slaves.append(slave)
        print("sent", n, flush=True)
        time.sleep(hold)
    elif cmd == "idle":
        n, ms = int(args[1]), int(args[2])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
        conns = [connect(args[0]) for _ in range(n)]
        print("connected", n, flush=True)
        deadline = time.monotonic() + ms / 1000.0
        closed = 0
        for c in conns:
            c.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if c.recv(1) == b"":
                    closed += 1
            except socket.timeout:
                pass
        print("closed", closed, flush=True)
    elif cmd == "winsize":
        s = connect(args[0])
        req = {"op": "attach", "name": args[1], "rows": 0, "cols": 0}
        s.sendall(json.dumps(req).encode() + b"\n")
        s.sendall(b"w" + struct.pack(">HHH", 4, int(args[2]), int(args[3])))
        s.settimeout(2)
        data = b""
        try:
            while b"\n" not in data:
                data += s.recv(4096)
        except socket.timeout:
            pass
        print(data.split(b"\n")[0].decode(), flush=True)
        time.sleep(float(args[4]) if len(args) > 4 else 0)
    elif cmd == "replay":
        s = connect(args[0])
        req = {"op": "attach", "name": args[1], "rows": 0, "cols": 0}
        s.sendall(json.dumps(req).encode() + b"\n")
        s.settimeout(10)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        reply, _, rest = data.partition(b"\n")
        print(reply.decode(), flush=True)
        with open(args[2], "wb") as f:
            f.write(rest)
    else:
        sys.exit("unknown command " + cmd)


main()
