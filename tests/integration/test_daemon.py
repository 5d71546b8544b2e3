"""wharfd's own options: tcp listener, config file, pidfile."""
import json
import os
import signal
import subprocess
import tempfile
import time

from conftest import Daemon, wharf_bin
from registry import free_port


def test_tcp_host_config_file_and_pidfile(tmp_path):
    base = tempfile.mkdtemp(prefix="wharf-test-", dir="/tmp")
    d = Daemon(base)
    port = free_port()
    cfg = tmp_path / "daemon.json"
    pidfile = os.path.join(base, "w.pid")
    cfg.write_text(json.dumps({"data-root": d.data_root, "exec-root": d.exec_root, "pidfile": pidfile,
                               "hosts": ["unix://" + d.sock, f"tcp://127.0.0.1:{port}"], "log-level": "info"}))
    proc = subprocess.Popen([wharf_bin("wharfd"), "--config-file", str(cfg)], stdout=subprocess.DEVNULL,
                            stderr=open(d.log_path, "wb"), start_new_session=True)
    d.proc = proc
    try:
        for _ in range(200):
            if os.path.exists(d.sock) and os.path.exists(pidfile):
                break
            time.sleep(0.05)
        assert int(open(pidfile).read()) == proc.pid
        assert oct(os.stat(d.sock).st_mode & 0o777) == "0o660"
        env = dict(os.environ, DOCKER_HOST=f"tcp://127.0.0.1:{port}")
        p = subprocess.run(["docker", "version", "--format", "{{.Server.APIVersion}}"], env=env,
                           stdout=subprocess.PIPE, text=True, timeout=20)
        assert p.stdout.strip() == "1.50"
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        assert not os.path.exists(pidfile)
        assert not os.path.exists(d.sock)
    finally:
        d.cleanup()


def test_bad_config_file_is_refused(tmp_path):
    cfg = tmp_path / "daemon.json"
    cfg.write_text("{not json")
    p = subprocess.run([wharf_bin("wharfd"), "--config-file", str(cfg)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=20)
    assert p.returncode != 0
    assert "daemon.json" in p.stderr
