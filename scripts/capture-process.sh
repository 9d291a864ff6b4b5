#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# capture-process.sh [options] NAME "STATE TEXT" PID...
#
# Copy what libmemacct reads about some processes into fixtures/NAME/proc/:
# meminfo, then for each PID (in the order given) PID/status, statm, maps,
# smaps and smaps_rollup, then sys/kernel/osrelease; and write
# fixtures/NAME/MANIFEST (keys in notes/fixtures.md, plus "pids:" and
# "region:"). Each file is read once by tests/helpers/read-proc.c, which keeps
# a batch in memory until all of it is read; read_duration_us is the wall
# time from the first read to the last, helper start-ups included.
#
# Options:
#   --stat-refresh     write 1 to /proc/sys/vm/stat_refresh just before the
#                      reads (root only), folding the per-CPU vmstat deltas
#   --region S-E       the constructed address range (as in maps), recorded
#                      as "region:"
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
region=""
expect=""
description=""
force=no
per_pid=(status statm maps smaps smaps_rollup)

die() { echo "capture-process: $*" >&2; exit 1; }
usage() { sed -n '4,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--stat-refresh) stat_refresh=yes; shift ;;
	--region) region=${2?}; shift 2 ;;
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
[ $# -ge 3 ] || usage
name=$1
state=$2
shift 2
pids=("$@")
case "$name" in
''|*/*|.*) die "bad fixture name '$name'" ;;
esac
case "$state$expect$description$region" in
*$'\n'*) die "STATE TEXT, --expect, --description and --region must be one line each" ;;
esac
for pid in "${pids[@]}"; do
	case "$pid" in
	''|*[!0-9]*) die "bad pid '$pid'" ;;
	esac
	[ -d "$proc/$pid" ] || die "no process $pid in $proc"
done
case "$region" in
''|[0-9a-f]*-[0-9a-f]*) ;;
*) die "bad --region '$region' (want START-END in hex, as in maps)" ;;
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

order=(meminfo)
for pid in "${pids[@]}"; do
	for f in "${per_pid[@]}"; do
		order+=("$pid/$f")
	done
done

if [ "$stat_refresh" = yes ]; then
	[ "$(id -u)" -eq 0 ] || die "--stat-refresh needs root"
	# EINVAL here means a counter was negative after folding; the fold still happened.
	if ! echo 1 2>/dev/null >"$proc/sys/vm/stat_refresh"; then
		echo "capture-process: warning: writing $proc/sys/vm/stat_refresh failed" \
			"(a counter negative after folding?)" >&2
	fi
fi
# read-proc holds at most 16 files: meminfo, then one batch per process.
t0=$EPOCHREALTIME
"$tmp/read-proc" "$proc" "$stage/proc" meminfo >/dev/null || die "reading meminfo failed"
for pid in "${pids[@]}"; do
	"$tmp/read-proc" "$proc" "$stage/proc" "${per_pid[@]/#/$pid/}" >/dev/null ||
		die "reading process $pid failed (did it exit?)"
done
t1=$EPOCHREALTIME
captured=$(date -u +%Y-%m-%dT%H:%M:%SZ)
"$tmp/read-proc" "$proc" "$stage/proc" sys/kernel/osrelease >/dev/null || die "read osrelease failed"
read_us=$(( ${t1/[.,]/} - ${t0/[.,]/} ))

{
	echo "origin: captured"
	echo "kernel: $kernel"
	echo "arch: $arch"
	echo "page_size: $page_size"
	echo "cpus: $cpus"
	echo "captured: $captured"
	echo "state: $state"
	echo "stat_refresh: $stat_refresh"
	echo "read_order: ${order[*]}"
	echo "read_duration_us: $read_us"
	echo "pids: ${pids[*]}"
	[ -z "$region" ] || echo "region: $region"
	echo "description: ${description:-captured on this machine by scripts/capture-process.sh}"
	[ -z "$expect" ] || echo "expect: $expect"
} >"$stage/MANIFEST"

mkdir -p "$out"
rm -rf "$dest"
mv "$stage" "$dest"
echo "captured $dest (pids ${pids[*]}; ${#order[@]} files in ${read_us} us, stat_refresh: $stat_refresh)"
