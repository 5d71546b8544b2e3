#!/usr/bin/env python3
"""Wharf's benchmark: the same docker CLI against wharfd and, when Debian's docker.io is
installed (or --install-docker), against Docker's own daemon started here on its own socket
and data root. Runs alternate between the daemons; medians and ratios are reported.

Usage: bench/bench.py [--runs N] [--install-docker] [--no-docker]
"""
import argparse
import random
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=True, **kw)


def wait_socket(path, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"daemon exited early ({proc.returncode})")
        if os.path.exists(path):
            r = subprocess.run(["docker", "-H", "unix://" + path, "version"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                return
        time.sleep(0.1)
    raise SystemExit("daemon did not come up: " + path)


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(pid):
    """RSS of a process and all its descendants (dockerd + containerd + shims)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        total += rss_kib(p)
        try:
            kids = open(f"/proc/{p}/task/{p}/children").read().split()
        except OSError:
            kids = []
        todo += [int(k) for k in kids]
    return total / 1024


class Target:
    def __init__(self, name, host, proc):
        self.name, self.host, self.proc = name, host, proc
        self.env = dict(os.environ, DOCKER_HOST=host)

    def docker(self, *args, check=True, **kw):
        return subprocess.run(["docker", *args], env=self.env, check=check, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, **kw)

    def timed(self, *args):
        t = time.perf_counter()
        self.docker(*args)
        return (time.perf_counter() - t) * 1000


def start_wharfd(base):
    os.makedirs(base, exist_ok=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
    sock = os.path.join(base, "wharf.sock")
    proc = subprocess.Popen([os.path.join(bin_dir, "wharfd"), "-H", "unix://" + sock, "--data-root",
                             os.path.join(base, "data"), "--exec-root", os.path.join(base, "exec")],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(base, "wharfd.log"), "w"),
                            start_new_session=True)
    wait_socket(sock, proc)
    return Target("wharf", "unix://" + sock, proc)


def start_dockerd(base):
    os.makedirs(base, exist_ok=True)
    sock = os.path.join(base, "docker.sock")
    proc = subprocess.Popen(["dockerd", "-H", "unix://" + sock, "--data-root", os.path.join(base, "data"),
                             "--exec-root", os.path.join(base, "exec"), "--pidfile", os.path.join(base, "docker.pid"),
                             "--iptables=false", "--ip-masq=false", "--bip", "172.31.254.1/24"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(base, "dockerd.log"), "w"),
                            start_new_session=True)
    wait_socket(sock, proc, timeout=90)
    return Target("docker", "unix://" + sock, proc)


def import_busybox(t):
    tar = subprocess.run([os.path.join(ROOT, "scripts", "make-busybox-rootfs.sh")], check=True,
                         stdout=subprocess.PIPE).stdout
    subprocess.run(["docker", "import", "-c", 'CMD ["sh"]', "-", "busybox:latest"], input=tar, env=t.env,
                   check=True, stdout=subprocess.DEVNULL)


def alternate(targets, runs, fn):
    results = {t.name: [] for t in targets}
    for i in range(runs):
        order = targets if i % 2 == 0 else list(reversed(targets))
        for t in order:
            results[t.name].append(fn(t))
    return {k: statistics.median(v) for k, v in results.items()}


def report(title, med, bar=None):
    line = f"{title:<46}" + "".join(f"{k}: {v:8.1f} ms   " for k, v in med.items())
    if "docker" in med and "wharf" in med and med["docker"] > 0:
        ratio = med["wharf"] / med["docker"]
        line += f"ratio wharf/docker: {ratio:.3f}"
        if bar:
            line += f"  (bar ≤ {bar:.2f}: {'met' if ratio <= bar else 'NOT met'})"
    print(line, flush=True)


def bench_build(targets, runs, base):
    """DESIGN.md's build: 7 steps over a context of 200 files, without cache and fully cached."""
    ctx = os.path.join(base, "build-ctx")
    os.makedirs(os.path.join(ctx, "src"), exist_ok=True)
    for i in range(200):
        with open(os.path.join(ctx, "src", f"f{i:03}.txt"), "w") as f:
            f.write(f"file {i}\n" * 20)
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write("FROM busybox\nENV A=1\nWORKDIR /app\nCOPY src /app/src\nRUN ls /app/src | wc -l > /count\n"
                "ARG V=1\nCMD [\"cat\", \"/count\"]\n")
    med = alternate(targets, runs, lambda t: t.timed("build", "--no-cache", "-q", "-t", "bench-build:1", ctx))
    report("docker build --no-cache (7 steps, 200 files)", med, 0.5)
    med = alternate(targets, runs, lambda t: t.timed("build", "-q", "-t", "bench-build:1", ctx))
    report("the same build, fully cached", med, 0.5)


def bench_images(targets, runs, base):
    """Pull of a 3-layer ~200 MB image from a local registry, then save and load of it."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    from registry import Registry, tar_of
    reg = Registry()
    try:
        rnd = random.Random(7)
        # Incompressible content, so the transfer is the size it says.
        layers = [tar_of({f"blob{i}.bin": rnd.randbytes(66 << 20)}) for i in range(3)]
        reg.push_image("bench/big", "latest", layers)
        ref = f"{reg.host}/bench/big"

        def pull(t):
            t.docker("rmi", ref, check=False)
            t.docker("image", "prune", "-f", check=False)
            return t.timed("pull", ref)
        med = alternate(targets, runs, pull)
        report("docker pull of 3 layers, 200 MB (local registry)", med, 1.0)
        archive = os.path.join(base, "big.tar")
        med = alternate(targets, runs, lambda t: t.timed("save", "-o", archive, ref))
        report("docker save of it", med, 1.0)

        def load(t):
            t.docker("save", "-o", archive, ref)
            t.docker("rmi", ref, check=False)
            return t.timed("load", "-i", archive)
        med = alternate(targets, runs, load)
        report("docker load of it", med, 1.0)
    finally:
        reg.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--install-docker", action="store_true")
    ap.add_argument("--no-docker", action="store_true")
    ap.add_argument("--no-images", action="store_true", help="skip the pull and save/load rows")
    ap.add_argument("--images-only", action="store_true", help="only the pull and save/load rows")
    args = ap.parse_args()
    sh(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=ROOT, stdout=subprocess.DEVNULL)
    if args.install_docker and not shutil.which("dockerd"):
        sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null")
    base = tempfile.mkdtemp(prefix="wharf-bench-", dir="/tmp")
    had_docker0 = os.path.exists("/sys/class/net/docker0")
    targets = []
    try:
        targets.append(start_wharfd(os.path.join(base, "w")))
        if not args.no_docker and shutil.which("dockerd"):
            targets.append(start_dockerd(os.path.join(base, "d")))
        else:
            print("Docker's daemon (docker.io) is not installed: measuring wharfd alone "
                  "(bench/bench.py --install-docker to compare)")
        for t in targets:
            import_busybox(t)
            t.docker("run", "--rm", "busybox", "true")      # warm caches
        time.sleep(1)
        if args.images_only:
            bench_build(targets, max(3, args.runs // 4), base)
            bench_images(targets, max(3, args.runs // 4), base)
            return
        idle = {t.name: tree_rss_mib(t.proc.pid) for t in targets}
        print(f"{'idle daemon RSS (with helpers)':<46}" + "".join(f"{k}: {v:8.1f} MiB  " for k, v in idle.items()))
        med = alternate(targets, args.runs, lambda t: t.timed("run", "--rm", "busybox", "true"))
        report("docker run --rm busybox true", med, 0.2)
        med = alternate(targets, args.runs, lambda t: t.timed("run", "--rm", "--network", "none", "busybox", "true"))
        report("docker run --rm --network none busybox true", med, 0.2)
        med = alternate(targets, args.runs, lambda t: t.timed("ps", "-a"))
        report("docker ps -a", med)
        for t in targets:
            t.docker("run", "-d", "--name", "bench-exec", "busybox", "sleep", "1000")
        med = alternate(targets, args.runs, lambda t: t.timed("exec", "bench-exec", "true"))
        report("docker exec C true", med, 0.5)
        def twenty(t):
            start = time.perf_counter()
            ids = [t.docker("run", "-d", "busybox", "sleep", "1000").stdout.decode().strip() for _ in range(20)]
            t.docker("rm", "-f", *ids)
            return (time.perf_counter() - start) * 1000
        med = alternate(targets, max(3, args.runs // 4), twenty)
        report("20 x run -d, then rm -f of all", med, 1 / 3)
        # 20 MB of log lines: 200,000 lines of 100 bytes.
        for t in targets:
            t.docker("run", "--name", "bench-logs", "busybox", "sh", "-c",
                     "i=0; while [ $i -lt 200000 ]; do echo \"line $i padding padding padding padding padding "
                     "padding padding padding padding padding xxxxxxxx\"; i=$((i+1)); done")
        med = alternate(targets, max(5, args.runs // 2), lambda t: t.timed("logs", "bench-logs"))
        report("docker logs (20 MB)", med, 1.0)
        bench_build(targets, max(3, args.runs // 4), base)
        if shutil.which("docker-registry") and not args.no_images:
            bench_images(targets, max(3, args.runs // 4), base)
    finally:
        for t in targets:
            subprocess.run(["docker", "rm", "-f"] + t.docker("ps", "-aq", check=False).stdout.decode().split(),
                           env=t.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t.proc.send_signal(signal.SIGTERM)
            try:
                t.proc.wait(30)
            except subprocess.TimeoutExpired:
                t.proc.kill()
        if not had_docker0 and os.path.exists("/sys/class/net/docker0"):
            subprocess.run(["ip", "link", "del", "docker0"], stderr=subprocess.DEVNULL)
        with open("/proc/self/mountinfo") as f:
            mps = [l.split()[4] for l in f if l.split()[4].startswith(base)]
        for mp in sorted(mps, key=len, reverse=True):
            subprocess.run(["umount", "-l", mp], stderr=subprocess.DEVNULL)
        if os.environ.get("BENCH_KEEP"):
            print("kept", base)
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
