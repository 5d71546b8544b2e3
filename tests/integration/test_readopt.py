"""Containers outlive the daemon: kill -9 wharfd, start it again, and it re-adopts them."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import run, wharf_bin


def test_kill9_daemon_and_readopt(fresh_daemon):
    d = fresh_daemon
    docker = lambda *a, **kw: run(["docker", *a], d, **kw)
    docker("run", "-d", "--name", "survivor", "busybox", "sh", "-c",
           "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done", check=True)
    docker("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 2; exit 5", check=True)
    time.sleep(0.3)
    d.stop(signal.SIGKILL)
    time.sleep(3)            # quitter exits while no daemon runs
    d.start()
    ps = docker("ps", "--format", "{{.Names}} {{.State}}").stdout
    assert "survivor running" in ps
    st = json.loads(docker("inspect", "quitter").stdout)[0]["State"]
    assert st["Status"] == "exited" and st["ExitCode"] == 5
    logs = docker("logs", "survivor").stdout
    assert "tick0" in logs
    # attach, wait and stop work on the re-adopted container
    attach = subprocess.Popen(["docker", "attach", "--no-stdin", "survivor"], env=d.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    waiter = subprocess.Popen(["docker", "wait", "survivor"], env=d.env(), stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    p = run([wharf_bin("wharf"), "stop", "-t", "1", "survivor"], d)
    assert p.returncode == 0
    out, _ = attach.communicate(timeout=20)
    assert "tick" in out                      # live output after the restart
    assert waiter.communicate(timeout=20)[0].strip() in ("137", "143")
    assert docker("rm", "survivor").returncode == 0


def test_sigterm_leaves_containers_running(fresh_daemon):
    d = fresh_daemon
    run(["docker", "run", "-d", "--name", "keep", "busybox", "sleep", "100"], d, check=True)
    d.stop(signal.SIGTERM)
    d.start()
    assert "keep running" in run(["docker", "ps", "--format", "{{.Names}} {{.State}}"], d).stdout
    assert run(["docker", "rm", "-f", "keep"], d).returncode == 0


def test_two_daemons_cannot_share_a_data_root(fresh_daemon):
    import subprocess
    p = subprocess.run([wharf_bin("wharfd"), "-H", "unix://" + fresh_daemon.base + "/other.sock",
                        "--data-root", fresh_daemon.data_root, "--exec-root", fresh_daemon.base + "/exec2"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20, text=True)
    assert p.returncode != 0
    assert "lock" in p.stderr


def leftovers(d):
    """Mounts under the daemon's exec root and processes started for it (shims, runc)."""
    mounts = [l.split()[4] for l in open("/proc/self/mountinfo") if l.split()[4].startswith(d.exec_root + "/containers")]
    procs = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if d.exec_root in cmd and not cmd.startswith(wharf_bin("wharfd")):
                procs.append(cmd)
    return mounts, procs


def crash_at(d, point):
    """Restarts `d` so that it kills itself with SIGKILL on reaching `point`."""
    d.stop()
    d.start(extra_env={"WHARFD_CRASH_AT": point})


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


@pytest.mark.parametrize("point,expect", [
    ("start.mounted", "created"),    # rootfs mounted and bundle written, no shim yet
    ("start.launched", "running"),   # shim up and the container created, start not sent
    ("start.started", "running"),    # process started, not yet recorded
])
def test_kill9_during_a_start(fresh_daemon, point, expect):
    d = fresh_daemon
    docker = lambda *a, **kw: run(["docker", *a], d, **kw)
    docker("create", "--name", "starter", "busybox", "sh", "-c", "echo hello; exec sleep 100", check=True)
    crash_at(d, point)
    p = docker("start", "starter")
    assert p.returncode != 0                     # the daemon died under the request
    d.proc.wait(10)
    d.start()
    state = lambda: json.loads(docker("inspect", "starter").stdout)[0]["State"]
    st = wait_for(lambda: state() if state()["Status"] == expect else None) or state()
    assert st["Status"] == expect, st
    if expect == "created":
        assert leftovers(d) == ([], [])         # the half-made start is undone
        assert docker("start", "starter").returncode == 0
    assert st["Pid"] > 0 or expect == "created"
    assert wait_for(lambda: "hello" in docker("logs", "starter").stdout)
    assert docker("ps", "--format", "{{.Names}}").stdout.split() == ["starter"]
    assert docker("rm", "-f", "starter").returncode == 0
    assert wait_for(lambda: leftovers(d) == ([], [])), leftovers(d)


def test_kill9_during_an_exit_loses_nothing(fresh_daemon):
    d = fresh_daemon
    docker = lambda *a, **kw: run(["docker", *a], d, **kw)
    docker("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
           "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.1; done", check=True)
    crash_at(d, "exit.received")
    docker("run", "-d", "--name", "ender", "busybox", "sh", "-c", "echo last words; sleep 1; exit 7", check=True)
    docker("run", "-d", "--name", "again", "--restart", "on-failure", "busybox", "sh", "-c",
           "echo go; sleep 2; exit 1", check=True)
    d.proc.wait(15)                              # died recording ender's exit
    time.sleep(2.5)                              # `again` fails while no daemon runs
    d.start()
    st = json.loads(docker("inspect", "ender").stdout)[0]["State"]
    assert (st["Status"], st["ExitCode"]) == ("exited", 7)
    assert docker("logs", "ender").stdout == "last words\n"
    # The restart policy resumes: `again` failed while the daemon was away and runs again.
    assert wait_for(lambda: docker("logs", "again").stdout.count("go") >= 2), docker("logs", "again").stdout
    # The ticker's log has no gap across the crash.
    ticks = [int(l[4:]) for l in docker("logs", "ticker").stdout.split()]
    assert ticks == list(range(len(ticks))) and len(ticks) > 20
    assert docker("rm", "-f", "ticker", "ender", "again").returncode == 0
    assert wait_for(lambda: leftovers(d) == ([], [])), leftovers(d)
