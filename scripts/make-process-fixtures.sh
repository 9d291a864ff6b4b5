#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make-process-fixtures.sh [--out DIR] [STATE...]
#
# (root) Builds each known process state with tests/helpers/memstate.c,
# captures its processes with scripts/capture-process.sh --stat-refresh,
# checks from the captured text that the constructed region shows the
# numbers its construction implies, and writes those numbers as the
# MANIFEST's "expect:" line. States (all by default):
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
#   vmas         proc-vmas-1000           1000 one-page VMAs (smaps < 1 MB)
# Exits 1 if a capture does not show what the construction implies (the
# fixture is then left without an "expect:" line, and the reason printed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
out="$repo/fixtures"
states=()
all_states=(anon cow shared-file shmem mlock thp hugetlb vmas)

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2?}; shift 2 ;;
	-h|--help) sed -n '4,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

desc="captured by scripts/make-process-fixtures.sh (tests/helpers/memstate.c, scripts/capture-process.sh --stat-refresh) on the project's VM: Debian 12, $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, no swap"

# capture NAME STATE-TEXT MEMSTATE-ARGS: capture the running state's processes.
capture() {
	local name=$1 text=$2 p
	read -ra p <<<"$pids"
	"$here/capture-process.sh" --force --out "$out" --stat-refresh --region "$region" \
		--description "$desc; the state was held by memstate $3 (pids: parent first)" \
		"$name" "$text" "${p[@]}"
}

finish() {
	local d=$1 expect=$2 f
	while IFS= read -r -d '' f; do
		[ "$(stat -c %s "$f")" -lt 1048576 ] ||
			problem "$(basename "$d"): ${f#"$d"/} is 1 MB or more"
	done < <(find "$d" -type f -print0)
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
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p"), the one VMA of that range): Size 65536 kB, Rss 65536 kB, Pss 65536 kB, Pss_Dirty 65536 kB, Private_Dirty 65536 kB, Anonymous 65536 kB, Shared_Clean, Shared_Dirty, Private_Clean, AnonHugePages, Swap and Locked 0, VmFlags has nh; status RssAnon >= 65536 kB; USS of the region (Private_Clean + Private_Dirty) = Rss = Pss"
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
	done
	[ "$sum" -eq 65536 ] || problem "cow: the 4 region Pss add up to $sum kB, not 65536"
	finish "$d" "each of the 4 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 16384 kB (= Rss / 4), Pss_Dirty 16384 kB, Shared_Dirty 65536 kB, Anonymous 65536 kB, Shared_Clean, Private_Clean, Private_Dirty and AnonHugePages 0 (USS of the region 0); the four Pss add up to 65536 kB, the region's Rss; status RssAnon >= 65536 kB in each"
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
	done
	finish "$d" "each of the 3 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 21845 kB (65536 / 3 = 21845.33, truncated), Shared_Clean 65536 kB (the file was fsync'ed, so its pages are clean), Pss_Dirty, Shared_Dirty, Private_Clean, Private_Dirty and Anonymous 0; the three Pss add up to $sum kB (65536 less the three truncations); status RssFile >= 65536 kB in each"
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
	done
	finish "$d" "each of the 2 pids ($pids) maps region $region ($(region_header "$d" "${pids%% *}")) with Size 65536 kB, Rss 65536 kB, Pss 32768 kB (= Rss / 2), Pss_Dirty 32768 kB, Shared_Dirty 65536 kB, Shared_Clean, Private_Clean, Private_Dirty and Anonymous 0, VmFlags has sh; status RssShmem = 65536 kB exactly in each (the memfd is their only shmem); smaps_rollup Pss_Shmem >= 32768 kB"
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
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p")): Size 32768 kB, Rss 32768 kB, Pss 32768 kB, Locked 32768 kB (= Pss: smaps.locked), Private_Dirty 32768 kB, Anonymous 32768 kB, VmFlags has lo; no other VMA is locked: status VmLck = 32768 kB exactly, smaps_rollup Locked = 32768 kB"
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
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p"), 2 MiB aligned): Size 65536 kB, Rss 65536 kB, AnonHugePages 65536 kB (32 PMD-mapped huge pages; THP enabled [$info_thp_enabled]), Pss 65536 kB, Private_Dirty 65536 kB, Anonymous 65536 kB, KernelPageSize 4 kB, THPeligible 1, VmFlags has hg; smaps_rollup AnonHugePages >= 65536 kB"
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
	finish "$d" "pid $p, region $region ($(region_header "$d" "$p")): Size $total kB, KernelPageSize and MMUPageSize $hp_kb kB, Private_Hugetlb $total kB, Shared_Hugetlb 0, and Rss, Pss and the four Shared/Private fields 0 (hugetlb pages are in none of them), VmFlags has ht; status HugetlbPages = $total kB = the sum of Shared_Hugetlb + Private_Hugetlb; meminfo HugePages_Total - HugePages_Free >= $n"
}

state_vmas() {
	local n=1000 name d p res
	name="proc-vmas-$n"
	d="$out/$name"
	start_state vmas $n || die "memstate vmas failed"
	capture "$name" "memstate vmas $n: one process holding $n one-page private anonymous VMAs side by side, every page written, every other page then made read-only so that none merge" "vmas $n"
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
