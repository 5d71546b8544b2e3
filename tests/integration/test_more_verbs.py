"""pause/unpause, rename, top and container prune through the docker CLI (and docker-py)."""
import json
import time

import docker as dockerpy

from conftest import api, run


def docker(daemon, *args, **kw):
    return run(["docker", *args], daemon, **kw)


def test_pause_unpause(cli, names):
    n = names("pz")
    cli("run", "-d", "--name", n, "busybox", "sh", "-c",
           "i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done", check=True)
    time.sleep(0.5)
    assert cli("pause", n).returncode == 0
    info = json.loads(cli("inspect", n).stdout)[0]["State"]
    assert info["Status"] == "paused" and info["Paused"] is True and info["Running"] is True
    assert "(Paused)" in cli("ps", "--filter", "name=" + n, "--format", "{{.Status}}").stdout
    p = cli("pause", n)
    assert p.returncode != 0 and "is already paused" in p.stderr
    p = cli("exec", n, "true")
    assert p.returncode != 0 and "is paused, unpause the container before exec" in p.stderr
    before = cli("logs", n).stdout
    time.sleep(0.5)
    assert cli("logs", n).stdout == before       # frozen: no new output
    assert cli("unpause", n).returncode == 0
    time.sleep(0.5)
    assert len(cli("logs", n).stdout) > len(before)
    p = cli("unpause", n)
    assert p.returncode != 0 and "is not paused" in p.stderr
    # A paused container can still be stopped and removed.
    assert cli("pause", n).returncode == 0
    assert cli("rm", "-f", n).returncode == 0


def test_rename(cli, names):
    a, b, c = names(), names(), names()
    cli("create", "--name", a, "busybox", "true", check=True)
    cli("create", "--name", c, "busybox", "true", check=True)
    assert cli("rename", a, b).returncode == 0
    assert json.loads(cli("inspect", b).stdout)[0]["Name"] == "/" + b
    assert cli("inspect", a).returncode != 0
    p = cli("rename", b, c)
    assert p.returncode != 0 and "Error when allocating new name: Conflict." in p.stderr
    p = cli("rename", b, "bad name")
    assert p.returncode != 0 and "Invalid container name" in p.stderr
    # The old name is free again.
    cli("create", "--name", a, "busybox", "true", check=True)


def test_rename_survives_restart(fresh_daemon):
    d = fresh_daemon
    docker(d, "create", "--name", "before", "busybox", "true", check=True)
    docker(d, "rename", "before", "after", check=True)
    d.stop()
    d.start()
    assert json.loads(docker(d, "inspect", "after").stdout)[0]["Name"] == "/after"


def test_top(cli, names):
    n = names()
    cli("run", "-d", "--name", n, "busybox", "sh", "-c", "sleep 1000", check=True)
    p = cli("top", n)
    assert p.returncode == 0
    assert "UID" in p.stdout and "sleep 1000" in p.stdout
    p = cli("top", n, "-o", "pid,comm")
    lines = p.stdout.split("\n")
    assert lines[0].split() == ["PID", "COMMAND"]
    assert any(l.split()[-1:] == ["sleep"] or l.split()[-1:] == ["sh"] for l in lines[1:] if l)
    stopped = names()
    cli("create", "--name", stopped, "busybox", "true", check=True)
    p = cli("top", stopped)
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


def test_port_without_published_ports(cli, names):
    n = names("port")
    cli("run", "-d", "--name", n, "--network", "none", "busybox", "sleep", "100", check=True)
    p = cli("port", n)
    assert p.returncode == 0 and p.stdout == ""
    p = cli("port", n, "80")
    assert p.returncode == 1 and f"No public port '80' published for {n}" in p.stderr
    p = cli("port", "nope-ctr")
    assert p.returncode == 1 and "No such container: nope-ctr" in p.stderr
