"""The central path through the real docker CLI and through wharf: same commands, same
results."""
import json
import os
import pty
import select
import subprocess
import time

from conftest import run, wharf_bin


def test_run_rm_echo(cli):
    p = cli("run", "--rm", "busybox", "echo", "hello")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "hello\n"


def test_run_exit_code_and_stderr(cli):
    p = cli("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3")
    assert p.returncode == 3
    assert p.stdout == "out\n"
    assert "err\n" in p.stderr


def test_run_piped_stdin(cli):
    p = cli("run", "-i", "--rm", "busybox", "sh", "-c", "cat; exit 2", input="piped-in\n")
    assert p.returncode == 2
    assert p.stdout == "piped-in\n"


def test_run_options(cli, names):
    n = names()
    p = cli("run", "--name", n, "-e", "FOO=bar", "-w", "/tmp", "-u", "65534", "-h", "myhost", "-l", "k=v",
            "busybox", "sh", "-c", 'echo $FOO $(pwd) $(id -u) $(hostname)')
    assert p.returncode == 0, p.stderr
    assert p.stdout == "bar /tmp 65534 myhost\n"
    info = json.loads(cli("inspect", n).stdout)[0]
    assert info["Name"] == "/" + n
    assert info["Config"]["Labels"]["k"] == "v"
    assert info["State"]["Status"] == "exited"
    assert info["State"]["ExitCode"] == 0
    assert cli("inspect", "-f", "{{.State.Status}}", n).stdout.strip() == "exited"


def test_detached_logs_follow_stop_rm(cli, names):
    n = names("web")
    p = cli("run", "-d", "--name", n, "busybox", "sh", "-c", "echo started; while true; do sleep 0.2; done")
    assert p.returncode == 0, p.stderr
    cid = p.stdout.strip()
    assert len(cid) == 64
    ps = cli("ps").stdout
    assert n in ps and cid[:12] in ps
    assert cli("ps", "-q").stdout.split()[0] == cid[:12] or cid[:12] in cli("ps", "-q").stdout
    p = cli("logs", n)
    assert p.stdout == "started\n"
    start = time.time()
    p = cli("stop", "-t", "1", n)
    assert p.returncode == 0 and p.stdout.strip() == n
    assert time.time() - start < 8
    st = json.loads(cli("inspect", n).stdout)[0]["State"]
    assert st["Status"] == "exited" and not st["Running"]
    assert cli("rm", n).returncode == 0
    assert cli("inspect", n).returncode != 0


def test_logs_follow_ends_when_container_exits(cli, daemon, names):
    n = names()
    cli("run", "-d", "--name", n, "busybox", "sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.3; done")
    p = cli("logs", "-f", n, timeout=30)
    assert p.returncode == 0
    assert p.stdout == "line1\nline2\nline3\n"
    p = cli("logs", "--tail", "1", n)
    assert p.stdout == "line3\n"
    p = cli("logs", "-t", n)
    first = p.stdout.splitlines()[0]
    assert first.endswith(" line1") and first[4] == "-" and "T" in first


def test_stop_ignoring_sigterm_gets_killed(cli, names):
    n = names()
    cli("run", "-d", "--name", n, "busybox", "sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done",
        check=True)
    for _ in range(200):
        if "ready" in cli("logs", n).stdout:
            break
        time.sleep(0.05)
    start = time.time()
    assert cli("stop", "-t", "1", n).returncode == 0
    elapsed = time.time() - start
    assert 0.9 < elapsed < 8
    st = json.loads(cli("inspect", n).stdout)[0]["State"]
    assert st["ExitCode"] == 137


def test_kill_restart_wait(cli, names):
    n = names()
    cli("run", "-d", "--name", n, "busybox", "sleep", "1000", check=True)
    assert cli("kill", n).returncode == 0
    assert cli("wait", n).stdout.strip() == "137"
    assert cli("restart", "-t", "1", n).returncode == 0
    assert json.loads(cli("inspect", n).stdout)[0]["State"]["Running"] is True
    assert cli("rm", n).returncode != 0        # running: refused
    assert cli("rm", "-f", n).returncode == 0


def test_create_start_attach(cli, names):
    n = names()
    assert cli("create", "--name", n, "busybox", "echo", "created-then-started").returncode == 0
    p = cli("start", "-a", n)
    assert p.returncode == 0
    assert p.stdout == "created-then-started\n"


def test_errors(cli, names):
    p = cli("run", "--rm", "nosuchimage:1")
    assert p.returncode == 125
    n = names()
    cli("create", "--name", n, "busybox", check=True)
    p = cli("create", "--name", n, "busybox")
    assert p.returncode != 0
    assert f'Conflict. The container name "/{n}" is already in use' in p.stderr
    p = cli("logs", "nosuchcontainer")
    assert "No such container: nosuchcontainer" in p.stderr
    p = cli("run", "--rm", "busybox", "/nonexistent-cmd")
    assert p.returncode == 127


def test_ps_filters(cli, names):
    a, b = names(), names()
    cli("run", "-d", "--name", a, "-l", "grp=x", "busybox", "sleep", "100", check=True)
    cli("run", "--name", b, "-l", "grp=y", "busybox", "sh", "-c", "exit 4", check=False)
    out = cli("ps", "-a", "--filter", "label=grp=x", "--format", "{{.Names}}").stdout.split()
    assert out == [a]
    out = cli("ps", "-a", "--filter", "exited=4", "--format", "{{.Names}}").stdout.split()
    assert out == [b]
    out = cli("ps", "--filter", "name=" + a, "--format", "{{.Names}} {{.State}}").stdout.strip()
    assert out == f"{a} running"
    out = cli("ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}").stdout.split()
    assert b in out and a not in out
    out = cli("ps", "-a", "-n", "1", "--format", "{{.Names}}").stdout.split()
    assert out == [b]


def test_images_tag_rmi(cli):
    tag = f"retag-{cli.name}:v1"
    assert cli("tag", "busybox", tag).returncode == 0
    assert tag in cli("images", "--format", "{{.Repository}}:{{.Tag}}").stdout
    p = cli("rmi", tag)
    assert p.returncode == 0 and "Untagged: " + tag in p.stdout
    assert cli("image", "inspect", tag).returncode != 0


def test_network_none_and_host(cli):
    p = cli("run", "--rm", "--network", "none", "busybox", "sh", "-c", "ls /sys/class/net")
    assert p.stdout.split() == ["lo"]
    p = cli("run", "--rm", "--network", "host", "busybox", "hostname")
    assert p.stdout.strip() == os.uname().nodename


def test_isolation_namespaces_and_caps(cli):
    p = cli("run", "--rm", "busybox", "sh", "-c", "echo $$; grep CapEff /proc/self/status")
    lines = p.stdout.split("\n")
    assert lines[0] == "1"                       # own PID namespace
    assert lines[1].split()[1] == "00000000a80425fb"   # Docker's default capability set


def run_in_pty(argv, env, script, timeout=20):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    out = b""
    sent = False
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        if not sent and b"# " in out:
            os.write(fd, script)
            sent = True
        wp, st = os.waitpid(pid, os.WNOHANG)
        if wp:
            status = st
            break
    if status is None:
        # Never wait forever for a client that did not finish.
        try:
            wp, status = os.waitpid(pid, os.WNOHANG)
            if not wp:
                os.kill(pid, 9)
                _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = 0
    os.close(fd)
    return out, os.waitstatus_to_exitcode(status)


def test_run_it_pty(cli, daemon):
    out, code = run_in_pty([cli.exe, "run", "-it", "--rm", "busybox", "sh"], daemon.env(),
                           b"echo typed-$((40+2))\nexit 4\n")
    assert b"typed-42" in out
    assert code == 4
