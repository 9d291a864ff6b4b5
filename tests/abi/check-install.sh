#!/bin/sh
# Install into a DESTDIR, then build and run an outside program with
# `pkg-config --cflags --libs memacct` against the installed copy only.
set -eu
builddir=$1
src=$2
fixtures=$3
[ -d "$fixtures" ] || fixtures=/proc
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$builddir" --no-rebuild --quiet --destdir "$tmp/root" > "$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }
pc=$(find "$tmp/root" -name memacct.pc | head -1)
[ -n "$pc" ] || { echo "memacct.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR="$tmp/root"
flags=$(pkg-config --cflags --libs memacct)
# pkg-config puts the sysroot in front of libdir itself.
libdir=$(pkg-config --variable=libdir memacct)
case "$flags" in *"$tmp/root"*) ;; *) echo "pkg-config flags do not point into DESTDIR: $flags"; exit 1;; esac

# shellcheck disable=SC2086
"$cc" -std=c99 -Wall -Werror -o "$tmp/outside" "$src" $flags
# The program must load the installed library, not the build tree's.
out=$(LD_LIBRARY_PATH="$libdir" "$tmp/outside" "$fixtures")
echo "$out"
lib=$(LD_LIBRARY_PATH="$libdir" ldd "$tmp/outside" | awk '/libmemacct/ { print $3 }')
case "$lib" in "$tmp/root"*) ;; *) echo "loaded $lib, not the installed copy"; exit 1;; esac
ver=$(pkg-config --modversion memacct)
echo "$out" | grep -q "^version $ver\$" || { echo "version mismatch: pc $ver"; exit 1; }
echo "$out" | grep -q '^MemTotal [1-9][0-9]*$' || { echo "no MemTotal read"; exit 1; }
echo "ok: installed, pkg-config $ver, outside program ran against $lib"
