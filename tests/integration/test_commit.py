"""docker commit (from the containers issue)."""
import json

from conftest import run


def docker(d, *a, **kw):
    return run(["docker", *a], d, **kw)


def test_commit_with_changes_and_message(cli, daemon, names):
    n = names("cm")
    docker(daemon, "run", "--name", n, "busybox", "sh", "-c", "echo committed > /hello; rm /bin/vi", check=True)
    p = cli("commit", "-a", "tester", "-m", "my message", "-c", 'CMD ["cat", "/hello"]', "-c", "ENV A=b",
               n, "committed-img:v1")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().startswith("sha256:")
    img = json.loads(docker(daemon, "image", "inspect", "committed-img:v1").stdout)[0]
    assert img["Config"]["Cmd"] == ["cat", "/hello"]
    assert "A=b" in img["Config"]["Env"]
    assert img["Author"] == "tester" and img["Comment"] == "my message"
    assert len(img["RootFS"]["Layers"]) == 2
    p = docker(daemon, "run", "--rm", "committed-img:v1")
    assert p.stdout == "committed\n"
    p = docker(daemon, "run", "--rm", "committed-img:v1", "sh", "-c", "ls /bin/vi || echo gone")
    assert "gone" in p.stdout                                    # the whiteout survived the commit
    # A running container, paused for the commit and running afterwards.
    m = names("cmr")
    docker(daemon, "run", "-d", "--name", m, "busybox", "sh", "-c", "echo x > /state; sleep 100", check=True)
    p = cli("commit", m)
    assert p.returncode == 0 and p.stdout.startswith("sha256:")
    assert json.loads(docker(daemon, "inspect", m).stdout)[0]["State"]["Status"] == "running"
    docker(daemon, "rmi", "committed-img:v1", check=True)
    p = cli("commit", "nope-container", "x:1")
    assert p.returncode != 0 and "No such container: nope-container" in p.stderr
