"""The API basics over a raw socket: ping, version, errors, API versions, bad input."""
import json

from conftest import api


def test_ping_get_and_head(daemon):
    status, h, body = api(daemon, "GET", "/_ping")
    assert status == 200 and body == b"OK"
    assert h["api-version"] == "1.50"
    assert h["ostype"] == "linux"
    assert h["docker-experimental"] == "false"
    assert "server" in h
    status, h, body = api(daemon, "HEAD", "/_ping")
    assert status == 200 and h["api-version"] == "1.50"


def test_version_with_and_without_prefix(daemon):
    for path in ["/version", "/v1.41/version", "/v1.24/version", "/v1.50/version"]:
        status, h, body = api(daemon, "GET", path)
        assert status == 200, path
        v = json.loads(body)
        assert v["ApiVersion"] == "1.50" and v["MinAPIVersion"] == "1.24"


def test_api_version_out_of_range(daemon):
    status, h, body = api(daemon, "GET", "/v1.12/version")
    assert status == 400
    assert h["content-type"] == "application/json"
    assert json.loads(body)["message"].startswith("client version 1.12 is too old. Minimum supported API version is 1.24")
    status, _, body = api(daemon, "GET", "/v1.99/containers/json")
    assert status == 400
    assert json.loads(body)["message"] == "client version 1.99 is too new. Maximum supported API version is 1.50"


def test_unknown_container_and_image(daemon):
    for method, path in [("GET", "/containers/nope/json"), ("DELETE", "/containers/nope"),
                         ("POST", "/containers/nope/start"), ("GET", "/containers/nope/logs?stdout=1")]:
        status, h, body = api(daemon, method, path)
        assert status == 404, path
        assert h["content-type"] == "application/json"
        assert json.loads(body) == {"message": "No such container: nope"}
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "nope"})
    assert status == 404
    assert json.loads(body)["message"] == "No such image: nope:latest"


def test_bad_json_is_400(daemon):
    status, h, body = api(daemon, "POST", "/containers/create", b"{not json", {"Content-Type": "application/json"})
    assert status == 400
    assert "invalid JSON" in json.loads(body)["message"]
    status, _, body = api(daemon, "POST", "/containers/create", b"")
    assert status == 400


def test_info(daemon):
    status, _, body = api(daemon, "GET", "/info")
    assert status == 200
    info = json.loads(body)
    assert info["DockerRootDir"] == daemon.data_root
    assert info["Images"] >= 1
    assert info["OSType"] == "linux"


def test_unknown_route_is_404(daemon):
    status, _, body = api(daemon, "GET", "/nothing/here")
    assert status == 404
    assert json.loads(body)["message"] == "page not found"


def test_bad_wait_condition(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["true"]})
    cid = json.loads(body)["Id"]
    try:
        status, _, body = api(daemon, "POST", f"/containers/{cid}/wait?condition=bogus")
        assert status == 400
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_bad_signal(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["sleep", "30"]})
    cid = json.loads(body)["Id"]
    try:
        assert api(daemon, "POST", f"/containers/{cid}/start")[0] == 204
        status, _, body = api(daemon, "POST", f"/containers/{cid}/kill?signal=NOPE")
        assert status == 400
        assert json.loads(body)["message"] == "Invalid signal: NOPE"
        assert api(daemon, "POST", f"/containers/{cid}/start")[0] == 304
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_bad_names_and_modes(daemon):
    status, _, body = api(daemon, "POST", "/containers/create?name=bad%20name", {"Image": "busybox", "Cmd": ["true"]})
    assert status == 400
    assert json.loads(body)["message"].startswith("Invalid container name (bad name)")
    status, _, body = api(daemon, "POST", "/containers/create",
                          {"Image": "busybox", "Cmd": ["true"], "HostConfig": {"NetworkMode": "nonet"}})
    assert status == 404
    assert json.loads(body)["message"] == "network nonet not found"
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["true"], "StopSignal": "NOPE"})
    assert status == 400
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "UPPER", "Cmd": ["true"]})
    assert status == 400
    assert "invalid reference format" in json.loads(body)["message"]


def test_lifecycle_conflicts(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["true"]})
    cid = json.loads(body)["Id"]
    try:
        # kill of a container that is not running: 409; stop: 304
        status, _, body = api(daemon, "POST", f"/containers/{cid}/kill")
        assert status == 409
        assert f"Container {cid} is not running" in json.loads(body)["message"]
        assert api(daemon, "POST", f"/containers/{cid}/stop")[0] == 304
        # the image is in use: removing it is refused
        status, _, body = api(daemon, "DELETE", "/images/busybox:latest")
        assert status == 409
        assert "container " + cid[:12] + " is using its referenced image" in json.loads(body)["message"]
        # lookups by unique ID prefix and by name work
        assert api(daemon, "GET", f"/containers/{cid[:10]}/json")[0] == 200
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_unknown_user_fails_start_with_400(daemon):
    status, _, body = api(daemon, "POST", "/containers/create", {"Image": "busybox", "Cmd": ["true"], "User": "ghost"})
    cid = json.loads(body)["Id"]
    try:
        status, _, body = api(daemon, "POST", f"/containers/{cid}/start")
        assert status == 400
        assert json.loads(body)["message"] == "unable to find user ghost: no matching entries in passwd file"
        # nothing stays mounted after the failed start
        with open("/proc/self/mountinfo") as f:
            assert cid not in f.read()
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")


def test_truncated_and_oversized_bodies(daemon):
    import socket
    # A body shorter than its Content-Length, then the client goes away: no crash.
    s = socket.socket(socket.AF_UNIX)
    s.connect(daemon.sock)
    s.sendall(b"POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Image\":")
    s.close()
    # A request line the parser rejects.
    s = socket.socket(socket.AF_UNIX)
    s.connect(daemon.sock)
    s.settimeout(10)
    s.sendall(b"NONSENSE\r\n\r\n")
    try:
        s.recv(100)
    except OSError:
        pass
    s.close()
    assert api(daemon, "GET", "/_ping")[0] == 200


def test_detach_keys_server_side(daemon):
    """The daemon ends an attach on the detach sequence (here for a raw API client)."""
    import socket
    status, _, body = api(daemon, "POST", "/containers/create",
                          {"Image": "busybox", "Cmd": ["sh"], "OpenStdin": True, "Tty": False})
    cid = json.loads(body)["Id"]
    try:
        assert api(daemon, "POST", f"/containers/{cid}/start")[0] == 204
        s = socket.socket(socket.AF_UNIX)
        s.connect(daemon.sock)
        s.settimeout(10)
        s.sendall(f"POST /containers/{cid}/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-a,b HTTP/1.1\r\n"
                  "Host: x\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        assert b"101" in head.split(b"\r\n")[0]
        s.sendall(b"echo hi\n")
        rest = b""
        while b"hi\n" not in rest:
            rest += s.recv(4096)
        s.sendall(b"\x01b")
        while True:                     # the daemon ends the stream
            chunk = s.recv(4096)
            if not chunk:
                break
        status, _, body = api(daemon, "GET", f"/containers/{cid}/json")
        assert json.loads(body)["State"]["Running"] is True     # detached, still running
    finally:
        api(daemon, "DELETE", f"/containers/{cid}?force=1")
