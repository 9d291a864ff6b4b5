#!/bin/bash
# capture DIR: a tree that --root DIR/proc reads back as the source it copied.
. "$(dirname "$0")/lib.sh"
need jq

f=proc-cow-64m-x4
src=$(fixture $f)
need_fixture $f || finish
pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
first=${pids%% *}
all=$(echo "$pids" | tr ' ' ,)

# Help and usage errors.
expect_rc 0 capture --help && check "--help names the files and the MANIFEST" \
	grep -q "DIR/proc/PID/pagemap" "$tmp/out"
expect_rc 0 help capture
expect_rc 2 capture
expect_rc 2 capture "$tmp/a" "$tmp/b"
expect_rc 2 capture "$tmp/x" --pid 0
expect_rc 2 capture "$tmp/x" --pages 12x
expect_rc 2 capture "$tmp/x" --pid 1,,2
expect_rc 2 capture "$tmp/x" --pfns 0-10
expect_rc 2 capture "$tmp/x" --census --pfns 10-10
expect_rc 2 capture "$tmp/x" --state $'two\nlines'
expect_rc 2 capture "$tmp/x" --format prom
expect_rc 2 capture "$tmp/x" --pid all --pid none
expect_rc 2 capture "$tmp/x" --pid none --pid 1
check "a usage error writes nothing" test ! -e "$tmp/x"

# The default: every process of the root (a captured tree: those it holds), in pid order.
if expect_rc 0 capture "$tmp/every" --root "$src"; then
	check "default: every process of the root" test "$(sed -n 's/^pids: //p' "$tmp/every/MANIFEST")" = \
		"$(echo "$pids" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
	check "default: MANIFEST processes: all" grep -qx "processes: all" "$tmp/every/MANIFEST"
	check "default: no pagemap without --pages" test ! -e "$tmp/every/proc/$first/pagemap"
	check "default: smaps copied" cmp -s "$src/$first/smaps" "$tmp/every/proc/$first/smaps"
fi
if expect_rc 0 capture "$tmp/none" --root "$src" --pid none; then
	check "--pid none: no process" bash -c "! ls -d '$tmp'/none/proc/[0-9]* 2>/dev/null"
	check "--pid none: MANIFEST processes: none, no pids" bash -c \
		"grep -qx 'processes: none' '$tmp/none/MANIFEST' && ! grep -q '^pids:' '$tmp/none/MANIFEST'"
fi
expect_rc 0 capture "$tmp/all-pages" --root "$src" --pid all --pages "$first"
check "--pid all --pages PID: every process, pagemap of PID only" bash -c \
	"test -s '$tmp/all-pages/proc/$first/pagemap' && test \$(ls '$tmp'/all-pages/proc/*/pagemap | wc -l) = 1"

# A copy of a captured tree, pagemap and kpage* included: the same bytes.
out_dir="$tmp/copy"
if expect_rc 0 capture "$out_dir" --root "$src" --pages "$all" --state "a copy"; then
	for p in $pids; do
		for file in status statm maps smaps smaps_rollup pagemap; do
			check "$p/$file copied byte for byte" cmp -s "$src/$p/$file" "$out_dir/proc/$p/$file"
		done
	done
	for file in meminfo zoneinfo buddyinfo vmstat sys/kernel/osrelease kpageflags kpagecount \
		kpagecgroup; do
		check "$file copied byte for byte" cmp -s "$src/$file" "$out_dir/proc/$file"
	done
	check "MANIFEST: origin, state, pids, pages" grep -qx "origin: captured" "$out_dir/MANIFEST"
	check "MANIFEST state" grep -qx "state: a copy" "$out_dir/MANIFEST"
	check "MANIFEST pids" grep -qx "pids: $pids" "$out_dir/MANIFEST"
	check "MANIFEST pages" grep -qx "pages: $pids" "$out_dir/MANIFEST"
	check "MANIFEST stat_refresh" grep -qx "stat_refresh: no" "$out_dir/MANIFEST"
	check "MANIFEST page_size from the source" grep -qx "page_size: $(sed -n 's/^page_size: //p' "$FIXTURES/$f/MANIFEST")" "$out_dir/MANIFEST"
	check "no arch for a tree that is not the running kernel" \
		bash -c "! grep -q '^arch:' '$out_dir/MANIFEST'"
	check "read_order: system files, then each process, then kpage*" grep -q \
		"^read_order: meminfo zoneinfo buddyinfo vmstat $first/status $first/statm $first/maps $first/smaps $first/smaps_rollup $first/pagemap .* kpageflags kpagecount kpagecgroup$" \
		"$out_dir/MANIFEST"
	check "no staging directory left" bash -c "! ls -d '$tmp'/copy.capture-* 2>/dev/null"
	check "a tree without the kernel side: no sys/, no vmallocinfo" \
		test ! -e "$out_dir/sys" -a ! -e "$out_dir/proc/vmallocinfo"
	# and it reads back
	expect_rc 0 proc "$first" --root "$out_dir/proc" --format json
fi

# The kernel side: vmallocinfo and modules beside meminfo, the hugepage pools and the NUMA
# nodes from ROOT/../sys into DIR/sys, in read_order as ../sys/..., read back the same.
for k in kernel-2node vmalloc-3.10; do
	need_fixture "$k" || continue
	ksrc=$(fixture "$k")
	kdir=$tmp/kernel-$k
	expect_rc 0 capture "$kdir" --root "$ksrc" --pid none || continue
	for file in vmallocinfo modules; do
		[ -e "$ksrc/$file" ] || continue
		check "$k: $file copied byte for byte" cmp -s "$ksrc/$file" "$kdir/proc/$file"
	done
	n=0
	while IFS= read -r file; do
		rel=${file#"$FIXTURES/$k/"}
		check "$k: $rel copied byte for byte" cmp -s "$file" "$kdir/$rel"
		check "$k: $rel in read_order as ../$rel" grep -qE "^read_order: .* \.\./$rel( |\$)" \
			"$kdir/MANIFEST"
		n=$((n + 1))
	done < <(find "$FIXTURES/$k/sys" -type f 2>/dev/null | sort)
	check "$k: the capture's sys/ holds the $n files of the source's" \
		test "$(find "$kdir/sys" -type f 2>/dev/null | wc -l)" = "$n"
	check "$k: read_order: meminfo and the nodes' meminfo, the system files, the kernel side" \
		grep -qE "^read_order: meminfo( \.\./sys/devices/system/node/node[0-9]+/meminfo)*( zoneinfo)?( buddyinfo)?( vmstat)?( vmallocinfo)?( modules)?( \.\./sys/kernel/mm/|$)" \
		"$kdir/MANIFEST"
	"$CLI" kernel --root "$ksrc" --format json --callers 0 | jq 'del(.absent)' >"$tmp/k-src.json"
	"$CLI" kernel --root "$kdir/proc" --format json --callers 0 | jq 'del(.absent)' \
		>"$tmp/k-copy.json"
	check "$k: kernel reads the copy as the source" cmp -s "$tmp/k-src.json" "$tmp/k-copy.json"
done

# Live: the pools and nodes of this machine, and what kernel reads back from the capture
# (the static parts: pool sizes and sizes set, node MemTotal).
if expect_rc 0 capture "$tmp/klive" --pid none; then
	for d in /sys/kernel/mm/hugepages/hugepages-*; do
		[ -d "$d" ] || continue
		for file in nr_hugepages free_hugepages resv_hugepages surplus_hugepages \
			nr_overcommit_hugepages; do
			[ -e "$d/$file" ] || continue
			check "live: ${d#/}/$file captured" test -s "$tmp/klive/${d#/}/$file"
		done
	done
	for d in /sys/devices/system/node/node[0-9]*; do
		[ -d "$d" ] || continue
		check "live: ${d#/}/meminfo captured" test -s "$tmp/klive/${d#/}/meminfo"
	done
	if [ -r /proc/vmallocinfo ]; then
		check "live: vmallocinfo captured" test -s "$tmp/klive/proc/vmallocinfo"
		check "live: vmallocinfo in read_order" grep -qE '^read_order: .* vmallocinfo( |$)' \
			"$tmp/klive/MANIFEST"
	elif [ -e /proc/vmallocinfo ]; then
		check "live unprivileged: vmallocinfo denied" grep -qE '^denied: (.* )?vmallocinfo( |$)' \
			"$tmp/klive/MANIFEST"
	fi
	if [ -e /proc/modules ]; then
		check "live: modules captured" test -e "$tmp/klive/proc/modules"
	fi
	static='{pools: (.hugepages.pools // null | if . then map({size, total}) else . end),
		 nodes: (.nodes.list // null | if . then map({node, MemTotal}) else . end)}'
	"$CLI" kernel --format json | jq "$static" >"$tmp/k-live.json"
	"$CLI" kernel --root "$tmp/klive/proc" --format json | jq "$static" >"$tmp/k-cap.json"
	check "live: kernel --root DIR/proc gives the live pool sizes and totals and node \
MemTotal: $(diff "$tmp/k-live.json" "$tmp/k-cap.json" | head -5)" \
		cmp -s "$tmp/k-live.json" "$tmp/k-cap.json"
	if [ -d /sys/devices/system/node/node0 ]; then
		check "live: the capture has the nodes" jq -e '.nodes | length > 0' "$tmp/k-cap.json" \
			>/dev/null
	fi
fi

# Read errors: nothing written.
expect_rc 3 capture "$out_dir" --root "$src" --pid "$first"
check "a non-empty DIR is named" grep -q "not empty" "$tmp/err"
expect_rc 3 capture "$tmp/gone" --root "$src" --pid 999999
check "a missing process is named" grep -q "pid 999999: no such process" "$tmp/err"
check "a failed capture leaves nothing" bash -c "! ls -d '$tmp'/gone* 2>/dev/null"
expect_rc 3 capture "$tmp/refresh" --root "$src" --stat-refresh
mkdir "$tmp/empty"
expect_rc 0 capture "$tmp/empty" --root "$src" --pid "$first" --format json
check "an empty DIR is filled; json summary" jq -e --argjson p "$first" \
	'.dir and .files > 5 and .pids == [$p] and .pages == [] and (.bytes > 0)' "$tmp/out" \
	>/dev/null

# Live: this shell. Without CAP_SYS_ADMIN, --pages is refused and says why.
expect_rc 0 capture "$tmp/live" --pid $$ --state "test-capture"
check "live --pid: MANIFEST processes: listed" grep -qx "processes: listed" "$tmp/live/MANIFEST"
check "live MANIFEST has the arch" grep -qx "arch: $(uname -m)" "$tmp/live/MANIFEST"
check "live status copied" test -s "$tmp/live/proc/$$/status"
check "live: one meminfo.scan text (after the last of 1 process), said in the MANIFEST" bash -c \
	"grep -qx 'meminfo_scan: 1' '$tmp/live/MANIFEST' &&
	 test \$(grep -c '^MemTotal:' '$tmp/live/meminfo.scan') = 1 &&
	 test \"\$(tail -c 2 '$tmp/live/meminfo.scan' | od -An -c | tr -d ' ')\" = '\\n\\n'"
check "a tree's capture has no meminfo.scan (no live reads among its processes)" bash -c \
	"test ! -e '$tmp/every/meminfo.scan' && ! grep -q '^meminfo_scan:' '$tmp/every/MANIFEST'"
if grep -q '^Name:[[:space:]]*kthreadd$' /proc/2/status 2>/dev/null; then
	expect_rc 0 capture "$tmp/kthread" --pid 2
	check "a kernel thread: said, status kept" grep -q "pid 2 is a kernel thread" "$tmp/err"
	check "a kernel thread: no smaps_rollup" test ! -e "$tmp/kthread/proc/2/smaps_rollup"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	sleep 30 &
	sp=$!
	if expect_rc 0 capture "$tmp/live-pages" --pages "$sp"; then
		check "pagemap is a sparse capture with its end" \
			bash -c "head -2 '$tmp/live-pages/proc/$sp/pagemap' | grep -q '^end '"
		check "kpagecount captured" test -s "$tmp/live-pages/proc/kpagecount"
	fi
	kill "$sp"
	chmod 0777 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups bash -c '
		sleep 30 & sp=$!
		"$1" capture "$2/unpriv" --pages "$sp" 2>"$2/unpriv.err"
		echo $? >"$2/unpriv.rc"
		kill "$sp"' _ "$CLI" "$tmp"
	check "--pages without CAP_SYS_ADMIN: exit 3" grep -qx 3 "$tmp/unpriv.rc"
	check "--pages without CAP_SYS_ADMIN names it" grep -q "CAP_SYS_ADMIN" "$tmp/unpriv.err"
	check "--pages without CAP_SYS_ADMIN writes nothing" test ! -e "$tmp/unpriv"
	if [ -e /proc/vmallocinfo ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" capture "$tmp/unpriv-k" \
			--pid none >/dev/null 2>"$tmp/unpriv-k.err"
		check "unprivileged capture: exit 0: $(cat "$tmp/unpriv-k.err")" test -s \
			"$tmp/unpriv-k/MANIFEST"
		check "unprivileged capture: vmallocinfo under denied:" \
			grep -qE '^denied: (.* )?vmallocinfo( |$)' "$tmp/unpriv-k/MANIFEST"
		check "unprivileged capture: no vmallocinfo file" test ! -e "$tmp/unpriv-k/proc/vmallocinfo"
	fi
fi

finish
