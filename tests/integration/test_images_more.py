"""Image history, prune and list filters (the images issue)."""
import json
import time

from conftest import run


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


def test_history(cli, daemon, names):
    n = names("hist")
    docker(daemon, "run", "--name", n, "busybox", "sh", "-c", "head -c 3000 /dev/zero > /blob", check=True)
    tag = f"hist-{'w' if 'wharf' in cli.exe else 'd'}:1"
    docker(daemon, "commit", "-m", "added a blob", n, tag, check=True)
    p = cli("history", tag)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
    assert len(lines) == 3
    image_id = json.loads(docker(daemon, "image", "inspect", tag).stdout)[0]["Id"]
    assert lines[1].startswith(image_id[7:19]) and "added a blob" in lines[1] and "3kB" in lines[1], lines[1]
    assert lines[2].startswith("<missing>")
    p = cli("history", "--no-trunc", "--format", "{{.ID}}|{{.Size}}", tag)
    assert p.stdout.splitlines()[0] == f"{image_id}|3kB", p.stdout
    status, _, body = __import__("conftest").api(daemon, "GET", f"/images/{tag}/history")
    rows = json.loads(body)
    assert rows[0]["Tags"] == [f"docker.io/library/{tag}"] or rows[0]["Tags"] == [tag]
    assert rows[1]["Id"] == "<missing>" and rows[1]["Tags"] is None
    docker(daemon, "rmi", tag)
    p = cli("history", "no-such-image:9")
    assert p.returncode != 0 and "No such image" in p.stderr


def test_image_prune(cli, daemon, names):
    n = names("prn")
    docker(daemon, "run", "--name", n, "busybox", "true", check=True)
    dangling = docker(daemon, "commit", n).stdout.strip()          # no tag: dangling
    tagged = f"prune-keep-{'w' if 'wharf' in cli.exe else 'd'}:1"
    docker(daemon, "commit", "-c", "LABEL prunetest=1", n, tagged, check=True)
    p = cli("image", "prune", "-f")
    assert p.returncode == 0, p.stderr
    assert f"deleted: {dangling}" in p.stdout and "Total reclaimed space:" in p.stdout, p.stdout
    assert docker(daemon, "image", "inspect", dangling).returncode != 0
    assert docker(daemon, "image", "inspect", tagged).returncode == 0
    # -a: unused tagged images too, never one a container uses (busybox is used by `n`).
    p = cli("image", "prune", "-a", "-f", "--filter", "label=prunetest=1")
    assert p.returncode == 0, p.stderr
    assert f"untagged: {tagged}" in p.stdout, p.stdout
    assert docker(daemon, "image", "inspect", "busybox").returncode == 0


def test_images_before_since_filters(daemon, names):
    n = names("bs")
    docker(daemon, "run", "--name", n, "busybox", "true", check=True)
    docker(daemon, "commit", n, "bs-old:1", check=True)
    time.sleep(1.1)
    docker(daemon, "commit", n, "bs-new:1", check=True)
    p = docker(daemon, "images", "--filter", "since=bs-old:1", "--format", "{{.Repository}}")
    assert "bs-new" in p.stdout.split() and "bs-old" not in p.stdout.split(), p.stdout
    p = docker(daemon, "images", "--filter", "before=bs-new:1", "--format", "{{.Repository}}")
    assert "bs-old" in p.stdout.split() and "bs-new" not in p.stdout.split(), p.stdout
    docker(daemon, "rmi", "bs-old:1", "bs-new:1")
