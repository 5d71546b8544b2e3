"""docker-py 7.1 against wharfd."""
import docker
import pytest


@pytest.fixture
def client(daemon):
    c = docker.DockerClient(base_url=daemon.host, version="auto", timeout=60)
    yield c
    c.close()


def test_run_and_remove(client):
    out = client.containers.run("busybox", ["echo", "hi from docker-py"], remove=True)
    assert out == b"hi from docker-py\n"


def test_detached_lifecycle(client, names):
    n = names("py")
    c = client.containers.run("busybox", ["sh", "-c", "echo ready; sleep 100"], detach=True, name=n,
                              labels={"app": "py"})
    c.reload()
    assert c.status == "running"
    assert c.labels["app"] == "py"
    assert n in [x.name for x in client.containers.list(filters={"label": "app=py"})]
    for _ in range(50):
        if c.logs() == b"ready\n":
            break
        import time
        time.sleep(0.1)
    assert c.logs() == b"ready\n"
    c.stop(timeout=1)
    c.reload()
    assert c.status == "exited"
    assert c.wait()["StatusCode"] == 137
    c.remove()
    with pytest.raises(docker.errors.NotFound):
        client.containers.get(n)


def test_errors(client):
    with pytest.raises(docker.errors.ImageNotFound):
        client.containers.create("nope-image:1")
    with pytest.raises(docker.errors.NotFound) as e:
        client.containers.get("nope-container")
    assert "No such container: nope-container" in str(e.value)


def test_images(client):
    img = client.images.get("busybox")
    assert "busybox:latest" in img.tags
    assert img.attrs["Config"]["Cmd"] == ["sh"]
    assert any("busybox:latest" in i.tags for i in client.images.list())


def test_exit_code(client):
    c = client.containers.run("busybox", ["sh", "-c", "exit 7"], detach=True)
    assert c.wait()["StatusCode"] == 7
    c.remove()
