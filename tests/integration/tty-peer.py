#!/usr/bin/env python3
"""Peers for warren-tty's tests: what a runtime or a hostile client sends on a console socket.

  console SOCK [--name N] [--write TEXT] [--spew BYTES] [--hold SECONDS]
      a pty master with payload N; then TEXT and BYTES random bytes written to the slave,
      which is held open SECONDS (then closed: the console ends)
  fd SOCK PATH        an fd of PATH (opened read-only): not a pty master
  slave SOCK          the slave side of a pty: not a master
  two SOCK            two pty masters in one message
  many SOCK N SECONDS  N consoles with long names (each escaped to 503 bytes), held SECONDS
  idle SOCK N MS      N connections that send nothing; prints how many the server closed
                      within MS milliseconds
  winsize SOCK NAME ROWS COLS   attach NAME and send a window size frame
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
        data = b""
    print("closed" if data == b"" else "open", flush=True)


def console(args):
    path, name, text, spew, hold = args[0], "", "", 0, 0.0
    i = 1
    while i < len(args):
        opt, val = args[i], args[i + 1]
        if opt == "--name":
            name = val
        elif opt == "--write":
            text = val
        elif opt == "--spew":
            spew = int(val)
        elif opt == "--hold":
            hold = float(val)
        i += 2
    master, slave = os.openpty()
    tty.setraw(slave)
    s = connect(path)
    payload = name.encode("utf-8", "surrogateescape").decode("unicode_escape").encode("latin-1")
    if payload:
        s.sendmsg([payload], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [master]))])
    else:
        # Like a runtime that sends no payload: one byte is needed to carry the fd.
        s.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [master]))])
    s.close()
    os.close(master)
    print("sent", flush=True)
    if text:
        os.write(slave, text.encode())
    left = spew
    while left > 0:
        chunk = os.urandom(min(left, 65536))
        view = memoryview(chunk)
        while view:
            n = os.write(slave, view)
            view = view[n:]
        left -= len(chunk)
    if spew:
        print("spewed", spew, flush=True)
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
    else:
        sys.exit("unknown command " + cmd)


main()
