"""Registry authentication: basic auth (htpasswd), bearer tokens answering the registry's
challenge, `docker login`/`wharf login` through `POST /auth` (the images issue)."""
import json
import os

import pytest

from conftest import run, wharf_bin
from registry import BearerProxy, Registry, busybox_tar, htpasswd_line, tar_of


def docker(daemon, *a, **kw):
    return run(["docker", *a], daemon, **kw)


@pytest.fixture(scope="module")
def basic_registry():
    r = Registry(htpasswd=htpasswd_line("alice", "s3cret"))
    try:
        yield r
    finally:
        r.close()


def test_basic_auth_login_pull_push(cli, daemon, basic_registry):
    host = basic_registry.host
    name = f"{host}/auth/{'w' if 'wharf' in cli.exe else 'd'}:v1"
    docker(daemon, "tag", "busybox", name, check=True)
    try:
        p = cli("push", name)
        assert p.returncode != 0, p.stdout                   # not logged in
        p = cli("login", "-u", "alice", "--password-stdin", host, input="wrong\n")
        assert p.returncode != 0 and "incorrect username or password" in p.stderr, p.stderr
        p = cli("login", "-u", "alice", "--password-stdin", host, input="s3cret\n")
        assert p.returncode == 0 and "Login Succeeded" in p.stdout, p.stderr
        cfg = json.load(open(os.path.join(daemon.env()["DOCKER_CONFIG"], "config.json")))
        assert host in cfg["auths"]
        p = cli("push", name)
        assert p.returncode == 0, p.stderr
        docker(daemon, "rmi", name, check=True)
        p = cli("pull", name)
        assert p.returncode == 0, p.stderr
        p = cli("logout", host)
        assert p.returncode == 0 and f"Removing login credentials for {host}" in p.stdout
        cfg = json.load(open(os.path.join(daemon.env()["DOCKER_CONFIG"], "config.json")))
        assert host not in cfg.get("auths", {})
    finally:
        docker(daemon, "rmi", name)


def test_bearer_token_challenge(daemon):
    backend = Registry()
    proxy = BearerProxy(backend)
    try:
        backend.push_image("bearer/img", "latest", [busybox_tar(), tar_of({"t.txt": b"token\n"})])
        ref = f"{proxy.host}/bearer/img"
        p = docker(daemon, "pull", ref)
        assert p.returncode == 0, p.stderr
        assert proxy.token_requests and proxy.token_requests[0]["scope"] == "repository:bearer/img:pull"
        assert proxy.token_requests[0]["service"] == "wharf-test"
        assert docker(daemon, "run", "--rm", ref, "cat", "/t.txt").stdout == "token\n"
        docker(daemon, "rmi", ref)
    finally:
        proxy.close()
        backend.close()


def test_bearer_token_with_credentials(daemon):
    backend = Registry()
    proxy = BearerProxy(backend, users={"bob": "pw"})
    try:
        backend.push_image("private/img", "latest", [busybox_tar()])
        ref = f"{proxy.host}/private/img"
        p = docker(daemon, "pull", ref, input="")
        assert p.returncode != 0 and "pull access denied for private/img" in p.stderr, (p.stdout, p.stderr)
        p = docker(daemon, "login", "-u", "bob", "--password-stdin", proxy.host, input="pw\n")
        assert p.returncode == 0, p.stderr
        p = docker(daemon, "pull", ref)
        assert p.returncode == 0, p.stderr
        assert any(t["user"] == "bob" for t in proxy.token_requests)
        docker(daemon, "logout", proxy.host)
        docker(daemon, "rmi", ref)
    finally:
        proxy.close()
        backend.close()


HELPER = """#!/bin/sh
# A docker credential helper keeping credentials in one file per server, for the tests.
store="$WHARF_TEST_CRED_DIR"
read -r input || true
key=$(printf '%s' "$input" | sed 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/' | tr '/:' '__')
case "$1" in
  store) printf '%s' "$input" > "$store/$key" ;;
  get) k=$(printf '%s' "$input" | tr '/:' '__'); [ -f "$store/$k" ] || { echo "credentials not found in native keychain"; exit 1; }
       sed 's/"ServerURL":"[^"]*",//' "$store/$k" ;;
  erase) k=$(printf '%s' "$input" | tr '/:' '__'); rm -f "$store/$k" ;;
esac
"""


def test_wharf_uses_a_credential_helper(daemon, basic_registry, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-wharftest"
    helper.write_text(HELPER)
    helper.chmod(0o755)
    creds = tmp_path / "creds"
    creds.mkdir()
    cfgdir = tmp_path / "cfg"
    cfgdir.mkdir()
    (cfgdir / "config.json").write_text(json.dumps({"credsStore": "wharftest"}))
    env = dict(daemon.env(), DOCKER_CONFIG=str(cfgdir), WHARF_TEST_CRED_DIR=str(creds),
               PATH=f"{bindir}:{os.environ['PATH']}")
    import subprocess

    def wharf(*a, **kw):
        return subprocess.run([wharf_bin("wharf"), *a], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, **kw)
    host = basic_registry.host
    p = wharf("login", "-u", "alice", "--password-stdin", host, input="s3cret\n")
    assert p.returncode == 0, p.stderr
    cfg = json.loads((cfgdir / "config.json").read_text())
    assert cfg["auths"][host] == {} and cfg["credsStore"] == "wharftest"     # the secret went to the helper
    assert any(creds.iterdir())
    name = f"{host}/auth/helper:1"
    docker(daemon, "tag", "busybox", name, check=True)
    try:
        p = wharf("push", name)
        assert p.returncode == 0, p.stderr
        p = wharf("logout", host)
        assert p.returncode == 0 and not any(creds.iterdir())
    finally:
        docker(daemon, "rmi", name)
