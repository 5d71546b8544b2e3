"""docker build with the classic builder (the builder issue): a corpus of Dockerfiles, each
built by the docker CLI and wharf (and docker-py), then checked by running the image."""
import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile

import pytest

from conftest import run


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


@pytest.fixture
def ctx():
    d = tempfile.mkdtemp(prefix="wharf-build-", dir="/tmp")

    def write(files):
        for name, content in files.items():
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb" if isinstance(content, bytes) else "w") as f:
                f.write(content)
        return d
    yield write
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def images(daemon):
    made = []
    yield made
    for t in made:
        docker(daemon, "rmi", "-f", t)


def build(cli, path, *args):
    return cli("build", *args, path, timeout=120)


def inspect(daemon, ref):
    return json.loads(docker(daemon, "image", "inspect", ref).stdout)[0]


BASIC = """FROM busybox
ENV GREETING=hello CAPVAR=1
WORKDIR /app
COPY file.txt .
COPY sub /app/sub/
RUN ls -a && echo built > built.txt
ARG FOO=default
RUN echo "foo is $FOO" > foo.txt
CMD ["cat", "/app/foo.txt"]
"""


def test_basic_build_cache_and_no_cache(cli, daemon, ctx, images):
    path = ctx({"Dockerfile": BASIC, "file.txt": "hello\n", "sub/s.txt": "s\n", "ignored.txt": "x\n",
                ".dockerignore": "ignored.txt\n"})
    tag = f"basic-{cli.name}:1"
    images.append(tag)
    p = build(cli, path, "-t", tag, "--build-arg", "FOO=bar", "--label", "cap=1")
    assert p.returncode == 0, p.stderr
    assert "Step 1/10 : FROM busybox" in p.stdout and "Step 10/10 : LABEL cap=1" in p.stdout, p.stdout
    assert f"Successfully tagged {tag}" in p.stdout
    assert docker(daemon, "run", "--rm", tag).stdout == "foo is bar\n"
    p = docker(daemon, "run", "--rm", tag, "sh", "-c", "pwd; ls /app; cat /app/sub/s.txt; echo $GREETING")
    assert p.stdout.split() == ["/app", "built.txt", "file.txt", "foo.txt", "sub", "s", "hello"], p.stdout
    img = inspect(daemon, tag)
    assert img["Config"]["Labels"] == {"cap": "1"} and img["Config"]["WorkingDir"] == "/app"
    assert "GREETING=hello" in img["Config"]["Env"]
    # Fully cached rebuild; --no-cache runs everything again.
    p = build(cli, path, "-t", tag, "--build-arg", "FOO=bar", "--label", "cap=1")
    assert p.returncode == 0 and p.stdout.count("Using cache") == 9 and "Running in" not in p.stdout, p.stdout
    p = build(cli, path, "-t", tag, "--build-arg", "FOO=bar", "--label", "cap=1", "--no-cache")
    assert p.returncode == 0 and "Using cache" not in p.stdout and p.stdout.count("Running in") == 2
    # A changed source invalidates from its COPY on.
    with open(os.path.join(path, "file.txt"), "w") as f:
        f.write("changed\n")
    p = build(cli, path, "-t", tag, "--build-arg", "FOO=bar")
    assert p.stdout.count("Using cache") == 2, p.stdout
    # Intermediate images are hidden from `images` but not from `images -a`.
    plain = docker(daemon, "images", "-q", "--no-trunc").stdout.split()
    every = docker(daemon, "images", "-a", "-q", "--no-trunc").stdout.split()
    assert len(every) >= len(plain) + 8
    assert inspect(daemon, tag)["Id"] in plain


def test_multi_stage_target_and_unneeded_stages(cli, daemon, ctx, images):
    path = ctx({"Dockerfile": """ARG BASE=busybox
FROM ${BASE} AS builder
RUN mkdir -p /out && echo compiled > /out/app
FROM busybox AS broken
RUN exit 3
FROM scratch
COPY --from=builder /out/app /app
COPY --from=builder /bin/busybox /bin/sh
CMD ["/bin/sh", "-c", "cat /app"]
"""})
    tag = f"multi-{cli.name}:1"
    images.append(tag)
    p = build(cli, path, "-t", tag)
    assert p.returncode == 0, p.stdout + p.stderr           # the broken stage is not needed
    assert "exit 3" not in p.stdout
    assert docker(daemon, "run", "--rm", tag).stdout == "compiled\n"
    assert len(inspect(daemon, tag)["RootFS"]["Layers"]) == 2
    p = build(cli, path, "-t", tag + "-b", "--target", "builder")
    images.append(tag + "-b")
    assert p.returncode == 0 and docker(daemon, "run", "--rm", tag + "-b", "cat", "/out/app").stdout == "compiled\n"
    p = build(cli, path, "--target", "broken")
    assert p.returncode == 3 and "returned a non-zero code: 3" in p.stderr + p.stdout


def test_copy_semantics(cli, daemon, ctx, images):
    path = ctx({"Dockerfile": """FROM busybox
COPY a.txt /one/
COPY a.txt /renamed.txt
COPY *.log /logs/
COPY dir /copied
COPY --chown=65534:65534 --chmod=600 a.txt /owned.txt
COPY --chown=nobody a.txt /named.txt
COPY <<EOF /heredoc.txt
written by a heredoc
EOF
RUN <<EOF
echo from a heredoc script > /run-heredoc.txt
EOF
""", "a.txt": "a\n", "x.log": "x\n", "y.log": "y\n", "dir/inner/f": "f\n"})
    tag = f"copy-{cli.name}:1"
    images.append(tag)
    p = build(cli, path, "-t", tag)
    assert p.returncode == 0, p.stdout + p.stderr
    script = ("cat /one/a.txt /renamed.txt; ls /logs; cat /copied/inner/f; ls -d /copied/dir 2>/dev/null || echo nodir;"
              "stat -c '%u:%g %a' /owned.txt /named.txt; cat /heredoc.txt /run-heredoc.txt")
    out = docker(daemon, "run", "--rm", tag, "sh", "-c", script).stdout.split("\n")
    assert out[:2] == ["a", "a"] and out[2:4] == ["x.log", "y.log"] and out[4] == "f" and out[5] == "nodir", out
    assert out[6] == "65534:65534 600" and out[7].startswith("65534:65534"), out
    assert out[8:10] == ["written by a heredoc", "from a heredoc script"], out


def test_add_archive_and_metadata(cli, daemon, ctx, images):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"from the archive\n"
        info = tarfile.TarInfo("pkg/readme")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    path = ctx({"Dockerfile": """FROM busybox
ADD pkg.tar.gz /opt/
USER nobody
EXPOSE 8080 53/udp
VOLUME /data
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=5s --retries=2 CMD true
SHELL ["/bin/sh", "-xc"]
ENTRYPOINT ["echo"]
ONBUILD RUN echo triggered
MAINTAINER someone
""", "pkg.tar.gz": gzip.compress(buf.getvalue())})
    tag = f"meta-{cli.name}:1"
    images.append(tag)
    p = build(cli, path, "-t", tag)
    assert p.returncode == 0, p.stdout + p.stderr
    c = inspect(daemon, tag)
    cfg = c["Config"]
    assert cfg["User"] == "nobody" and set(cfg["ExposedPorts"]) == {"8080/tcp", "53/udp"}
    assert cfg["Volumes"] == {"/data": {}} and cfg["StopSignal"] == "SIGQUIT"
    assert cfg["Entrypoint"] == ["echo"] and cfg["OnBuild"] == ["RUN echo triggered"] and c["Author"] == "someone"
    assert docker(daemon, "run", "--rm", "--entrypoint", "cat", tag, "/opt/pkg/readme").stdout == "from the archive\n"
    # ONBUILD triggers run in a child build.
    child = ctx({"Dockerfile": f"FROM {tag}\n"})
    p = build(cli, child, "-t", tag + "-child")
    images.append(tag + "-child")
    assert p.returncode == 0 and "triggered" in p.stdout, p.stdout


def test_build_errors(cli, daemon, ctx):
    path = ctx({"Dockerfile": "FROM busybox\nRUNN x\n", "Dockerfile.missing": "FROM busybox\nCOPY nope.txt /\n",
                "Dockerfile.url": "FROM busybox\nADD http://127.0.0.1:1/x /x\n"})
    p = build(cli, path)
    assert p.returncode != 0 and "dockerfile parse error on line 2: unknown instruction: RUNN" in p.stderr, p.stderr
    p = build(cli, path, "-f", os.path.join(path, "Dockerfile.missing"))
    assert p.returncode != 0 and "nope.txt" in p.stderr + p.stdout
    p = build(cli, path, "-f", os.path.join(path, "Dockerfile.url"))
    assert p.returncode != 0


def test_dockerignore_exceptions_and_named_dockerfile(daemon, ctx, images):
    from conftest import wharf_bin
    path = ctx({"build.Dockerfile": "FROM busybox\nCOPY . /ctx/\n", "build.Dockerfile.dockerignore": "*.log\n!keep.log\n",
                "a.log": "a\n", "keep.log": "k\n", "src/x": "x\n"})
    images.append("ignore-w:1")
    p = run([wharf_bin("wharf"), "build", "-f", os.path.join(path, "build.Dockerfile"), "-t", "ignore-w:1", path], daemon,
            timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    ls = docker(daemon, "run", "--rm", "ignore-w:1", "ls", "/ctx").stdout.split()
    assert "keep.log" in ls and "a.log" not in ls and "src" in ls, ls


def test_dockerpy_build(daemon, ctx):
    import docker as dockerpy
    path = ctx({"Dockerfile": "FROM busybox\nRUN echo py > /py.txt\nCMD [\"cat\", \"/py.txt\"]\n"})
    client = dockerpy.DockerClient(base_url=daemon.host, version="auto")
    try:
        image, logs = client.images.build(path=path, tag="pybuilt:1", rm=True)
        assert any("Successfully built" in (l.get("stream") or "") for l in logs)
        assert client.containers.run("pybuilt:1", remove=True) == b"py\n"
        client.images.remove("pybuilt:1")
    finally:
        client.close()


def test_independent_stages_run_in_parallel(daemon, ctx, images):
    import time
    path = ctx({"Dockerfile": """FROM busybox AS a
RUN sleep 2 && echo a > /a
FROM busybox AS b
RUN sleep 2 && echo b > /b
FROM busybox
COPY --from=a /a /a
COPY --from=b /b /b
CMD ["cat", "/a", "/b"]
"""})
    images.append("parallel:1")
    t = time.time()
    p = docker(daemon, "build", "--no-cache", "-t", "parallel:1", path, timeout=120)
    took = time.time() - t
    assert p.returncode == 0, p.stderr
    assert took < 3.8, took                              # two 2 s stages at once, not one after the other
    assert docker(daemon, "run", "--rm", "parallel:1").stdout == "a\nb\n"
    # The output still reads in order.
    steps = [int(l.split()[1].split("/")[0]) for l in p.stdout.splitlines() if l.startswith("Step ")]
    assert steps == sorted(steps) and steps == list(range(1, len(steps) + 1)), p.stdout


def test_context_escapes_and_cache_mounts(cli, daemon, ctx, images):
    path = ctx({"Dockerfile": "FROM busybox\nCOPY ../etc/passwd /x\n", "Dockerfile.link": "FROM busybox\nCOPY out /x\n",
                "Dockerfile.cache": "FROM busybox\nRUN --mount=type=cache,target=/cache "
                                    "sh -c 'echo run >> /cache/runs; wc -l < /cache/runs > /seen'\n"})
    p = build(cli, path)
    assert p.returncode != 0 and "forbidden path outside the build context" in p.stderr + p.stdout, p.stderr
    os.symlink("/etc/shadow", os.path.join(path, "out"))
    p = build(cli, path, "-f", os.path.join(path, "Dockerfile.link"))
    assert p.returncode != 0                                  # the link resolves inside the context, to nothing
    # A cache mount keeps its content from one build to the next, and is not in the image.
    tag = f"cachemount-{cli.name}:1"
    images.append(tag)
    counts = []
    for _ in range(2):
        p = build(cli, path, "-f", os.path.join(path, "Dockerfile.cache"), "--no-cache", "-t", tag)
        assert p.returncode == 0, p.stdout + p.stderr
        counts.append(int(docker(daemon, "run", "--rm", tag, "cat", "/seen").stdout))
        assert docker(daemon, "run", "--rm", tag, "ls", "/cache").stdout == ""
    assert counts[1] == counts[0] + 1, counts
    p = cli("builder", "prune", "-f")
    assert p.returncode == 0 and "Total reclaimed space" in p.stdout


def test_run_mount_bind_from_a_stage(daemon, ctx, images):
    path = ctx({"Dockerfile": """FROM busybox AS builder
RUN mkdir /out && echo from-builder > /out/app
FROM busybox
RUN --mount=type=bind,from=builder,source=/out,target=/in cat /in/app > /copied && ls /in
RUN --mount=type=bind,source=ctx.txt,target=/ctx.txt cat /ctx.txt > /fromctx
""", "ctx.txt": "in the context\n"})
    images.append("bindfrom:1")
    p = docker(daemon, "build", "-t", "bindfrom:1", path, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert docker(daemon, "run", "--rm", "bindfrom:1", "cat", "/copied", "/fromctx").stdout == "from-builder\nin the context\n"
    assert docker(daemon, "run", "--rm", "bindfrom:1", "ls", "/in").stdout == ""     # not in the image
    leftovers = [l.split()[4] for l in open("/proc/self/mountinfo") if "/build-" in l.split()[4]]
    assert leftovers == [], leftovers


def test_from_an_image_not_here_pulls_it(daemon, ctx, images, registry):
    from registry import busybox_tar, tar_of
    registry.push_image("build/base", "latest", [busybox_tar(), tar_of({"base.txt": b"from the registry\n"})])
    ref = f"{registry.host}/build/base"
    path = ctx({"Dockerfile": f"FROM {ref}\nRUN cat /base.txt > /seen\n"})
    images.extend(["frompull:1", ref])
    p = docker(daemon, "build", "-t", "frompull:1", path, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Pulling from build/base" in p.stdout
    assert docker(daemon, "run", "--rm", "frompull:1", "cat", "/seen").stdout == "from the registry\n"
