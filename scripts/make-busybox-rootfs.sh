#!/bin/sh
# Writes a tar of a minimal root filesystem built from Debian's busybox-static to stdout:
# /bin/busybox plus one symlink per applet, and the usual top-level directories.
set -eu
BB=${BUSYBOX:-/bin/busybox}
[ -x "$BB" ] || { echo "busybox-static is not installed ($BB missing)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/tmp" "$tmp/root" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/var" "$tmp/usr/bin" "$tmp/home"
chmod 1777 "$tmp/tmp"
cp "$BB" "$tmp/bin/busybox"
for applet in $("$BB" --list); do
  [ "$applet" = busybox ] && continue
  ln -s busybox "$tmp/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$tmp/etc/group"
tar -C "$tmp" --numeric-owner --owner=0 --group=0 -cf - .
