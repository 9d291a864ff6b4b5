#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# capture-fixture.sh [options] NAME "STATE TEXT"
#
# Copy what libmemacct reads system-wide (/proc/meminfo, zoneinfo, buddyinfo,
# vmstat and sys/kernel/osrelease) into fixtures/NAME/proc/ and write
# fixtures/NAME/MANIFEST (keys in notes/fixtures.md). The four counter files
# are read once each, in a fixed order, by a small C helper that keeps them
# in memory until all are read, and the time that took is recorded.
#
# Options:
#   --stat-refresh     write 1 to /proc/sys/vm/stat_refresh just before the
#                      reads (root only), folding the per-CPU vmstat deltas
#   --expect TEXT      the MANIFEST "expect:" line (what a reader must conclude)
#   --description TEXT the MANIFEST "description:" line
#   --proc DIR         read from DIR instead of /proc (for testing this script)
#   --out DIR          the fixtures directory (default: <repo>/fixtures)
#   --force            replace an existing fixtures/NAME
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
out="$repo/fixtures"
proc=/proc
stat_refresh=no
expect=""
description=""
force=no
read_order=(meminfo zoneinfo buddyinfo vmstat)

die() { echo "capture-fixture: $*" >&2; exit 1; }
usage() { sed -n '4,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--stat-refresh) stat_refresh=yes; shift ;;
	--expect) expect=${2?}; shift 2 ;;
	--description) description=${2?}; shift 2 ;;
	--proc) proc=${2?}; shift 2 ;;
	--out) out=${2?}; shift 2 ;;
	--force) force=yes; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || usage
name=$1
state=$2
case "$name" in
''|*/*|.*) die "bad fixture name '$name'" ;;
esac
case "$state" in
*$'\n'*) die "STATE TEXT must be one line" ;;
esac

dest="$out/$name"
if [ -e "$dest" ]; then
	[ "$force" = yes ] || die "$dest exists (use --force to replace it)"
fi

# Build the reader first, so nothing slow happens between the fold and the reads.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-o "$tmp/read-proc" "$repo/tests/helpers/read-proc.c" || die "cannot build read-proc"

kernel=$(uname -r)
arch=$(uname -m)
page_size=$(getconf PAGESIZE)
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)

stage="$tmp/$name"
mkdir -p "$stage/proc"

if [ "$stat_refresh" = yes ]; then
	[ "$(id -u)" -eq 0 ] || die "--stat-refresh needs root"
	# EINVAL here means a counter was negative after folding; the fold still happened.
	if ! echo 1 2>/dev/null >"$proc/sys/vm/stat_refresh"; then
		echo "capture-fixture: warning: writing $proc/sys/vm/stat_refresh failed" \
			"(a counter negative after folding?)" >&2
	fi
fi
timing=$("$tmp/read-proc" "$proc" "$stage/proc" "${read_order[@]}") || die "read failed"
captured=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$tmp/read-proc" "$proc" "$stage/proc" sys/kernel/osrelease >/dev/null || die "read osrelease failed"
read_us=${timing#read_duration_us: }

{
	echo "origin: captured"
	echo "kernel: $kernel"
	echo "arch: $arch"
	echo "page_size: $page_size"
	echo "cpus: $cpus"
	echo "captured: $captured"
	echo "state: $state"
	echo "stat_refresh: $stat_refresh"
	echo "read_order: ${read_order[*]}"
	echo "read_duration_us: $read_us"
	echo "description: ${description:-captured on this machine by scripts/capture-fixture.sh}"
	[ -z "$expect" ] || echo "expect: $expect"
} >"$stage/MANIFEST"

mkdir -p "$out"
rm -rf "$dest"
mv "$stage" "$dest"
echo "captured $dest (read ${read_order[*]} in ${read_us} us, stat_refresh: $stat_refresh)"
