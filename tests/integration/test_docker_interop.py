"""Images move between Wharf and Docker's own daemon: `docker save | docker load` both ways
and push/pull through one registry (the images issue). Runs where Debian's docker.io is
installed (`make bench` installs it); skipped otherwise, saying why."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import run

pytestmark = pytest.mark.skipif(shutil.which("dockerd") is None,
                                reason="Docker's daemon (Debian's docker.io) is not installed")


class Dockerd:
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="wharf-test-dockerd-", dir="/tmp")
        self.sock = os.path.join(self.base, "docker.sock")
        self.proc = subprocess.Popen(
            ["dockerd", "-H", "unix://" + self.sock, "--data-root", os.path.join(self.base, "data"),
             "--exec-root", os.path.join(self.base, "exec"), "--pidfile", os.path.join(self.base, "docker.pid"),
             "--iptables=false", "--ip-masq=false", "--bridge=none"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.base, "dockerd.log"), "w"), start_new_session=True)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(self.sock)
                s.close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        log = open(os.path.join(self.base, "dockerd.log")).read()[-800:]
        self.close()
        raise RuntimeError("dockerd did not start: " + log)

    def env(self):
        e = dict(os.environ)
        e["DOCKER_HOST"] = "unix://" + self.sock
        e["DOCKER_CONFIG"] = os.path.join(self.base, "docker-config")
        return e

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for line in sorted((l.split()[4] for l in open("/proc/self/mountinfo") if l.split()[4].startswith(self.base)),
                           key=len, reverse=True):
            subprocess.run(["umount", "-l", line], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def dockerd():
    try:
        d = Dockerd()
    except RuntimeError as e:
        pytest.skip(str(e))
    try:
        yield d
    finally:
        d.close()


def docker_on(d, *args, **kw):
    return subprocess.run(["docker", *args], env=d.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_save_and_load_both_ways(daemon, dockerd, names):
    # Wharf → Docker.
    n = names("interop")
    run(["docker", "run", "--name", n, "busybox", "sh", "-c", "echo from-wharf > /w.txt"], daemon, check=True)
    run(["docker", "commit", n, "interop-w:1"], daemon, check=True)
    saved = subprocess.run(["docker", "save", "interop-w:1"], env=daemon.env(), stdout=subprocess.PIPE, check=True).stdout
    p = docker_on(dockerd, "load", input=saved)
    assert p.returncode == 0 and b"Loaded image: interop-w:1" in p.stdout, p.stderr
    p = docker_on(dockerd, "run", "--rm", "--network", "none", "interop-w:1", "cat", "/w.txt")
    assert p.stdout == b"from-wharf\n", p.stderr
    # Docker → Wharf.
    p = docker_on(dockerd, "commit", "-c", "LABEL made=docker", docker_on(dockerd, "create", "interop-w:1", "true").stdout.decode().strip(),
                  "interop-d:1")
    assert p.returncode == 0, p.stderr
    saved = docker_on(dockerd, "save", "interop-d:1").stdout
    p = subprocess.run(["docker", "load"], input=saved, env=daemon.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0 and b"Loaded image: interop-d:1" in p.stdout, p.stderr
    p = run(["docker", "run", "--rm", "interop-d:1", "cat", "/w.txt"], daemon)
    assert p.stdout == "from-wharf\n", p.stderr
    run(["docker", "rmi", "interop-w:1", "interop-d:1"], daemon)


def test_push_from_docker_pull_into_wharf_and_back(daemon, dockerd, registry):
    tar = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "make-busybox-rootfs.sh")],
                         stdout=subprocess.PIPE, check=True).stdout
    ref = f"{registry.host}/interop/bb:1"
    assert docker_on(dockerd, "import", "-", ref, input=tar).returncode == 0
    p = docker_on(dockerd, "push", ref)
    assert p.returncode == 0, p.stderr
    p = run(["docker", "pull", ref], daemon)
    assert p.returncode == 0, p.stderr
    assert run(["docker", "run", "--rm", ref, "echo", "ok"], daemon).stdout == "ok\n"
    back = f"{registry.host}/interop/back:1"
    run(["docker", "tag", ref, back], daemon, check=True)
    assert run(["docker", "push", back], daemon).returncode == 0
    p = docker_on(dockerd, "pull", back)
    assert p.returncode == 0, p.stderr
    run(["docker", "rmi", ref, back], daemon)
