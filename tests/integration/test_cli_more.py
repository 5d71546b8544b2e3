"""More of the run/attach/logs surface, through both CLIs."""
import json
import os
import subprocess
import tempfile
import time

from conftest import api, run


def test_env_file_and_entrypoint(cli, tmp_path):
    env = tmp_path / "env.list"
    env.write_text("# comment\nA=1\nB=two words\n")
    p = cli("run", "--rm", "--env-file", str(env), "--entrypoint", "sh", "busybox", "-c", 'echo "$A|$B"')
    assert p.returncode == 0, p.stderr
    assert p.stdout == "1|two words\n"


def wait_for_log(cli, name, text, timeout=20):
    """Waits until the container has printed `text` (its traps are set by then)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in cli("logs", name).stdout:
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} never printed {text!r}")


def test_stop_signal_and_timeout_from_create(cli, names):
    n = names()
    # The container exits on USR1 at once; a SIGTERM would be ignored.
    cli("run", "-d", "--name", n, "--stop-signal", "USR1", "busybox", "sh", "-c",
        "trap 'exit 9' USR1; trap '' TERM; echo ready; while true; do sleep 0.1; done", check=True)
    wait_for_log(cli, n, "ready")
    start = time.time()
    assert cli("stop", n).returncode == 0
    assert time.time() - start < 3
    assert json.loads(cli("inspect", n).stdout)[0]["State"]["ExitCode"] == 9
    m = names()
    cli("run", "-d", "--name", m, "--stop-timeout", "1", "busybox", "sh", "-c",
        "trap '' TERM; echo ready; while true; do sleep 0.1; done", check=True)
    wait_for_log(cli, m, "ready")
    start = time.time()
    assert cli("stop", m).returncode == 0
    assert 0.9 < time.time() - start < 5
    assert json.loads(cli("inspect", m).stdout)[0]["Config"]["StopTimeout"] == 1


def test_attach_to_running_container_with_stdin(cli, names, daemon):
    n = names()
    cli("run", "-d", "-i", "--name", n, "busybox", "sh", "-c",
        "read line; echo got:$line; echo err >&2; exit 3", check=True)
    p = subprocess.run(f"(echo hello-attach; sleep 1) | {cli.exe} attach {n}", shell=True, env=daemon.env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    assert "got:hello-attach" in p.stdout
    assert "err" in p.stderr
    assert p.returncode == 3


def test_logs_since_until_and_stream_selection(cli, names):
    n = names()
    # The docker CLI sends --since in whole seconds: leave more than two between the lines.
    cli("run", "--name", n, "busybox", "sh", "-c", "echo one; echo two >&2; sleep 2.5; echo three", check=True)
    p = cli("logs", n)
    assert p.stdout == "one\nthree\n" and p.stderr == "two\n"
    created = json.loads(cli("inspect", n).stdout)[0]["Created"]
    p = cli("logs", "--since", "1s", n)          # only what came in the last second
    assert "one" not in p.stdout
    p = cli("logs", "--until", created, n)
    assert p.stdout == ""


def test_ps_size_and_no_trunc(cli, names):
    n = names()
    cli("run", "--name", n, "busybox", "sh", "-c", "head -c 100000 /dev/zero > /big", check=True)
    p = cli("ps", "-a", "-s", "--filter", "name=" + n, "--format", "{{.Size}}")
    assert p.stdout.strip().startswith("100kB") or p.stdout.strip().startswith("102kB"), p.stdout
    full = cli("ps", "-a", "--no-trunc", "-q", "--filter", "name=" + n).stdout.strip()
    assert len(full) == 64


def test_attach_logs_replay_api(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["echo", "replayed"]})
    cid = json.loads(body)["Id"]
    try:
        assert api(daemon, "POST", f"/containers/{cid}/start")[0] == 204
        api(daemon, "POST", f"/containers/{cid}/wait")
        status, h, body = api(daemon, "POST", f"/containers/{cid}/attach?logs=1&stdout=1")
        assert status == 200
        assert body == b"\x01\x00\x00\x00\x00\x00\x00\x09replayed\n"
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_wait_conditions_api(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["sh", "-c", "exit 6"]})
    cid = json.loads(body)["Id"]
    try:
        # A created container is not running: not-running answers at once.
        status, _, body = api(daemon, "POST", f"/containers/{cid}/wait?condition=not-running")
        assert json.loads(body) == {"Error": None, "StatusCode": 0}
        assert api(daemon, "POST", f"/containers/{cid}/start")[0] == 204
        status, _, body = api(daemon, "POST", f"/containers/{cid}/wait?condition=not-running")
        assert json.loads(body)["StatusCode"] == 6
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_tty_logs_and_exit(cli, names, daemon):
    n = names()
    p = cli("run", "-t", "--name", n, "busybox", "sh", "-c", "echo tty-out; exit 5")
    assert p.returncode == 5
    assert "tty-out" in p.stdout
    raw = subprocess.run([cli.exe, "logs", n], env=daemon.env(), stdout=subprocess.PIPE).stdout
    assert raw == b"tty-out\r\n"       # the pty's line ending, kept in the log


def test_inspect_shape(cli, names):
    n = names()
    cli("create", "--name", n, "-e", "X=1", "busybox", "true", check=True)
    info = json.loads(cli("inspect", n).stdout)[0]
    for key in ["Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath",
                "LogPath", "Name", "RestartCount", "Driver", "Platform", "HostConfig", "GraphDriver", "Mounts",
                "Config", "NetworkSettings"]:
        assert key in info, key
    assert info["Image"].startswith("sha256:")
    assert info["State"]["Status"] == "created"
    assert info["State"]["StartedAt"] == "0001-01-01T00:00:00Z"
    assert "X=1" in info["Config"]["Env"]
    assert info["Config"]["Cmd"] == ["true"]
    assert info["HostConfig"]["NetworkMode"] == "default"


def test_detach_keys(daemon, names):
    from test_cli import run_in_pty
    n = names("dk")
    run(["docker", "run", "-dit", "--name", n, "busybox", "sh"], daemon, check=True)
    # ctrl-p ctrl-q: the client leaves, the container keeps running.
    out, code = run_in_pty(["docker", "attach", n], daemon.env(), b"\x10\x11")
    assert b"read escape sequence" in out
    assert json.loads(run(["docker", "inspect", n], daemon).stdout)[0]["State"]["Running"] is True
    # Custom keys through the docker CLI on a TTY: attach, exec -it and run -it. (A fresh
    # container: the shell redraws its prompt only when the attach changes the TTY's size,
    # and the helper types once it sees a prompt.)
    n = names("dk")
    run(["docker", "run", "-dit", "--name", n, "busybox", "sh"], daemon, check=True)
    out, code = run_in_pty(["docker", "attach", "--detach-keys", "ctrl-x,x", n], daemon.env(), b"\x18x", timeout=10)
    assert b"read escape sequence" in out
    out, code = run_in_pty(["docker", "exec", "-it", "--detach-keys", "ctrl-x,x", n, "sh"], daemon.env(), b"\x18x",
                           timeout=10)
    assert b"read escape sequence" in out
    m = names("dkr")
    out, code = run_in_pty(["docker", "run", "-it", "--name", m, "--detach-keys", "ctrl-x,x", "busybox", "sh"],
                           daemon.env(), b"\x18x", timeout=10)
    assert code == 0                              # docker run leaves quietly
    assert json.loads(run(["docker", "inspect", m], daemon).stdout)[0]["State"]["Running"] is True


def test_management_commands(daemon, names):
    from conftest import wharf_bin
    n = names("mgmt")
    run(["docker", "run", "-d", "--name", n, "busybox", "sleep", "100"], daemon, check=True)
    w = lambda *a: run([wharf_bin("wharf"), *a], daemon)
    assert n in w("container", "ls", "--format", "{{.Names}}").stdout.split()
    assert "busybox" in w("image", "ls", "--format", "{{.Repository}}").stdout.split()
    assert json.loads(w("container", "inspect", n).stdout)[0]["Name"] == "/" + n
    assert w("container", "rm", "-f", n).returncode == 0
