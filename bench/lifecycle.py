#!/usr/bin/env python3
"""Side-by-side lifecycle benchmark of warren, runc and crun.

Run through bench/lifecycle, which puts this script in a private mount namespace with a plain
cgroup2 mount on /sys/fs/cgroup and builds the spawn helper. Every scenario runs each runtime
once per round; the rounds go over all scenarios in turn and the order of the runtimes rotates
from round to round (warren, runc, crun; then runc, crun, warren; ...), so that drift of the
machine hits all runtimes alike. Round 0 warms caches and is dropped. Reports medians, min-max
and the ratios warren/crun and warren/runc as a markdown table. Not a test: nothing here passes
or fails, and a runtime that fails a scenario shows its error text in the table.
"""
import argparse
import ctypes
import datetime
import glob
import json
import os
import platform
import pwd
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BUSYBOX = "/bin/busybox"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PR_SET_CHILD_SUBREAPER = 36
CMD_TIMEOUT = 120


class Failure(Exception):
    pass


def make_rootfs(path):
    """The busybox root of scripts/lib.sh make_rootfs, from Debian's busybox-static."""
    for d in ("bin", "etc", "proc", "sys", "dev", "tmp", "root", "home"):
        os.makedirs(os.path.join(path, d), exist_ok=True)
    os.chmod(os.path.join(path, "tmp"), 0o1777)
    shutil.copy(BUSYBOX, os.path.join(path, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        link = os.path.join(path, "bin", a)
        if not os.path.lexists(link):
            os.symlink("busybox", link)
    with open(os.path.join(path, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n")
    with open(os.path.join(path, "etc", "group"), "w") as f:
        f.write("root:x:0:\ntty:x:5:\nnogroup:x:65534:\n")


def make_bundle(base, name, warren, args, rootless=False, net=False, multirange=False,
                user=None, seccomp=False):
    """A bundle from `warren spec [--rootless]`, adjusted so that all three runtimes accept it."""
    bundle = os.path.join(base, name)
    os.makedirs(bundle)
    make_rootfs(os.path.join(bundle, "rootfs"))
    subprocess.run([warren, "spec", "--bundle", bundle] + (["--rootless"] if rootless else []),
                   check=True)
    cfgp = os.path.join(bundle, "config.json")
    with open(cfgp) as f:
        cfg = json.load(f)
    # warren writes 1.2.0, which crun 1.8 refuses ("unknown version specified"); nothing in
    # these configs is newer than 1.0.2.
    cfg["ociVersion"] = "1.0.2"
    # warren applies no cgroup limits yet (it warns); runc and crun would load a device
    # filter, and crun 1.8 raises RLIMIT_MEMLOCK for it, which fails here without
    # CAP_SYS_RESOURCE. Without resources all three do the same work. See bench/README.md.
    cfg["linux"].pop("resources", None)
    # The default seccomp profile of `warren spec` is kept only for the row that measures
    # it: elsewhere the rows compare the runtimes' own work (the previous tables had no
    # profile either).
    if not seccomp:
        cfg["linux"].pop("seccomp", None)
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = args
    cfg["root"]["readonly"] = True
    ns = cfg["linux"]["namespaces"]
    if net and not any(n["type"] == "network" for n in ns):
        ns.append({"type": "network"})
    if not net:
        cfg["linux"]["namespaces"] = [n for n in ns if n["type"] != "network"]
    if rootless:
        cfg["linux"]["uidMappings"] = [{"containerID": 0, "hostID": user.uid, "size": 1}]
        cfg["linux"]["gidMappings"] = [{"containerID": 0, "hostID": user.gid, "size": 1}]
        if multirange:
            cfg["linux"]["uidMappings"].append(
                {"containerID": 1, "hostID": user.subuid[0], "size": user.subuid[1]})
            cfg["linux"]["gidMappings"].append(
                {"containerID": 1, "hostID": user.subgid[0], "size": user.subgid[1]})
    with open(cfgp, "w") as f:
        json.dump(cfg, f, indent=1)
    if rootless:
        subprocess.run(["chown", "-R", f"{user.uid}:{user.gid}", bundle], check=True)
    return bundle


def subid_range(path, name, uid):
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split(":")
                if len(parts) == 3 and parts[0] in (name, str(uid)):
                    return int(parts[1]), min(int(parts[2]), 65536)
    except OSError:
        pass
    return None


class User:
    def __init__(self, name):
        pw = pwd.getpwnam(name)
        self.name, self.uid, self.gid, self.home = name, pw.pw_uid, pw.pw_gid, pw.pw_dir
        self.groups = os.getgrouplist(name, pw.pw_gid)
        self.subuid = subid_range("/etc/subuid", name, self.uid)
        self.subgid = subid_range("/etc/subgid", name, self.uid)
        self.env = {"PATH": PATH, "HOME": self.home, "USER": name, "LOGNAME": name,
                    "XDG_RUNTIME_DIR": f"/run/user/{self.uid}"}


def error_text(path, limit=160):
    """The last line of a runtime's stderr worth showing, cleaned for a table cell."""
    try:
        with open(path, errors="replace") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
    except OSError:
        return ""
    # runc and crun log JSON or logfmt; take the msg field when there is one.
    picked = ""
    for ln in reversed(lines):
        if ln.startswith("==") or "warning" in ln.lower():
            continue
        picked = ln
        break
    if not picked and lines:
        picked = lines[-1]
    m = re.search(r'msg="((?:[^"\\]|\\.)*)"', picked)
    if m:
        picked = m.group(1).replace('\\"', '"')
    picked = picked.replace("|", "/")
    return picked[:limit] + ("…" if len(picked) > limit else "")


class Bench:
    def __init__(self, args):
        self.args = args
        self.base = tempfile.mkdtemp(prefix="warren-bench-")
        os.chmod(self.base, 0o755)
        self.errfile = os.path.join(self.base, "stderr")
        self.counter = 0
        self.root_env = {"PATH": PATH, "HOME": "/root"}

    def next_id(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def spawn(self, cmd, user=None, repeat=1, host_ns=False, keep_stdout=False,
              timeout=CMD_TIMEOUT):
        """Run cmd under the spawn helper; return a dict of secs, rss (KiB), cpu (secs).

        Raises Failure with the command's error text when it exits non-zero."""
        helper = [self.args.spawn]
        pass_fds = ()
        if user is not None:
            helper += ["-u", str(user.uid), "-g", str(user.gid),
                       "-G", ",".join(str(g) for g in user.groups)]
        if host_ns:
            helper += ["-m", str(self.args.host_mntns_fd)]
            pass_fds = (self.args.host_mntns_fd,)
        if repeat > 1:
            helper += ["-n", str(repeat)]
        if keep_stdout:
            helper += ["-k"]
        env = user.env if user is not None else self.root_env
        with open(self.errfile, "w") as err:
            p = subprocess.Popen(helper + ["--"] + cmd, stdout=subprocess.PIPE, stderr=err,
                                 env=env, cwd=self.base, pass_fds=pass_fds,
                                 start_new_session=True, text=True)
            try:
                out, _ = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.communicate()
                raise Failure(f"timeout after {timeout} s")
        self.reap()
        fields = out.split()
        if p.returncode != 0 or len(fields) != 5:
            raise Failure("spawn helper: " + error_text(self.errfile))
        ns, rss, code, _, cpu_us = (int(x) for x in fields)
        if code != 0:
            raise Failure(f"exit {code}: " + error_text(self.errfile))
        return {"secs": ns / 1e9, "rss": rss, "cpu": cpu_us / 1e6}

    def reap(self):
        """Container inits orphaned by create or run -d come to us (a subreaper)."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return

    def wait_exit(self, pid, timeout=CMD_TIMEOUT):
        """Wait for a container init that create left behind; it is our child by then."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                wpid, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                # Not ours (no subreaper?): poll for the pid to go away.
                if not os.path.exists(f"/proc/{pid}"):
                    return
                wpid = 0
            if wpid == pid:
                return
            if time.monotonic() > deadline:
                raise Failure(f"container init {pid} did not exit")
            time.sleep(0.0002)

    def cleanup_root(self, rt_path, root, user=None):
        """Delete what a failed round may have left in a state root."""
        if not os.path.isdir(root):
            return
        for cid in os.listdir(root):
            if os.path.isdir(os.path.join(root, cid)) and not cid.startswith("."):
                try:
                    self.spawn([rt_path, "--root", root, "delete", "-f", cid], user=user)
                except Failure:
                    pass


def fmt_value(xs, kind):
    med = statistics.median(xs)
    if kind == "ms":
        f = lambda v: f"{v * 1000:.1f}"
        return f"{f(med)} ms ({f(min(xs))}–{f(max(xs))})", med
    if kind == "s":
        f = lambda v: f"{v:.2f}"
        return f"{f(med)} s ({f(min(xs))}–{f(max(xs))})", med
    if kind == "KiB":
        return f"{med:,.0f} KiB ({min(xs):,.0f}–{max(xs):,.0f})", med
    return f"{med:,.0f}", med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warren", required=True)
    ap.add_argument("--spawn", required=True, help="the lifecycle-spawn helper")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1, help="rounds run first and dropped")
    ap.add_argument("--runtimes", default="warren,runc,crun")
    ap.add_argument("--user", help="unprivileged user for the rootless scenarios")
    ap.add_argument("--out", default="bench-lifecycle.md")
    ap.add_argument("--seq", type=int, default=100, help="runs in the sequential scenario")
    ap.add_argument("--state-dir", help="where the state roots go (a tmpfs, as /run is on "
                    "most hosts); default: the bench's temporary directory")
    ap.add_argument("--host-mntns-fd", type=int,
                    help="fd open on the host's mount namespace, for the host-layout row")
    ap.add_argument("--no-instructions", action="store_true",
                    help="skip counting instructions (perf or callgrind)")
    args = ap.parse_args()

    started = time.monotonic()
    args.load_before = os.getloadavg()[0]
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("warning: cannot become a subreaper; waits poll /proc", file=sys.stderr)

    runtimes = {}
    for name in args.runtimes.split(","):
        path = args.warren if name == "warren" else shutil.which(name, path=PATH)
        if path is None:
            print(f"skipping {name}: not installed", file=sys.stderr)
            continue
        runtimes[name] = os.path.abspath(path)
    names = list(runtimes)

    b = Bench(args)
    user = None
    if args.user:
        user = User(args.user)
        os.chmod(b.base, 0o755)

    # State roots: one per runtime, and one owned by the test user for rootless scenarios,
    # on the tmpfs the wrapper mounts; one more on the bench's disk directory.
    state_dir = args.state_dir or b.base
    roots = {}
    for rt in names:
        roots[rt] = tempfile.mkdtemp(prefix="state-" + rt + "-", dir=state_dir)
        os.chmod(roots[rt], 0o755)
        roots[rt + "-disk"] = os.path.join(b.base, "state-disk-" + rt)
        os.makedirs(roots[rt + "-disk"])
        roots[rt + "-x"] = roots[rt] + "-x"  # the long-running containers of `exec`
        os.makedirs(roots[rt + "-x"])
        if user is not None:
            for suffix in ("-u", "-ux"):  # rootless runs; rootless long-running containers
                roots[rt + suffix] = roots[rt] + suffix
                os.makedirs(roots[rt + suffix], mode=0o700)
                os.chown(roots[rt + suffix], user.uid, user.gid)

    warren = args.warren
    bundles = {
        "root": make_bundle(b.base, "root", warren, ["/bin/true"]),
        "root-net": make_bundle(b.base, "root-net", warren, ["/bin/true"], net=True),
        "root-seccomp": make_bundle(b.base, "root-seccomp", warren, ["/bin/true"],
                                    seccomp=True),
        "sleep": make_bundle(b.base, "sleep", warren, ["/bin/sleep", "1000000"]),
    }
    if user is not None:
        bundles["rl"] = make_bundle(b.base, "rl", warren, ["/bin/true"], rootless=True,
                                    user=user)
        bundles["rl-net"] = make_bundle(b.base, "rl-net", warren, ["/bin/true"],
                                        rootless=True, net=True, user=user)
        bundles["rl-sleep"] = make_bundle(b.base, "rl-sleep", warren,
                                          ["/bin/sleep", "1000000"], rootless=True, user=user)
        if user.subuid and user.subgid:
            bundles["rl-multi"] = make_bundle(b.base, "rl-multi", warren, ["/bin/true"],
                                              rootless=True, multirange=True, user=user)

    # results[key][rt] = list of measurement dicts; failures[key][rt] = list of texts
    results, failures, notes = {}, {}, {}

    def record(key, rt, fn, keep):
        try:
            m = fn()
        except Failure as e:
            failures.setdefault(key, {}).setdefault(rt, []).append(str(e))
            return None
        if keep:
            results.setdefault(key, {}).setdefault(rt, []).append(m)
        return m

    def run_once(rt, bundle, who=None, host_ns=False, disk=False):
        root = roots[rt + ("-u" if who else "-disk" if disk else "")]
        return lambda: b.spawn([runtimes[rt], "--root", root, "run", "-b", bundle,
                                b.next_id("c")], user=who, host_ns=host_ns)

    def split_once(rt, keep):
        """create → start → wait for the init to exit → delete, each step timed."""
        root, cid = roots[rt], b.next_id("s")
        pidfile = os.path.join(b.base, cid + ".pid")
        steps = {}
        try:
            steps["create"] = b.spawn([runtimes[rt], "--root", root, "create", "-b",
                                       bundles["root"], "--pid-file", pidfile, cid])
            with open(pidfile) as f:
                pid = int(f.read().strip())
            steps["start"] = b.spawn([runtimes[rt], "--root", root, "start", cid])
            t0 = time.perf_counter()
            b.wait_exit(pid)
            steps["wait"] = {"secs": time.perf_counter() - t0}
            steps["delete"] = b.spawn([runtimes[rt], "--root", root, "delete", cid])
        except (Failure, OSError, ValueError) as e:
            step = next(s for s in ("create", "start", "wait", "delete") if s not in steps)
            failures.setdefault("split", {}).setdefault(rt, []).append(f"{step}: {e}")
            b.cleanup_root(runtimes[rt], root)
            return
        if keep:
            total = sum(s["secs"] for s in steps.values())
            results.setdefault("split", {}).setdefault(rt, []).append({"secs": total})
            for s, m in steps.items():
                results.setdefault("split-" + s, {}).setdefault(rt, []).append(m)

    # exec: one long-running container per runtime, as root and (with --user) rootless; a
    # runtime whose exec says it is not supported gets "n/a (not implemented)".
    exec_ids = {}  # (key, rt) -> container id
    exec_kinds = [("exec", "-x", "sleep", None)]
    if user is not None:
        exec_kinds.append(("exec-rl", "-ux", "rl-sleep", user))
    for key, suffix, bundle_key, who in exec_kinds:
        for rt in names:
            cid = b.next_id("x")
            try:
                b.spawn([runtimes[rt], "--root", roots[rt + suffix], "run", "-d", "-b",
                         bundles[bundle_key], cid], user=who)
                exec_ids[key, rt] = cid
                b.spawn([runtimes[rt], "--root", roots[rt + suffix], "exec", cid, "/bin/true"],
                        user=who)
            except Failure as e:
                if "not supported" in str(e) or "not implemented" in str(e):
                    notes.setdefault(key, {})[rt] = "n/a (not implemented)"
                else:
                    failures.setdefault(key, {}).setdefault(rt, []).append(str(e))

    # The floor: the helper forking and exec'ing /bin/true.
    def floor_once():
        return b.spawn(["/bin/true"])

    total_rounds = args.warmup + args.rounds
    for r in range(total_rounds):
        keep = r >= args.warmup
        order = names[r % len(names):] + names[:r % len(names)]
        print(f"round {r + 1}/{total_rounds}{'' if keep else ' (warm-up)'}: "
              f"{', '.join(order)}  [{time.monotonic() - started:.0f} s]", file=sys.stderr)
        record("floor", "-", floor_once, keep)
        for rt in order:
            record("run-root", rt, run_once(rt, bundles["root"]), keep)
        for rt in order:
            record("run-root-net", rt, run_once(rt, bundles["root-net"]), keep)
        for rt in order:
            record("run-root-seccomp", rt, run_once(rt, bundles["root-seccomp"]), keep)
        for key in ("rl", "rl-net", "rl-multi"):
            if key in bundles:
                for rt in order:
                    record("run-" + key, rt, run_once(rt, bundles[key], who=user), keep)
        for rt in order:
            record("run-disk", rt, run_once(rt, bundles["root"], disk=True), keep)
        if args.host_mntns_fd is not None:
            for rt in order:
                record("run-host", rt, run_once(rt, bundles["root"], host_ns=True), keep)
        for rt in order:
            split_once(rt, keep)
        for key, suffix, _, who in exec_kinds:
            for rt in order:
                if (key, rt) in exec_ids and rt not in notes.get(key, {}):
                    record(key, rt, lambda: b.spawn(
                        [runtimes[rt], "--root", roots[rt + suffix], "exec", exec_ids[key, rt],
                         "/bin/true"], user=who), keep)
        for rt in order:
            record("seq", rt, lambda: b.spawn(
                [runtimes[rt], "--root", roots[rt], "run", "-b", bundles["root"],
                 f"q{r}-{{i}}"], repeat=args.seq, timeout=CMD_TIMEOUT * 5), keep)

    for key, suffix, _, who in exec_kinds:
        for rt in names:
            if (key, rt) not in exec_ids:
                continue
            try:
                b.spawn([runtimes[rt], "--root", roots[rt + suffix], "kill", exec_ids[key, rt],
                         "KILL"], user=who)
            except Failure:
                pass
            time.sleep(0.2)
            b.reap()
            b.cleanup_root(runtimes[rt], roots[rt + suffix], user=who)

    # Instructions per `run`: perf when the CPU counter works, else callgrind.
    instr_mode = None
    if not args.no_instructions:
        instr_mode = count_instructions(b, runtimes, roots, bundles["root"], results, failures)

    for rt in names:
        b.cleanup_root(runtimes[rt], roots[rt])
        b.cleanup_root(runtimes[rt], roots[rt + "-disk"])
        if user is not None:
            b.cleanup_root(runtimes[rt], roots[rt + "-u"], user=user)

    table = render(args, names, runtimes, user, results, failures, notes, instr_mode,
                   time.monotonic() - started)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(table)
    print(table, end="")
    shutil.rmtree(b.base, ignore_errors=True)
    for rt in names:
        shutil.rmtree(roots[rt], ignore_errors=True)
        shutil.rmtree(roots[rt + "-x"], ignore_errors=True)
        if user is not None:
            shutil.rmtree(roots[rt + "-u"], ignore_errors=True)
            shutil.rmtree(roots[rt + "-ux"], ignore_errors=True)


def perf_works():
    perf = shutil.which("perf", path=PATH)
    if perf is None:
        return None, "perf not installed"
    p = subprocess.run([perf, "stat", "-x,", "-e", "instructions", "--", "/bin/true"],
                       capture_output=True, text=True)
    first = (p.stderr.strip().splitlines() or [""])[-1]
    value = first.split(",")[0]
    if p.returncode == 0 and value.isdigit():
        return perf, None
    return None, f"perf stat -e instructions: {value or first or 'failed'}"


def count_instructions(b, runtimes, roots, bundle, results, failures):
    perf, why = perf_works()
    if perf is not None:
        mode = "perf stat -e instructions (median of 5 runs; runtime and its children)"
        for rt, path in runtimes.items():
            for _ in range(5):
                out = os.path.join(b.base, "perf.out")
                cmd = [perf, "stat", "-x,", "-e", "instructions", "-o", out, "--", path,
                       "--root", roots[rt], "run", "-b", bundle, b.next_id("p")]
                try:
                    b.spawn(cmd)
                    with open(out) as f:
                        n = next(int(ln.split(",")[0]) for ln in f
                                 if ln.split(",")[0].isdigit())
                    results.setdefault("instr", {}).setdefault(rt, []).append({"n": n})
                except (Failure, StopIteration, OSError) as e:
                    failures.setdefault("instr", {}).setdefault(rt, []).append(str(e))
                    break
        return mode
    vg = shutil.which("valgrind", path=PATH)
    mode = (f"valgrind --tool=callgrind, one run, Ir of all runtime processes ({why})")
    if vg is None:
        for rt in runtimes:
            failures.setdefault("instr", {}).setdefault(rt, []).append(
                f"{why}; valgrind not installed")
        return mode
    for rt, path in runtimes.items():
        outdir = tempfile.mkdtemp(prefix="cg-" + rt + "-", dir=b.base)
        cmd = [vg, "--tool=callgrind", "--trace-children=yes",
               "--trace-children-skip=*/busybox,/bin/true",
               f"--callgrind-out-file={outdir}/cg.%p", path, "--root", roots[rt], "run",
               "-b", bundle, b.next_id("v")]
        try:
            b.spawn(cmd, timeout=600)
        except Failure as e:
            text = str(e)
            with open(b.errfile, errors="replace") as f:
                log = f.read()
            m = re.search(r"unhandled instruction bytes: ((?:0x[0-9A-F]+ ?){3})", log)
            if m:
                text = (text.split(":")[0] + ": valgrind cannot decode instruction "
                        + m.group(1).strip() + " (SIGILL)")
            failures.setdefault("instr", {}).setdefault(rt, []).append(
                "under callgrind: " + text)
            b.cleanup_root(path, roots[rt])
            continue
        total = 0
        for fn in glob.glob(os.path.join(outdir, "cg.*")):
            with open(fn) as f:
                for ln in f:
                    if ln.startswith("summary:") or ln.startswith("totals:"):
                        total += int(ln.split()[1])
                        break
        results.setdefault("instr", {}).setdefault(rt, []).append({"n": total})
    return mode


ROWS = [
    # key, metric, kind, label
    ("run-root", "secs", "ms", "`run` /bin/true, root"),
    ("run-root-net", "secs", "ms", "`run` /bin/true, root, network namespace"),
    ("run-root-seccomp", "secs", "ms",
     "`run` /bin/true, root, with the seccomp profile `warren spec` writes (~380 rules)"),
    ("run-rl", "secs", "ms", "`run` /bin/true, rootless, own uid mapped"),
    ("run-rl-net", "secs", "ms", "`run` /bin/true, rootless, own uid, network namespace"),
    ("run-rl-multi", "secs", "ms",
     "`run` /bin/true, rootless, newuidmap 0→uid, 1..65536→subuid"),
    ("run-disk", "secs", "ms", "`run` /bin/true, root, state root on disk (ext4), not tmpfs"),
    ("run-host", "secs", "ms", "`run` /bin/true, root, host cgroup layout (no private cgroup2)"),
    ("split", "secs", "ms", "create → start → wait for exit → delete, root (sum)"),
    ("split-create", "secs", "ms", "  … create"),
    ("split-start", "secs", "ms", "  … start"),
    ("split-wait", "secs", "ms", "  … wait for the init to exit (no ratio: often ≈ 0)"),
    ("split-delete", "secs", "ms", "  … delete"),
    ("exec", "secs", "ms", "`exec` /bin/true in a running container, root"),
    ("exec-rl", "secs", "ms", "`exec` /bin/true in a running container, rootless, own uid"),
    ("seq", "secs", "s", "{seq} sequential `run`s in one loop, root (total)"),
    ("run-root", "rss", "KiB", "peak RSS (wait4 ru_maxrss), `run`, root"),
    ("run-rl", "rss", "KiB", "peak RSS (wait4 ru_maxrss), `run`, rootless own uid"),
    ("run-rl-multi", "rss", "KiB", "peak RSS (wait4 ru_maxrss), `run`, rootless newuidmap"),
    ("run-root", "cpu", "ms", "CPU time user+sys (wait4 rusage), `run`, root"),
    ("instr", "n", "n", "instructions per `run`, root: {instr}"),
]


def render(args, names, runtimes, user, results, failures, notes, instr_mode, elapsed):
    def version(rt):
        try:
            out = subprocess.run([runtimes[rt], "--version"], capture_output=True, text=True,
                                 timeout=10).stdout
            return (out.splitlines() or ["?"])[0]
        except (OSError, subprocess.SubprocessError):
            return "?"

    ratio_pairs = [(a, b) for a, b in (("warren", "crun"), ("warren", "runc"))]
    head = ["scenario"] + names + [f"{a}/{b}" for a, b in ratio_pairs]
    lines = [
        f"warren lifecycle benchmark, {datetime.date.today().isoformat()}, "
        f"{platform.node()} (Linux {platform.release()}, {os.cpu_count()} CPUs); "
        f"{args.rounds} rounds after {args.warmup} warm-up, runtimes alternating each round, "
        f"{elapsed / 60:.1f} min in all; load average {args.load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after.",
        "Versions: " + "; ".join(f"{rt}: {version(rt)}" for rt in names) + ".",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for key, metric, kind, label in ROWS:
        if key not in results and key not in failures and key not in notes:
            continue
        label = label.format(seq=args.seq, instr=instr_mode or "-")
        cells, med = [], {}
        for rt in names:
            xs = [m[metric] for m in results.get(key, {}).get(rt, []) if metric in m]
            fails = failures.get(key, {}).get(rt, [])
            note = notes.get(key, {}).get(rt)
            if note:
                cells.append(note)
            elif xs:
                text, med[rt] = fmt_value(xs, kind)
                if fails:
                    text += f"; {len(fails)} failed: {fails[0]}"
                cells.append(text)
            elif fails:
                cells.append(f"**failed**: {fails[0]}")
            else:
                cells.append("–")
        for a, b in ratio_pairs:
            ok = a in med and b in med and med[b] and key != "split-wait"
            cells.append(f"{med[a] / med[b]:.2f}" if ok else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    floor = [m["secs"] for m in results.get("floor", {}).get("-", [])]
    floor_rss = [m["rss"] for m in results.get("floor", {}).get("-", [])]
    lines.append("")
    if floor:
        lines.append(f"Floor: the spawn helper's fork + exec + wait of /bin/true takes "
                     f"{statistics.median(floor) * 1000:.1f} ms (median), peak RSS "
                     f"{statistics.median(floor_rss):,.0f} KiB; each timed command includes one fork + "
                     f"exec like it.")
    lines.append("Medians with min–max over the rounds; ratios are of medians (< 1: warren "
                 "is faster or smaller).")
    if user is None:
        lines.append("Rootless rows skipped: no test user.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
