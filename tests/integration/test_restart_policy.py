"""Restart policies (from the containers issue)."""
import json
import time

from conftest import api, run


def docker(d, *a, **kw):
    return run(["docker", *a], d, **kw)


def state(d, n):
    return json.loads(docker(d, "inspect", n).stdout)[0]


def wait_for(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_on_failure_with_max(daemon, names):
    n = names("rp")
    docker(daemon, "run", "-d", "--name", n, "--restart", "on-failure:2", "busybox", "sh", "-c", "exit 3", check=True)
    assert wait_for(lambda: state(daemon, n)["RestartCount"] == 2 and state(daemon, n)["State"]["Status"] == "exited")
    time.sleep(1)
    st = state(daemon, n)
    assert st["RestartCount"] == 2 and st["State"]["ExitCode"] == 3


def test_always_restarts_until_stopped(daemon, names):
    n = names("ra")
    docker(daemon, "run", "-d", "--name", n, "--restart", "always", "busybox", "sh", "-c", "sleep 0.3; exit 0",
           check=True)
    assert wait_for(lambda: state(daemon, n)["RestartCount"] >= 2)
    assert docker(daemon, "stop", "-t", "1", n).returncode == 0
    time.sleep(1.5)
    st = state(daemon, n)
    assert st["State"]["Status"] == "exited" and not st["State"]["Restarting"]
    count = st["RestartCount"]
    time.sleep(1)
    assert state(daemon, n)["RestartCount"] == count      # a manual stop is not undone


def test_policy_at_daemon_start(fresh_daemon):
    d = fresh_daemon
    docker(d, "run", "-d", "--name", "always", "--restart", "always", "busybox", "sleep", "1000", check=True)
    docker(d, "run", "-d", "--name", "unless", "--restart", "unless-stopped", "busybox", "sleep", "1000", check=True)
    docker(d, "stop", "-t", "1", "always", check=True)
    docker(d, "stop", "-t", "1", "unless", check=True)
    d.stop()
    d.start()
    assert wait_for(lambda: state(d, "always")["State"]["Running"])
    time.sleep(0.5)
    assert state(d, "unless")["State"]["Running"] is False
    docker(d, "rm", "-f", "always", "unless")


def test_restart_policy_validation(daemon):
    status, _, body = api(daemon, "POST", "/containers/create",
                          {"Image": "busybox", "HostConfig": {"AutoRemove": True, "RestartPolicy": {"Name": "always"}}})
    assert status == 400 and "can't create 'AutoRemove' container with restart policy" in json.loads(body)["message"]
    status, _, body = api(daemon, "POST", "/containers/create",
                          {"Image": "busybox", "HostConfig": {"RestartPolicy": {"Name": "sometimes"}}})
    assert status == 400
