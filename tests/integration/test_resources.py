"""Resources and security options as Docker applies them (from the containers issue)."""
import json
import os

import pytest

from conftest import run

V2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")


def docker(daemon, *args, **kw):
    return run(["docker", *args], daemon, **kw)


def cgroup_read(daemon, flags, v1_path, v2_path):
    path = v2_path if V2 else v1_path
    p = docker(daemon, "run", "--rm", *flags, "busybox", "cat", path)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_memory_cpu_pids_limits(cli, daemon):
    p = cli("run", "--rm", "-m", "64m", "--cpus", "0.5", "--pids-limit", "50", "busybox", "sh", "-c",
            "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes;"
            "cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us;"
            "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    assert lines[0] == "67108864"
    assert lines[1] in ("50000", "50000 100000")
    assert lines[2] == "50"


def test_more_resource_flags(daemon):
    assert cgroup_read(daemon, ["-m", "32m", "--memory-swap", "64m"], "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes",
                       "/sys/fs/cgroup/memory.swap.max") in ("67108864", "33554432")
    assert cgroup_read(daemon, ["--cpu-shares", "512"], "/sys/fs/cgroup/cpu/cpu.shares", "/sys/fs/cgroup/cpu.weight") in ("512", "20")
    assert cgroup_read(daemon, ["--cpuset-cpus", "0"], "/sys/fs/cgroup/cpuset/cpuset.cpus", "/sys/fs/cgroup/cpuset.cpus") == "0"
    p = docker(daemon, "run", "--rm", "--ulimit", "nofile=1024:2048", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn")
    assert p.stdout.split() == ["1024", "2048"]
    p = docker(daemon, "run", "--rm", "--shm-size", "8m", "busybox", "df", "-k", "/dev/shm")
    assert "8192" in p.stdout


def test_oom_kill_is_reported(daemon, names):
    n = names("oom")
    p = docker(daemon, "run", "--name", n, "-m", "16m", "--memory-swap", "16m", "busybox", "sh", "-c",
               "x=$(head -c 200000000 /dev/zero | tr '\\000' a); echo survived", timeout=120)
    assert p.returncode == 137, (p.returncode, p.stdout, p.stderr)
    st = json.loads(docker(daemon, "inspect", n).stdout)[0]["State"]
    assert st["OOMKilled"] is True and st["ExitCode"] == 137


def test_resource_validation(cli):
    p = cli("run", "-m", "1k", "busybox")
    assert p.returncode == 125 and "Minimum memory limit allowed is 6MB" in p.stderr
    p = cli("create", "--cpus", "1000", "busybox")
    assert p.returncode != 0 and "Range of CPUs is from 0.01 to" in p.stderr
    p = cli("create", "--cap-add", "NOT_A_CAP", "busybox")
    assert p.returncode != 0 and "NOT_A_CAP" in p.stderr


def caps(cli, *flags):
    p = cli("run", "--rm", *flags, "busybox", "grep", "-E", "^(CapEff|NoNewPrivs|Seccomp):", "/proc/self/status")
    assert p.returncode == 0, p.stderr
    return dict(l.split(":\t") for l in p.stdout.strip().split("\n"))


def test_capabilities_and_security_options(cli):
    default = caps(cli)
    assert default["CapEff"] == "00000000a80425fb"
    assert default["Seccomp"] == "2" and default["NoNewPrivs"] == "0"
    assert caps(cli, "--cap-drop", "ALL")["CapEff"] == "0000000000000000"
    added = int(caps(cli, "--cap-add", "NET_ADMIN")["CapEff"], 16)
    assert added & (1 << 12)
    assert caps(cli, "--security-opt", "no-new-privileges")["NoNewPrivs"] == "1"
    assert caps(cli, "--security-opt", "seccomp=unconfined")["Seccomp"] == "0"
    # Privileged: every capability the daemon itself holds.
    own = next(l.split()[1] for l in open("/proc/self/status") if l.startswith("CapBnd:"))
    assert caps(cli, "--privileged")["CapEff"] == own


def test_read_only_sysctl_group_add(cli):
    p = cli("run", "--rm", "--read-only", "busybox", "touch", "/x")
    assert p.returncode != 0 and "Read-only file system" in p.stderr
    p = cli("run", "--rm", "--read-only", "busybox", "touch", "/tmp/../dev/shm/x")
    assert p.returncode == 0
    p = cli("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "cat", "/proc/sys/net/ipv4/ip_forward")
    assert p.stdout.strip() == "1"
    p = cli("run", "--rm", "--group-add", "50", "--group-add", "nogroup", "busybox", "id", "-G")
    assert set(p.stdout.split()) >= {"0", "50", "65534"}


def test_update_running_container(cli, daemon, names):
    n = names("up")
    docker(daemon, "run", "-d", "--name", n, "-m", "32m", "busybox", "sleep", "100", check=True)
    p = cli("update", "--memory", "64m", "--memory-swap", "128m", "--cpus", "0.5", "--restart",
            "unless-stopped", n)
    assert p.returncode == 0 and p.stdout == n + "\n", p.stderr
    p = docker(daemon, "exec", n, "sh", "-c",
               "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
    assert p.stdout.strip() == "67108864"
    info = json.loads(docker(daemon, "inspect", n).stdout)[0]["HostConfig"]
    assert info["Memory"] == 67108864 and info["NanoCpus"] == 500000000
    assert info["RestartPolicy"]["Name"] == "unless-stopped"
    # Fields left out (sent as zero by the docker CLI) keep their values.
    p = cli("update", "--cpu-shares", "512", "--pids-limit", "40", n)
    assert p.returncode == 0, p.stderr
    info = json.loads(docker(daemon, "inspect", n).stdout)[0]["HostConfig"]
    assert (info["Memory"], info["NanoCpus"], info["CpuShares"], info["PidsLimit"]) == (67108864, 500000000, 512, 40)
    p = cli("update", "--memory", "1k", n)
    assert p.returncode != 0 and "Minimum memory limit allowed is 6MB" in p.stderr
    p = cli("update", "--memory", "256m", n)
    assert p.returncode != 0 and "update the memoryswap at the same time" in p.stderr
    p = cli("update", "--memory", "8m", "no-such-ctr")
    assert p.returncode != 0 and "No such container: no-such-ctr" in p.stderr


def test_init(cli, names):
    p = cli("run", "--rm", "--init", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline")
    assert p.stdout.startswith("/sbin/docker-init -- sh"), p.stdout
    n = names("init")
    cli("run", "-d", "--init", "--name", n, "busybox", "sleep", "100", check=True)
    import time
    start = time.time()
    assert cli("stop", n).returncode == 0
    assert time.time() - start < 5                       # tini passed SIGTERM on to sleep
    assert json.loads(cli("inspect", n).stdout)[0]["State"]["ExitCode"] == 143


def test_device_flags(cli):
    # /dev/fuse is denied by Docker's default device rules: it needs --device.
    p = cli("run", "--rm", "--device", "/dev/fuse", "busybox", "sh", "-c",
            "ls -l /dev/fuse && exec 3<>/dev/fuse && echo opened")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("crw") and "10, 229" in p.stdout and "opened" in p.stdout
    # Renamed, read-only: open for writing is refused by the device cgroup.
    p = cli("run", "--rm", "--device", "/dev/fuse:/dev/myfuse:r", "busybox", "sh", "-c",
            "exec 3</dev/myfuse && echo read-ok; exec 4<>/dev/myfuse && echo write-ok")
    assert "read-ok" in p.stdout and "write-ok" not in p.stdout
    # A directory maps every device beneath it.
    p = cli("run", "--rm", "--device", "/dev/net:/dev/n2", "busybox", "ls", "/dev/n2")
    assert p.returncode == 0 and p.stdout.split() == ["tun"], (p.stdout, p.stderr)
    # Without either, mknod of the node is refused; a cgroup rule allows it.
    script = "mknod /tmp/fuse c 10 229 && exec 3<>/tmp/fuse && echo ok"
    assert "ok" not in cli("run", "--rm", "busybox", "sh", "-c", script).stdout
    p = cli("run", "--rm", "--device-cgroup-rule", "c 10:229 rwm", "busybox", "sh", "-c", script)
    assert p.returncode == 0 and "ok" in p.stdout, p.stderr
    # Privileged containers see the host's devices.
    p = cli("run", "--rm", "--privileged", "busybox", "ls", "/dev/net/tun", "/dev/loop-control")
    assert p.returncode == 0, p.stderr


def test_device_errors(cli, daemon, names):
    p = cli("run", "--rm", "--device", "/dev/does-not-exist", "busybox", "true")
    # The docker CLI turns any "no such file or directory" from the daemon into 127.
    assert p.returncode == 127
    assert 'error gathering device information while adding custom device "/dev/does-not-exist": no such file or directory' in p.stderr
    p = cli("run", "--rm", "--device", "/etc/hostname", "busybox", "true")
    assert p.returncode == 125 and "not a device node" in p.stderr
    # Bad modes and rules straight through the API, as another client could send them.
    from conftest import api
    st, _, body = api(daemon, "POST", "/containers/create", {
        "Image": "busybox", "HostConfig": {"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/x",
                                                        "CgroupPermissions": "rwx"}]}})
    assert st == 400 and b"invalid device mode: rwx" in body
    st, _, body = api(daemon, "POST", "/containers/create", {
        "Image": "busybox", "HostConfig": {"DeviceCgroupRules": ["c 1:x rwm"]}})
    assert st == 400 and b"invalid device cgroup format" in body
    # A failed start leaves the container "created" with the error and exit code 128; with
    # --rm it is gone.
    n = names("dev")
    p = cli("create", "--name", n, "--device", "/dev/does-not-exist", "busybox", "true")
    assert p.returncode == 0
    assert cli("start", n).returncode != 0
    st = json.loads(cli("inspect", n).stdout)[0]["State"]
    assert st["Status"] == "created" and st["ExitCode"] == 128 and "custom device" in st["Error"]
    assert "dev-does-not-exist" not in cli("ps", "-a", "--format", "{{.Names}}").stdout
