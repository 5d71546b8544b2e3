"""pause/unpause, rename, top and container prune through the docker CLI (and docker-py)."""
import json
import time

import docker as dockerpy

from conftest import api, run


def docker(daemon, *args, **kw):
    return run(["docker", *args], daemon, **kw)


def test_pause_unpause(daemon, names):
    n = names("pz")
    docker(daemon, "run", "-d", "--name", n, "busybox", "sh", "-c",
           "i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done", check=True)
    time.sleep(0.5)
    assert docker(daemon, "pause", n).returncode == 0
    info = json.loads(docker(daemon, "inspect", n).stdout)[0]["State"]
    assert info["Status"] == "paused" and info["Paused"] is True and info["Running"] is True
    assert "(Paused)" in docker(daemon, "ps", "--filter", "name=" + n, "--format", "{{.Status}}").stdout
    p = docker(daemon, "pause", n)
    assert p.returncode != 0 and "is already paused" in p.stderr
    p = docker(daemon, "exec", n, "true")
    assert p.returncode != 0 and "is paused, unpause the container before exec" in p.stderr
    before = docker(daemon, "logs", n).stdout
    time.sleep(0.5)
    assert docker(daemon, "logs", n).stdout == before       # frozen: no new output
    assert docker(daemon, "unpause", n).returncode == 0
    time.sleep(0.5)
    assert len(docker(daemon, "logs", n).stdout) > len(before)
    p = docker(daemon, "unpause", n)
    assert p.returncode != 0 and "is not paused" in p.stderr
    # A paused container can still be stopped and removed.
    assert docker(daemon, "pause", n).returncode == 0
    assert docker(daemon, "rm", "-f", n).returncode == 0


def test_rename(daemon, names):
    a, b, c = names(), names(), names()
    docker(daemon, "create", "--name", a, "busybox", "true", check=True)
    docker(daemon, "create", "--name", c, "busybox", "true", check=True)
    assert docker(daemon, "rename", a, b).returncode == 0
    assert json.loads(docker(daemon, "inspect", b).stdout)[0]["Name"] == "/" + b
    assert docker(daemon, "inspect", a).returncode != 0
    p = docker(daemon, "rename", b, c)
    assert p.returncode != 0 and "Error when allocating new name: Conflict." in p.stderr
    p = docker(daemon, "rename", b, "bad name")
    assert p.returncode != 0 and "Invalid container name" in p.stderr
    # The old name is free again.
    docker(daemon, "create", "--name", a, "busybox", "true", check=True)


def test_rename_survives_restart(fresh_daemon):
    d = fresh_daemon
    docker(d, "create", "--name", "before", "busybox", "true", check=True)
    docker(d, "rename", "before", "after", check=True)
    d.stop()
    d.start()
    assert json.loads(docker(d, "inspect", "after").stdout)[0]["Name"] == "/after"


def test_top(daemon, names):
    n = names()
    docker(daemon, "run", "-d", "--name", n, "busybox", "sh", "-c", "sleep 1000", check=True)
    p = docker(daemon, "top", n)
    assert p.returncode == 0
    assert "UID" in p.stdout and "sleep 1000" in p.stdout
    p = docker(daemon, "top", n, "-o", "pid,comm")
    lines = p.stdout.split("\n")
    assert lines[0].split() == ["PID", "COMMAND"]
    assert any(l.split()[-1:] == ["sleep"] or l.split()[-1:] == ["sh"] for l in lines[1:] if l)
    stopped = names()
    docker(daemon, "create", "--name", stopped, "busybox", "true", check=True)
    p = docker(daemon, "top", stopped)
    assert p.returncode != 0 and "is not running" in p.stderr


def test_container_prune(daemon, names):
    keep, gone, labelled = names(), names(), names()
    docker(daemon, "run", "-d", "--name", keep, "busybox", "sleep", "100", check=True)
    docker(daemon, "create", "--name", gone, "busybox", "true", check=True)
    docker(daemon, "create", "--name", labelled, "-l", "keep=yes", "busybox", "true", check=True)
    status, _, body = api(daemon, "POST", '/containers/prune?filters={"label!":{"keep=yes":true}}')
    assert status == 200
    out = json.loads(body)
    gone_id = json.loads(docker(daemon, "inspect", keep).stdout)[0]["Id"]  # running one stays
    assert gone_id not in (out["ContainersDeleted"] or [])
    assert docker(daemon, "inspect", gone).returncode != 0
    assert docker(daemon, "inspect", labelled).returncode == 0
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    try:
        res = client.containers.prune(filters={"label": "keep=yes"})
        assert len(res["ContainersDeleted"]) == 1
    finally:
        client.close()
    assert docker(daemon, "inspect", keep).returncode == 0
