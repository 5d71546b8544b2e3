"""Integration fixtures: a real wharfd on a temporary data root, real runc containers,
and the real docker CLI, docker-py and wharf's CLI as clients. Everything a test run
creates (daemon, shims, mounts, cgroups, directories) is removed at the end, also when a
test fails."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("WHARF_BIN") or os.path.join(ROOT, ".build", "debug")


def wharf_bin(name):
    return os.path.join(BIN, name)


class Daemon:
    """One wharfd process on its own data root, exec root and socket."""

    def __init__(self, base):
        self.base = base
        self.data_root = os.path.join(base, "data")
        self.exec_root = os.path.join(base, "exec")
        self.sock = os.path.join(base, "wharf.sock")
        self.host = "unix://" + self.sock
        self.log_path = os.path.join(base, "wharfd.log")
        self.proc = None

    def start(self, extra_env=None, extra_args=()):
        log = open(self.log_path, "ab")
        env = dict(os.environ)
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [wharf_bin("wharfd"), "-H", self.host, "--data-root", self.data_root,
             "--exec-root", self.exec_root, "--log-level", "debug", *extra_args],
            stdout=log, stderr=log, start_new_session=True, env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("wharfd exited: " + open(self.log_path).read()[-2000:])
            if os.path.exists(self.sock):
                try:
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(self.sock)
                    s.close()
                    return self
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("wharfd did not come up")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def env(self):
        e = dict(os.environ)
        e["DOCKER_HOST"] = self.host
        e["WHARF_HOST"] = self.host
        e.pop("DOCKER_CONTEXT", None)
        e["DOCKER_CONFIG"] = os.path.join(self.base, "docker-config")
        return e

    def cleanup(self):
        """Stops the daemon, then everything it left: shims and containers, mounts, cgroups."""
        self.stop()
        bundles = os.path.join(self.exec_root, "containers")
        ids = os.listdir(bundles) if os.path.isdir(bundles) else []
        for cid in ids:
            pidfile = os.path.join(bundles, cid, "shim.pid")
            try:
                pid = int(open(pidfile).read().strip())
                os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
            subprocess.run(["runc", "--root", os.path.join(self.exec_root, "runc"), "delete", "--force", cid],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        unmount_under(self.base)
        for cid in ids:
            remove_cgroups(cid)
        # Keep the daemon's log for a failed run to be read.
        try:
            shutil.copy(self.log_path, "/tmp/wharf-test-last-wharfd.log")
        except OSError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)


def unmount_under(base):
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4]
            if mp.startswith(base):
                mounts.append(mp)
    for mp in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", mp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remove_cgroups(cid):
    for root, dirs, _ in os.walk("/sys/fs/cgroup"):
        for d in dirs:
            if d == cid:
                try:
                    os.rmdir(os.path.join(root, d))
                except OSError:
                    pass
        if root.count("/") > 6:
            dirs[:] = []


def import_busybox(daemon):
    tar = subprocess.run([os.path.join(ROOT, "scripts", "make-busybox-rootfs.sh")], check=True,
                         stdout=subprocess.PIPE).stdout
    out = subprocess.run(["docker", "import", "-c", 'CMD ["sh"]', "-", "busybox:latest"],
                         input=tar, env=daemon.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert out.returncode == 0, out.stderr.decode()


@pytest.fixture(scope="session")
def daemon():
    base = tempfile.mkdtemp(prefix="wharf-test-", dir="/tmp")
    d = Daemon(base)
    try:
        d.start()
        import_busybox(d)
        yield d
    finally:
        d.cleanup()


@pytest.fixture
def fresh_daemon():
    """A daemon of the test's own, for tests that kill or restart it."""
    base = tempfile.mkdtemp(prefix="wharf-test-", dir="/tmp")
    d = Daemon(base)
    try:
        d.start()
        import_busybox(d)
        yield d
    finally:
        d.cleanup()


@pytest.fixture(scope="module")
def registry():
    """A real registry (Debian's docker-registry) on 127.0.0.1, one per test module."""
    from registry import Registry
    r = Registry()
    try:
        yield r
    finally:
        r.close()


def run(cmd, daemon, input=None, timeout=60, check=False):
    """Runs a client command against `daemon`; returns CompletedProcess with text output."""
    p = subprocess.run(cmd, env=daemon.env(), input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} failed ({p.returncode}): {p.stderr}")
    return p


@pytest.fixture(params=["docker", "wharf"])
def cli(request, daemon):
    """The same scenario through the real docker CLI and through wharf."""
    exe = "docker" if request.param == "docker" else wharf_bin("wharf")

    def call(*args, **kw):
        return run([exe, *args], daemon, **kw)
    call.name = request.param
    call.exe = exe
    return call


@pytest.fixture
def names(daemon):
    """Unique container names for a test; removes them afterwards."""
    made = []

    def make(prefix="t"):
        n = f"{prefix}-{os.getpid()}-{len(made)}-{int(time.time() * 1000) % 100000}"
        made.append(n)
        return n
    yield make
    for n in made:
        run(["docker", "rm", "-f", n], daemon)


def api(daemon, method, path, body=None, headers=None):
    """A raw HTTP request over the daemon's socket: (status, headers dict, body bytes)."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(daemon.sock)
    s.settimeout(30)
    data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    h = {"Host": "x", "Content-Length": str(len(data)), "Connection": "close"}
    if body is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    req = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    s.sendall(req.encode() + data)
    resp = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        resp += chunk
        if method == "HEAD" and b"\r\n\r\n" in resp:
            break
    s.close()
    head, _, rest = resp.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    if hdrs.get("transfer-encoding") == "chunked":
        out = b""
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            n = int(size_line, 16)
            if n == 0:
                break
            out += rest[:n]
            rest = rest[n + 2:]
        rest = out
    return status, hdrs, rest
