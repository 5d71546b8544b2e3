"""docker save and docker load: Docker's archive (manifest.json + the OCI layout Docker 25+
writes), older docker archives, plain OCI layouts, gzip or not (the images issue)."""
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile

import pytest

from conftest import run, wharf_bin
from registry import busybox_tar, tar_of


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


def members(path):
    with tarfile.open(path) as t:
        return {m.name: (t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()}


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="wharf-save-", dir="/tmp")
    yield d
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def test_save_then_load_round_trip(cli, daemon, names, tmp):
    n = names("sv")
    docker(daemon, "run", "--name", n, "busybox", "sh", "-c", "echo saved > /saved.txt", check=True)
    tag = f"saveme-{'w' if 'wharf' in cli.exe else 'd'}:v1"
    docker(daemon, "commit", n, tag, check=True)
    image_id = json.loads(docker(daemon, "image", "inspect", tag).stdout)[0]["Id"]
    out = os.path.join(tmp, "img.tar")
    p = cli("save", "-o", out, tag)
    assert p.returncode == 0, p.stderr
    m = members(out)
    assert {"index.json", "manifest.json", "oci-layout", "repositories"} <= set(m)
    manifest = json.loads(m["manifest.json"])
    assert manifest[0]["RepoTags"] == [tag] and manifest[0]["Config"] == "blobs/sha256/" + image_id[7:]
    for layer in manifest[0]["Layers"]:                      # plain tars named by their diff ID
        assert hashlib.sha256(m[layer]).hexdigest() == layer.split("/")[-1]
    index = json.loads(m["index.json"])
    assert index["manifests"][0]["annotations"]["io.containerd.image.name"] == "docker.io/library/" + tag
    docker(daemon, "rmi", tag, check=True)
    p = cli("load", "-i", out)
    assert p.returncode == 0 and p.stdout == f"Loaded image: {tag}\n", (p.stdout, p.stderr)
    assert json.loads(docker(daemon, "image", "inspect", tag).stdout)[0]["Id"] == image_id
    assert docker(daemon, "run", "--rm", tag, "cat", "/saved.txt").stdout == "saved\n"
    # Through stdin, gzip-compressed.
    docker(daemon, "rmi", tag, check=True)
    with open(out, "rb") as f:
        gz = gzip.compress(f.read())
    import subprocess
    p = subprocess.run([cli.exe, "load"], input=gz, env=daemon.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0 and f"Loaded image: {tag}" in p.stdout.decode(), p.stderr
    docker(daemon, "rmi", tag)


def test_docker_save_to_stdout_several_images(daemon, tmp):
    docker(daemon, "tag", "busybox", "multi-a:1", check=True)
    docker(daemon, "tag", "busybox", "multi-b:2", check=True)
    out = os.path.join(tmp, "multi.tar")
    with open(out, "wb") as f:
        import subprocess
        p = subprocess.run(["docker", "save", "multi-a:1", "multi-b:2"], env=daemon.env(), stdout=f, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    manifest = json.loads(members(out)["manifest.json"])
    assert sorted(t for e in manifest for t in e["RepoTags"]) == ["multi-a:1", "multi-b:2"]
    docker(daemon, "rmi", "multi-a:1", "multi-b:2", check=True)
    p = docker(daemon, "load", "-i", out)
    assert p.returncode == 0 and "Loaded image: multi-a:1" in p.stdout and "Loaded image: multi-b:2" in p.stdout
    docker(daemon, "rmi", "multi-a:1", "multi-b:2")
    p = docker(daemon, "save", "-o", out, "no-such-image:1")
    assert p.returncode != 0 and "No such image" in p.stderr


def write_tar(path, files):
    with tarfile.open(path, "w") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def test_load_plain_oci_layout_and_legacy_archive(daemon, tmp):
    layer = tar_of({"etc/": None, "etc/oci-marker": b"oci\n"})
    base = busybox_tar()
    diffs = ["sha256:" + hashlib.sha256(x).hexdigest() for x in (base, layer)]
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["sh"]},
                      "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
    cfg_d = hashlib.sha256(cfg).hexdigest()
    gz = gzip.compress(layer)
    layers = [(base, "application/vnd.oci.image.layer.v1.tar"), (gz, "application/vnd.oci.image.layer.v1.tar+gzip")]
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cfg_d, "size": len(cfg)},
                      "layers": [{"mediaType": t, "digest": "sha256:" + hashlib.sha256(b).hexdigest(), "size": len(b)}
                                 for b, t in layers]}).encode()
    man_d = hashlib.sha256(man).hexdigest()
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + man_d, "size": len(man),
         "annotations": {"org.opencontainers.image.ref.name": "ocilayout:v1"}}]}).encode()
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', "index.json": index,
             f"blobs/sha256/{cfg_d}": cfg, f"blobs/sha256/{man_d}": man}
    for b, _ in layers:
        files["blobs/sha256/" + hashlib.sha256(b).hexdigest()] = b
    oci = os.path.join(tmp, "oci.tar")
    write_tar(oci, files)
    p = docker(daemon, "load", "-i", oci)
    assert p.returncode == 0 and "Loaded image: ocilayout:v1" in p.stdout, (p.stdout, p.stderr)
    assert docker(daemon, "run", "--rm", "ocilayout:v1", "cat", "/etc/oci-marker").stdout == "oci\n"
    docker(daemon, "rmi", "ocilayout:v1")
    # Docker's older format: <id>/layer.tar entries and manifest.json only.
    legacy = os.path.join(tmp, "legacy.tar")
    write_tar(legacy, {"aaa/layer.tar": base, "bbb/layer.tar": layer, cfg_d + ".json": cfg,
                       "manifest.json": json.dumps([{"Config": cfg_d + ".json", "RepoTags": ["legacy:v1"],
                                                     "Layers": ["aaa/layer.tar", "bbb/layer.tar"]}]).encode()})
    p = docker(daemon, "load", "-i", legacy)
    assert p.returncode == 0 and "Loaded image: legacy:v1" in p.stdout, (p.stdout, p.stderr)
    docker(daemon, "rmi", "legacy:v1")


def test_load_rejects_bad_archives(daemon, tmp):
    bad = os.path.join(tmp, "bad.tar")
    write_tar(bad, {"hello.txt": b"not an image\n"})
    p = docker(daemon, "load", "-i", bad)
    assert p.returncode != 0 and "manifest.json" in p.stderr, p.stderr
    # A layer that does not match its diff ID.
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode()
    write_tar(bad, {"c.json": cfg, "l/layer.tar": tar_of({"x": b"x"}),
                    "manifest.json": json.dumps([{"Config": "c.json", "RepoTags": ["bad:v1"], "Layers": ["l/layer.tar"]}]).encode()})
    p = docker(daemon, "load", "-i", bad)
    assert p.returncode != 0 and "diff ID" in p.stderr, p.stderr
    # Paths in manifest.json never leave the archive.
    write_tar(bad, {"c.json": cfg, "manifest.json": json.dumps([{"Config": "../../../etc/passwd", "RepoTags": ["bad:v2"],
                                                                "Layers": []}]).encode()})
    p = docker(daemon, "load", "-i", bad)
    assert p.returncode != 0
    assert docker(daemon, "image", "inspect", "bad:v2").returncode != 0


def test_load_progress_unless_quiet(daemon, tmp):
    from conftest import api
    out = os.path.join(tmp, "p.tar")
    docker(daemon, "tag", "busybox", "progress-me:1", check=True)
    docker(daemon, "save", "-o", out, "progress-me:1", check=True)
    docker(daemon, "rmi", "progress-me:1", check=True)
    data = open(out, "rb").read()
    st, h, body = api(daemon, "POST", "/images/load?quiet=0", data, {"Content-Type": "application/x-tar"})
    assert st == 200 and h.get("content-type", h.get("Content-Type")) == "application/json"
    lines = [json.loads(l) for l in body.decode().split("\r\n") if l.strip()]
    assert lines[0]["status"] == "Loading layer" and lines[0]["progressDetail"]["total"] > 0
    assert lines[-1] == {"stream": "Loaded image: progress-me:1\n"}
    docker(daemon, "rmi", "progress-me:1", check=True)
    st, h, body = api(daemon, "POST", "/images/load?quiet=1", data, {"Content-Type": "application/x-tar"})
    assert b"Loading layer" not in body and b"Loaded image: progress-me:1" in body
    docker(daemon, "rmi", "progress-me:1")


def test_import_from_a_url(cli, daemon, tmp):
    import http.server
    import threading
    from registry import busybox_tar, free_port
    with open(os.path.join(tmp, "rootfs.tar"), "wb") as f:
        f.write(busybox_tar())
    port = free_port()
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=tmp, **kw)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        tag = f"urlimport-{'w' if 'wharf' in cli.exe else 'd'}:1"
        p = cli("import", f"http://127.0.0.1:{port}/rootfs.tar", tag)
        assert p.returncode == 0 and p.stdout.strip().startswith("sha256:"), (p.stdout, p.stderr)
        assert docker(daemon, "run", "--rm", tag, "echo", "imported").stdout == "imported\n"
        docker(daemon, "rmi", tag)
        p = cli("import", f"http://127.0.0.1:{port}/missing.tar", tag)
        assert p.returncode != 0 and "404" in p.stderr, p.stderr
        p = cli("import", "http://127.0.0.1:1/nothing.tar", tag)
        assert p.returncode != 0 and "connection refused" in p.stderr, p.stderr
    finally:
        server.shutdown()
        server.server_close()
