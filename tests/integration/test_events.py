"""docker events: history with since/until, filters, live streaming (from the containers issue)."""
import json
import subprocess
import time

import docker as dockerpy

from conftest import run


def test_events_history_and_filters(cli, daemon, names):
    start = time.time() - 0.01
    n = names("ev")
    cli("run", "--name", n, "-l", "evlabel=1", "busybox", "sh", "-c", "exit 3", check=False)
    cli("rm", n, check=True)
    until = time.time() + 0.2
    p = cli("events", "--since", f"{start:.3f}", "--until", f"{until:.3f}", "--filter", f"container={n}",
            "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.strip().split("\n")
    actions = [l.split()[1] for l in lines]
    assert actions[:1] == ["create"]
    for a in ["start", "die", "destroy"]:
        assert a in actions, lines
    assert actions.index("start") < actions.index("die") < actions.index("destroy")
    assert all(l.endswith(" " + n) for l in lines)
    p = cli("events", "--since", f"{start:.3f}", "--until", f"{until:.3f}", "--filter", "event=die",
            "--filter", "label=evlabel=1", "--format", "{{json .}}")
    evs = [json.loads(l) for l in p.stdout.strip().split("\n") if l]
    assert len(evs) == 1
    e = evs[0]
    assert e["status"] == "die" and e["id"] == e["Actor"]["ID"] and e["from"] == "busybox"
    assert e["Actor"]["Attributes"]["exitCode"] == "3" and e["Type"] == "container" and e["scope"] == "local"


def test_events_stream_live(daemon, names):
    n = names("evl")
    proc = subprocess.Popen(["docker", "events", "--filter", f"container={n}", "--format", "{{.Action}}"],
                            env=daemon.env(), stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        run(["docker", "run", "--rm", "--name", n, "busybox", "true"], daemon, check=True)
        seen = []
        deadline = time.time() + 20
        while time.time() < deadline and "destroy" not in seen:
            seen.append(proc.stdout.readline().strip())
        assert seen[:2] == ["create", "attach"] or seen[0] == "create"
        assert "start" in seen and "die" in seen and "destroy" in seen
    finally:
        proc.kill()
        proc.wait()


def test_events_dockerpy(daemon, names):
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    try:
        since = time.time() - 0.01
        c = client.containers.create("busybox", ["true"], name=names("evp"))
        c.remove()
        evs = list(client.events(since=since, until=time.time() + 0.2, decode=True,
                                 filters={"type": "container", "container": c.id}))
        assert [e["Action"] for e in evs] == ["create", "destroy"]
    finally:
        client.close()
