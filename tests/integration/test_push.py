"""docker push to a real local registry, and the round trip back (the images issue)."""
import json

import pytest

from conftest import run
from registry import busybox_tar, tar_of


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


def test_push_committed_image_and_pull_it_back(cli, daemon, names, registry):
    n = names("push")
    docker(daemon, "run", "--name", n, "busybox", "sh", "-c", "echo pushed-content > /pushed.txt", check=True)
    repo = f"{registry.host}/push/{'w' if 'wharf' in cli.exe else 'd'}"
    docker(daemon, "commit", n, f"{repo}:v1", check=True)
    image_id = json.loads(docker(daemon, "image", "inspect", f"{repo}:v1").stdout)[0]["Id"]
    p = cli("push", f"{repo}:v1")
    assert p.returncode == 0, p.stderr
    assert f"The push refers to repository [{repo}]" in p.stdout
    assert "Pushed" in p.stdout and "v1: digest: sha256:" in p.stdout, p.stdout
    digest = p.stdout.split("v1: digest: ")[1].split()[0]
    # The registry serves it.
    st, _, _ = registry.request("HEAD", f"/v2/push/{'w' if 'wharf' in cli.exe else 'd'}/manifests/{digest}",
                                headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    assert st == 200
    assert f"{repo}@{digest}" in json.loads(docker(daemon, "image", "inspect", f"{repo}:v1").stdout)[0]["RepoDigests"]
    # A second push finds every layer there.
    p = cli("push", f"{repo}:v1")
    assert p.returncode == 0 and "Layer already exists" in p.stdout and "Pushed" not in p.stdout, p.stdout
    # Round trip: gone locally, pulled back, same image, same content.
    docker(daemon, "rmi", f"{repo}:v1", check=True)
    p = docker(daemon, "pull", f"{repo}:v1")
    assert p.returncode == 0, p.stderr
    assert json.loads(docker(daemon, "image", "inspect", f"{repo}:v1").stdout)[0]["Id"] == image_id
    assert docker(daemon, "run", "--rm", f"{repo}:v1", "cat", "/pushed.txt").stdout == "pushed-content\n"
    docker(daemon, "rmi", f"{repo}:v1")


def test_push_mounts_blobs_from_another_repository(daemon, registry):
    registry.push_image("mnt/src", "latest", [busybox_tar(), tar_of({"m.txt": b"m\n"})])
    docker(daemon, "pull", f"{registry.host}/mnt/src", check=True)
    docker(daemon, "tag", f"{registry.host}/mnt/src", f"{registry.host}/mnt/dst:1", check=True)
    p = docker(daemon, "push", f"{registry.host}/mnt/dst:1")
    assert p.returncode == 0, p.stderr
    assert "Mounted from mnt/src" in p.stdout, p.stdout
    st, _, _ = registry.request("GET", "/v2/mnt/dst/manifests/1",
                                headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    assert st == 200
    docker(daemon, "rmi", f"{registry.host}/mnt/src", f"{registry.host}/mnt/dst:1")


def test_push_errors(cli, registry):
    p = cli("push", f"{registry.host}/never/made:v1")
    assert p.returncode != 0 and "An image does not exist locally with the tag" in p.stderr, p.stderr


def test_push_and_pull_all_tags(cli, daemon, registry):
    repo = f"{registry.host}/alltags/{'w' if 'wharf' in cli.exe else 'd'}"
    for t in ("a", "b"):
        docker(daemon, "tag", "busybox", f"{repo}:{t}", check=True)
    p = cli("push", "--all-tags", repo)
    assert p.returncode == 0, p.stderr
    assert "a: digest: sha256:" in p.stdout and "b: digest: sha256:" in p.stdout, p.stdout
    docker(daemon, "rmi", f"{repo}:a", f"{repo}:b", check=True)
    p = cli("pull", "--all-tags", repo)
    assert p.returncode == 0, p.stderr
    for t in ("a", "b"):
        assert docker(daemon, "image", "inspect", f"{repo}:{t}").returncode == 0
    docker(daemon, "rmi", f"{repo}:a", f"{repo}:b")


def test_dockerpy_push_pull_save_load(daemon, registry):
    import docker as dockerpy
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    repo = f"{registry.host}/py/img"
    try:
        img = client.images.get("busybox")
        assert img.tag(repo, "v1")
        out = client.images.push(repo, tag="v1")
        assert '"Digest"' in out or "digest: sha256:" in out, out
        client.images.remove(f"{repo}:v1")
        pulled = client.images.pull(repo, tag="v1")
        assert pulled.id == img.id
        data = b"".join(pulled.save(named=True))
        client.images.remove(f"{repo}:v1")
        loaded = client.images.load(data)
        assert [i.id for i in loaded] == [img.id]
        assert f"{repo}:v1" in client.images.get(img.id).tags
        client.images.remove(f"{repo}:v1")
    finally:
        client.close()


def test_push_of_a_large_layer_uses_chunked_upload(daemon, names, registry):
    n = names("big")
    docker(daemon, "run", "--name", n, "busybox", "sh", "-c", "head -c 40000000 /dev/urandom > /big.bin", check=True)
    ref = f"{registry.host}/push/big:1"
    docker(daemon, "commit", n, ref, check=True)
    image_id = json.loads(docker(daemon, "image", "inspect", ref).stdout)[0]["Id"]
    p = docker(daemon, "push", ref)
    assert p.returncode == 0, p.stderr
    docker(daemon, "rmi", ref, check=True)
    p = docker(daemon, "pull", ref)
    assert p.returncode == 0, p.stderr
    assert json.loads(docker(daemon, "image", "inspect", ref).stdout)[0]["Id"] == image_id
    assert docker(daemon, "run", "--rm", ref, "sh", "-c", "wc -c < /big.bin").stdout.strip() == "40000000"
    docker(daemon, "rmi", ref)
