"""docker pull (and run of a missing image) from a real local registry (the images issue)."""
import json
import os

import pytest

from conftest import run, wharf_bin
from registry import ZSTD_LAYER, busybox_tar, tar_of


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


def test_pull_oci_image_two_layers(cli, daemon, registry):
    repo = f"pull/{cli.__name__ if hasattr(cli, '__name__') else 'x'}"
    repo = "pull/two" + ("w" if "wharf" in cli.exe else "d")
    manifest_digest, image_id = registry.push_image(repo, "v1", [busybox_tar(), tar_of({"etc/": None, "etc/greeting": b"hello from layer 2\n"})])
    ref = f"{registry.host}/{repo}:v1"
    p = cli("pull", ref)
    assert p.returncode == 0, p.stderr
    assert f"Digest: {manifest_digest}" in p.stdout and f"Status: Downloaded newer image for {ref}" in p.stdout, p.stdout
    img = json.loads(docker(daemon, "image", "inspect", ref).stdout)[0]
    assert img["Id"] == image_id and len(img["RootFS"]["Layers"]) == 2
    assert f"{registry.host}/{repo}@{manifest_digest}" in img["RepoDigests"]
    p = docker(daemon, "run", "--rm", ref, "cat", "/etc/greeting")
    assert p.stdout == "hello from layer 2\n", p.stderr
    # Again: nothing to fetch.
    p = cli("pull", ref)
    assert p.returncode == 0 and f"Image is up to date for {ref}" in p.stdout, p.stdout
    docker(daemon, "rmi", ref)


def test_pull_docker_schema2_by_digest_and_shared_layers(daemon, registry):
    base = busybox_tar()
    d1, _ = registry.push_image("pull/a", "latest", [base], media="docker")
    d2, id2 = registry.push_image("pull/b", "latest", [base, tar_of({"b.txt": b"b\n"})], media="docker")
    p = docker(daemon, "pull", f"{registry.host}/pull/a@{d1}")
    assert p.returncode == 0, p.stderr
    p = docker(daemon, "pull", f"{registry.host}/pull/b")
    assert p.returncode == 0, p.stderr
    assert "Already exists" in p.stdout                  # the base layer is shared, not fetched again
    assert json.loads(docker(daemon, "image", "inspect", f"{registry.host}/pull/b").stdout)[0]["Id"] == id2
    docker(daemon, "rmi", f"{registry.host}/pull/a@{d1}", f"{registry.host}/pull/b")


def test_run_pulls_a_missing_image(daemon, registry):
    registry.push_image("pull/runme", "latest", [busybox_tar()])
    ref = f"{registry.host}/pull/runme"
    p = docker(daemon, "run", "--rm", ref, "echo", "ran")
    assert p.returncode == 0 and p.stdout.endswith("ran\n"), (p.stdout, p.stderr)
    assert "Unable to find image" in p.stderr
    docker(daemon, "rmi", ref)


def test_pull_errors(cli, daemon, registry):
    p = cli("pull", f"{registry.host}/pull/nope:v9")
    assert p.returncode != 0 and "not found" in p.stderr and "manifest unknown" in p.stderr, p.stderr
    p = cli("pull", "127.0.0.1:1/nothing-listens")
    assert p.returncode != 0, p.stderr


def test_pull_zstd_and_uncompressed_layers(daemon, registry):
    plain = tar_of({"plain.txt": b"uncompressed\n"})
    import hashlib
    registry.push_image("pull/zstd", "latest", [busybox_tar(), ZSTD_LAYER,
                                                (plain, "application/vnd.oci.image.layer.v1.tar",
                                                 "sha256:" + hashlib.sha256(plain).hexdigest())])
    ref = f"{registry.host}/pull/zstd"
    p = docker(daemon, "pull", ref)
    assert p.returncode == 0, p.stderr
    p = docker(daemon, "run", "--rm", ref, "cat", "/d/hello.txt", "/plain.txt")
    assert p.stdout == "zstd layer content\nuncompressed\n", p.stderr
    docker(daemon, "rmi", ref)


def test_pull_index_selects_this_platform(daemon, registry):
    import hashlib
    import json as j
    mdigest, _ = registry.push_image("pull/multi", "amd64-only", [busybox_tar()])
    st, h, man = registry.request("GET", f"/v2/pull/multi/manifests/{mdigest}",
                                  headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    arm, _ = registry.push_image("pull/multi", "arm64-only", [tar_of({"arm": b"arm\n"})],
                                 config={"architecture": "arm64", "os": "linux"})
    st, h, arm_man = registry.request("GET", f"/v2/pull/multi/manifests/{arm}",
                                      headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    index = j.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm, "size": len(arm_man),
         "platform": {"architecture": "arm64", "os": "linux"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": len(man),
         "platform": {"architecture": "amd64", "os": "linux"}}]}).encode()
    st, _, body = registry.request("PUT", "/v2/pull/multi/manifests/latest", data=index,
                                   headers={"Content-Type": "application/vnd.oci.image.index.v1+json"})
    assert st == 201, body
    ref = f"{registry.host}/pull/multi"
    p = docker(daemon, "pull", ref)
    assert p.returncode == 0, p.stderr
    index_digest = "sha256:" + hashlib.sha256(index).hexdigest()
    assert f"Digest: {index_digest}" in p.stdout
    p = docker(daemon, "pull", "--platform", "linux/s390x", ref)
    assert p.returncode != 0 and "no matching manifest for linux/s390x" in p.stderr, p.stderr
    docker(daemon, "rmi", ref)


def test_two_pulls_at_once_fetch_each_blob_once(daemon, registry):
    import subprocess
    from registry import BearerProxy
    big = tar_of({"big.bin": os.urandom(3 << 20)})
    registry.push_image("pull/twice", "latest", [busybox_tar(), big])
    counter = BearerProxy(registry, require_token=False)
    try:
        ref = f"{counter.host}/pull/twice"
        procs = [subprocess.Popen(["docker", "pull", ref], env=daemon.env(), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
        blob_gets = [path for m, path in counter.requests if m == "GET" and "/blobs/sha256:" in path]
        assert len(blob_gets) == len(set(blob_gets)), blob_gets     # config + 2 layers, each once
        docker(daemon, "rmi", ref)
    finally:
        counter.close()


def test_registry_mirror_serves_hub_images(fresh_daemon, registry, tmp_path):
    registry.push_image("library/mirrored", "latest", [busybox_tar(), tar_of({"m": b"from mirror\n"})])
    cfg = tmp_path / "daemon.json"
    cfg.write_text(json.dumps({"registry-mirrors": [f"http://{registry.host}"]}))
    fresh_daemon.stop()
    fresh_daemon.start(extra_args=("--config-file", str(cfg)))
    p = run(["docker", "pull", "mirrored"], fresh_daemon)
    assert p.returncode == 0, p.stderr
    assert "Status: Downloaded newer image for mirrored:latest" in p.stdout, p.stdout
    p = run(["docker", "run", "--rm", "mirrored", "cat", "/m"], fresh_daemon)
    assert p.stdout == "from mirror\n", p.stderr


@pytest.mark.parametrize("point", ["pull.layer-applied", "load.layer-applied"])
def test_kill9_during_a_pull_or_load(fresh_daemon, registry, point, tmp_path):
    d = fresh_daemon
    repo = "crash/" + point.split(".")[0]
    registry.push_image(repo, "latest", [busybox_tar(), tar_of({"c.txt": b"crash\n"}), tar_of({"d.txt": b"d\n"})])
    ref = f"{registry.host}/{repo}"
    archive = str(tmp_path / "img.tar")
    if point.startswith("load"):
        run(["docker", "pull", ref], d, check=True)
        run(["docker", "save", "-o", archive, ref], d, check=True)
        run(["docker", "rmi", ref], d, check=True)
    d.stop()
    d.start(extra_env={"WHARFD_CRASH_AT": point})
    p = run(["docker", "pull", ref] if point.startswith("pull") else ["docker", "load", "-i", archive], d)
    assert p.returncode != 0
    d.proc.wait(10)
    d.start()
    # No half image is visible, nothing half-written is left, and the next try finishes.
    assert run(["docker", "image", "inspect", ref], d).returncode != 0
    layers = os.path.join(d.data_root, "layers")
    assert not [n for n in os.listdir(layers) if n.startswith(("tmp-", "trash-"))]
    assert not os.listdir(os.path.join(d.data_root, "content", "ingest"))
    p = run(["docker", "pull", ref] if point.startswith("pull") else ["docker", "load", "-i", archive], d)
    assert p.returncode == 0, p.stderr
    assert run(["docker", "run", "--rm", ref, "cat", "/c.txt", "/d.txt"], d).stdout == "crash\nd\n"


def test_pull_survives_a_503_and_a_reset_and_resumes_with_range(daemon, registry):
    from registry import BearerProxy
    big = tar_of({"big.bin": os.urandom(4 << 20)})
    registry.push_image("pull/flaky", "latest", [busybox_tar(), big])
    flaky = BearerProxy(registry, require_token=False, flaky=True)
    try:
        ref = f"{flaky.host}/pull/flaky"
        p = docker(daemon, "pull", ref)
        assert p.returncode == 0, p.stderr
        assert any(r.startswith("bytes=") and not r.startswith("bytes=0-") for r in flaky.ranges), flaky.ranges
        assert docker(daemon, "run", "--rm", ref, "ls", "-l", "/big.bin").returncode == 0
        docker(daemon, "rmi", ref)
    finally:
        flaky.close()


def test_pulled_image_with_a_layer_already_here_saves_and_pushes(daemon, registry, tmp_path):
    # The first layer is here already (imported, so stored as another blob than the
    # registry's gzip one): the pull does not fetch it, and save and push use the blob this
    # daemon has.
    base = busybox_tar()
    import subprocess
    subprocess.run(["docker", "import", "-", "shared-base:1"], input=base, env=daemon.env(), check=True,
                   stdout=subprocess.DEVNULL)
    registry.push_image("pull/shared", "latest", [base, tar_of({"s.txt": b"s\n"})])
    ref = f"{registry.host}/pull/shared"
    p = docker(daemon, "pull", ref)
    assert p.returncode == 0 and "Already exists" in p.stdout, p.stdout
    archive = str(tmp_path / "s.tar")
    assert docker(daemon, "save", "-o", archive, ref).returncode == 0
    assert os.path.getsize(archive) > 1_000_000
    other = f"{registry.host}/pull/shared-copy:1"
    docker(daemon, "tag", ref, other, check=True)
    p = docker(daemon, "push", other)
    assert p.returncode == 0, p.stderr
    docker(daemon, "rmi", ref, other, "shared-base:1")
