"""Containers outlive the daemon: kill -9 wharfd, start it again, and it re-adopts them."""
import json
import signal
import subprocess
import time

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
