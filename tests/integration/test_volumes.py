"""Volumes and mounts as Docker does them: named, anonymous and read-only volumes, copy-up of
image content, binds, tmpfs, --volumes-from, volume subpaths, `volume create/ls/inspect/rm/prune`,
through the docker CLI, wharf's CLI, docker-py and the raw API. Every volume, container, image
and host directory a test makes is removed at its end, also when it fails."""
import json
import os
import re
import shutil
import tempfile
import time
import urllib.parse
import uuid

import pytest

from conftest import api, run, wharf_bin

HEX64 = re.compile(r"[0-9a-f]{64}")
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
ANON_LABEL = "com.docker.volume.anonymous"
INVALID_NAME = "includes invalid characters for a local volume name"


def docker(daemon, *args, **kw):
    return run(["docker", *args], daemon, **kw)


@pytest.fixture
def vols(daemon):
    """vols(prefix) gives a unique volume name; vols.track(name) records one the daemon named
    (anonymous volumes). All are removed at teardown."""
    made = []

    def make(prefix="v"):
        n = prefix + uuid.uuid4().hex[:10]
        made.append(n)
        return n
    make.track = made.append
    yield make
    for v in made:
        docker(daemon, "volume", "rm", "-f", v)


@pytest.fixture
def names(vols, names):
    """conftest's `names`, set up after `vols`: pytest tears fixtures down in reverse order, so a
    test's containers are removed before its volumes (a volume in use cannot be removed)."""
    return names


@pytest.fixture
def hostdir():
    d = tempfile.mkdtemp(prefix="wharf-vol-", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def data_path(daemon, name):
    return os.path.join(daemon.data_root, "volumes", name, "_data")


def vol_inspect(daemon, name):
    p = docker(daemon, "volume", "inspect", name)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)[0]


def vol_exists(daemon, name):
    return docker(daemon, "volume", "inspect", name).returncode == 0


def vol_names(daemon, *flags):
    p = docker(daemon, "volume", "ls", "-q", *flags)
    assert p.returncode == 0, p.stderr
    return set(p.stdout.split())


def mounts_of(daemon, container):
    """The container's inspect .Mounts, by destination."""
    p = docker(daemon, "inspect", container)
    assert p.returncode == 0, p.stderr
    return {m["Destination"]: m for m in json.loads(p.stdout)[0]["Mounts"]}


def df_total_kb(out):
    """The 1K-blocks column of `df -k PATH` (busybox may wrap long device names)."""
    return out.split("\n", 1)[1].split()[1]


def pruned(out):
    """The names under `Deleted Volumes:` in prune's output."""
    lines = out.split("\n")
    if "Deleted Volumes:" not in lines:
        return set()
    got = set()
    for line in lines[lines.index("Deleted Volumes:") + 1:]:
        if not line:
            break
        got.add(line)
    return got


def wait_for(pred, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


# --- volume create / inspect / ls / rm -----------------------------------------------------------

def test_volume_create_and_inspect(cli, daemon, vols):
    v = vols()
    p = cli("volume", "create", "--label", "purpose=test", "--label", "team=wharf", v)
    assert p.returncode == 0 and p.stdout == v + "\n", p.stderr
    p = cli("volume", "inspect", v)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert isinstance(out, list) and len(out) == 1, out
    info = out[0]
    assert info["Name"] == v and info["Driver"] == "local" and info["Scope"] == "local", info
    assert info["Mountpoint"] == data_path(daemon, v), info
    assert os.path.isdir(info["Mountpoint"])
    assert RFC3339.fullmatch(info["CreatedAt"]), info["CreatedAt"]
    assert info["Labels"] == {"purpose": "test", "team": "wharf"}, info
    assert not info["Options"], info                     # null (no driver options given)
    p = cli("volume", "inspect", "--format", "{{.Name}} {{.Driver}} {{.Scope}}", v)
    assert p.stdout == f"{v} local local\n", p.stderr
    # Creating an existing name gives back the same volume, labels untouched.
    p = cli("volume", "create", v)
    assert p.returncode == 0 and p.stdout == v + "\n", p.stderr
    again = vol_inspect(daemon, v)
    assert (again["Mountpoint"], again["CreatedAt"], again["Labels"]) == \
        (info["Mountpoint"], info["CreatedAt"], info["Labels"]), again


def test_volume_name_validation(cli, daemon):
    for bad in ("../x", "x/y", "bad name", ".hidden"):
        p = cli("volume", "create", bad)
        assert p.returncode != 0, (bad, p.stdout)
        assert INVALID_NAME in p.stderr, (bad, p.stderr)
    # Docker words a one-character name differently.
    p = cli("volume", "create", "a")
    assert p.returncode != 0 and "volume name is too short" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(daemon.data_root, "x"))
    assert not os.path.exists(os.path.join(daemon.data_root, "volumes", "x", "y"))


def test_missing_volume_errors(cli):
    nope = "nope" + uuid.uuid4().hex[:10]
    p = cli("volume", "inspect", nope)
    assert p.returncode == 1 and "no such volume" in p.stderr, (p.returncode, p.stderr)
    p = cli("volume", "rm", nope)
    assert p.returncode == 1 and "no such volume" in p.stderr, (p.returncode, p.stderr)
    p = cli("volume", "rm", "-f", nope)
    assert p.returncode == 0, p.stderr


def test_volume_ls_and_filters(cli, daemon, names, vols):
    tok = uuid.uuid4().hex[:8]
    a, b, c = vols(f"ls{tok}"), vols(f"ls{tok}"), vols()
    docker(daemon, "volume", "create", "--label", f"tier=red-{tok}", a, check=True)
    docker(daemon, "volume", "create", "--label", f"tier=blue-{tok}", b, check=True)
    docker(daemon, "volume", "create", c, check=True)
    docker(daemon, "create", "--name", names("ls"), "-v", f"{a}:/d", "busybox", "true", check=True)

    p = cli("volume", "ls")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    assert lines[0] == "DRIVER    VOLUME NAME", lines[0]
    assert f"local     {a}" in lines and f"local     {c}" in lines, p.stdout

    def q(*flags):
        p = cli("volume", "ls", "-q", *flags)
        assert p.returncode == 0, p.stderr
        return set(p.stdout.split())
    assert {a, b, c} <= q()
    assert q("--filter", f"name=ls{tok}") == {a, b}
    assert q("--filter", f"label=tier=red-{tok}") == {a}
    assert q("--filter", f"name=ls{tok}", "--filter", "label=tier") == {a, b}
    assert q("--filter", f"name=ls{tok}", "--filter", "dangling=true") == {b}
    assert q("--filter", f"name=ls{tok}", "--filter", "dangling=false") == {a}
    assert {a, b, c} <= q("--filter", "driver=local")
    p = cli("volume", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", f"name=ls{tok}")
    assert sorted(p.stdout.split("\n")[:-1]) == sorted([f"{a} local", f"{b} local"]), (p.stdout, p.stderr)


def test_volume_in_use_cannot_be_removed(cli, daemon, names, vols):
    v = vols()
    n = names("inuse")
    docker(daemon, "run", "--name", n, "-v", f"{v}:/d", "busybox", "true", check=True)   # stopped, still a user
    p = cli("volume", "rm", v)
    assert p.returncode != 0 and "volume is in use" in p.stderr, (p.returncode, p.stderr)
    st, _, body = api(daemon, "DELETE", f"/volumes/{v}")
    assert st == 409 and b"volume is in use" in body, (st, body)
    assert vol_exists(daemon, v)
    docker(daemon, "rm", n, check=True)
    p = cli("volume", "rm", v)
    assert p.returncode == 0 and p.stdout == v + "\n", p.stderr
    assert v not in vol_names(daemon)
    assert not os.path.exists(os.path.dirname(data_path(daemon, v)))


def test_volume_api(daemon, vols):
    v = vols()
    st, _, body = api(daemon, "POST", "/volumes/create", {"Name": v, "Labels": {"via": "api"}})
    assert st == 201, body
    info = json.loads(body)
    assert info["Name"] == v and info["Driver"] == "local" and info["Labels"] == {"via": "api"}, info
    st, _, body = api(daemon, "GET", f"/volumes/{v}")
    assert st == 200 and json.loads(body)["Mountpoint"] == data_path(daemon, v), body
    flt = urllib.parse.quote(json.dumps({"name": [v]}))
    st, _, body = api(daemon, "GET", f"/volumes?filters={flt}")
    assert st == 200, body
    assert [x["Name"] for x in json.loads(body)["Volumes"]] == [v], body
    # No name: a generated 64-hex name, marked anonymous.
    st, _, body = api(daemon, "POST", "/volumes/create", {})
    assert st == 201, body
    anon = json.loads(body)
    vols.track(anon["Name"])
    assert HEX64.fullmatch(anon["Name"]) and ANON_LABEL in (anon["Labels"] or {}), anon
    st, _, body = api(daemon, "POST", "/volumes/create", {"Name": "bad name"})
    assert st == 400 and INVALID_NAME.encode() in body, (st, body)
    st, _, body = api(daemon, "GET", "/volumes/nope" + uuid.uuid4().hex[:8])
    assert st == 404 and b"no such volume" in body, (st, body)
    st, _, body = api(daemon, "DELETE", f"/volumes/{v}")
    assert st == 204, body
    st, _, _ = api(daemon, "DELETE", f"/volumes/{v}")
    assert st == 404
    st, _, _ = api(daemon, "DELETE", f"/volumes/{v}?force=1")
    assert st == 204


# --- named volumes in containers ----------------------------------------------------------------

def test_named_volume_data_persists(cli, daemon, vols):
    v = vols()
    # -v with a name that does not exist creates the volume on the fly; --rm leaves named volumes.
    p = cli("run", "--rm", "-v", f"{v}:/data", "busybox", "sh", "-c", "echo hi > /data/f")
    assert p.returncode == 0, p.stderr
    info = vol_inspect(daemon, v)
    assert info["Mountpoint"] == data_path(daemon, v)
    with open(os.path.join(info["Mountpoint"], "f")) as f:
        assert f.read() == "hi\n"
    p = cli("run", "--rm", "-v", f"{v}:/other", "busybox", "cat", "/other/f")
    assert p.returncode == 0 and p.stdout == "hi\n", p.stderr
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/data", "busybox", "sh", "-c",
            "echo more >> /data/f; cat /data/f")
    assert p.returncode == 0 and p.stdout == "hi\nmore\n", p.stderr
    # --mount also creates a missing volume.
    w = vols()
    p = cli("run", "--rm", "--mount", f"type=volume,source={w},target=/w", "busybox", "sh", "-c", "echo w > /w/f")
    assert p.returncode == 0, p.stderr
    assert vol_exists(daemon, w)
    p = cli("run", "--rm", "-v", f"{w}:/w", "busybox", "cat", "/w/f")
    assert p.stdout == "w\n", p.stderr


def test_volume_with_tmpfs_driver_options(cli, daemon, vols):
    v = vols()
    p = cli("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", v)
    assert p.returncode == 0 and p.stdout == v + "\n", p.stderr
    info = vol_inspect(daemon, v)
    assert info["Options"] == {"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}, info
    p = cli("run", "--rm", "-v", f"{v}:/data", "busybox", "sh", "-c", "grep ' /data ' /proc/mounts; df -k /data")
    assert p.returncode == 0, p.stderr
    first, rest = p.stdout.split("\n", 1)
    assert first.split()[2] == "tmpfs", p.stdout
    assert df_total_kb(rest) == "1024", p.stdout


def test_read_only_named_volume(cli, daemon, names, vols):
    v = vols()
    docker(daemon, "run", "--rm", "-v", f"{v}:/data", "busybox", "sh", "-c", "echo ro-data > /data/f", check=True)
    p = cli("run", "--rm", "-v", f"{v}:/data:ro", "busybox", "sh", "-c", "cat /data/f; touch /data/g")
    assert p.returncode != 0 and p.stdout == "ro-data\n", (p.returncode, p.stdout, p.stderr)
    assert "Read-only file system" in p.stderr, p.stderr
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/data,readonly", "busybox", "touch", "/data/g")
    assert p.returncode != 0 and "Read-only file system" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(data_path(daemon, v), "g"))
    n = names("ro")
    cli("create", "--name", n, "-v", f"{v}:/data:ro", "busybox", "true", check=True)
    m = mounts_of(daemon, n)["/data"]
    assert m["Name"] == v and m["RW"] is False, m


# --- copy-up of image content -------------------------------------------------------------------

COPY_SRC = ("mkdir -p /srv/d/sub && echo x > /srv/d/f && echo deep > /srv/d/sub/g && ln -s f /srv/d/link && "
            "chown 65534:65534 /srv/d /srv/d/f && chmod 640 /srv/d/f && chmod 750 /srv/d")


@pytest.fixture(scope="module")
def copy_image(daemon):
    """An image whose /srv/d holds a file owned by nobody with mode 640, a subdirectory and a symlink."""
    tag = f"wharf-volcopy-{uuid.uuid4().hex[:8]}:v1"
    ctr = f"volcopy-src-{uuid.uuid4().hex[:8]}"
    try:
        docker(daemon, "run", "--name", ctr, "busybox", "sh", "-c", COPY_SRC, check=True)
        docker(daemon, "commit", ctr, tag, check=True)
        yield tag
    finally:
        docker(daemon, "rm", "-f", ctr)
        docker(daemon, "rmi", "-f", tag)


def test_copy_up_image_content_into_new_volume(cli, daemon, vols):
    v = vols()
    p = cli("run", "--rm", "-v", f"{v}:/etc", "busybox", "cat", "/etc/passwd")
    assert p.returncode == 0 and "nobody:x:65534:65534" in p.stdout, (p.stdout, p.stderr)
    q = cli("run", "--rm", "-v", f"{v}:/x", "busybox", "cat", "/x/passwd")
    assert q.returncode == 0 and q.stdout == p.stdout, q.stderr
    assert os.path.isfile(os.path.join(data_path(daemon, v), "group"))
    # An image path that does not exist leaves the volume empty.
    w = vols()
    p = cli("run", "--rm", "-v", f"{w}:/no/such/dir", "busybox", "ls", "-A", "/no/such/dir")
    assert p.returncode == 0 and p.stdout == "", (p.stdout, p.stderr)


def test_copy_up_preserves_ownership_mode_and_links(cli, vols, copy_image):
    v = vols()
    p = cli("run", "--rm", "-v", f"{v}:/srv/d", copy_image, "true")
    assert p.returncode == 0, p.stderr
    p = cli("run", "--rm", "-v", f"{v}:/v", "busybox", "sh", "-c",
            "stat -c '%u:%g %a' /v/f; stat -c '%u:%g %a' /v; readlink /v/link; cat /v/sub/g")
    assert p.returncode == 0, p.stderr
    f, root, link, deep = p.stdout.split("\n")[:4]
    assert f == "65534:65534 640", p.stdout
    assert root == "65534:65534 750", p.stdout        # the volume's root takes the directory's owner and mode
    assert (link, deep) == ("f", "deep"), p.stdout


def test_copy_up_skipped_for_nocopy_and_non_empty_volume(cli, daemon, vols, copy_image):
    v = vols()
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/srv/d,volume-nocopy", copy_image,
            "ls", "-A", "/srv/d")
    assert p.returncode == 0 and p.stdout == "", (p.stdout, p.stderr)
    assert os.listdir(data_path(daemon, v)) == []
    w = vols()
    docker(daemon, "run", "--rm", "-v", f"{w}:/x", "busybox", "sh", "-c", "echo mine > /x/marker", check=True)
    p = cli("run", "--rm", "-v", f"{w}:/srv/d", copy_image, "ls", "-A", "/srv/d")
    assert p.returncode == 0 and p.stdout == "marker\n", (p.stdout, p.stderr)
    p = cli("run", "--rm", "-v", f"{w}:/x", "busybox", "cat", "/x/marker")
    assert p.stdout == "mine\n", p.stderr


# --- binds and tmpfs ----------------------------------------------------------------------------

def test_bind_mounts(cli, hostdir):
    with open(os.path.join(hostdir, "in.txt"), "w") as f:
        f.write("from-host\n")
    p = cli("run", "--rm", "-v", f"{hostdir}:/h", "busybox", "sh", "-c", "cat /h/in.txt && echo from-ctr > /h/out.txt")
    assert p.returncode == 0 and p.stdout == "from-host\n", (p.stdout, p.stderr)
    with open(os.path.join(hostdir, "out.txt")) as f:
        assert f.read() == "from-ctr\n"
    p = cli("run", "--rm", "-v", f"{hostdir}:/h:ro", "busybox", "sh", "-c", "cat /h/in.txt; touch /h/new")
    assert p.returncode != 0 and p.stdout == "from-host\n", (p.returncode, p.stdout, p.stderr)
    assert "Read-only file system" in p.stderr, p.stderr
    p = cli("run", "--rm", "--mount", f"type=bind,src={hostdir},dst=/h,readonly", "busybox", "touch", "/h/new")
    assert p.returncode != 0 and "Read-only file system" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(hostdir, "new"))
    p = cli("run", "--rm", "--mount", f"type=bind,source={hostdir},target=/h", "busybox", "cat", "/h/out.txt")
    assert p.returncode == 0 and p.stdout == "from-ctr\n", p.stderr
    # A single file can be bound too.
    p = cli("run", "--rm", "-v", f"{hostdir}/in.txt:/etc/motd:ro", "busybox", "cat", "/etc/motd")
    assert p.returncode == 0 and p.stdout == "from-host\n", p.stderr


def test_bind_missing_source(cli, names, hostdir):
    # -v creates a missing host path, as a directory.
    made = os.path.join(hostdir, "made", "by-v")
    p = cli("run", "--rm", "-v", f"{made}:/m", "busybox", "sh", "-c", "echo x > /m/f")
    assert p.returncode == 0, p.stderr
    assert os.path.isdir(made) and os.path.isfile(os.path.join(made, "f"))
    # --mount does not.
    missing = os.path.join(hostdir, "missing")
    for verb in ("create", "run"):
        p = cli(verb, "--rm", "--name", names("bindmiss"), "--mount", f"type=bind,src={missing},dst=/h",
                "busybox", "true")
        assert p.returncode != 0, (verb, p.stdout)
        assert "bind source path does not exist" in p.stderr, (verb, p.stderr)
    assert not os.path.exists(missing)


def test_tmpfs_mounts(cli):
    p = cli("run", "--rm", "--tmpfs", "/scratch", "busybox", "grep", " /scratch ", "/proc/mounts")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split()[2] == "tmpfs", p.stdout
    p = cli("run", "--rm", "--tmpfs", "/scratch:size=1m", "busybox", "df", "-k", "/scratch")
    assert p.returncode == 0 and df_total_kb(p.stdout) == "1024", (p.stdout, p.stderr)
    p = cli("run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=2m", "busybox", "sh", "-c",
            "grep ' /t ' /proc/mounts; df -k /t")
    assert p.returncode == 0, p.stderr
    first, rest = p.stdout.split("\n", 1)
    assert first.split()[2] == "tmpfs" and df_total_kb(rest) == "2048", p.stdout


def test_tmpfs_is_empty_at_each_start(cli, names):
    n = names("tmpfs")
    script = ("test -e /scratch/f && echo found || echo empty; test -e /kept && echo kept || echo new; "
              "touch /scratch/f /kept")
    cli("create", "--name", n, "--tmpfs", "/scratch", "busybox", "sh", "-c", script, check=True)
    p = cli("start", "-a", n)
    assert p.returncode == 0 and p.stdout == "empty\nnew\n", (p.stdout, p.stderr)
    p = cli("start", "-a", n)
    # The container's own filesystem keeps /kept; the tmpfs starts empty again.
    assert p.returncode == 0 and p.stdout == "empty\nkept\n", (p.stdout, p.stderr)


# --- anonymous volumes, --volumes-from ----------------------------------------------------------

def test_anonymous_volumes(cli, daemon, names, vols):
    keep, drop = names("anonk"), names("anond")
    seen = []
    for n in (keep, drop):
        p = cli("create", "--name", n, "-v", "/anon", "--mount", "type=volume,dst=/anon2", "busybox", "true")
        assert p.returncode == 0, p.stderr
        m = mounts_of(daemon, n)
        for dest in ("/anon", "/anon2"):
            x = m[dest]
            vols.track(x["Name"])
            assert x["Type"] == "volume" and x["Destination"] == dest and x["RW"] is True, x
            assert HEX64.fullmatch(x["Name"]), x
            assert x["Source"] == data_path(daemon, x["Name"]), x
            seen.append(x["Name"])
    assert len(set(seen)) == 4, seen
    info = vol_inspect(daemon, seen[0])
    assert ANON_LABEL in (info["Labels"] or {}), info
    # Plain rm keeps anonymous volumes; rm -v removes them.
    assert cli("rm", keep).returncode == 0
    assert all(vol_exists(daemon, v) for v in seen[:2])
    p = cli("rm", "-v", drop)
    assert p.returncode == 0, p.stderr
    assert not any(vol_exists(daemon, v) for v in seen[2:]), seen[2:]


def test_run_rm_removes_anonymous_volume(cli, daemon, names, vols):
    n = names("anonrm")
    named = vols()
    p = cli("run", "-d", "--rm", "--name", n, "-v", "/anon", "-v", f"{named}:/named", "busybox", "sleep", "30")
    assert p.returncode == 0, p.stderr
    anon = mounts_of(daemon, n)["/anon"]["Name"]
    vols.track(anon)
    assert vol_exists(daemon, anon)
    assert cli("kill", n).returncode == 0
    assert wait_for(lambda: docker(daemon, "inspect", n).returncode != 0), "container not auto-removed"
    assert wait_for(lambda: not vol_exists(daemon, anon)), "anonymous volume outlived its --rm container"
    assert vol_exists(daemon, named), "a named volume must survive --rm"


def test_volumes_from(cli, daemon, names, vols):
    v = vols()
    src = names("vfsrc")
    docker(daemon, "run", "--name", src, "-v", f"{v}:/data", "-v", "/anon", "busybox", "sh", "-c",
           "echo one > /data/f; echo two > /anon/g", check=True)
    anon = mounts_of(daemon, src)["/anon"]["Name"]
    vols.track(anon)
    p = cli("run", "--rm", "--volumes-from", src, "busybox", "sh", "-c", "cat /data/f /anon/g; echo three >> /data/f")
    assert p.returncode == 0 and p.stdout == "one\ntwo\n", (p.stdout, p.stderr)
    # The --rm container did not take SRC's anonymous volume with it.
    assert vol_exists(daemon, anon)
    p = cli("run", "--rm", "--volumes-from", f"{src}:ro", "busybox", "sh", "-c", "cat /data/f; touch /data/x")
    assert p.returncode != 0 and p.stdout == "one\nthree\n", (p.returncode, p.stdout, p.stderr)
    assert "Read-only file system" in p.stderr, p.stderr
    n = names("vfuse")
    cli("create", "--name", n, "--volumes-from", f"{src}:ro", "busybox", "true", check=True)
    m = mounts_of(daemon, n)
    assert m["/data"]["Name"] == v and m["/data"]["RW"] is False, m
    assert m["/anon"]["Name"] == anon and m["/anon"]["Type"] == "volume", m


# --- inspect, bad specs, subpaths -------------------------------------------------------------

def test_container_inspect_mounts(cli, daemon, names, vols, hostdir):
    v = vols()
    n = names("mnt")
    p = cli("create", "--name", n, "-v", f"{v}:/data", "-v", f"{hostdir}:/h:ro",
            "--mount", "type=tmpfs,dst=/t", "busybox", "true")
    assert p.returncode == 0, p.stderr
    p = cli("inspect", n)
    assert p.returncode == 0, p.stderr
    m = {x["Destination"]: x for x in json.loads(p.stdout)[0]["Mounts"]}
    vol = m["/data"]
    assert (vol["Type"], vol["Name"], vol["Source"], vol["RW"], vol["Propagation"]) == \
        ("volume", v, data_path(daemon, v), True, ""), vol
    assert vol["Driver"] == "local", vol
    b = m["/h"]
    assert (b["Type"], b["Source"], b["RW"], b["Propagation"]) == ("bind", hostdir, False, "rprivate"), b
    assert m["/t"]["Type"] == "tmpfs" and m["/t"]["RW"] is True, m["/t"]


def test_bad_mount_specs(cli, hostdir, vols):
    p = cli("run", "--rm", "-v", "rel/path:/x", "busybox", "true")
    assert p.returncode != 0 and INVALID_NAME in p.stderr, (p.returncode, p.stderr)
    v, w = vols(), vols()
    p = cli("run", "--rm", "-v", f"{v}:relative", "busybox", "true")
    assert p.returncode != 0 and "must be absolute" in p.stderr, (p.returncode, p.stderr)
    p = cli("run", "--rm", "-v", f"{v}:/d", "-v", f"{w}:/d", "busybox", "true")
    assert p.returncode != 0 and "Duplicate mount point" in p.stderr, (p.returncode, p.stderr)
    p = cli("run", "--rm", "-v", f"{hostdir}:/d", "--mount", "type=tmpfs,dst=/d", "busybox", "true")
    assert p.returncode != 0 and "Duplicate mount point" in p.stderr, (p.returncode, p.stderr)


def test_volume_subpath(cli, daemon, vols):
    v = vols()
    docker(daemon, "run", "--rm", "-v", f"{v}:/v", "busybox", "sh", "-c",
           "mkdir -p /v/sub/inner && echo in-sub > /v/sub/f && echo top > /v/top", check=True)
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/d,volume-subpath=sub", "busybox", "sh", "-c",
            "ls -A /d; cat /d/f; echo w > /d/new")
    assert p.returncode == 0 and p.stdout == "f\ninner\nin-sub\n", (p.stdout, p.stderr)
    p = docker(daemon, "run", "--rm", "-v", f"{v}:/v", "busybox", "cat", "/v/sub/new")
    assert p.stdout == "w\n", p.stderr
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/d,volume-subpath=sub/inner", "busybox",
            "ls", "-A", "/d")
    assert p.returncode == 0 and p.stdout == "", (p.stdout, p.stderr)
    p = cli("run", "--rm", "--mount", f"type=volume,src={v},dst=/d,volume-subpath=nope", "busybox", "true")
    assert p.returncode != 0, (p.stdout, p.stderr)


# --- prune --------------------------------------------------------------------------------------

def test_prune_with_label_filter(cli, daemon, names, vols):
    lab = f"testprune={uuid.uuid4().hex[:12]}"
    unused, used, other = vols("pu"), vols("pi"), vols("po")
    for v in (unused, used):
        docker(daemon, "volume", "create", "--label", lab, v, check=True)
    docker(daemon, "volume", "create", other, check=True)                      # no label: never a candidate
    anon = docker(daemon, "volume", "create", "--label", lab, check=True).stdout.strip()   # unnamed: anonymous
    vols.track(anon)
    assert HEX64.fullmatch(anon), anon
    docker(daemon, "create", "--name", names("prune"), "-v", f"{used}:/d", "busybox", "true", check=True)

    p = cli("volume", "prune", "-f", "--filter", f"label={lab}")
    assert p.returncode == 0, p.stderr
    assert pruned(p.stdout) == {anon}, p.stdout          # without -a only anonymous volumes go
    assert "Total reclaimed space:" in p.stdout, p.stdout
    p = cli("volume", "prune", "-af", "--filter", f"label={lab}")
    assert p.returncode == 0, p.stderr
    assert pruned(p.stdout) == {unused}, p.stdout        # in-use volumes are never pruned
    left = vol_names(daemon)
    assert {used, other} <= left and not {unused, anon} & left, left
    p = cli("volume", "prune", "-af", "--filter", f"label={lab}")
    assert p.returncode == 0 and pruned(p.stdout) == set(), p.stdout
    assert "Total reclaimed space: 0B" in p.stdout, p.stdout


@pytest.mark.parametrize("client", ["docker", "wharf"])
def test_prune_default_removes_only_unused_anonymous(fresh_daemon, client):
    exe = "docker" if client == "docker" else wharf_bin("wharf")

    def d(*a, **kw):
        return run(["docker", *a], fresh_daemon, **kw)
    d("volume", "create", "keepme", check=True)
    d("run", "--name", "pa", "-v", "/anon", "busybox", "true", check=True)
    anon_a = mounts_of(fresh_daemon, "pa")["/anon"]["Name"]
    d("rm", "pa", check=True)                                 # leaves its anonymous volume behind
    try:
        d("run", "-d", "--name", "pb", "-v", "/anon", "busybox", "sleep", "60", check=True)
        anon_b = mounts_of(fresh_daemon, "pb")["/anon"]["Name"]
        d("create", "--name", "pc", "-v", "usedname:/x", "busybox", "true", check=True)
        p = run([exe, "volume", "prune", "-f"], fresh_daemon)
        assert p.returncode == 0, p.stderr
        assert pruned(p.stdout) == {anon_a}, p.stdout
        assert "Total reclaimed space:" in p.stdout, p.stdout
        assert vol_names(fresh_daemon) == {"keepme", "usedname", anon_b}
        p = run([exe, "volume", "prune", "-af"], fresh_daemon)
        assert p.returncode == 0, p.stderr
        assert pruned(p.stdout) == {"keepme"}, p.stdout
        assert vol_names(fresh_daemon) == {"usedname", anon_b}
    finally:
        d("rm", "-f", "pb", "pc")


# --- restarts, concurrency, docker-py -----------------------------------------------------------

def test_volumes_survive_daemon_restart(fresh_daemon):
    def d(*a, **kw):
        return run(["docker", *a], fresh_daemon, **kw)
    d("volume", "create", "--label", "keep=yes", "persist", check=True)
    before = vol_inspect(fresh_daemon, "persist")
    d("run", "--rm", "-v", "persist:/d", "busybox", "sh", "-c", "echo still-here > /d/f", check=True)
    d("create", "--name", "holder", "-v", "persist:/d", "-v", "/anon", "busybox", "true", check=True)
    anon = mounts_of(fresh_daemon, "holder")["/anon"]["Name"]

    fresh_daemon.stop()
    fresh_daemon.start()

    assert {"persist", anon} <= vol_names(fresh_daemon)
    after = vol_inspect(fresh_daemon, "persist")
    assert (after["Labels"], after["Mountpoint"], after["CreatedAt"]) == \
        (before["Labels"], before["Mountpoint"], before["CreatedAt"]), (before, after)
    p = d("run", "--rm", "-v", "persist:/d", "busybox", "cat", "/d/f")
    assert p.returncode == 0 and p.stdout == "still-here\n", p.stderr
    # The container's references came back too: still in use, and its anonymous volume goes with rm -v.
    p = d("volume", "rm", "persist")
    assert p.returncode != 0 and "volume is in use" in p.stderr, p.stderr
    d("rm", "-v", "holder", check=True)
    assert anon not in vol_names(fresh_daemon)
    p = d("volume", "rm", "persist")
    assert p.returncode == 0, p.stderr


def test_two_containers_write_one_volume(cli, names, vols):
    v = vols()
    a, b = names("wa"), names("wb")
    for n, tag in ((a, "a"), (b, "b")):
        p = cli("run", "-d", "--name", n, "-v", f"{v}:/d", "busybox", "sh", "-c",
                f"i=0; while [ $i -lt 50 ]; do echo {tag}$i >> /d/log; i=$((i+1)); done")
        assert p.returncode == 0, p.stderr
    p = cli("wait", a, b)
    assert p.returncode == 0 and p.stdout.split() == ["0", "0"], (p.stdout, p.stderr)
    p = cli("run", "--rm", "-v", f"{v}:/d", "busybox", "cat", "/d/log")
    lines = p.stdout.split("\n")[:-1]
    assert len(lines) == 100, p.stdout
    assert set(lines) == {f"{t}{i}" for t in "ab" for i in range(50)}


def test_dockerpy_volumes(daemon, vols):
    import docker as dockerpy
    from docker.types import Mount
    v, extra = vols("py"), vols("py")
    tag = uuid.uuid4().hex[:12]
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto", timeout=60)
    try:
        vol = client.volumes.create(name=v, labels={"suite": tag})
        assert vol.name == v
        assert vol.attrs["Mountpoint"] == data_path(daemon, v), vol.attrs
        got = client.volumes.get(v)
        assert got.attrs["Labels"] == {"suite": tag} and got.attrs["Driver"] == "local", got.attrs
        assert [x.name for x in client.volumes.list(filters={"label": f"suite={tag}"})] == [v]
        out = client.containers.run("busybox", 'sh -c "echo py > /v/f"', volumes={v: {"bind": "/v", "mode": "rw"}},
                                    remove=True)
        assert out == b""
        out = client.containers.run("busybox", "cat /v/f", volumes={v: {"bind": "/v", "mode": "ro"}}, remove=True)
        assert out == b"py\n"
        out = client.containers.run("busybox", "cat /m/f", mounts=[Mount("/m", v, type="volume", read_only=True)],
                                    remove=True)
        assert out == b"py\n"
        client.volumes.create(name=extra, labels={"suite": tag})
        got.remove()
        with pytest.raises(dockerpy.errors.NotFound):
            client.volumes.get(v)
        res = client.volumes.prune(filters={"label": f"suite={tag}", "all": "true"})
        assert res["VolumesDeleted"] == [extra], res
    finally:
        client.close()


# --- driver options, escapes, events --------------------------------------------------------------

def host_mounted(path):
    return any(l.split()[4] == path for l in open("/proc/self/mountinfo"))


def test_options_volume_mounted_while_used(cli, daemon, names, vols, hostdir):
    # A bind of a host directory through the local driver's options, as `-o type=none -o o=bind`.
    v = vols()
    p = cli("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", f"device={hostdir}", v)
    assert p.returncode == 0, p.stderr
    n = names("optv")
    cli("run", "-d", "--name", n, "-v", f"{v}:/d", "busybox", "sh", "-c", "echo via-volume > /d/f; sleep 60",
        check=True)
    for _ in range(50):
        if os.path.exists(os.path.join(hostdir, "f")):
            break
        time.sleep(0.1)
    assert open(os.path.join(hostdir, "f")).read() == "via-volume\n"
    assert host_mounted(data_path(daemon, v))          # mounted while the container runs
    cli("rm", "-f", n, check=True)
    for _ in range(50):
        if not host_mounted(data_path(daemon, v)):
            break
        time.sleep(0.1)
    assert not host_mounted(data_path(daemon, v))      # and unmounted after
    p = cli("volume", "create", "-o", "type=tmpfs", vols())
    assert p.returncode != 0 and 'missing required option: "device"' in p.stderr
    p = cli("volume", "create", "-o", "bogus=1", vols())
    assert p.returncode != 0 and 'invalid option key: "bogus"' in p.stderr


def test_subpath_cannot_escape_the_volume(daemon, vols, hostdir):
    v = vols()
    docker(daemon, "volume", "create", v, check=True)
    # A link inside the volume that points outside it is resolved inside the volume.
    os.symlink("/etc", os.path.join(data_path(daemon, v), "out"))
    os.makedirs(os.path.join(data_path(daemon, v), "etc"))
    p = docker(daemon, "run", "--rm", "--mount", f"type=volume,src={v},dst=/d,volume-subpath=out", "busybox",
               "ls", "/d")
    assert "shadow" not in p.stdout and "os-release" not in p.stdout, p.stdout
    p = docker(daemon, "run", "--rm", "--mount", f"type=volume,src={v},dst=/d,volume-subpath=../x", "busybox", "true")
    assert p.returncode != 0


def test_volume_events(daemon, names, vols):
    v = vols()
    since = str(int(time.time()) - 1)
    docker(daemon, "volume", "create", v, check=True)
    n = names("vev")
    docker(daemon, "run", "--name", n, "-v", f"{v}:/d", "busybox", "true", check=True)
    docker(daemon, "rm", n, check=True)
    docker(daemon, "volume", "rm", v, check=True)
    p = docker(daemon, "events", "--since", since, "--until", str(int(time.time()) + 1),
               "--filter", "type=volume", "--filter", f"volume={v}", "--format", "{{.Action}}")
    actions = p.stdout.split()
    assert actions[0] == "create" and "mount" in actions and "unmount" in actions and actions[-1] == "destroy", actions


def test_cp_reaches_into_volumes_and_binds(cli, daemon, names, vols, hostdir):
    v = vols()
    n = names("cpv")
    docker(daemon, "run", "-d", "--name", n, "-v", f"{v}:/data", "-v", f"{hostdir}:/h:ro", "busybox", "sleep", "60",
           check=True)
    src = os.path.join(hostdir, "in.txt")
    with open(os.path.join(hostdir, "seen.txt"), "w") as f:
        f.write("from-bind\n")
    out = tempfile.mkdtemp(prefix="wharf-cpout-", dir="/tmp")
    try:
        with open(src, "w") as f:
            f.write("copied-in\n")
        p = cli("cp", src, f"{n}:/data/")
        assert p.returncode == 0, p.stderr
        assert open(os.path.join(data_path(daemon, v), "in.txt")).read() == "copied-in\n"
        assert docker(daemon, "exec", n, "cat", "/data/in.txt").stdout == "copied-in\n"
        p = cli("cp", f"{n}:/h/seen.txt", out)
        assert p.returncode == 0, p.stderr
        assert open(os.path.join(out, "seen.txt")).read() == "from-bind\n"
        p = cli("cp", src, f"{n}:/h/")                      # a read-only bind refuses
        assert p.returncode != 0 and "read-only" in p.stderr, p.stderr
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_system_df_matches_docker(cli, daemon, names, vols):
    v = vols()
    docker(daemon, "volume", "create", v, check=True)
    n = names("df")
    docker(daemon, "run", "--name", n, "-v", f"{v}:/d", "busybox", "sh", "-c", "head -c 5000 /dev/zero > /d/f",
           check=True)
    p = docker(daemon, "system", "df")
    q = run([wharf_bin("wharf"), "system", "df"], daemon)
    assert p.returncode == 0 and q.returncode == 0, (p.stderr, q.stderr)
    assert p.stdout.splitlines()[0].split() == ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]
    # The same daemon state: the same table (volume sizes and counts included).
    assert q.stdout == p.stdout, (p.stdout, q.stdout)
    status, _, body = api(daemon, "GET", "/system/df")
    du = json.loads(body)
    mine = [x for x in du["Volumes"] if x["Name"] == v][0]
    assert mine["UsageData"] == {"Size": 5000, "RefCount": 1}, mine
    assert du["LayersSize"] > 0 and any(i["Containers"] >= 1 for i in du["Images"])


def test_mount_creates_volume_with_options_and_labels(cli, daemon, vols):
    v = vols()
    p = cli("run", "--rm", "--mount",
            f"type=volume,src={v},dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-label=made=bymount",
            "busybox", "sh", "-c", "grep ' /d ' /proc/mounts")
    assert p.returncode == 0 and " tmpfs " in p.stdout, (p.stdout, p.stderr)
    info = vol_inspect(daemon, v)
    assert info["Options"] == {"type": "tmpfs", "device": "tmpfs"} and info["Labels"] == {"made": "bymount"}, info
