"""docker stats from cgroups (from the containers issue)."""
import json
import subprocess
import time

import docker as dockerpy

from conftest import run, wharf_bin


def test_stats_no_stream_shows_real_figures(daemon, names):
    n = names("st")
    run(["docker", "run", "-d", "--name", n, "-m", "64m", "--pids-limit", "20", "busybox", "sh", "-c",
         "while true; do :; done"], daemon, check=True)
    time.sleep(0.5)
    p = run(["docker", "stats", "--no-stream", "--format", "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}", n], daemon,
            timeout=30)
    assert p.returncode == 0, p.stderr
    name, cpu, mem, pids = p.stdout.strip().split("|")
    assert name == n
    assert float(cpu.rstrip("%")) > 10          # a busy loop
    assert mem.endswith("64MiB") and not mem.startswith("0B")
    assert int(pids) >= 1
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    try:
        s = client.containers.get(n).stats(stream=False)
        assert s["memory_stats"]["limit"] == 64 * 1024 * 1024
        assert s["pids_stats"]["limit"] == 20
        assert s["cpu_stats"]["cpu_usage"]["total_usage"] > s["precpu_stats"]["cpu_usage"]["total_usage"] > 0
        assert s["id"] == client.containers.get(n).id and s["name"] == "/" + n
    finally:
        client.close()


def test_stats_stream_and_stopped(daemon, names):
    n = names("sts")
    run(["docker", "run", "-d", "--name", n, "busybox", "sleep", "100"], daemon, check=True)
    proc = subprocess.Popen(["docker", "stats", "--format", "{{.Name}} {{.PIDs}}", n], env=daemon.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)
    proc.kill()
    out = proc.communicate()[0].decode(errors="replace")
    assert n in out
    stopped = names("stx")
    run(["docker", "create", "--name", stopped, "busybox", "true"], daemon, check=True)
    p = run(["docker", "stats", "--no-stream", "--format", "{{.PIDs}} {{.MemUsage}}", stopped], daemon, timeout=30)
    assert p.returncode == 0 and p.stdout.split()[0] == "0"


def test_wharf_stats_matches_docker(daemon, names):
    n = names("stw")
    run(["docker", "run", "-d", "--name", n, "-m", "64m", "busybox", "sleep", "100"], daemon, check=True)
    fmt = "{{.Name}}|{{.MemUsage}}|{{.NetIO}}|{{.PIDs}}"
    outs = []
    for tool in ("docker", "wharf"):
        p = run([tool if tool == "docker" else wharf_bin("wharf"), "stats", "--no-stream", "--format", fmt, n], daemon, timeout=30)
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout.strip().split("|"))
    assert outs[0][0] == outs[1][0] == n
    assert outs[1][1].endswith(" / 64MiB") and outs[1][2:] == outs[0][2:]
    p = run([wharf_bin("wharf"), "stats", "--no-stream", n], daemon, timeout=30)
    head, row = p.stdout.splitlines()
    assert head.split() == ["CONTAINER", "ID", "NAME", "CPU", "%", "MEM", "USAGE", "/", "LIMIT", "MEM", "%",
                            "NET", "I/O", "BLOCK", "I/O", "PIDS"]
    assert row.split()[1] == n
    # Without names: the running containers.
    p = run([wharf_bin("wharf"), "stats", "--no-stream", "--format", "{{.Name}}"], daemon, timeout=30)
    assert n in p.stdout.split()
    p = run([wharf_bin("wharf"), "stats", "--no-stream", "nope-ctr"], daemon, timeout=30)
    assert p.returncode != 0 and "No such container: nope-ctr" in p.stderr
