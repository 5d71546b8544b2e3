#!/bin/sh
# The test command: unit tests, then the integration suite (root: real wharfd, runc, the
# docker CLI and docker-py) against a daemon on a temporary data root.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
swift test --skip-build --parallel --num-workers 2
swift build --product wharfd
swift build --product wharf-shim
swift build --product wharf
export WHARF_BIN="$(swift build --show-bin-path)"
python3 -m pytest -x -q tests/integration "$@"
