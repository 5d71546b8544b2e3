"""A real registry (Debian's docker-registry) on 127.0.0.1 for the pull and push tests, on a
free port with its own storage, and a minimal client that pushes hand-made images to it."""
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Registry:
    def __init__(self, htpasswd=None):
        self.dir = tempfile.mkdtemp(prefix="wharf-registry-", dir="/tmp")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        cfg = {
            "version": 0.1,
            "log": {"level": "error"},
            "storage": {"filesystem": {"rootdirectory": os.path.join(self.dir, "data")}, "delete": {"enabled": True}},
            "http": {"addr": self.host},
        }
        if htpasswd:
            path = os.path.join(self.dir, "htpasswd")
            with open(path, "w") as f:
                f.write(htpasswd)
            cfg["auth"] = {"htpasswd": {"realm": "wharf-test", "path": path}}
        self.config = os.path.join(self.dir, "config.yml")
        with open(self.config, "w") as f:
            json.dump(cfg, f)               # YAML is a superset of JSON
        self.proc = subprocess.Popen(["docker-registry", "serve", self.config], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "log"), "wb"), start_new_session=True)
        deadline = time.time() + 15
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError("docker-registry did not start")

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, path):
        return f"http://{self.host}{path}"

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.url(path) if path.startswith("/") else path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def put_blob(self, repo, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        st, h, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        assert st == 202, st
        loc = h["Location"]
        loc = loc if loc.startswith("http") else self.url(loc)
        sep = "&" if "?" in loc else "?"
        st, _, body = self.request("PUT", f"{loc}{sep}digest={digest}", data=data,
                                   headers={"Content-Type": "application/octet-stream"})
        assert st == 201, (st, body)
        return digest

    def push_image(self, repo, tag, layers, config=None, media="oci"):
        """layers: list of (tar bytes). Pushes gzip layers, a config and a manifest; returns the
        manifest digest and the config digest (the image ID)."""
        diff_ids, descs = [], []
        for tar in layers:
            if isinstance(tar, tuple):              # (blob, media type, diff ID): sent as given
                blob, lt, diff_id = tar
                diff_ids.append(diff_id)
                descs.append({"mediaType": lt, "digest": self.put_blob(repo, blob), "size": len(blob)})
                continue
            gz = gzip.compress(tar)
            diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
            d = self.put_blob(repo, gz)
            lt = ("application/vnd.oci.image.layer.v1.tar+gzip" if media == "oci"
                  else "application/vnd.docker.image.rootfs.diff.tar.gzip")
            descs.append({"mediaType": lt, "digest": d, "size": len(gz)})
        cfg = config or {"architecture": "amd64", "os": "linux",
                         "created": "2026-11-29T12:00:00Z", "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}
        cfg = dict(cfg)
        cfg["rootfs"] = {"type": "layers", "diff_ids": diff_ids}
        cfg_bytes = json.dumps(cfg).encode()
        cfg_digest = self.put_blob(repo, cfg_bytes)
        mt = "application/vnd.oci.image.manifest.v1+json" if media == "oci" else "application/vnd.docker.distribution.manifest.v2+json"
        ct = "application/vnd.oci.image.config.v1+json" if media == "oci" else "application/vnd.docker.container.image.v1+json"
        manifest = json.dumps({"schemaVersion": 2, "mediaType": mt,
                               "config": {"mediaType": ct, "digest": cfg_digest, "size": len(cfg_bytes)},
                               "layers": descs}).encode()
        st, h, body = self.request("PUT", f"/v2/{repo}/manifests/{tag}", data=manifest, headers={"Content-Type": mt})
        assert st == 201, (st, body)
        return "sha256:" + hashlib.sha256(manifest).hexdigest(), cfg_digest


def tar_of(files):
    """files: {path: bytes or None for a directory}; a layer tar made in memory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.mtime = 1700000000
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def busybox_tar():
    """The test busybox rootfs as one layer tar (scripts/make-busybox-rootfs.sh)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return subprocess.run([os.path.join(root, "scripts", "make-busybox-rootfs.sh")], check=True,
                          stdout=subprocess.PIPE).stdout


# `tar -cf - d` (d/hello.txt = "zstd layer content\n"), compressed with `zstd -19`.
ZSTD_LAYER = (__import__("base64").b64decode(
    "KLUv/WQAJzUDAPJEEBGgb7o3uXG+qq4EtmS7376VAgwetodxtWxWvWY/rzeP4j4KMQZ9/RDfa04w7pbqJ+XTTNJAxlMy5JjBzuckZ8EC"
    "DSBgLbE50geegVW5jNkeOmDydFMciMRX4AcgQUwBzCfhBiNI5U8="),
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "sha256:bea8de2355f86e7ebac0f4497b63a79411482732e59880e3130992141bbe4101")


def htpasswd_line(user, password):
    import bcrypt
    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=5)).decode()}\n"


class BearerProxy:
    """A registry front that demands bearer tokens, as Docker Hub does: 401 with a
    `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge, a /token endpoint
    (anonymous, or basic credentials when `users` is given), then proxies to `backend`."""

    def __init__(self, backend, users=None, require_token=True, flaky=False):
        import http.server
        import threading
        self.backend = backend
        self.users = users or {}
        self.token_requests = []
        self.requests = []                  # (method, path) of what reached the backend
        self.ranges = []                    # Range headers seen
        self.failed = set()                 # paths already failed once (flaky mode)
        proxy = self
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_any(self):
                if self.path.startswith("/token"):
                    return self.token()
                if require_token and self.headers.get("Authorization") != "Bearer good-token":
                    self.send_response(401)
                    self.send_header("WWW-Authenticate",
                                     f'Bearer realm="http://{proxy.host}/token",service="wharf-test",scope="repository:{self.repo()}:pull"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.requests.append((self.command, self.path))
                if self.headers.get("Range"):
                    proxy.ranges.append(self.headers["Range"])
                if flaky and self.command == "GET" and self.path not in proxy.failed:
                    proxy.failed.add(self.path)
                    if "/manifests/" in self.path:
                        # A registry having a bad moment: 503 once.
                        self.send_response(503)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if "/blobs/" in self.path:
                        # A connection reset half way through the body.
                        st, h, data = proxy.backend.request("GET", self.path)
                        if len(data) > 1 << 20:
                            self.send_response(200)
                            self.send_header("Content-Length", str(len(data)))
                            self.end_headers()
                            self.wfile.write(data[: len(data) // 2])
                            self.wfile.flush()
                            self.connection.shutdown(2)
                            return
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type", "range")}
                st, h, data = proxy.backend.request(self.command, self.path, data=body, headers=headers)
                self.send_response(st)
                for k, v in h.items():
                    if k.lower() in ("content-type", "docker-content-digest", "location", "content-range"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def repo(self):
                parts = self.path.split("/")
                if len(parts) > 3 and parts[1] == "v2":
                    for i, p in enumerate(parts):
                        if p in ("manifests", "blobs"):
                            return "/".join(parts[2:i])
                return ""

            def token(self):
                import base64
                import urllib.parse
                q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                auth = self.headers.get("Authorization", "")
                user = None
                if auth.startswith("Basic "):
                    u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                    if proxy.users.get(u) != p:
                        self.send_response(401)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    user = u
                proxy.token_requests.append({"scope": q.get("scope", [""])[0], "service": q.get("service", [""])[0],
                                             "user": user})
                if proxy.users and user is None:
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b'{"token":"good-token"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
