#!/usr/bin/env python3
"""Side-by-side lifecycle benchmark of warren, runc and crun.

Every scenario runs each runtime once per round, alternating the order round by round, so
that drift of the machine hits all runtimes alike. Reports medians, min-max and the ratios
warren/crun and warren/runc as a markdown table. Not a test: nothing here passes or fails.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BUSYBOX = "/bin/busybox"


def make_rootfs(path):
    os.makedirs(path)
    for d in ("bin", "etc", "proc", "sys", "dev", "tmp", "root"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(path, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
    for a in applets:
        link = os.path.join(path, "bin", a)
        if not os.path.exists(link):
            os.symlink("busybox", link)
    with open(os.path.join(path, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(path, "etc", "group"), "w") as f:
        f.write("root:x:0:\n")


def make_bundle(base, name, warren, rootless, net, multirange, uid, gid, subid, args):
    bundle = os.path.join(base, name)
    os.makedirs(bundle)
    make_rootfs(os.path.join(bundle, "rootfs"))
    cmd = [warren, "spec", "--bundle", bundle] + (["--rootless"] if rootless else [])
    subprocess.run(cmd, check=True)
    cfgp = os.path.join(bundle, "config.json")
    with open(cfgp) as f:
        cfg = json.load(f)
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = args
    cfg["root"]["readonly"] = True
    ns = cfg["linux"]["namespaces"]
    has_net = any(n["type"] == "network" for n in ns)
    if net and not has_net:
        ns.append({"type": "network"})
    if not net and has_net:
        cfg["linux"]["namespaces"] = [n for n in ns if n["type"] != "network"]
    if rootless:
        cfg["linux"]["uidMappings"] = [{"containerID": 0, "hostID": uid, "size": 1}]
        cfg["linux"]["gidMappings"] = [{"containerID": 0, "hostID": gid, "size": 1}]
        if multirange:
            cfg["linux"]["uidMappings"].append({"containerID": 1, "hostID": subid, "size": 65536})
            cfg["linux"]["gidMappings"].append({"containerID": 1, "hostID": subid, "size": 65536})
    with open(cfgp, "w") as f:
        json.dump(cfg, f, indent=1)
    if rootless:
        subprocess.run(["chown", "-R", f"{uid}:{gid}", bundle], check=True)
    return bundle


def timed(cmd, user=None):
    """Run cmd, return (seconds, peak RSS in KiB of the runtime process, exit status)."""
    if user is not None:
        cmd = ["setpriv", f"--reuid={user[0]}", f"--regid={user[1]}", "--init-groups"] + cmd
    t0 = time.perf_counter()
    pid = os.posix_spawn(cmd[0] if cmd[0].startswith("/") else shutil.which(cmd[0]), cmd,
                         os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null",
                                                    os.O_WRONLY, 0)])
    _, status, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    return t1 - t0, ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warren", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--runtimes", default="warren,runc,crun")
    ap.add_argument("--user", help="unprivileged user for the rootless scenarios")
    ap.add_argument("--subid", type=int, default=0, help="start of the user's subuid range")
    ap.add_argument("--out", default="bench-lifecycle.md")
    ap.add_argument("--seq", type=int, default=100, help="runs in the sequential scenario")
    args = ap.parse_args()

    runtimes = {}
    for name in args.runtimes.split(","):
        path = args.warren if name == "warren" else shutil.which(name)
        if path is None:
            print(f"skipping {name}: not installed", file=sys.stderr)
            continue
        runtimes[name] = os.path.abspath(path)

    base = tempfile.mkdtemp(prefix="warren-bench-")
    os.chmod(base, 0o755)
    uid = gid = None
    if args.user:
        import pwd
        pw = pwd.getpwnam(args.user)
        uid, gid = pw.pw_uid, pw.pw_gid

    scenarios = [
        ("run /bin/true, root, no netns", dict(rootless=False, net=False, multirange=False), None),
        ("run /bin/true, root, netns", dict(rootless=False, net=True, multirange=False), None),
    ]
    if uid is not None:
        scenarios += [
            ("run /bin/true, rootless own id", dict(rootless=True, net=False, multirange=False), "u"),
            ("run /bin/true, rootless netns", dict(rootless=True, net=True, multirange=False), "u"),
            ("run /bin/true, rootless newuidmap", dict(rootless=True, net=False, multirange=True), "u"),
        ]

    results = {}  # scenario -> runtime -> list of (secs, rss)
    state_roots = {}
    for rt in runtimes:
        state_roots[rt] = os.path.join(base, "state-" + rt)
        os.makedirs(state_roots[rt])
        if uid is not None:
            os.makedirs(state_roots[rt] + "-u")
            os.chown(state_roots[rt] + "-u", uid, gid)
            os.chmod(state_roots[rt] + "-u", 0o700)

    counter = 0
    for title, opts, who in scenarios:
        bundle = make_bundle(base, f"b{len(results)}", args.warren, opts["rootless"], opts["net"],
                             opts["multirange"], uid, gid, args.subid, ["/bin/true"])
        user = (uid, gid) if who else None
        results[title] = {rt: [] for rt in runtimes}
        order = list(runtimes)
        for r in range(args.rounds + 1):
            order = order[1:] + order[:1]
            for rt in order:
                counter += 1
                root = state_roots[rt] + ("-u" if who else "")
                secs, rss, code = timed([runtimes[rt], "--root", root, "run", "-b", bundle,
                                         f"c{counter}"], user)
                if code != 0:
                    print(f"{rt} failed in '{title}' (exit {code})", file=sys.stderr)
                    continue
                if r > 0:  # the first round warms caches
                    results[title][rt].append((secs, rss))

    # Split lifecycle: create, start, wait for exit, delete.
    title = "create+start+wait+delete, root"
    bundle = make_bundle(base, "split", args.warren, False, False, False, uid, gid, 0,
                         ["/bin/true"])
    results[title] = {rt: [] for rt in runtimes}
    order = list(runtimes)
    for r in range(args.rounds + 1):
        order = order[1:] + order[:1]
        for rt in order:
            counter += 1
            cid = f"s{counter}"
            root = state_roots[rt]
            t0 = time.perf_counter()
            ok = subprocess.run([runtimes[rt], "--root", root, "create", "-b", bundle, cid],
                                stdout=subprocess.DEVNULL).returncode == 0
            ok = ok and subprocess.run([runtimes[rt], "--root", root, "start", cid]).returncode == 0
            while ok:
                st = subprocess.run([runtimes[rt], "--root", root, "state", cid],
                                    capture_output=True, text=True)
                if st.returncode != 0 or json.loads(st.stdout)["status"] == "stopped":
                    break
            ok = ok and subprocess.run([runtimes[rt], "--root", root, "delete", cid]).returncode == 0
            t1 = time.perf_counter()
            if ok and r > 0:
                results[title][rt].append((t1 - t0, 0))

    # 100 sequential runs in one loop: the figure crun's README quotes.
    title = f"{args.seq} sequential runs, root"
    results[title] = {rt: [] for rt in runtimes}
    for rt in runtimes:
        t0 = time.perf_counter()
        for i in range(args.seq):
            counter += 1
            subprocess.run([runtimes[rt], "--root", state_roots[rt], "run", "-b", bundle,
                            f"q{counter}"], stdout=subprocess.DEVNULL)
        results[title][rt].append((time.perf_counter() - t0, 0))

    lines = ["| scenario | " + " | ".join(f"{rt} median (min–max)" for rt in runtimes)
             + " | warren/crun | warren/runc | peak RSS KiB (" + "/".join(runtimes) + ") |",
             "|---" * (len(runtimes) + 4) + "|"]
    for title, per in results.items():
        cells, med = [], {}
        for rt in runtimes:
            xs = [s for s, _ in per[rt]]
            if not xs:
                cells.append("failed")
                continue
            med[rt] = statistics.median(xs)
            unit = 1000.0
            cells.append(f"{med[rt]*unit:.1f} ms ({min(xs)*unit:.1f}–{max(xs)*unit:.1f})")

        def ratio(a, b):
            return f"{med[a]/med[b]:.2f}" if a in med and b in med else "–"
        rss = "/".join(str(max((m for _, m in per[rt]), default=0)) for rt in runtimes)
        lines.append(f"| {title} | " + " | ".join(cells) + f" | {ratio('warren', 'crun')} | "
                     f"{ratio('warren', 'runc')} | {rss} |")
    table = "\n".join(lines)
    with open(args.out, "w") as f:
        f.write(table + "\n")
    print(table)
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
