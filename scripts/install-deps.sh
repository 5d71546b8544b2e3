#!/bin/sh
# Installs what Wharf needs on Debian 12, idempotently: the OCI runtime, busybox for the
# test image, and the Python client used by the integration tests.
set -eu
need=""
command -v runc >/dev/null 2>&1 || need="$need runc"
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ldd /bin/busybox 2>&1 | grep -q "not a dynamic" || need="$need busybox-static"
command -v iptables >/dev/null 2>&1 || need="$need iptables"
[ -x /usr/bin/tini-static ] || need="$need tini"
command -v python3 >/dev/null 2>&1 || need="$need python3"
# A local OCI registry for the pull and push tests (started by the tests on their own port).
command -v docker-registry >/dev/null 2>&1 || need="$need docker-registry"
# Docker's own daemon, for the interop tests (save/load and push/pull both ways) and the bench.
command -v dockerd >/dev/null 2>&1 || need="$need docker.io"
if [ -n "$need" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  # Packages must not start services (docker-registry would take port 5000).
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.wharf && chmod +x /usr/sbin/policy-rc.d.wharf
  [ -e /usr/sbin/policy-rc.d ] || { cp /usr/sbin/policy-rc.d.wharf /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT; }
  rm -f /usr/sbin/policy-rc.d.wharf
  apt-get install -y -qq $need
fi
python3 -c 'import docker, pytest, bcrypt' 2>/dev/null || pip install -q 'docker==7.1.0' pytest bcrypt
