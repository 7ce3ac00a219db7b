#!/usr/bin/env python3
"""A console-socket receiver for the tests: console-recv.py SOCKET [TEXT].

Listens on SOCKET (creating SOCKET.ready once it does), accepts one connection, receives the
pty master and prints "payload P", "fds N", "major M", then what the console shows until
TEXT appears (until the first newline without TEXT), or until the console ends."""
import array
import os
import socket
import sys

path = sys.argv[1]
until = sys.argv[2].encode() if len(sys.argv) > 2 else b"\n"
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.bind(path)
s.listen(1)
open(path + ".ready", "w").close()
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(4096, socket.CMSG_LEN(4 * fds.itemsize))
for _, _, data in anc:
    fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
print("payload", msg.decode())
print("fds", len(fds))
print("major", os.major(os.fstat(fds[0]).st_rdev))
buf = b""
while until not in buf:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError:
        break
    if not chunk:
        break
    buf += chunk
print(buf.decode(errors="replace").strip())
