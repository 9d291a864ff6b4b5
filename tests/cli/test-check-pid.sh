#!/bin/bash
# check --pid: the per-process identities over a captured process tree, a damaged copy of it,
# and the live /proc.
. "$(dirname "$0")/lib.sh"
need jq

f=proc-cow-64m-x4
root=$(fixture "$f")
need_fixture "$f" || finish
pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
npids=$(echo "$pids" | wc -w)

# Every identity of every pid holds.
expect_rc 0 check --pid all --root "$root" --format json
cp "$tmp/out" "$tmp/all.json"
jq_ok()
{
	local what=$1 file=$2
	shift 2
	check "$what" jq -e "$@" "$file" >/dev/null
}
jq_ok "--pid all: 12 identities for each of the $npids pids, all hold" "$tmp/all.json" \
	--argjson n "$npids" '(.results | length) == 12 * $n and all(.results[]; .status == "holds")'
jq_ok "--pid all: the pids of the MANIFEST, in order" "$tmp/all.json" \
	--arg pids "$pids" '[.results[].pid] | unique | map(tostring) | join(" ") == $pids'
jq_ok "--pid all: no meminfo identity, every per-process one" "$tmp/all.json" \
	'all(.results[]; .id | test("^(status|smaps|smaps_rollup|proc)\\.")) and
	 ([.results[].id] | unique | length) == 12'
jq_ok "--pid all: processes counted" "$tmp/all.json" --argjson n "$npids" \
	'.processes == {"checked": $n, "vanished": 0, "unreadable": 0, "kernel_threads": 0}'
jq_ok "--pid all: summary" "$tmp/all.json" --argjson n "$npids" \
	'.summary.holds == 12 * $n and .summary.total == 12 * $n'

first=${pids%% *}
expect_rc 0 check --pid "$first" --root "$root" --format json
jq_ok "--pid $first: 12 results carrying pid $first" "$tmp/out" --argjson p "$first" \
	'(.results | length) == 12 and all(.results[]; .pid == $p)'
jq_ok "--pid $first: statm_vs_status compares VmSize" "$tmp/out" \
	'.results[] | select(.id == "proc.statm_vs_status") | .lhs > 0 and .residual == 0'

expect_rc 0 check --pid "$first" --root "$root"
check "table: a PID column" grep -qE '^ +PID ID ' "$tmp/out"
check "table: a processes line" grep -qx 'processes: 1 checked, 0 vanished, 0 unreadable, 0 kernel threads' "$tmp/out"

expect_rc 0 check --pid "$first" --root "$root" --format prom
check "prom: a pid label" grep -qF "memacct_identity_status{id=\"status.rss_split\",class=\"exact\",status=\"holds\",pid=\"$first\"} 1" "$tmp/out"
check "prom: residuals carry the pid" grep -qF "memacct_identity_residual_bytes{id=\"smaps.geometry\",pid=\"$first\"} 0" "$tmp/out"
if command -v promtool >/dev/null 2>&1; then
	check "prom: promtool accepts it" promtool check metrics <"$tmp/out"
fi

# Without --pid: the system identities only. (The capture holds buddyinfo, and
# this VM's lazy memory init leaves MemFree above it: see fixtures/quiet.)
expect_rc 0 check --root "$root" --format json --skip meminfo.free_vs_buddyinfo
jq_ok "no --pid: system identities only, no pid" "$tmp/out" \
	'all(.results[]; (.id | test("^(status|statm|maps|smaps|smaps_rollup|proc|pagemap)[.]") | not) and (has("pid") | not))'

# Usage and read errors.
expect_rc 2 check --pid 0 --root "$root"
expect_rc 2 check --pid 12x --root "$root"
expect_rc 3 check --pid 999999 --root "$root"
check "a missing pid is named: $err" grep -q 'no such process' "$tmp/err"

# A damaged copy: one VMA's Rss raised by 4 kB in the second pid's smaps.
cp -r "$FIXTURES/$f" "$tmp/damaged"
droot=$tmp/damaged/proc
second=$(echo "$pids" | cut -d' ' -f2)
awk '!done && /^Rss:/ { sub(/ 8 kB/, "12 kB"); done = 1 } 1' "$FIXTURES/$f/proc/$second/smaps" \
	>"$droot/$second/smaps"
check "the damage took" test "$(cmp "$FIXTURES/$f/proc/$second/smaps" "$droot/$second/smaps" | wc -l)" = 1
expect_rc 1 check --pid all --root "$droot" --format json
jq_ok "damaged: smaps.rss_split violated by +4 kB for pid $second, naming the VMA" "$tmp/out" \
	--argjson p "$second" '[.results[] | select(.status == "violated")] |
	(map(select(.id == "smaps.rss_split")) | length == 1 and .[0].pid == $p and
	 .[0].residual == 4096 and .[0].class == "exact" and (.[0].reason | test("VMA: [0-9a-f]+-[0-9a-f]+ ")))'
jq_ok "damaged: the other pids still hold" "$tmp/out" --argjson p "$second" \
	'all(.results[] | select(.pid != $p); .status == "holds")'
jq_ok "damaged: the rollup no longer matches the smaps sum" "$tmp/out" --argjson p "$second" \
	'.results[] | select(.pid == $p and .id == "proc.rollup_vs_smaps") | .status == "violated"'
expect_rc 1 check --pid "$second" --root "$droot"

# A pid without smaps_rollup: those identities are skipped, naming it.
rm "$droot/$first/smaps_rollup"
expect_rc 0 check --pid "$first" --root "$droot" --format json
jq_ok "no smaps_rollup: pss_split and rollup_vs_smaps skipped, naming it" "$tmp/out" \
	'[.results[] | select(.status == "skipped") | .id + ":" + .missing] ==
	 ["smaps_rollup.pss_split:smaps_rollup", "proc.rollup_vs_smaps:smaps_rollup"]'

# A kernel thread (a status without memory lines): skipped silently by --pid all.
mkdir "$droot/2"
printf 'Name:\tkthreadd\nPid:\t2\nPPid:\t0\nThreads:\t1\n' >"$droot/2/status"
expect_rc 1 check --pid all --root "$droot" --format json
jq_ok "a kernel thread is counted, not checked" "$tmp/out" \
	'.processes.kernel_threads == 1 and all(.results[]; .pid != 2)'
expect_rc 0 check --pid 2 --root "$droot"
check "--pid of a kernel thread says so: $err" grep -q 'kernel thread' "$tmp/err"
# A pid whose files are gone but the directory is not: vanished.
mkdir "$droot/3"
expect_rc 1 check --pid all --root "$droot" --format json
jq_ok "a process without files counts as vanished" "$tmp/out" '.processes.vanished == 1'

# Live: no exact identity violated in any process we can read.
if [ -r /proc/self/smaps_rollup ]; then
	expect_rc 0 check --pid all --format json || true
	jq_ok "live --pid all: no exact identity violated" "$tmp/out" \
		'[.results[] | select(.class == "exact" and .status == "violated")] | length == 0'
	jq_ok "live --pid all: some processes checked" "$tmp/out" '.processes.checked > 0'
fi

finish
