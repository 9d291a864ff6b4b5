#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make-process-fixtures.sh [--out DIR] [--build DIR] [STATE...]
#
# (root) Builds each known process state with tests/helpers/memstate.c,
# captures its processes with scripts/capture-process.sh --stat-refresh
# --pages (memacct-cli capture: the text files, and the pagemap and kpage*
# entries of the frames they map, in the sparse format), checks from the
# captured files that the constructed region shows the numbers its
# construction implies (smaps, and pagemap + kpagecount through
# scripts/pages-region.c), and writes those numbers as the MANIFEST's
# "expect:" line. States (all by default):
#   anon         proc-anon-64m            64 MiB private anonymous, written
#   cow          proc-cow-64m-x4          64 MiB written, then shared COW by 4
#   shared-file  proc-shared-file-64m-x3  64 MiB file, MAP_SHARED, read by 3
#   shmem        proc-shmem-64m-x2        64 MiB memfd, MAP_SHARED, written by 2
#   mlock        proc-mlock-32m           32 MiB private anonymous, mlocked
#   thp          proc-thp-64m             64 MiB MADV_HUGEPAGE, PMD-aligned
#   hugetlb      proc-hugetlb-8x2m        8 default-size huge pages (name from
#                                         the size); vm.nr_hugepages is raised
#                                         for it and restored; skipped when
#                                         the kernel refuses
#   vmas         proc-vmas-1000           1000 one-page VMAs (smaps < 1 MB;
#                                         no pages data)
#   census       pages-census             kpageflags + kpagecount of every PFN
#                                         (memacct-cli capture --census), with
#                                         the system files read right after
#                                         vm/stat_refresh; a contiguous PFN
#                                         range when the whole does not fit
#   hidden       pages-hidden             hand-made from proc-anon-64m: its
#                                         pagemap with every PFN zeroed, as an
#                                         opener without CAP_SYS_ADMIN sees it
# Every file of a fixture must stay under 1 MB (the limit checked here).
# --build DIR: a meson build directory of this tree (memacct-cli and the
# library are built there); default: $MEMACCT_BUILD, else a temporary one.
# Exits 1 if a capture does not show what the construction implies (the
# fixture is then left without an "expect:" line, and the reason printed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
out="$repo/fixtures"
states=()
all_states=(anon cow shared-file shmem mlock thp hugetlb vmas census hidden)
build=${MEMACCT_BUILD:-}
size_limit=1048576

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2?}; shift 2 ;;
	--build) build=${2?}; shift 2 ;;
	-h|--help) sed -n '4,38p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "make-process-fixtures: unknown option '$1'" >&2; exit 2 ;;
	*)
		case " ${all_states[*]} " in
		*" $1 "*) states+=("$1"); shift ;;
		*) echo "make-process-fixtures: unknown state '$1'" >&2; exit 2 ;;
		esac
		;;
	esac
done
[ ${#states[@]} -gt 0 ] || states=("${all_states[@]}")

die() { echo "make-process-fixtures: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (stat_refresh, mlock, nr_hugepages)"

tmp=$(mktemp -d)
holder_pid=
hold_fd=
old_nr_hugepages=

stop_holder() {
	if [ -n "$hold_fd" ]; then
		exec {hold_fd}>&-
		hold_fd=
	fi
	if [ -n "$holder_pid" ]; then
		# stdin closed: memstate cleans up and exits; TERM only if it does not
		for _ in $(seq 100); do
			kill -0 "$holder_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM "$holder_pid" 2>/dev/null || true
		wait "$holder_pid" 2>/dev/null || true
		holder_pid=
	fi
}

restore_hugepages() {
	if [ -n "$old_nr_hugepages" ]; then
		echo "$old_nr_hugepages" >/proc/sys/vm/nr_hugepages
		[ "$(cat /proc/sys/vm/nr_hugepages)" = "$old_nr_hugepages" ] ||
			echo "make-process-fixtures: warning: nr_hugepages is $(cat /proc/sys/vm/nr_hugepages), not $old_nr_hugepages again" >&2
		old_nr_hugepages=
	fi
}

cleanup() {
	stop_holder
	restore_hugepages
	rm -rf "$tmp"
}
trap cleanup EXIT

"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-o "$tmp/memstate" "$repo/tests/helpers/memstate.c" || die "cannot build memstate"
# memacct-cli (the capture) and the library (pages-region reads through it)
if [ -z "$build" ]; then
	build="$tmp/build"
	meson setup "$build" "$repo" >"$tmp/build.log" 2>&1 ||
		{ cat "$tmp/build.log" >&2; die "meson setup failed"; }
fi
ninja -C "$build" cli/memacct-cli >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log" >&2; die "cannot build memacct-cli in $build"; }
cli="$build/cli/memacct-cli"
"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$repo/include" \
	-I"$build/include" -o "$tmp/pages-region" "$here/pages-region.c" -L"$build/lib" \
	-lmemacct -Wl,-rpath,"$build/lib" || die "cannot build pages-region"

# Start memstate ARGS with its stdin on a FIFO this shell holds open (closing
# it, or this shell dying, ends the state), and wait for its "ready" line.
# Sets holder_pid, info_* from its report lines, pids and region; returns
# memstate's exit status if it ends before it is ready (77: kernel refused).
start_state() {
	local fifo="$tmp/stdin" report="$tmp/report" key val rc
	rm -f "$fifo" "$report"
	mkfifo "$fifo"
	"$tmp/memstate" "$@" <"$fifo" >"$report" &
	holder_pid=$!
	exec {hold_fd}>"$fifo"
	for _ in $(seq 1200); do
		grep -q '^ready ' "$report" 2>/dev/null && break
		if ! kill -0 "$holder_pid" 2>/dev/null; then
			rc=0
			wait "$holder_pid" || rc=$?
			holder_pid=
			exec {hold_fd}>&-
			hold_fd=
			return $(( rc ? rc : 1 ))
		fi
		sleep 0.1
	done
	grep -q '^ready ' "$report" || die "memstate $* did not get ready"
	pids=""
	region=""
	info_thp_enabled=""
	info_anon_huge_kb=""
	while read -r key val; do
		case "$key" in
		ready) pids=$val ;;
		region) region=$val ;;
		thp_enabled) info_thp_enabled=$val ;;
		anon_huge_kb) info_anon_huge_kb=$val ;;
		esac
	done <"$report"
	return 0
}

# ------------------------------------------------------------ verification

problems=0
state_start=0	# problems before the current state
problem() { echo "  PROBLEM: $*"; problems=$(( problems + 1 )); }

# "Field value" lines (kB for sizes, as printed) of the smaps entry whose
# header starts with exactly RANGE, plus "VmFlags <flags>" and "perms <p>".
vma_fields() {
	awk -v r="$2" '
		/^[0-9a-f]+-[0-9a-f]+ / { inside = ($1 == r); if (inside) print "perms", $2; next }
		inside && $1 == "VmFlags:" { $1 = ""; sub(/^ /, ""); print "VmFlags", $0; next }
		inside { k = $1; sub(/:$/, "", k); print k, $2 }
	' "$1"
}

# want FIXTURE PID FIELD VALUE: the region VMA of PID has FIELD = VALUE.
want() {
	local d=$1 pid=$2 field=$3 value=$4 got
	got=$(vma_fields "$d/proc/$pid/smaps" "$region" | awk -v f="$field" '$1 == f { print $2; exit }')
	if [ "$got" != "$value" ]; then
		problem "pid $pid region $region: $field is '${got:-absent}', construction implies $value"
	fi
}

# want_flag FIXTURE PID FLAG: the region VMA's VmFlags has FLAG.
want_flag() {
	local flags
	flags=$(vma_fields "$1/proc/$2/smaps" "$region" | sed -n 's/^VmFlags //p')
	case " $flags " in
	*" $3 "*) ;;
	*) problem "pid $2 region $region: VmFlags '$flags' lacks '$3'" ;;
	esac
}

# want_status FIXTURE PID FIELD OP VALUE: status FIELD (kB) OP VALUE (-eq, -ge).
want_status() {
	local got
	got=$(awk -v f="$3:" '$1 == f { print $2; exit }' "$1/proc/$2/status")
	if [ -z "$got" ] || ! test "$got" "$4" "$5"; then
		problem "pid $2: status $3 is '${got:-absent}' kB, want $4 $5"
	fi
}

# want_rollup FIXTURE PID FIELD OP VALUE: smaps_rollup FIELD (kB) OP VALUE.
want_rollup() {
	local got
	got=$(awk -v f="$3:" '$1 == f { print $2; exit }' "$1/proc/$2/smaps_rollup")
	if [ -z "$got" ] || ! test "$got" "$4" "$5"; then
		problem "pid $2: smaps_rollup $3 is '${got:-absent}' kB, want $4 $5"
	fi
}

# want_meminfo FIXTURE EXPR: an awk condition over meminfo's values (m["Key"]).
want_meminfo() {
	awk '{ k = $1; sub(/:$/, "", k); m[k] = $2 } END { exit !('"$2"') }' \
		"$1/proc/meminfo" || problem "meminfo: $2 does not hold"
}

# The region appears in maps exactly as in smaps, in every process.
want_in_maps() {
	local d=$1 pid=$2 a b
	a=$(grep -m1 "^$region " "$d/proc/$pid/maps" || true)
	b=$(grep -m1 "^$region " "$d/proc/$pid/smaps" || true)
	[ -n "$a" ] || problem "pid $pid: no VMA $region in maps"
	[ "$a" = "$b" ] || problem "pid $pid: maps and smaps headers of $region differ"
}

# The header line (without the address) of the region in maps.
region_header() {
	grep -m1 "^$region " "$1/proc/$2/maps" | awk '{ $1 = ""; sub(/^ /, ""); print }'
}

# ----------------------------------------------------------------- states

desc="captured by scripts/make-process-fixtures.sh (tests/helpers/memstate.c, scripts/capture-process.sh --stat-refresh --pages, i.e. memacct-cli capture) on the project's VM: Debian 12, $(uname -r) (a vendor 6.18 build with lazy deferred memory init: MemFree stays far above buddyinfo's free pages, so meminfo.free_vs_buddyinfo is violated, as in fixtures/quiet), $(getconf _NPROCESSORS_ONLN) CPUs, no swap"

# capture NAME STATE-TEXT MEMSTATE-ARGS [--no-pages]: capture the running state's processes.
capture() {
	local name=$1 text=$2 p pages=(--pages)
	[ "${4:-}" != --no-pages ] || pages=()
	read -ra p <<<"$pids"
	"$here/capture-process.sh" --force --out "$out" --build "$build" --stat-refresh \
		"${pages[@]}" --region "$region" \
		--description "$desc; the state was held by memstate $3 (pids: parent first)" \
		"$name" "$text" "${p[@]}"
}

# region_pages FIXTURE PID: what the captured pagemap and kpage* say of the
# region (scripts/pages-region.c), kept for want_pages and pages_val.
region_pages() {
	"$tmp/pages-region" "$1/proc" "$2" "$region" >"$tmp/pages.$2" ||
		{ problem "pid $2: pages-region failed"; : >"$tmp/pages.$2"; }
}

# pages_val PID KEY: a value of region_pages's report.
pages_val() {
	awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$tmp/pages.$1"
}

# want_pages PID KEY VALUE: the region's pages report has KEY = VALUE.
want_pages() {
	local got
	got=$(pages_val "$1" "$2")
	[ "$got" = "$3" ] ||
		problem "pid $1 region $region: pagemap/kpage* $2 is '${got:-absent}', construction implies $3"
}

# want_pages_flag PID FLAG: every present page of the region has kpageflags FLAG.
want_pages_flag() {
	case " $(pages_val "$1" flags_all) " in
	*" $2 "*) ;;
	*) problem "pid $1 region $region: not every page has kpageflags $2 ($(pages_val "$1" flags_all))" ;;
	esac
}

# want_same_frames PID...: the processes map the region to the same frames.
want_same_frames() {
	local first p
	first=$(pages_val "$1" pfn_sum)
	for p in "$@"; do
		[ "$(pages_val "$p" pfn_sum)" = "$first" ] ||
			problem "pid $p region $region: maps other page frames than pid $1"
	done
}

# npages KB: how many pages of this machine KB kB is.
npages() {
	echo $(( $1 * 1024 / $(getconf PAGESIZE) ))
}

# fixture_size DIR: "N bytes in F files, largest NAME M bytes"
fixture_size() {
	find "$1" -type f -printf '%s %P\n' | sort -n | awk '
		{ t += $1; n++; big = $1; name = $2 }
		END { printf "%d bytes in %d files, largest %s %d bytes\n", t, n, name, big }'
}

finish() {
	local d=$1 expect=$2 f
	while IFS= read -r -d '' f; do
		[ "$(stat -c %s "$f")" -lt "$size_limit" ] ||
			problem "$(basename "$d"): ${f#"$d"/} is $size_limit bytes or more"
	done < <(find "$d" -type f -print0)
	echo "  size: $(fixture_size "$d")"
	if [ "$problems" -eq "$state_start" ]; then
		echo "expect: $expect" >>"$d/MANIFEST"
		echo "  verified: $expect"
	else
		echo "  $(basename "$d"): not as constructed, MANIFEST left without expect:"
	fi
}

state_anon() {
	local d="$out/proc-anon-64m" p
	start_state anon 64 || die "memstate anon failed"
	capture proc-anon-64m "memstate anon 64: one process holding 64 MiB of private anonymous memory, every page written, small pages (MADV_NOHUGEPAGE)" "anon 64"
	stop_holder
	p=$pids
	want_in_maps "$d" "$p"
	for f in Size:65536 Rss:65536 Pss:65536 Pss_Dirty:65536 Shared_Clean:0 Shared_Dirty:0 \
		Private_Clean:0 Private_Dirty:65536 Anonymous:65536 AnonHugePages:0 Swap:0 Locked:0; do
		want "$d" "$p" "${f%%:*}" "${f#*:}"
	done
	want_flag "$d" "$p" nh
	want_status "$d" "$p" RssAnon -ge 65536
	region_pages "$d" "$p"
	for f in present:$(npages 65536) exclusive:$(npages 65536) count_min:1 count_max:1 \
		pss_kb:65536 uss_kb:65536; do
		want_pages "$p" "${f%%:*}" "${f#*:}"
	done
	want_pages_flag "$p" ANON
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p"), the one VMA of that range): Size 65536 kB, Rss 65536 kB, Pss 65536 kB, Pss_Dirty 65536 kB, Private_Dirty 65536 kB, Anonymous 65536 kB, Shared_Clean, Shared_Dirty, Private_Clean, AnonHugePages, Swap and Locked 0, VmFlags has nh; status RssAnon >= 65536 kB; USS of the region (Private_Clean + Private_Dirty) = Rss = Pss; pages: the region's $(npages 65536) pagemap entries are all present and PM_MMAP_EXCLUSIVE, every frame ANON with kpagecount 1 ($(pages_val "$p" pfn_runs) runs of consecutive PFNs), so the exact PSS of the region (pagemap + kpagecount) is 65536 kB = its exact USS = smaps Pss, and the pagemap.* and pages.*_from_mapcount identities hold"
}

state_cow() {
	local d="$out/proc-cow-64m-x4" p n=4 sum=0 v
	start_state cow 64 $n || die "memstate cow failed"
	capture proc-cow-64m-x4 "memstate cow 64 4: 64 MiB of private anonymous memory written by the parent, then 3 forked children that only read it: every page of the region shared copy-on-write by 4 processes" "cow 64 4"
	stop_holder
	for p in $pids; do
		want_in_maps "$d" "$p"
		for f in Size:65536 Rss:65536 Pss:16384 Pss_Dirty:16384 Shared_Clean:0 \
			Shared_Dirty:65536 Private_Clean:0 Private_Dirty:0 Anonymous:65536 \
			AnonHugePages:0; do
			want "$d" "$p" "${f%%:*}" "${f#*:}"
		done
		v=$(vma_fields "$d/proc/$p/smaps" "$region" | awk '$1 == "Pss" { print $2 }')
		sum=$(( sum + ${v:-0} ))
		want_status "$d" "$p" RssAnon -ge 65536
		region_pages "$d" "$p"
		for f in present:$(npages 65536) exclusive:0 count_min:$n count_max:$n \
			pss_kb:16384 uss_kb:0; do
			want_pages "$p" "${f%%:*}" "${f#*:}"
		done
		want_pages_flag "$p" ANON
	done
	read -ra pp <<<"$pids"
	want_same_frames "${pp[@]}"
	[ "$sum" -eq 65536 ] || problem "cow: the 4 region Pss add up to $sum kB, not 65536"
	finish "$d" "each of the 4 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 16384 kB (= Rss / 4), Pss_Dirty 16384 kB, Shared_Dirty 65536 kB, Anonymous 65536 kB, Shared_Clean, Private_Clean, Private_Dirty and AnonHugePages 0 (USS of the region 0); the four Pss add up to 65536 kB, the region's Rss; status RssAnon >= 65536 kB in each; pages: in each process the region's $(npages 65536) pagemap entries are present, none PM_MMAP_EXCLUSIVE, and map the same $(npages 65536) ANON frames, each with kpagecount 4 (the process count): exact PSS of the region 16384 kB in each of the 4 processes (= smaps Pss), exact USS 0, and the pagemap.* and pages.*_from_mapcount identities hold"
}

state_shared_file() {
	local d="$out/proc-shared-file-64m-x3" p n=3 sum=0 v
	start_state shared-file 64 $n || die "memstate shared-file failed"
	capture proc-shared-file-64m-x3 "memstate shared-file 64 3: a 64 MiB file on ext4 (/var/tmp), written and fsync'ed, mapped MAP_SHARED read-only and read by 3 processes (the parent and 2 forked children)" "shared-file 64 3"
	stop_holder
	for p in $pids; do
		want_in_maps "$d" "$p"
		for f in Size:65536 Rss:65536 Pss:21845 Pss_Dirty:0 Shared_Clean:65536 \
			Shared_Dirty:0 Private_Clean:0 Private_Dirty:0 Anonymous:0; do
			want "$d" "$p" "${f%%:*}" "${f#*:}"
		done
		v=$(vma_fields "$d/proc/$p/smaps" "$region" | awk '$1 == "Pss" { print $2 }')
		sum=$(( sum + ${v:-0} ))
		want_status "$d" "$p" RssFile -ge 65536
		region_pages "$d" "$p"
		for f in present:$(npages 65536) file:$(npages 65536) exclusive:0 count_min:$n \
			count_max:$n pss_kb:21845 uss_kb:0; do
			want_pages "$p" "${f%%:*}" "${f#*:}"
		done
		want_pages_flag "$p" MMAP
	done
	read -ra pp <<<"$pids"
	want_same_frames "${pp[@]}"
	finish "$d" "each of the 3 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 21845 kB (65536 / 3 = 21845.33, truncated), Shared_Clean 65536 kB (the file was fsync'ed, so its pages are clean), Pss_Dirty, Shared_Dirty, Private_Clean, Private_Dirty and Anonymous 0; the three Pss add up to $sum kB (65536 less the three truncations); status RssFile >= 65536 kB in each; pages: in each process the region's $(npages 65536) pagemap entries are present and PM_FILE, none exclusive, and map the same $(npages 65536) MMAP page-cache frames, each with kpagecount 3: exact PSS of the region $(pages_val "${pids%% *}" pss_bytes) bytes (sum of (4096 << 12) / 3 per page, >> 12), 21845 kB as smaps prints it, in each of the 3 processes; exact USS 0; the pagemap.* and pages.*_from_mapcount identities hold"
}

state_shmem() {
	local d="$out/proc-shmem-64m-x2" p n=2
	start_state shmem 64 $n || die "memstate shmem failed"
	capture proc-shmem-64m-x2 "memstate shmem 64 2: a 64 MiB memfd mapped MAP_SHARED read-write, every page written by each of 2 processes (the parent and 1 forked child)" "shmem 64 2"
	stop_holder
	for p in $pids; do
		want_in_maps "$d" "$p"
		for f in Size:65536 Rss:65536 Pss:32768 Pss_Dirty:32768 Shared_Clean:0 \
			Shared_Dirty:65536 Private_Clean:0 Private_Dirty:0 Anonymous:0; do
			want "$d" "$p" "${f%%:*}" "${f#*:}"
		done
		want_flag "$d" "$p" sh
		want_status "$d" "$p" RssShmem -eq 65536
		want_rollup "$d" "$p" Pss_Shmem -ge 32768
		region_pages "$d" "$p"
		for f in present:$(npages 65536) file:$(npages 65536) exclusive:0 count_min:$n \
			count_max:$n pss_kb:32768 uss_kb:0; do
			want_pages "$p" "${f%%:*}" "${f#*:}"
		done
		want_pages_flag "$p" SWAPBACKED
	done
	read -ra pp <<<"$pids"
	want_same_frames "${pp[@]}"
	finish "$d" "each of the 2 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 32768 kB (= Rss / 2), Pss_Dirty 32768 kB, Shared_Dirty 65536 kB, Shared_Clean, Private_Clean, Private_Dirty and Anonymous 0, VmFlags has sh; status RssShmem = 65536 kB exactly in each (the memfd is their only shmem); smaps_rollup Pss_Shmem >= 32768 kB; pages: in each process the region's $(npages 65536) pagemap entries are present and PM_FILE (shared anonymous), none exclusive, and map the same $(npages 65536) SWAPBACKED (not ANON) frames, each with kpagecount 2: exact PSS of the region 32768 kB in each of the 2 processes (= smaps Pss), exact USS 0; the pagemap.* and pages.*_from_mapcount identities hold"
}

state_mlock() {
	local d="$out/proc-mlock-32m" p
	start_state mlock 32 || die "memstate mlock failed (or the kernel refused mlock)"
	capture proc-mlock-32m "memstate mlock 32: one process holding 32 MiB of private anonymous memory, every page written, then mlocked" "mlock 32"
	stop_holder
	p=$pids
	want_in_maps "$d" "$p"
	for f in Size:32768 Rss:32768 Pss:32768 Private_Dirty:32768 Anonymous:32768 Locked:32768; do
		want "$d" "$p" "${f%%:*}" "${f#*:}"
	done
	want_flag "$d" "$p" lo
	want_status "$d" "$p" VmLck -eq 32768
	want_rollup "$d" "$p" Locked -eq 32768
	region_pages "$d" "$p"
	for f in present:$(npages 32768) exclusive:$(npages 32768) count_min:1 count_max:1 \
		pss_kb:32768 uss_kb:32768; do
		want_pages "$p" "${f%%:*}" "${f#*:}"
	done
	for f in ANON MLOCKED UNEVICTABLE; do
		want_pages_flag "$p" "$f"
	done
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p")): Size 32768 kB, Rss 32768 kB, Pss 32768 kB, Locked 32768 kB (= Pss: smaps.locked), Private_Dirty 32768 kB, Anonymous 32768 kB, VmFlags has lo; no other VMA is locked: status VmLck = 32768 kB exactly, smaps_rollup Locked = 32768 kB; pages: the region's $(npages 32768) pagemap entries are present and exclusive, every frame ANON, MLOCKED and UNEVICTABLE with kpagecount 1: exact PSS 32768 kB = exact USS = smaps Pss; the pagemap.* and pages.*_from_mapcount identities hold"
}

state_thp() {
	local d="$out/proc-thp-64m" p got
	start_state thp 64 || die "memstate thp failed"
	capture proc-thp-64m "memstate thp 64: one process holding 64 MiB of private anonymous memory aligned to 2 MiB, MADV_HUGEPAGE, every page written (THP enabled: $info_thp_enabled; memstate saw AnonHugePages $info_anon_huge_kb kB)" "thp 64"
	stop_holder
	p=$pids
	want_in_maps "$d" "$p"
	for f in Size:65536 Rss:65536 Pss:65536 Private_Dirty:65536 Anonymous:65536 KernelPageSize:4 THPeligible:1; do
		want "$d" "$p" "${f%%:*}" "${f#*:}"
	done
	want_flag "$d" "$p" hg
	got=$(vma_fields "$d/proc/$p/smaps" "$region" | awk '$1 == "AnonHugePages" { print $2 }')
	[ "$got" = "$info_anon_huge_kb" ] ||
		problem "thp: AnonHugePages $got kB in the capture, $info_anon_huge_kb kB when memstate looked"
	if [ "$got" != 65536 ]; then
		problem "thp: AnonHugePages $got kB, not 65536 (THP enabled: $info_thp_enabled; fragmentation, or THP off)"
	fi
	want_status "$d" "$p" RssAnon -ge 65536
	want_rollup "$d" "$p" AnonHugePages -ge 65536
	region_pages "$d" "$p"
	for f in present:$(npages 65536) exclusive:$(npages 65536) count_min:1 count_max:1 \
		pss_kb:65536 uss_kb:65536; do
		want_pages "$p" "${f%%:*}" "${f#*:}"
	done
	for f in ANON THP; do
		want_pages_flag "$p" "$f"
	done
	[ "$(pages_val "$p" pfn_runs)" -le 32 ] ||
		problem "thp: the region's frames make $(pages_val "$p" pfn_runs) runs, more than 32 huge pages would"
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p"), 2 MiB aligned): Size 65536 kB, Rss 65536 kB, AnonHugePages 65536 kB (32 PMD-mapped huge pages; THP enabled [$info_thp_enabled]), Pss 65536 kB, Private_Dirty 65536 kB, Anonymous 65536 kB, KernelPageSize 4 kB, THPeligible 1, VmFlags has hg; smaps_rollup AnonHugePages >= 65536 kB; pages: the region's $(npages 65536) pagemap entries are present and exclusive, every frame ANON and THP with kpagecount 1 (the precise per-page mapcount, CONFIG_PAGE_MAPCOUNT), in $(pages_val "$p" pfn_runs) runs of consecutive PFNs (32 huge pages or fewer runs): exact PSS 65536 kB = exact USS = smaps Pss; the pagemap.* and pages.*_from_mapcount identities hold"
}

state_hugetlb() {
	local hp_kb n=8 name p size rc=0 free
	hp_kb=$(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo)
	[ -n "$hp_kb" ] || { echo "hugetlb: no Hugepagesize in /proc/meminfo: skipped"; return 0; }
	if [ $(( hp_kb % 1048576 )) -eq 0 ]; then
		size="$(( hp_kb / 1048576 ))g"
	else
		size="$(( hp_kb / 1024 ))m"
	fi
	name="proc-hugetlb-${n}x$size"
	old_nr_hugepages=$(cat /proc/sys/vm/nr_hugepages)
	echo $(( old_nr_hugepages + n )) >/proc/sys/vm/nr_hugepages || true
	free=$(awk '$1 == "HugePages_Free:" { print $2 }' /proc/meminfo)
	if [ "$free" -lt "$n" ]; then
		echo "hugetlb: only $free free huge pages after raising nr_hugepages to $(cat /proc/sys/vm/nr_hugepages): skipped"
		restore_hugepages
		return 0
	fi
	start_state hugetlb $n || rc=$?
	if [ "$rc" -ne 0 ]; then
		restore_hugepages
		[ "$rc" -eq 77 ] || die "memstate hugetlb failed ($rc)"
		echo "hugetlb: the kernel refused the mapping: skipped"
		return 0
	fi
	local d="$out/$name" total=$(( n * hp_kb ))
	capture "$name" "memstate hugetlb $n: one process holding $n private anonymous MAP_HUGETLB pages of $hp_kb kB ($total kB), every page written; vm.nr_hugepages raised from $old_nr_hugepages to $(( old_nr_hugepages + n )) for it" "hugetlb $n"
	stop_holder
	restore_hugepages
	p=$pids
	want_in_maps "$d" "$p"
	for f in Size:$total KernelPageSize:$hp_kb MMUPageSize:$hp_kb Rss:0 Pss:0 Shared_Clean:0 \
		Shared_Dirty:0 Private_Clean:0 Private_Dirty:0 Anonymous:0 Shared_Hugetlb:0 \
		Private_Hugetlb:$total; do
		want "$d" "$p" "${f%%:*}" "${f#*:}"
	done
	want_flag "$d" "$p" ht
	want_status "$d" "$p" HugetlbPages -eq "$total"
	want_rollup "$d" "$p" Private_Hugetlb -eq "$total"
	want_meminfo "$d" "m[\"HugePages_Total\"] - m[\"HugePages_Free\"] >= $n"
	region_pages "$d" "$p"
	want_pages "$p" present "$(npages "$total")"
	want_pages_flag "$p" HUGE
	[ "$(pages_val "$p" pfn_runs)" -le "$n" ] ||
		problem "hugetlb: the region's frames make $(pages_val "$p" pfn_runs) runs, more than $n huge pages would"
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p")): Size $total kB, KernelPageSize and MMUPageSize $hp_kb kB, Private_Hugetlb $total kB, Shared_Hugetlb 0, and Rss, Pss and the four Shared/Private fields 0 (hugetlb pages are in none of them), VmFlags has ht; status HugetlbPages = $total kB = the sum of Shared_Hugetlb + Private_Hugetlb; meminfo HugePages_Total - HugePages_Free >= $n; pages: the region's $(npages "$total") pagemap entries (one per base page) are present, every frame HUGE, in $(pages_val "$p" pfn_runs) runs of consecutive PFNs, kpagecount $(pages_val "$p" count_min) to $(pages_val "$p" count_max); exact accounting counts them as hugetlb ($total kB), apart from PSS and USS, as smaps does"
}

state_vmas() {
	local n=1000 name d p res
	name="proc-vmas-$n"
	d="$out/$name"
	start_state vmas $n || die "memstate vmas failed"
	capture "$name" "memstate vmas $n: one process holding $n one-page private anonymous VMAs side by side, every page written, every other page then made read-only so that none merge" "vmas $n" --no-pages
	stop_holder
	p=$pids
	# The VMAs inside the region: count, alternation, and per-VMA numbers.
	res=$(awk -v r="$region" '
		function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		BEGIN { split(r, a, "-"); lo = hex(a[1]); hi = hex(a[2]) }
		/^[0-9a-f]+-[0-9a-f]+ / {
			split($1, b, "-"); s = hex(b[1]); e = hex(b[2])
			inside = (s >= lo && e <= hi)
			if (inside) { n++; want = (n % 2) ? "rw-p" : "r--p"; if ($2 != want) bad++ ; if (s != prev_e && n > 1) gap++; prev_e = e }
			next
		}
		inside && ($1 == "Size:" || $1 == "Rss:" || $1 == "Pss:" || $1 == "Private_Dirty:" || $1 == "Anonymous:") { if ($2 != 4) bad++; rss += ($1 == "Rss:") ? $2 : 0 }
		END { printf "%d %d %d %d\n", n, bad, gap, rss }
	' "$d/proc/$p/smaps")
	read -r nv bad gap rss <<<"$res"
	[ "$nv" -eq "$n" ] || problem "vmas: $nv VMAs in $region, not $n"
	[ "$bad" -eq 0 ] || problem "vmas: $bad VMA lines not as constructed (perms alternating rw-p/r--p; Size, Rss, Pss, Private_Dirty, Anonymous 4 kB)"
	[ "$gap" -eq 0 ] || problem "vmas: $gap gaps between the VMAs"
	[ "$(grep -c "^[0-9a-f]*-[0-9a-f]* " "$d/proc/$p/maps")" -eq \
		"$(grep -c "^[0-9a-f]*-[0-9a-f]* " "$d/proc/$p/smaps")" ] ||
		problem "vmas: maps and smaps have different VMA counts"
	want_status "$d" "$p" VmRSS -ge "$rss"
	finish "$d" "pid $p, region $region: exactly $n VMAs, contiguous, alternating rw-p and r--p from the first, each with Size, Rss, Pss, Private_Dirty and Anonymous 4 kB (Rss $rss kB in all); maps and smaps list the same $(grep -c "^[0-9a-f]*-[0-9a-f]* " "$d/proc/$p/maps") VMAs in all; status VmRSS >= $rss kB"
}

state_census() {
	local d="$out/pages-census" stage="$tmp/census" end first=0 len f verdicts v try
	local text="memacct-cli capture --census --stat-refresh: the machine idle (no memstate running) after sync and vm/drop_caches 3 (so that the page cache of earlier builds does not fill the capture), the per-CPU vmstat deltas folded by writing vm/stat_refresh, then meminfo, zoneinfo, buddyinfo and vmstat read, then kpageflags and kpagecount"
	# The whole machine when it fits: a few tries, as other work comes and goes.
	for try in 1 2 3 4 5; do
		rm -rf "$stage"
		sync
		echo 3 >/proc/sys/vm/drop_caches
		"$cli" capture "$stage" --census --stat-refresh --state "$text" >/dev/null ||
			die "memacct-cli capture --census failed"
		[ "$(find "$stage/proc" -name 'kpage*' -size +$(( size_limit - 1 ))c | wc -l)" -ne 0 ] ||
			break
		echo "  try $try: the whole PFN space does not fit $size_limit bytes per file"
		sleep 10
	done
	end=$(sed -n 's/^census_pfns: 0-//p' "$stage/MANIFEST")
	len=$(( 16#$end ))
	# The whole PFN space, unless a file is over the limit: then the
	# longest range from PFN 0 whose files fit, found from where the whole
	# capture's files cross the limit (less a margin for the time between).
	big() { [ "$(find "$stage/proc" -name 'kpage*' -size +$(( size_limit - 1 ))c | wc -l)" -ne 0 ]; }
	if big; then
		for f in "$stage"/proc/kpage*; do
			v=$(awk -v lim=$(( size_limit * 7 / 8 )) 'NR > 2 { t += length($0) + 1 } t > lim { print $1; exit }' "$f")
			[ -z "$v" ] || [ $(( 16#$v )) -ge "$len" ] || len=$(( 16#$v ))
		done
	fi
	while big; do
		[ "$len" -gt 0 ] || die "census: not even one PFN fits"
		rm -rf "$stage"
		"$cli" capture "$stage" --census --pfns "$(printf '%x-%x' "$first" "$len")" \
			--stat-refresh --state "$text" >/dev/null || die "memacct-cli capture --census --pfns failed"
		big || break
		len=$(( len * 7 / 8 ))
	done
	{
		if [ "$len" -eq $(( 16#$end )) ]; then
			echo "description: captured by scripts/make-process-fixtures.sh census (memacct-cli capture --census --stat-refresh) on the project's VM: Debian 12, $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, no swap; kpageflags and kpagecount of every PFN, 0 to $end (hexadecimal, the end of the kernel's files: max_pfn rounded up to a memory section), in the sparse format"
		else
			echo "description: captured by scripts/make-process-fixtures.sh census (memacct-cli capture --census --pfns --stat-refresh) on the project's VM: Debian 12, $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, no swap; kpageflags and kpagecount of PFNs 0 to $(printf '%x' "$len") only (the whole, 0 to $end, did not fit $size_limit bytes per file), so the identities that need the whole machine (pages.*_vs_meminfo, pages.buddy_vs_free, pages.writeback_dirty) are not expected to hold on it"
		fi
	} >>"$stage/MANIFEST"
	rm -rf "$d"
	mv "$stage" "$d"
	# The verdicts of the library's census identities on it, recorded as the
	# reader must conclude them (a violation stays one: it is said, not hidden).
	verdicts=$({ "$cli" check --pages --root "$d/proc" --only 'pages.*' \
		--skip pages.pss_from_mapcount,pages.uss_from_mapcount --format json || true; } |
		jq -r '.results[] | "\(.id) \(.status)"') || verdicts=""
	[ -n "$verdicts" ] || problem "census: memacct-cli check --pages --only 'pages.*' gave no verdicts"
	finish "$d" "a census of $(printf '%d' "$len") PFNs ($(( len * $(getconf PAGESIZE) / 1048576 )) MiB of physical address space, census_pfns $(sed -n 's/^census_pfns: //p' "$d/MANIFEST")): memacct_census_read gives, per combination and per flag, exactly what a naive decoder of the sparse kpageflags and kpagecount counts (tests/test-fixtures-pages.c); memacct-cli check --pages: $(echo "$verdicts" | paste -sd, - | sed 's/,/, /g')"
}

# hide_pfns: a sparse pagemap on stdin, its PFNs (and swap offsets) zeroed on
# stdout, as pagemap_read() shows them to an opener without CAP_SYS_ADMIN
# (fs/proc/task_mmu.c: show_pfn false; the flags, PM_MMAP_EXCLUSIVE too, kept).
hide_pfns() {
	local line idx cnt val step v k mask=$(( (1 << 55) - 1 ))
	while IFS= read -r line; do
		case "$line" in
		memacct-sparse*|end\ *|\#*|'') echo "$line"; continue ;;
		esac
		read -r idx cnt val step <<<"$line"
		v=$(( 16#$val ))
		if [ -n "$step" ] && [ "$cnt" -gt 1 ]; then
			# a run of consecutive frames: present from the first to the last?
			if (( v < 0 && (v + (cnt - 1) * 16#$step) < 0 && 16#$step <= mask )); then
				printf '%s %s %x\n' "$idx" "$cnt" $(( v & ~mask ))
				continue
			fi
			for (( k = 0; k < cnt; k++ )); do
				printf '%x 1 %s\n' $(( 16#$idx + k )) \
					"$(printf '%x' $(( v + k * 16#$step )))" | hide_pfns_entry
			done
			continue
		fi
		echo "$idx $cnt $val" | hide_pfns_entry
	done
}

# One "INDEX COUNT VALUE" line, no step.
hide_pfns_entry() {
	local idx cnt val v mask=$(( (1 << 55) - 1 ))
	read -r idx cnt val
	v=$(( 16#$val ))
	if (( v < 0 )); then
		v=$(( v & ~mask ))			# present: the PFN
	elif (( (v >> 62) & 1 )); then
		v=$(( v & ~(mask & ~31) ))		# swapped: the offset, not the type
	fi
	printf '%s %s %x\n' "$idx" "$cnt" "$v"
}

# merge_runs: a sparse file on stdin whose step-less runs of one value that
# touch are merged into one run (the format allows either).
merge_runs() {
	awk '
		function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		function flush() { if (n) printf "%s %d %s\n", idx, n, val; n = 0 }
		NF != 3 || $1 == "end" { flush(); print; next }
		n && $3 == val && hex($1) == hex(idx) + n { n += $2; next }
		{ flush(); idx = $1; n = $2; val = $3 }
		END { flush() }
	'
}

state_hidden() {
	local from="$out/proc-anon-64m" d="$out/pages-hidden" stage="$tmp/pages-hidden" p f k
	p=$(sed -n 's/^pids: //p' "$from/MANIFEST" 2>/dev/null)
	[ -n "$p" ] && [ -f "$from/proc/$p/pagemap" ] ||
		die "hidden: needs fixtures/proc-anon-64m with its pagemap (run the anon state first)"
	region=$(sed -n 's/^region: //p' "$from/MANIFEST")
	rm -rf "$stage"
	mkdir -p "$stage/proc/$p" "$stage/proc/sys/kernel"
	for f in meminfo zoneinfo buddyinfo vmstat sys/kernel/osrelease; do
		[ ! -f "$from/proc/$f" ] || cp "$from/proc/$f" "$stage/proc/$f"
	done
	for f in status statm maps smaps smaps_rollup; do
		cp "$from/proc/$p/$f" "$stage/proc/$p/$f"
	done
	hide_pfns <"$from/proc/$p/pagemap" | merge_runs >"$stage/proc/$p/pagemap"
	{
		echo "origin: hand-made"
		for k in kernel arch page_size cpus; do
			grep "^$k: " "$from/MANIFEST"
		done
		echo "state: proc-anon-64m's process as a reader without CAP_SYS_ADMIN sees it: its pagemap entries keep their flags (present, exclusive, soft-dirty) but every PFN is 0; no kpageflags, kpagecount or kpagecgroup (mode 0400, root only)"
		echo "stat_refresh: $(sed -n 's/^stat_refresh: //p' "$from/MANIFEST")"
		echo "pids: $p"
		echo "region: $region"
		echo "description: hand-made by scripts/make-process-fixtures.sh hidden from fixtures/proc-anon-64m (captured $(sed -n 's/^captured: //p' "$from/MANIFEST")): the same text files; its sparse pagemap with the PFN bits (0-54) of every present entry cleared, as fs/proc/task_mmu.c pagemap_read() does when the opener lacks CAP_SYS_ADMIN in the initial user namespace (show_pfn false; Documentation/admin-guide/mm/pagemap.rst)"
		echo "expect: memacct_exact_read fails with EPERM (present entries with PFN 0: the PFNs are hidden; the message names CAP_SYS_ADMIN), never reporting PSS or USS from zeros; with MEMACCT_EXACT_NO_MAPCOUNT it reads: the region's $(npages 65536) entries present and exclusive (65536 kB = smaps Rss of the region); memacct_kpage_open gives ENOENT (not captured)"
	} >"$stage/MANIFEST"
	grep -q '^page_size: ' "$stage/MANIFEST" || die "hidden: proc-anon-64m's MANIFEST has no page_size"
	rm -rf "$d"
	mv "$stage" "$d"
	echo "  size: $(fixture_size "$d")"
}

for s in "${states[@]}"; do
	echo "$s:"
	state_start=$problems
	sync
	"state_${s//-/_}"
done

stop_holder
restore_hugepages
if [ "$problems" -ne 0 ]; then
	echo "$problems problem(s): see above"
	exit 1
fi
echo "every state shows the numbers its construction implies"
