#!/bin/sh
# The main job on a fresh Debian 12 machine: install, build, start wharfd, create
# busybox:latest from Debian's busybox-static and run a container.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Statically linked Swift runtime: a third less memory for the daemon and faster starts
# of the shim and the CLI (see docs/ARCHITECTURE.md).
swift build -c release --static-swift-stdlib
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)
SOCK=/run/wharf/wharf.sock
if ! "$BIN/wharf" -H "unix://$SOCK" version >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup "$BIN/wharfd" -H "unix://$SOCK" >/var/log/wharfd.log 2>&1 &
  for _ in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
fi
export WHARF_HOST="unix://$SOCK"
if ! "$BIN/wharf" image inspect busybox:latest >/dev/null 2>&1; then
  ./scripts/make-busybox-rootfs.sh | "$BIN/wharf" import -c 'CMD ["sh"]' - busybox:latest
fi
"$BIN/wharf" run --rm busybox echo "hello from a Wharf container"
echo "wharfd is running (log: /var/log/wharfd.log). Try: DOCKER_HOST=unix://$SOCK docker run --rm busybox echo hello"
