"""docker cp in both directions, export and diff (from the containers issue)."""
import io
import json
import os
import subprocess
import tarfile

from conftest import api, run


def test_cp_both_directions(cli, names, tmp_path):
    n = names("cp")
    cli("run", "-d", "--name", n, "busybox", "sh", "-c", "echo inside > /tmp/in.txt; mkdir -p /data/sub; "
        "echo deep > /data/sub/f; sleep 1000", check=True)
    for _ in range(100):
        if cli("exec", n, "cat", "/tmp/in.txt").stdout == "inside\n":
            break
    out = tmp_path / "in.txt"
    assert cli("cp", f"{n}:/tmp/in.txt", str(out)).returncode == 0
    assert out.read_text() == "inside\n"
    d = tmp_path / "data"
    assert cli("cp", f"{n}:/data", str(d)).returncode == 0
    assert (d / "sub" / "f").read_text() == "deep\n"
    src = tmp_path / "host.txt"
    src.write_text("from-host\n")
    assert cli("cp", str(src), f"{n}:/tmp/").returncode == 0
    assert cli("exec", n, "cat", "/tmp/host.txt").stdout == "from-host\n"
    assert cli("cp", str(src), f"{n}:/tmp/renamed.txt").returncode == 0
    assert cli("exec", n, "cat", "/tmp/renamed.txt").stdout == "from-host\n"
    p = cli("cp", f"{n}:/nonexistent", str(tmp_path / "x"))
    assert p.returncode != 0 and "Could not find the file /nonexistent in container" in p.stderr


def test_cp_stopped_container_and_no_escape(daemon, names, tmp_path):
    n = names("cps")
    run(["docker", "run", "--name", n, "busybox", "sh", "-c", "ln -s / /escape; ln -s /etc /tmp/etclink"], daemon,
        check=True)
    # A tar whose entries try to leave the target directory.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"owned\n"
        info = tarfile.TarInfo("../../../../outside-wharf-test")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    status, _, body = api(daemon, "PUT", f"/containers/{n}/archive?path=/tmp", buf.getvalue(),
                          {"Content-Type": "application/x-tar"})
    assert status == 400, body
    assert not os.path.exists("/outside-wharf-test")
    # A path through a symlink to / stays inside the container.
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"contained\n"
        info = tarfile.TarInfo("marker-wharf-test")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    status, _, _ = api(daemon, "PUT", f"/containers/{n}/archive?path=/escape/tmp", buf.getvalue())
    assert status == 200
    assert not os.path.exists("/tmp/marker-wharf-test")
    p = subprocess.run(["docker", "cp", f"{n}:/tmp/marker-wharf-test", "-"], env=daemon.env(), stdout=subprocess.PIPE)
    assert b"contained" in p.stdout
    # HEAD gives the path stat.
    status, h, _ = api(daemon, "HEAD", f"/containers/{n}/archive?path=/tmp")
    assert status == 200
    import base64
    st = json.loads(base64.b64decode(h["x-docker-container-path-stat"]))
    assert st["name"] == "tmp" and st["mode"] & (1 << 31)


def test_export_and_diff(cli, names, tmp_path):
    n = names("ex")
    cli("run", "--name", n, "busybox", "sh", "-c", "echo x > /added; rm /bin/vi; echo y >> /etc/passwd", check=True)
    out = tmp_path / "fs.tar"
    assert cli("export", "-o", str(out), n).returncode == 0
    with tarfile.open(out) as t:
        names_in = t.getnames()
    assert any(x.endswith("bin/busybox") for x in names_in)
    assert any(x.endswith("added") for x in names_in)
    assert not any(x.endswith("bin/vi") for x in names_in)
    p = cli("diff", n)
    lines = set(p.stdout.strip().split("\n"))
    assert {"A /added", "D /bin/vi", "C /etc/passwd", "C /etc", "C /bin"} <= lines, lines
    assert not any("hostname" in l or "resolv" in l for l in lines)
