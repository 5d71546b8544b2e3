"""json-file rotation (from the containers issue): bounded files, logs read back whole and in order."""
import glob
import json
import subprocess

from conftest import run


def docker(d, *a, **kw):
    return run(["docker", *a], d, **kw)


def test_rotation_bounds_files_and_reads_back_in_order(daemon, names):
    n = names("rot")
    script = 'i=0; while [ $i -lt 400 ]; do printf "%05d %0100d\\n" $i 0; i=$((i+1)); done'
    docker(daemon, "run", "--name", n, "--log-opt", "max-size=10k", "--log-opt", "max-file=3", "busybox", "sh", "-c",
           script, check=True)
    info = json.loads(docker(daemon, "inspect", n).stdout)[0]
    files = glob.glob(info["LogPath"] + "*")
    assert len(files) <= 3
    for f in files:
        assert 0 < len(open(f, "rb").read()) <= 10_000 + 300
    out = docker(daemon, "logs", n).stdout.split("\n")[:-1]
    numbers = [int(l.split()[0]) for l in out]
    assert numbers == list(range(numbers[0], 400))     # the newest lines, none lost between files
    assert len(numbers) > 100
    tail = docker(daemon, "logs", "--tail", "5", n).stdout.split("\n")[:-1]
    assert [int(l.split()[0]) for l in tail] == [395, 396, 397, 398, 399]


def test_follow_across_rotation(daemon, names):
    n = names("rotf")
    docker(daemon, "run", "-d", "--name", n, "--log-opt", "max-size=4k", "--log-opt", "max-file=5", "busybox", "sh",
           "-c", 'i=0; while [ $i -lt 150 ]; do printf "%04d %0060d\\n" $i 0; i=$((i+1)); usleep 10000; done',
           check=True)
    p = docker(daemon, "logs", "-f", n, timeout=60)
    numbers = [int(l.split()[0]) for l in p.stdout.split("\n")[:-1]]
    # Everything the follower saw is in order without gaps; it saw the end.
    assert numbers == list(range(numbers[0], 150))


def test_log_opt_validation(daemon):
    p = docker(daemon, "create", "--log-opt", "max-file=2", "busybox")
    assert p.returncode != 0 and "max-file cannot be set without max-size" in p.stderr
    p = docker(daemon, "create", "--log-opt", "bogus=1", "busybox")
    assert p.returncode != 0 and "unknown log opt 'bogus'" in p.stderr
    p = docker(daemon, "create", "--log-driver", "none", "busybox")
    assert p.returncode == 0
    cid = p.stdout.strip()
    docker(daemon, "start", cid, check=True)
    p = docker(daemon, "logs", cid)
    assert p.returncode != 0 and "configured logging driver does not support reading" in p.stderr
    docker(daemon, "rm", "-f", cid)
