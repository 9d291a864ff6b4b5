#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# capture-process.sh [options] NAME "STATE TEXT" PID...
#
# Copy what libmemacct reads about some processes into fixtures/NAME/proc/
# with `memacct-cli capture` (the one capture path): meminfo, zoneinfo,
# buddyinfo, vmstat, then for each PID (in the order given) PID/status,
# statm, maps, smaps and smaps_rollup (with --pages also PID/pagemap, and
# kpageflags, kpagecount and kpagecgroup for the page frames they map, in the
# sparse format), then sys/kernel/osrelease. memacct-cli writes the MANIFEST
# (keys in notes/fixtures.md, plus "pids:" and "pages:"); this script adds
# "region:", "description:" and "expect:". Every file is read once and held in
# memory until all are read; read_duration_us is the wall time from the first
# read to the last.
#
# Options:
#   --pages            also capture the pagemap of every PID and the kpage*
#                      entries of the frames it maps (root: CAP_SYS_ADMIN)
#   --stat-refresh     write 1 to /proc/sys/vm/stat_refresh just before the
#                      reads (root only), folding the per-CPU vmstat deltas
#   --region S-E       the constructed address range (as in maps), recorded
#                      as "region:"
#   --expect TEXT      the MANIFEST "expect:" line (what a reader must conclude)
#   --description TEXT the MANIFEST "description:" line
#   --proc DIR         read from DIR instead of /proc (for testing this script)
#   --out DIR          the fixtures directory (default: <repo>/fixtures)
#   --build DIR        a meson build directory of this tree holding
#                      cli/memacct-cli (default: $MEMACCT_BUILD, else one is
#                      set up and built in a temporary directory)
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
pages=no
build=${MEMACCT_BUILD:-}

die() { echo "capture-process: $*" >&2; exit 1; }
usage() { sed -n '4,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--stat-refresh) stat_refresh=yes; shift ;;
	--pages) pages=yes; shift ;;
	--build) build=${2?}; shift 2 ;;
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

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$build" ]; then
	build="$tmp/build"
	meson setup "$build" "$repo" >"$tmp/build.log" 2>&1 ||
		{ cat "$tmp/build.log" >&2; die "meson setup failed"; }
fi
ninja -C "$build" cli/memacct-cli >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log" >&2; die "cannot build memacct-cli in $build"; }
cli="$build/cli/memacct-cli"

args=(capture "$tmp/$name" --root "$proc" --state "$state")
[ "$stat_refresh" = no ] || args+=(--stat-refresh)
for pid in "${pids[@]}"; do
	if [ "$pages" = yes ]; then
		args+=(--pages "$pid")
	else
		args+=(--pid "$pid")
	fi
done
if [ "$stat_refresh" = yes ]; then
	[ "$(id -u)" -eq 0 ] || die "--stat-refresh needs root"
fi
"$cli" "${args[@]}" || die "memacct-cli ${args[*]} failed (did a process exit?)"
stage="$tmp/$name"
{
	[ -z "$region" ] || echo "region: $region"
	echo "description: ${description:-captured on this machine by scripts/capture-process.sh (memacct-cli capture)}"
	[ -z "$expect" ] || echo "expect: $expect"
} >>"$stage/MANIFEST"

mkdir -p "$out"
rm -rf "$dest"
mv "$stage" "$dest"
echo "captured $dest (pids ${pids[*]}; pages: $pages; $(sed -n 's/^read_duration_us: //p' "$dest/MANIFEST") us, stat_refresh: $stat_refresh)"
