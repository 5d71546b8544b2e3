"""docker exec through the docker CLI, wharf and docker-py."""
import json
import subprocess
import time

import docker as dockerpy
import pytest

from conftest import run
from test_cli import run_in_pty


@pytest.fixture
def running(cli, names):
    n = names("ex")
    cli("run", "-d", "--name", n, "busybox", "sleep", "1000", check=True)
    return n


def test_exec_output_and_exit_code(cli, running):
    p = cli("exec", running, "echo", "hi-exec")
    assert p.returncode == 0 and p.stdout == "hi-exec\n"
    p = cli("exec", running, "sh", "-c", "echo out; echo err >&2; exit 5")
    assert p.returncode == 5
    assert p.stdout == "out\n" and p.stderr == "err\n"


def test_exec_stdin_user_workdir_env(cli, running):
    p = cli("exec", "-i", running, "sh", "-c", "cat; exit 6", input="data-to-exec\n")
    assert p.returncode == 6 and p.stdout == "data-to-exec\n"
    p = cli("exec", "-u", "65534", "-w", "/tmp", "-e", "X=1", running, "sh", "-c", "id -u; pwd; echo $X; echo $HOSTNAME")
    lines = p.stdout.split()
    assert lines[:3] == ["65534", "/tmp", "1"]
    assert len(lines[3]) == 12


def test_exec_detached(cli, running):
    assert cli("exec", "-d", running, "sh", "-c", "echo done > /tmp/flag").returncode == 0
    for _ in range(100):
        if cli("exec", running, "cat", "/tmp/flag").stdout == "done\n":
            break
        time.sleep(0.05)
    assert cli("exec", running, "cat", "/tmp/flag").stdout == "done\n"


def test_exec_errors(cli, running, names):
    p = cli("exec", running, "/no/such/binary")
    assert p.returncode == 126
    assert "OCI runtime exec failed" in p.stdout + p.stderr
    stopped = names()
    cli("create", "--name", stopped, "busybox", "true", check=True)
    p = cli("exec", stopped, "true")
    assert p.returncode != 0
    assert "is not running" in p.stderr


def test_exec_tty(cli, running, daemon):
    out, code = run_in_pty([cli.exe, "exec", "-it", running, "sh"], daemon.env(), b"stty size; echo tty-$((2*21)); exit 3\n")
    assert b"tty-42" in out
    assert code == 3


def test_exec_inspect_and_concurrency(daemon, running):
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    try:
        c = client.containers.get(running)
        code, out = c.exec_run(["sh", "-c", "echo via-py; exit 4"])
        assert code == 4 and out == b"via-py\n"
        # Several at once.
        procs = [subprocess.Popen(["docker", "exec", running, "sh", "-c", f"sleep 0.5; echo n{i}"], env=daemon.env(),
                                  stdout=subprocess.PIPE, text=True) for i in range(4)]
        outs = sorted(p.communicate(timeout=30)[0].strip() for p in procs)
        assert outs == ["n0", "n1", "n2", "n3"]
        eid = client.api.exec_create(c.id, ["sleep", "0.2"])["Id"]
        client.api.exec_start(eid, detach=True)
        info = client.api.exec_inspect(eid)
        assert info["ContainerID"] == c.id and info["ProcessConfig"]["entrypoint"] == "sleep"
        for _ in range(100):
            info = client.api.exec_inspect(eid)
            if not info["Running"] and info["ExitCode"] is not None:
                break
            time.sleep(0.05)
        assert info["ExitCode"] == 0
        with pytest.raises(dockerpy.errors.NotFound):
            client.api.exec_inspect("nope")
    finally:
        client.close()
