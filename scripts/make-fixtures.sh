#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make-fixtures.sh [--captured] [--hand-made] [--damaged] [--check] [--out DIR]
#
# Builds the fixture trees of notes/fixtures.md. With no stage option, runs
# every stage in this order:
#   --captured   (root) recreate three states on this machine and capture
#                each with scripts/capture-fixture.sh --stat-refresh:
#                  quiet       nothing extra running
#                  shmem-1g    1 GiB written to a file in /dev/shm (removed after)
#                  mlock-512m  a process holding 512 MiB of anonymous memory,
#                              touched and mlocked (tests/helpers/hold-mlock.c)
#   --hand-made  write old-2.6.32, highmem-32bit and arm64-scs: formats from the
#                kernel sources of those eras, numbers chosen so that every
#                exact identity holds (each file is generated here, so the
#                arithmetic is on show)
#   --damaged    derive the damaged-* fixtures from fixtures/quiet
#   --check      sanity-check every fixture: the exact identities, the
#                captured states against quiet, file sizes, and that no file
#                is a copy of one under ../shared; exits 1 on a problem
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
out="$repo/fixtures"
shared=${MEMACCT_SHARED:-$repo/../shared}
stages=()

while [ $# -gt 0 ]; do
	case "$1" in
	--captured|--hand-made|--damaged|--check) stages+=("${1#--}"); shift ;;
	--out) out=${2?}; shift 2 ;;
	-h|--help) sed -n '4,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "make-fixtures: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ ${#stages[@]} -gt 0 ] || stages=(captured hand-made damaged check)

die() { echo "make-fixtures: $*" >&2; exit 1; }

# The value (the first number) of KEY in a meminfo-shaped FILE, or nothing.
mi() { awk -v k="$2:" '$1 == k { print $2; exit }' "$1"; }

# The value of KEY in a MANIFEST.
manifest() { sed -n "s/^$2: //p" "$1/MANIFEST" | head -n 1; }

# Free pages summed over buddyinfo: count * 2^order over every zone.
buddy_pages() {
	awk '{ for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5) } END { printf "%d\n", s }' "$1"
}

# The highest "vm stats threshold" of a zoneinfo.
max_threshold() {
	awk '/vm stats threshold:/ { if ($4 > m) m = $4 } END { printf "%d\n", m }' "$1"
}

signed() { if [ "$1" -ge 0 ]; then echo "+$1"; else echo "$1"; fi; }

# ---------------------------------------------------------------- captured

shm_file=/dev/shm/memacct-fixture-1g
holder_pid=

cleanup_captured() {
	rm -f "$shm_file"
	if [ -n "$holder_pid" ]; then
		kill -TERM "$holder_pid" 2>/dev/null || true
		wait "$holder_pid" 2>/dev/null || true
	fi
}

# One sentence on how MemFree compares with the free pages of buddyinfo,
# with the drift tolerance of identities.md (1 counter, threshold from zoneinfo).
free_vs_buddy_sentence() {
	local dir=$1 ps free_kb buddy_kb res tol thr cpus
	ps=$(manifest "$dir" page_size)
	cpus=$(manifest "$dir" cpus)
	free_kb=$(mi "$dir/proc/meminfo" MemFree)
	buddy_kb=$(( $(buddy_pages "$dir/proc/buddyinfo") * ps / 1024 ))
	thr=$(max_threshold "$dir/proc/zoneinfo")
	res=$(( free_kb - buddy_kb ))
	tol=$(( cpus * thr * ps / 1024 ))
	if [ "${res#-}" -le "$tol" ]; then
		echo "meminfo.free_vs_buddyinfo holds (MemFree - buddyinfo = $(signed $res) kB, tolerance $tol kB)"
	else
		echo "meminfo.free_vs_buddyinfo violated: MemFree $free_kb kB but buddyinfo free pages come to $buddy_kb kB ($(signed $res) kB; this vendor kernel's lazy deferred memory init leaves MemFree above the free-page counter, which a checker must report, not hide)"
	fi
}

file_pages_sentence() {
	local dir=$1 ps lhs rhs
	ps=$(manifest "$dir" page_size)
	lhs=$(( $(mi "$dir/proc/meminfo" Cached) + $(mi "$dir/proc/meminfo" Buffers) +
		$(mi "$dir/proc/meminfo" SwapCached) ))
	rhs=$(( $(awk '$1 == "nr_file_pages" { print $2 }' "$dir/proc/vmstat") * ps / 1024 ))
	echo "meminfo.file_pages_vs_vmstat: Cached + Buffers + SwapCached - nr_file_pages = $(signed $(( lhs - rhs ))) kB"
}

delta() { echo $(( $(mi "$2/proc/meminfo" "$3") - $(mi "$1/proc/meminfo" "$3") )); }

stage_captured() {
	local tmp ready
	[ "$(id -u)" -eq 0 ] || die "--captured needs root (stat_refresh, mlock)"
	tmp=$(mktemp -d)
	trap 'cleanup_captured; rm -rf "$tmp"' EXIT
	"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
		-o "$tmp/hold-mlock" "$repo/tests/helpers/hold-mlock.c"

	local desc
	desc="captured by scripts/make-fixtures.sh (capture-fixture.sh --stat-refresh) on the project's VM: Debian 12, $(uname -r) (a vendor 6.18 build with lazy deferred memory init), $(getconf _NPROCESSORS_ONLN) CPUs, no swap"
	sync
	"$here/capture-fixture.sh" --force --out "$out" --stat-refresh --description "$desc" quiet \
		"quiet: nothing extra running (an idle VM: init, sshd, this shell)"

	sync
	dd if=/dev/zero of="$shm_file" bs=1M count=1024 status=none
	"$here/capture-fixture.sh" --force --out "$out" --stat-refresh --description "$desc" shmem-1g \
		"1 GiB written to a file in /dev/shm (tmpfs), otherwise as quiet"
	rm -f "$shm_file"

	sync
	ready="$tmp/ready"
	"$tmp/hold-mlock" 512 "$ready" &
	holder_pid=$!
	for _ in $(seq 300); do
		[ -e "$ready" ] && break
		kill -0 "$holder_pid" 2>/dev/null || die "hold-mlock exited early"
		sleep 0.1
	done
	[ -e "$ready" ] || die "hold-mlock did not get ready"
	"$here/capture-fixture.sh" --force --out "$out" --stat-refresh --description "$desc" mlock-512m \
		"a process holding 512 MiB of private anonymous memory, touched and mlocked, otherwise as quiet"
	kill -TERM "$holder_pid"
	wait "$holder_pid" || true
	holder_pid=

	# The expectations depend on what was captured: compute them now.
	local q="$out/quiet" s="$out/shmem-1g" m="$out/mlock-512m" d
	for d in "$q" "$s" "$m"; do
		local e
		e="parses strictly; meminfo.active_split, inactive_split and slab_split hold exactly; $(free_vs_buddy_sentence "$d"); $(file_pages_sentence "$d")"
		case "$d" in
		"$s") e="$e; against quiet: Shmem $(signed "$(delta "$q" "$s" Shmem)") kB, Cached $(signed "$(delta "$q" "$s" Cached)") kB, Inactive(anon)+Active(anon) $(signed $(( $(delta "$q" "$s" 'Inactive(anon)') + $(delta "$q" "$s" 'Active(anon)') ))) kB (tmpfs pages are swap-backed: anon LRU, counted in Cached and Shmem)" ;;
		"$m") e="$e; against quiet: Mlocked $(signed "$(delta "$q" "$m" Mlocked)") kB, Unevictable $(signed "$(delta "$q" "$m" Unevictable)") kB, AnonPages $(signed "$(delta "$q" "$m" AnonPages)") kB (mlocked pages sit on the unevictable LRU, so meminfo.anon_lru_vs_anon needs its mlock caveat)" ;;
		esac
		echo "expect: $e" >>"$d/MANIFEST"
	done
	cleanup_captured
	rm -rf "$tmp"
	trap - EXIT
}

# ---------------------------------------------------------------- hand-made

# fs/proc/meminfo.c show_val_kb(): the name padded to 16 columns, then the
# value right-aligned in 8 (wider values push on: no space is added).
kb() { printf '%-16s%8s kB\n' "$1:" "$2"; }
# hugetlb_report_meminfo(): "HugePages_Total:   %5lu" (counts, no unit).
hp() { printf '%-16s   %5s\n' "$1:" "$2"; }
# "HardwareCorrupted: %5lu kB" (CONFIG_MEMORY_FAILURE, since 2.6.32).
hwc() { printf 'HardwareCorrupted: %5s kB\n' "$1"; }

# mm/vmstat.c frag_show_print(): "Node %d, zone %8s " then "%6lu " per order.
# buddy NODE ZONE COUNT... ; adds the zone's free pages to $buddy_sum.
buddy_sum=0
buddy() {
	local node=$1 zone=$2 order=0 c
	shift 2
	printf 'Node %d, zone %8s ' "$node" "$zone"
	for c in "$@"; do
		printf '%6s ' "$c"
		buddy_sum=$(( buddy_sum + c * (1 << order) ))
		order=$(( order + 1 ))
	done
	printf '\n'
}

# The residuals of the two LRU identities of identities.md, in bytes.
approx_sentence() {
	local f=$1
	echo "meminfo.file_lru_vs_cache residual $(signed $(( ($(mi "$f" 'Active(file)') + $(mi "$f" 'Inactive(file)') + $(mi "$f" Shmem) - $(mi "$f" Cached) - $(mi "$f" Buffers)) * 1024 ))) bytes, meminfo.anon_lru_vs_anon residual $(signed $(( ($(mi "$f" 'Active(anon)') + $(mi "$f" 'Inactive(anon)') - $(mi "$f" AnonPages) - $(mi "$f" Shmem)) * 1024 ))) bytes"
}

write_manifest() {
	local dir=$1 kernel=$2 arch=$3 ps=$4 cpus=$5 state=$6 desc=$7 expect=$8
	{
		echo "origin: hand-made"
		echo "kernel: $kernel"
		echo "arch: $arch"
		echo "page_size: $ps"
		echo "cpus: $cpus"
		echo "state: $state"
		echo "stat_refresh: no"
		echo "description: $desc"
		echo "expect: $expect"
	} >"$dir/MANIFEST"
}

new_tree() {
	rm -rf "${out:?}/$1"
	mkdir -p "$out/$1/proc/sys/kernel"
	printf '%s\n' "$2" >"$out/$1/proc/sys/kernel/osrelease"
}

# old-2.6.32: x86_64, vanilla 2.6.32 (fs/proc/meminfo.c of v2.6.32, one
# seq_printf; mm/hugetlb.c hugetlb_report_meminfo; arch/x86/mm/pageattr.c
# arch_report_meminfo). 4 KiB pages: every page counter is a multiple of 4 kB.
hand_old_2_6_32() {
	local d="$out/old-2.6.32" p=4
	new_tree old-2.6.32 "2.6.32"

	buddy_sum=0
	{
		buddy 0 DMA 4 3 5 4 3 2 1 1 1 1 2
		buddy 0 DMA32 812 640 433 287 160 95 52 31 18 12 315
		buddy 0 Normal 1540 1121 704 396 211 120 61 29 13 7 160
	} >"$d/proc/buddyinfo"

	# pages
	local total=1011955 free=$buddy_sum buffers=22053 cached=255836 swapcached=0
	local aa=103090 ia=26212 af=147533 if_=128065 unev=0 mlock=0
	local anon=127038 mapped=24328 shmem=2262 dirty=16 wb=0
	local srecl=29641 sunrecl=6034 kstacks=278 ptes=4439
	local swaptotal=524287 swapfree=524287 committed=330398
	# CommitLimit: mm/mmap.c (2.6.32) totalram * overcommit_ratio / 100 + swap
	local commitlimit=$(( total * 50 / 100 + swaptotal ))

	{
		kb MemTotal $(( total * p ))
		kb MemFree $(( free * p ))
		kb Buffers $(( buffers * p ))
		kb Cached $(( cached * p ))
		kb SwapCached $(( swapcached * p ))
		kb Active $(( (aa + af) * p ))
		kb Inactive $(( (ia + if_) * p ))
		kb 'Active(anon)' $(( aa * p ))
		kb 'Inactive(anon)' $(( ia * p ))
		kb 'Active(file)' $(( af * p ))
		kb 'Inactive(file)' $(( if_ * p ))
		kb Unevictable $(( unev * p ))
		kb Mlocked $(( mlock * p ))
		kb SwapTotal $(( swaptotal * p ))
		kb SwapFree $(( swapfree * p ))
		kb Dirty $(( dirty * p ))
		kb Writeback $(( wb * p ))
		kb AnonPages $(( anon * p ))
		kb Mapped $(( mapped * p ))
		kb Shmem $(( shmem * p ))
		kb Slab $(( (srecl + sunrecl) * p ))
		kb SReclaimable $(( srecl * p ))
		kb SUnreclaim $(( sunrecl * p ))
		# 2.6.32 counts stacks (NR_KERNEL_STACK) and prints stacks * THREAD_SIZE / 1024
		kb KernelStack $(( kstacks * 8 ))
		kb PageTables $(( ptes * p ))
		kb NFS_Unstable 0
		kb Bounce 0
		kb WritebackTmp 0
		kb CommitLimit $(( commitlimit * p ))
		kb Committed_AS $(( committed * p ))
		kb VmallocTotal 34359738367
		kb VmallocUsed 25464
		kb VmallocChunk 34359706620
		hwc 0
		hp HugePages_Total 0
		hp HugePages_Free 0
		hp HugePages_Rsvd 0
		hp HugePages_Surp 0
		kb Hugepagesize 2048
		kb DirectMap4k 8192
		kb DirectMap2M 4186112
	} >"$d/proc/meminfo"

	# mm/vmstat.c vmstat_text of v2.6.32 (CONFIG_NUMA, CONFIG_HUGETLB_PAGE,
	# CONFIG_VM_EVENT_COUNTERS; zones DMA, DMA32, Normal, Movable): the zone
	# counters agree with meminfo above; the event counters are made up.
	{
		echo "nr_free_pages $free"
		echo "nr_inactive_anon $ia"
		echo "nr_active_anon $aa"
		echo "nr_inactive_file $if_"
		echo "nr_active_file $af"
		echo "nr_unevictable $unev"
		echo "nr_mlock $mlock"
		echo "nr_anon_pages $anon"
		echo "nr_mapped $mapped"
		echo "nr_file_pages $(( cached + buffers + swapcached ))"
		echo "nr_dirty $dirty"
		echo "nr_writeback $wb"
		echo "nr_slab_reclaimable $srecl"
		echo "nr_slab_unreclaimable $sunrecl"
		echo "nr_page_table_pages $ptes"
		echo "nr_kernel_stack $kstacks"
		echo "nr_unstable 0"
		echo "nr_bounce 0"
		echo "nr_vmscan_write 0"
		echo "nr_writeback_temp 0"
		echo "nr_isolated_anon 0"
		echo "nr_isolated_file 0"
		echo "nr_shmem $shmem"
		echo "numa_hit 48211907"
		echo "numa_miss 0"
		echo "numa_foreign 0"
		echo "numa_interleave 14466"
		echo "numa_local 48211907"
		echo "numa_other 0"
		echo "pgpgin 1163476"
		echo "pgpgout 2390184"
		echo "pswpin 0"
		echo "pswpout 0"
		echo "pgalloc_dma 1"
		echo "pgalloc_dma32 30125512"
		echo "pgalloc_normal 18791063"
		echo "pgalloc_movable 0"
		echo "pgfree 49328621"
		echo "pgactivate 316297"
		echo "pgdeactivate 0"
		echo "pgfault 61933120"
		echo "pgmajfault 3117"
		local z
		for z in pgrefill pgsteal pgscan_kswapd pgscan_direct; do
			echo "${z}_dma 0"
			echo "${z}_dma32 0"
			echo "${z}_normal 0"
			echo "${z}_movable 0"
		done
		echo "zone_reclaim_failed 0"
		echo "pginodesteal 0"
		echo "slabs_scanned 0"
		echo "kswapd_steal 0"
		echo "kswapd_inodesteal 0"
		echo "pageoutrun 0"
		echo "allocstall 0"
		echo "pgrotated 0"
		echo "htlb_buddy_alloc_success 0"
		echo "htlb_buddy_alloc_fail 0"
		echo "unevictable_pgs_culled 0"
		echo "unevictable_pgs_scanned 0"
		echo "unevictable_pgs_rescued 0"
		echo "unevictable_pgs_mlocked 0"
		echo "unevictable_pgs_munlocked 0"
		echo "unevictable_pgs_cleared 0"
		echo "unevictable_pgs_stranded 0"
		echo "unevictable_pgs_mlockfreed 0"
	} >"$d/proc/vmstat"

	write_manifest "$d" 2.6.32 x86_64 4096 4 \
		"an idle 4 GiB x86_64 server on a vanilla 2.6.32 kernel, with a 2 GiB swap partition (imitated)" \
		"imitates /proc/meminfo, /proc/buddyinfo and /proc/vmstat of Linux 2.6.32 on x86_64, written from the v2.6.32 sources: fs/proc/meminfo.c (one seq_printf; MemAvailable (3.14), KReclaimable and Percpu (4.20), AnonHugePages (2.6.38), Hugetlb (4.16), CmaTotal/CmaFree and SecPageTables not yet there; no Quicklists line because x86 does not select CONFIG_QUICKLIST in 2.6.32, only ia64, sh, sparc64 and a few others do), mm/hugetlb.c (HugePages_* unit-less with width 5), arch/x86/mm/pageattr.c (DirectMap4k, DirectMap2M; no DirectMap1G without gbpages), mm/vmstat.c (vmstat_text and frag_show_print of 2.6.32), assuming CONFIG_MEMORY_FAILURE=y (HardwareCorrupted, %5lu), CONFIG_HUGETLB_PAGE=y, CONFIG_NUMA=y; field versions from field-reference.md. Numbers are made up but exact: LRU sums, the slab split, MemFree = buddyinfo and Cached + Buffers + SwapCached = nr_file_pages hold to the page; no zoneinfo (a checker falls back to the 125-page threshold ceiling)" \
		"parses strictly: $(wc -l <"$d/proc/meminfo") fields, none unknown; MemAvailable, KReclaimable, Percpu, Hugetlb, AnonHugePages, Zswap, SecPageTables, DirectMap1G read -ENOENT (never 0) and the identities that need them are skipped (meminfo.kreclaimable_ge_sreclaimable, anonhuge_in_anon and shmemhuge_in_shmem skipped; free_le_total and hugetlb_pool check only the parts whose inputs are present); meminfo.active_split, inactive_split, slab_split, free_vs_buddyinfo and file_pages_vs_vmstat hold exactly (residual 0); free_le_total (MemFree part), swap_bounds, mapped_in_cached, hugetlb_pool (without its Hugetlb part) and directmap_covers_ram hold; $(approx_sentence "$d/proc/meminfo"); no zoneinfo, so tolerances use the 125-page ceiling with cpus 4"
}

# highmem-32bit: i686 without PAE (Debian 9 "686" flavour, CONFIG_HIGHMEM4G),
# Linux 4.9: the HIGHMEM block, VmallocUsed/VmallocChunk fixed at 0 (4.4 to
# 5.2), DirectMap4k/DirectMap4M from arch/x86/mm/pageattr.c.
hand_highmem_32bit() {
	local d="$out/highmem-32bit" p=4
	new_tree highmem-32bit "4.9.0-8-686"

	local low_free high_free
	buddy_sum=0
	{
		buddy 0 DMA 2 3 2 3 3 2 1 1 0 1 1
		buddy 0 Normal 2093 1417 806 512 268 121 58 27 11 6 41
	} >"$d/proc/buddyinfo.low"
	low_free=$buddy_sum
	buddy_sum=0
	buddy 0 HighMem 1211 968 617 384 251 170 97 55 32 21 410 >"$d/proc/buddyinfo.high"
	high_free=$buddy_sum
	cat "$d/proc/buddyinfo.low" "$d/proc/buddyinfo.high" >"$d/proc/buddyinfo"
	rm "$d/proc/buddyinfo.low" "$d/proc/buddyinfo.high"

	# pages; lowmem is what the 896 MiB direct map leaves after the kernel's reservations
	local total=776471 hightotal=559256 free=$(( low_free + high_free ))
	local buffers=16095 cached=128105 swapcached=295
	local aa=44126 ia=13955 af=70078 if_=70552 unev=8 mlock=8
	local anon=54510 mapped=25309 shmem=3550 dirty=37 wb=0
	local srecl=6785 sunrecl=4616 ptes=780
	local swaptotal=261631 swapfree=258003 committed=313664
	local commitlimit=$(( total * 50 / 100 + swaptotal ))
	local available=$(( free + (af + if_) - 15000 + srecl / 2 ))

	{
		kb MemTotal $(( total * p ))
		kb MemFree $(( free * p ))
		kb MemAvailable $(( available * p ))
		kb Buffers $(( buffers * p ))
		kb Cached $(( cached * p ))
		kb SwapCached $(( swapcached * p ))
		kb Active $(( (aa + af) * p ))
		kb Inactive $(( (ia + if_) * p ))
		kb 'Active(anon)' $(( aa * p ))
		kb 'Inactive(anon)' $(( ia * p ))
		kb 'Active(file)' $(( af * p ))
		kb 'Inactive(file)' $(( if_ * p ))
		kb Unevictable $(( unev * p ))
		kb Mlocked $(( mlock * p ))
		# si_meminfo(): LowTotal = totalram - totalhigh, LowFree = freeram - freehigh
		kb HighTotal $(( hightotal * p ))
		kb HighFree $(( high_free * p ))
		kb LowTotal $(( (total - hightotal) * p ))
		kb LowFree $(( low_free * p ))
		kb SwapTotal $(( swaptotal * p ))
		kb SwapFree $(( swapfree * p ))
		kb Dirty $(( dirty * p ))
		kb Writeback $(( wb * p ))
		kb AnonPages $(( anon * p ))
		kb Mapped $(( mapped * p ))
		kb Shmem $(( shmem * p ))
		kb Slab $(( (srecl + sunrecl) * p ))
		kb SReclaimable $(( srecl * p ))
		kb SUnreclaim $(( sunrecl * p ))
		# NR_KERNEL_STACK_KB: 292 tasks with 8 KiB stacks
		kb KernelStack $(( 292 * 8 ))
		kb PageTables $(( ptes * p ))
		kb NFS_Unstable 0
		kb Bounce 0
		kb WritebackTmp 0
		kb CommitLimit $(( commitlimit * p ))
		kb Committed_AS $(( committed * p ))
		kb VmallocTotal 122880
		kb VmallocUsed 0
		kb VmallocChunk 0
		kb AnonHugePages 0
		kb ShmemHugePages 0
		kb ShmemPmdMapped 0
		hp HugePages_Total 0
		hp HugePages_Free 0
		hp HugePages_Rsvd 0
		hp HugePages_Surp 0
		kb Hugepagesize 4096
		kb DirectMap4k 8192
		kb DirectMap4M 909312
	} >"$d/proc/meminfo"

	write_manifest "$d" 4.9.0-8-686 i686 4096 2 \
		"a 3 GiB 32-bit PC without PAE on Linux 4.9 (Debian 9 686 kernel), lightly used, 1 GiB swap partition (imitated)" \
		"imitates /proc/meminfo and /proc/buddyinfo of an i686 non-PAE kernel (CONFIG_HIGHMEM4G, 3G/1G split) from the v4.9 sources: fs/proc/meminfo.c (HighTotal/HighFree/LowTotal/LowFree under CONFIG_HIGHMEM, computed in si_meminfo as LowTotal = MemTotal - HighTotal and LowFree = MemFree - HighFree; VmallocUsed and VmallocChunk printed as 0 from 4.4; no KReclaimable/Percpu (4.20), no Hugetlb (4.16), no HardwareCorrupted because CONFIG_MEMORY_FAILURE is 64-bit only on x86), arch/x86/mm/pageattr.c (DirectMap4M instead of DirectMap2M without PAE), Hugepagesize 4096 kB (4 MiB PMD pages without PAE), VmallocTotal 122880 kB (the usual 120 MiB of a 3G/1G split); zones DMA, Normal, HighMem in buddyinfo. Numbers made up but exact: LRU and slab splits, High+Low = Total and Free, MemFree = buddyinfo (LowFree = DMA + Normal, HighFree = HighMem); no zoneinfo, no vmstat" \
		"parses strictly: $(wc -l <"$d/proc/meminfo") fields, none unknown; meminfo.active_split, inactive_split, slab_split hold exactly, HighTotal + LowTotal = MemTotal and HighFree + LowFree = MemFree exactly, meminfo.free_vs_buddyinfo holds exactly (residual 0); meminfo.kreclaimable_ge_sreclaimable skipped (no KReclaimable before 4.20); meminfo.directmap_covers_ram must NOT be reported violated: on 32-bit HIGHMEM the direct map covers lowmem only (arch/x86/mm/init_32.c maps up to max_low_pfn), so DirectMap4k + DirectMap4M = 917504 kB >= LowTotal but < MemTotal (the identity applies to LowTotal here, or is skipped with that reason); $(approx_sentence "$d/proc/meminfo"); file_pages_vs_vmstat skipped (no vmstat); tolerances from the 125-page ceiling with cpus 2"
}

# arm64-scs: arm64, Linux 6.1, 64 KiB pages, CONFIG_SHADOW_CALL_STACK. No
# arch_report_meminfo() on arm64: no DirectMap lines.
hand_arm64_scs() {
	local d="$out/arm64-scs" p=64
	new_tree arm64-scs "6.1.0-64k-scs"

	# 64 KiB pages: ARCH_FORCE_MAX_ORDER is 14 in 6.1, so 14 orders (0..13, 512 MiB)
	buddy_sum=0
	{
		buddy 0 DMA 130 95 61 40 22 17 9 6 4 2 3 2 1 5
		buddy 0 Normal 21837 12544 6103 3390 1874 988 517 260 133 70 36 19 12 496
	} >"$d/proc/buddyinfo"

	# pages of 64 KiB
	local total=8176000 free=$buddy_sum buffers=40000 cached=1800000 swapcached=1200
	local aa=700000 ia=300000 af=900000 if_=839000 unev=2000 mlock=1500
	local anon=899800 mapped=150000 shmem=100500 dirty=120 wb=0
	local srecl=250000 sunrecl=90000 misc_recl=1234 ptes=40000
	local swaptotal=131072 swapfree=120000 zswapped=2000 committed=3500000
	# 163840 tasks: with 64 KiB pages and VMAP_STACK, THREAD_SIZE is PAGE_SIZE
	# (arch/arm64/include/asm/memory.h), and SCS_SIZE is PAGE_SIZE (include/linux/scs.h)
	local tasks=163840
	local commitlimit=$(( total * 50 / 100 + swaptotal ))
	local available=$(( free + (af + if_) / 2 + srecl / 2 ))

	{
		kb MemTotal $(( total * p ))
		kb MemFree $(( free * p ))
		kb MemAvailable $(( available * p ))
		kb Buffers $(( buffers * p ))
		kb Cached $(( cached * p ))
		kb SwapCached $(( swapcached * p ))
		kb Active $(( (aa + af) * p ))
		kb Inactive $(( (ia + if_) * p ))
		kb 'Active(anon)' $(( aa * p ))
		kb 'Inactive(anon)' $(( ia * p ))
		kb 'Active(file)' $(( af * p ))
		kb 'Inactive(file)' $(( if_ * p ))
		kb Unevictable $(( unev * p ))
		kb Mlocked $(( mlock * p ))
		kb SwapTotal $(( swaptotal * p ))
		kb SwapFree $(( swapfree * p ))
		# zswap_pool_total_size >> 10: bytes, not pages
		kb Zswap 31873
		kb Zswapped $(( zswapped * p ))
		kb Dirty $(( dirty * p ))
		kb Writeback $(( wb * p ))
		kb AnonPages $(( anon * p ))
		kb Mapped $(( mapped * p ))
		kb Shmem $(( shmem * p ))
		kb KReclaimable $(( (srecl + misc_recl) * p ))
		kb Slab $(( (srecl + sunrecl) * p ))
		kb SReclaimable $(( srecl * p ))
		kb SUnreclaim $(( sunrecl * p ))
		kb KernelStack $(( tasks * 64 ))
		# "ShadowCallStack:%8lu kB": 8 digits fill the width, no blank after the colon
		kb ShadowCallStack $(( tasks * 64 ))
		kb PageTables $(( ptes * p ))
		kb SecPageTables 0
		kb NFS_Unstable 0
		kb Bounce 0
		kb WritebackTmp 0
		kb CommitLimit $(( commitlimit * p ))
		kb Committed_AS $(( committed * p ))
		# VMALLOC_END - VMALLOC_START for VA_BITS=48, 64K pages, 6.1:
		# (VMEMMAP_START - 256M) - (-(1 << 47) + 128M), VMEMMAP_START = -(1 << 38)
		kb VmallocTotal $(( ((1 << 47) - (1 << 38) - (256 << 20) - (128 << 20)) >> 10 ))
		# every stack and shadow stack is a vmalloc area of one page
		kb VmallocUsed $(( (2 * tasks + 2560) * p ))
		kb VmallocChunk 0
		kb Percpu $(( 3000 * p ))
		hwc $(( 2 * p ))
		# PMD-mapped THPs are 512 MiB with 64 KiB pages
		kb AnonHugePages $(( 2 * 524288 ))
		kb ShmemHugePages 0
		kb ShmemPmdMapped 0
		kb FileHugePages 0
		kb FilePmdMapped 0
		kb CmaTotal $(( 8192 * p ))
		kb CmaFree $(( 7000 * p ))
		hp HugePages_Total 0
		hp HugePages_Free 0
		hp HugePages_Rsvd 0
		hp HugePages_Surp 0
		kb Hugepagesize 524288
		kb Hugetlb 0
	} >"$d/proc/meminfo"

	write_manifest "$d" 6.1.0-64k-scs aarch64 65536 128 \
		"a 128-core arm64 server (about 500 GiB) with 64 KiB pages and shadow call stacks, running 163840 tasks, some swap and zswap in use (imitated)" \
		"imitates /proc/meminfo and /proc/buddyinfo of an arm64 Linux 6.1 kernel built with clang and CONFIG_ARM64_64K_PAGES, CONFIG_SHADOW_CALL_STACK, CONFIG_VMAP_STACK, CONFIG_ZSWAP, CONFIG_MEMORY_FAILURE, CONFIG_TRANSPARENT_HUGEPAGE, CONFIG_CMA, CONFIG_HUGETLB_PAGE, written from the v6.1 sources: fs/proc/meminfo.c (show_val_kb = name padded to 16 columns + value in width 8; \"ShadowCallStack:%8lu kB\" has no blank after the colon, so an 8-digit value is glued to it; \"HardwareCorrupted: %5lu kB\"; Zswap/Zswapped; SecPageTables (6.1); no DirectMap lines because arm64 has no arch_report_meminfo), include/linux/scs.h (SCS_SIZE = PAGE_SIZE, so 64 KiB per task, as the kernel stack with THREAD_SHIFT = PAGE_SHIFT), mm/hugetlb.c (Hugepagesize 524288 kB, Hugetlb line since 4.16), page-granular values all multiples of 64 kB; buddyinfo with 14 orders (ARCH_FORCE_MAX_ORDER 14 for 64K pages in 6.1). Numbers made up but exact: LRU and slab splits, KReclaimable >= SReclaimable, MemFree = buddyinfo; no zoneinfo, no vmstat" \
		"parses strictly: $(wc -l <"$d/proc/meminfo") fields, none unknown; ShadowCallStack = 10485760 kB (10737418240 bytes) from the line \"ShadowCallStack:10485760 kB\"; HardwareCorrupted 131072 bytes; no DirectMap key (-ENOENT) so meminfo.directmap_covers_ram is skipped; meminfo.active_split, inactive_split, slab_split hold exactly, kreclaimable_ge_sreclaimable holds, free_vs_buddyinfo holds exactly with page_size 65536 (a reader assuming 4096 would be off by 16x); $(approx_sentence "$d/proc/meminfo"); file_pages_vs_vmstat skipped (no vmstat); tolerances from the 125-page ceiling with cpus 128 and 64 KiB pages"
}

stage_hand_made() {
	hand_old_2_6_32
	hand_highmem_32bit
	hand_arm64_scs
}

# ---------------------------------------------------------------- damaged

# damaged NAME WHAT EXPECT: fixtures/NAME with only proc/meminfo (already
# written to $out/NAME/proc/meminfo) and osrelease, MANIFEST from quiet's.
damaged_manifest() {
	local name=$1 what=$2 expect=$3 q="$out/quiet"
	mkdir -p "$out/$name/proc/sys/kernel"
	cp "$q/proc/sys/kernel/osrelease" "$out/$name/proc/sys/kernel/osrelease"
	{
		echo "origin: hand-made"
		echo "kernel: $(manifest "$q" kernel)"
		echo "arch: $(manifest "$q" arch)"
		echo "page_size: $(manifest "$q" page_size)"
		echo "cpus: $(manifest "$q" cpus)"
		echo "state: derived from fixtures/quiet (captured $(manifest "$q" captured)); only meminfo and osrelease kept"
		echo "stat_refresh: $(manifest "$q" stat_refresh)"
		echo "description: damaged on purpose by scripts/make-fixtures.sh: $what"
		echo "expect: $expect"
	} >"$out/$name/MANIFEST"
}

lineno() { grep -n -a -m 1 -e "$2" "$1" | cut -d: -f1; }

stage_damaged() {
	local q="$out/quiet/proc/meminfo" f n v
	[ -f "$q" ] || die "fixtures/quiet is missing: run --captured first"
	local nlines
	nlines=$(wc -l <"$q")

	f="$out/damaged-slab/proc/meminfo"
	rm -rf "$out/damaged-slab"; mkdir -p "$(dirname "$f")"
	perl -pe 's/^Slab:\s+(\d+) kB$/sprintf("%-16s%8d kB", "Slab:", $1 + 4096)/e' "$q" >"$f"
	damaged_manifest damaged-slab "Slab raised by 4096 kB, so Slab != SReclaimable + SUnreclaim; the line keeps the kernel's format" \
		"parses strictly ($nlines fields); meminfo.slab_split violated with residual Slab - (SReclaimable + SUnreclaim) = +4194304 bytes (exact identity: tolerance 0); every other identity as in quiet"

	f="$out/damaged-truncated/proc/meminfo"
	rm -rf "$out/damaged-truncated"; mkdir -p "$(dirname "$f")"
	perl -0777 -pe 's/(\nInactive\(fi).*\z/$1/s' "$q" >"$f"
	n=$(lineno "$f" '^Inactive(fi')
	damaged_manifest damaged-truncated "meminfo cut in the middle of line $n, after the bytes \"Inactive(fi\" (no colon, no final newline), as a short read or a full disk would leave it" \
		"strict parse fails with -EBADMSG at line $n (\"Inactive(fi\": no colon), leaving no field; lenient (MEMACCT_PARSE_SKIP_BAD_LINES) keeps the $(( n - 1 )) lines before it and counts 1 skipped line; Inactive(file) and every later key read -ENOENT, so meminfo.inactive_split and slab_split are skipped, not violated; meminfo.active_split holds"

	f="$out/damaged-garbage/proc/meminfo"
	rm -rf "$out/damaged-garbage"; mkdir -p "$(dirname "$f")"
	perl -pe 'if (/^Dirty:/) { $_ .= "\x89PNG\x1a\x0b\xfe\xff\x80\x81\n\xc3\x28\xa0\xa1:\xf0\x28\x8c\xbc kB\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\x1b[2J\x1b[H\x07\x7f\x01\x02\n" }' "$q" >"$f"
	n=$(( $(lineno "$f" '^Dirty:') + 1 ))
	damaged_manifest damaged-garbage "4 lines of binary junk inserted after Dirty (lines $n to $(( n + 3 ))): bytes >= 0x80, invalid UTF-8 before a colon, a row of tildes, terminal escapes and control bytes; no NUL" \
		"strict parse fails with -EBADMSG at line $n (no colon), leaving no field; lenient skips exactly the 4 junk lines (count_skipped = 4, first skipped at line $n) and keeps every real field with quiet's values, so every identity is as in quiet"

	f="$out/damaged-duplicate/proc/meminfo"
	rm -rf "$out/damaged-duplicate"; mkdir -p "$(dirname "$f")"
	v=$(mi "$q" MemFree)
	perl -pe 'if (/^Dirty:/) { $_ .= sprintf("%-16s%8d kB\n", "MemFree:", '"$(( v - 1048576 ))"') }' "$q" >"$f"
	n=$(( $(lineno "$f" '^Dirty:') + 1 ))
	damaged_manifest damaged-duplicate "a second MemFree line (1048576 kB less than the first) inserted after Dirty, at line $n, as two captures spliced together would leave it" \
		"strict parse fails with -EBADMSG at line $n (duplicate key MemFree), leaving no field; lenient skips line $n (count_skipped = 1) and MemFree keeps the first value, $(( v * 1024 )) bytes"

	f="$out/damaged-overflow/proc/meminfo"
	rm -rf "$out/damaged-overflow"; mkdir -p "$(dirname "$f")"
	perl -pe 's/^VmallocTotal:\s+\d+ kB$/VmallocTotal:   18014398509481984 kB/' "$q" >"$f"
	n=$(lineno "$f" '^VmallocTotal:')
	damaged_manifest damaged-overflow "VmallocTotal set to 18014398509481984 kB (2^54 kB): it fits 64 bits as kB but times 1024 is 2^64 bytes, one past UINT64_MAX" \
		"strict parse fails with -EOVERFLOW at line $n (VmallocTotal), leaving no field; lenient skips line $n (count_skipped = 1), VmallocTotal reads -ENOENT and every other field is kept"

	f="$out/damaged-nul/proc/meminfo"
	rm -rf "$out/damaged-nul"; mkdir -p "$(dirname "$f")"
	perl -pe 's/^(Mapped:\s+\d)/$1\x00/' "$q" >"$f"
	n=$(lineno "$f" '^Mapped:')
	damaged_manifest damaged-nul "a NUL byte inserted after the first digit of the Mapped value (line $n)" \
		"strict parse fails with -EBADMSG at line $n (a NUL byte in the line), leaving no field; lenient skips line $n (count_skipped = 1) and Mapped reads -ENOENT, so meminfo.mapped_in_cached is skipped; nothing reads past the NUL as the end of the buffer"

	f="$out/damaged-missing-unit/proc/meminfo"
	rm -rf "$out/damaged-missing-unit"; mkdir -p "$(dirname "$f")"
	perl -pe 's/^(Shmem:\s+\d+) kB$/$1/' "$q" >"$f"
	n=$(lineno "$f" '^Shmem:')
	damaged_manifest damaged-missing-unit "the \" kB\" of the Shmem line removed (line $n): a size the kernel always prints in kB, without its unit" \
		"strict parse fails with -EBADMSG at line $n (Shmem is a kB field: a bare number would be a count of unknown unit), leaving no field; lenient skips line $n (count_skipped = 1) and Shmem reads -ENOENT, so the identities using Shmem are skipped"
}

# ---------------------------------------------------------------- check

problems=0
problem() { echo "  PROBLEM: $*"; problems=$(( problems + 1 )); }

check_exact() {
	local f=$1 name=$2 want=$3 r_a r_i r_s
	r_a=$(( $(mi "$f" Active) - $(mi "$f" 'Active(anon)') - $(mi "$f" 'Active(file)') ))
	r_i=$(( $(mi "$f" Inactive) - $(mi "$f" 'Inactive(anon)') - $(mi "$f" 'Inactive(file)') ))
	r_s=$(( $(mi "$f" Slab) - $(mi "$f" SReclaimable) - $(mi "$f" SUnreclaim) ))
	echo "  exact residuals (kB): active_split $r_a, inactive_split $r_i, slab_split $r_s"
	if [ "$want" = hold ]; then
		[ "$r_a$r_i$r_s" = 000 ] || problem "$name: an exact identity does not hold"
	else
		[ "$r_s" -ne 0 ] || problem "$name: slab_split should be violated"
	fi
	if [ -n "$(mi "$f" HighTotal)" ]; then
		local ht lt hf lf
		ht=$(mi "$f" HighTotal); lt=$(mi "$f" LowTotal); hf=$(mi "$f" HighFree); lf=$(mi "$f" LowFree)
		echo "  highmem (kB): MemTotal - High - Low = $(( $(mi "$f" MemTotal) - ht - lt )), MemFree - High - Low = $(( $(mi "$f" MemFree) - hf - lf ))"
		if [ $(( $(mi "$f" MemTotal) - ht - lt )) -ne 0 ] || [ $(( $(mi "$f" MemFree) - hf - lf )) -ne 0 ]; then
			problem "$name: HighTotal + LowTotal != MemTotal or HighFree + LowFree != MemFree"
		fi
	fi
}

check_fixture() {
	local d=$1 name ps origin f
	name=$(basename "$d")
	origin=$(manifest "$d" origin)
	ps=$(manifest "$d" page_size)
	echo "$name ($origin, page_size $ps, cpus $(manifest "$d" cpus))"
	for key in origin kernel arch page_size cpus state stat_refresh description expect; do
		[ -n "$(manifest "$d" $key)" ] || problem "$name: MANIFEST lacks '$key'"
	done
	if [ "$origin" = captured ]; then
		for key in captured read_order read_duration_us; do
			[ -n "$(manifest "$d" $key)" ] || problem "$name: MANIFEST lacks '$key'"
		done
		echo "  read $(manifest "$d" read_order) in $(manifest "$d" read_duration_us) us"
	fi
	# System files stay under 100 KB; a process capture's smaps may reach 1 MB.
	limit=102400
	case "$name" in proc-*) limit=1048576 ;; esac
	while IFS= read -r -d '' f; do
		[ "$(stat -c %s "$f")" -lt $limit ] || problem "$name: ${f#"$d"/} is $limit bytes or more"
	done < <(find "$d" -type f -print0)

	f="$d/proc/meminfo"
	case "$name" in
	damaged-slab) check_exact "$f" "$name" violated ;;
	damaged-*) return 0 ;;
	*) check_exact "$f" "$name" hold ;;
	esac
	if [ -f "$d/proc/buddyinfo" ]; then
		local b
		b=$(( $(buddy_pages "$d/proc/buddyinfo") * ps / 1024 ))
		echo "  MemFree - buddyinfo = $(( $(mi "$f" MemFree) - b )) kB (buddyinfo $b kB)"
		[ "$origin" = captured ] || [ "$(mi "$f" MemFree)" -eq "$b" ] ||
			problem "$name: hand-made MemFree != buddyinfo"
	fi
	if [ -f "$d/proc/vmstat" ]; then
		local nf c
		nf=$(( $(awk '$1 == "nr_file_pages" { print $2 }' "$d/proc/vmstat") * ps / 1024 ))
		c=$(( $(mi "$f" Cached) + $(mi "$f" Buffers) + $(mi "$f" SwapCached) ))
		echo "  Cached + Buffers + SwapCached - nr_file_pages = $(( c - nf )) kB"
		[ "$origin" = captured ] || [ "$c" -eq "$nf" ] ||
			problem "$name: hand-made nr_file_pages disagrees"
	fi
	if [ -f "$d/proc/zoneinfo" ]; then
		echo "  zoneinfo: highest vm stats threshold $(max_threshold "$d/proc/zoneinfo")"
	fi
	echo "  file_lru_vs_cache residual: $(( $(mi "$f" 'Active(file)') + $(mi "$f" 'Inactive(file)') + $(mi "$f" Shmem) - $(mi "$f" Cached) - $(mi "$f" Buffers) )) kB;" \
		"anon_lru_vs_anon residual: $(( $(mi "$f" 'Active(anon)') + $(mi "$f" 'Inactive(anon)') - $(mi "$f" AnonPages) - $(mi "$f" Shmem) )) kB"
}

# captured state against quiet: the delta of KEY must be within 90%..115% of WANT kB.
check_delta() {
	local name=$1 key=$2 want=$3 got
	got=$(delta "$out/quiet" "$out/$name" "$key")
	echo "  $name: $key $(signed "$got") kB against quiet (want about $want)"
	if [ "$got" -lt $(( want * 90 / 100 )) ] || [ "$got" -gt $(( want * 115 / 100 )) ]; then
		problem "$name: $key moved by $got kB, not about $want kB"
	fi
}

stage_check() {
	local d
	for d in "$out"/*/; do
		d=${d%/}
		[ -f "$d/MANIFEST" ] || { problem "$(basename "$d"): no MANIFEST"; continue; }
		check_fixture "$d"
	done
	if [ -d "$out/quiet" ]; then
		echo "captured states against quiet"
		[ -d "$out/shmem-1g" ] && { check_delta shmem-1g Shmem 1048576; check_delta shmem-1g Cached 1048576; }
		[ -d "$out/mlock-512m" ] && { check_delta mlock-512m Mlocked 524288; check_delta mlock-512m Unevictable 524288; check_delta mlock-512m AnonPages 524288; }
	fi
	if [ -d "$shared" ]; then
		local dup
		dup=$(comm -12 <(find "$out" -type f -exec sha256sum {} + | cut -c1-64 | sort -u) \
			<(find "$shared" -type f -exec sha256sum {} + 2>/dev/null | cut -c1-64 | sort -u))
		if [ -n "$dup" ]; then
			problem "a fixture file is a copy of a file under $shared ($dup)"
		else
			echo "no fixture file is a copy of one under $shared"
		fi
	fi
	if [ "$problems" -ne 0 ]; then
		echo "$problems problem(s)"
		return 1
	fi
	echo "all fixtures sane"
}

for s in "${stages[@]}"; do
	case "$s" in
	captured) stage_captured ;;
	hand-made) stage_hand_made ;;
	damaged) stage_damaged ;;
	check) stage_check ;;
	esac
done
