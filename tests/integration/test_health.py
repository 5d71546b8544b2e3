"""Health checks (from the containers issue)."""
import json
import subprocess
import time

from conftest import ROOT, run


def docker(d, *a, **kw):
    return run(["docker", *a], d, **kw)


def health(d, n):
    return json.loads(docker(d, "inspect", n).stdout)[0]["State"].get("Health")


def wait_status(d, n, status, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        h = health(d, n)
        if h and h["Status"] == status:
            return h
        time.sleep(0.2)
    raise AssertionError(f"{n} never became {status}: {health(d, n)}")


def test_health_cmd_starting_unhealthy_healthy(daemon, names):
    n = names("hc")
    since = time.time() - 0.01
    docker(daemon, "run", "-d", "--name", n, "--health-cmd", "test -f /tmp/ok", "--health-interval", "1s",
           "--health-retries", "2", "busybox", "sh", "-c", "sleep 3.5; touch /tmp/ok; sleep 100", check=True)
    assert health(daemon, n)["Status"] == "starting"
    assert "(health: starting)" in docker(daemon, "ps", "--filter", "name=" + n, "--format", "{{.Status}}").stdout
    h = wait_status(daemon, n, "unhealthy")
    assert h["FailingStreak"] >= 2 and h["Log"][-1]["ExitCode"] == 1
    h = wait_status(daemon, n, "healthy")
    assert h["FailingStreak"] == 0 and h["Log"][-1]["ExitCode"] == 0
    assert "(healthy)" in docker(daemon, "ps", "--filter", "name=" + n, "--format", "{{.Status}}").stdout
    assert n in docker(daemon, "ps", "--filter", "health=healthy", "--format", "{{.Names}}").stdout
    p = docker(daemon, "events", "--since", f"{since:.3f}", "--until", f"{time.time():.3f}", "--filter",
               f"container={n}", "--format", "{{.Action}}")
    actions = p.stdout.split("\n")
    assert "health_status: unhealthy" in actions and "health_status: healthy" in actions


def test_image_healthcheck_and_no_healthcheck(daemon, names):
    tar = subprocess.run([ROOT + "/scripts/make-busybox-rootfs.sh"], stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["docker", "import", "-c", 'CMD ["sleep", "100"]', "-c", "HEALTHCHECK --interval=1s CMD true", "-",
                    "hc-image:1"], input=tar, env=daemon.env(), check=True, stdout=subprocess.DEVNULL)
    n = names("hci")
    docker(daemon, "run", "-d", "--name", n, "hc-image:1", check=True)
    cfg = json.loads(docker(daemon, "inspect", n).stdout)[0]["Config"]["Healthcheck"]
    assert cfg["Test"] == ["CMD-SHELL", "true"]      # shell form, as Docker stores it
    wait_status(daemon, n, "healthy")
    m = names("hcn")
    docker(daemon, "run", "-d", "--name", m, "--no-healthcheck", "hc-image:1", check=True)
    time.sleep(1.5)
    assert health(daemon, m) is None
    docker(daemon, "rm", "-f", n, m)
    docker(daemon, "rmi", "hc-image:1")
