#!/bin/bash
# pages, proc --exact, maps --exact, check --pages: over the live /proc, as root and as nobody.
# $5: the memstate helper (tests/helpers/memstate.c), built here with cc when absent.
. "$(dirname "$0")/lib.sh"
need jq
MEMSTATE=${5:-}

# Usage errors need no privilege and no state.
expect_rc 0 pages --help
check "pages --help: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
for t in --pid --cgroups --cgroup-root --bytes "Options:" "Output:" "Exit status:" "Examples:" \
	CAP_SYS_ADMIN unstable_flags combinations mapcount; do
	check "pages --help mentions $t" grep -qF -- "$t" "$tmp/out"
done
for c in proc maps; do
	expect_rc 0 "$c" --help
	check "$c --help mentions --exact" grep -qF -- "--exact" "$tmp/out"
	check "$c --help: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
done
expect_rc 0 check --help
check "check --help mentions --pages" grep -qF -- "--pages" "$tmp/out"
check "check --help: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
expect_rc 0 --help
check "memacct-cli --help lists pages" grep -qE '^  pages ' "$tmp/out"
expect_rc 2 pages --pid abc
expect_rc 2 pages --pid 0
expect_rc 2 pages extra
expect_rc 2 pages --bogus
expect_rc 2 pages --cgroup-root /sys/fs/cgroup
check "pages usage error: nothing on stdout" test -z "$out"
expect_rc 2 proc 1 --exact --bogus
expect_rc 2 maps --exact

# jq_ok WHAT FILE FILTER [ARGS...]: the filter is true on the file.
jq_ok()
{
	local what=$1 file=$2 filter=$3
	shift 3
	if jq -e "$@" "$filter" "$file" >/dev/null 2>&1; then
		pass
	else
		fail "$what"
	fi
}

MiB=$((1024 * 1024))

# --- captured trees: no privilege needed, the same bytes every run --------------------------

# proc-cow-64m-x4: 4 processes share a 64 MiB region, each page with mapcount 4.
f=proc-cow-64m-x4
if [ -f "$FIXTURES/$f/proc/kpagecount" ]; then
	root=$FIXTURES/$f/proc
	read -r -a fpids <<<"$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")"
	fregion=$(sed -n 's/^region: //p' "$FIXTURES/$f/MANIFEST")
	check "$f MANIFEST: pids and region" test "${#fpids[@]}" -gt 0 -a -n "$fregion"
	fstart=$((16#${fregion%-*}))
	fend=$((16#${fregion#*-}))
	fshare=$(((fend - fstart) / ${#fpids[@]}))
	for pid in "${fpids[@]}"; do
		expect_rc 0 proc "$pid" --exact --root "$root" --format json || continue
		# One capture, one fixed-point sum: smaps_rollup's Pss is the exact PSS cut to kB.
		jq_ok "$f proc $pid --exact: exact.pss truncated to kB = smaps_rollup Pss" "$tmp/out" \
			'(.exact.pss / 1024 | floor) * 1024 == .usage.pss'
		jq_ok "$f proc $pid --exact: exact.uss = uss, exact.present = rss" "$tmp/out" \
			'.exact.uss == .usage.uss and .exact.present == .usage.rss'
		expect_rc 0 maps "$pid" --exact --root "$root" --format json || continue
		jq_ok "$f maps $pid --exact: the region: exact_pss = its size / ${#fpids[@]}, no USS" \
			"$tmp/out" '[.vmas[] | select(.start == $s and .end == $e)] | length == 1 and
			(.[0] | .pm_present == $e - $s and .exact_pss == $sh and .Pss == $sh and
			 .exact_uss == 0 and .pm_exclusive == 0)' \
			--argjson s "$fstart" --argjson e "$fend" --argjson sh "$fshare"
		jq_ok "$f maps $pid --exact: the totals' exact_pss = proc's exact.pss" "$tmp/out" \
			'.totals.exact_pss == $p' --argjson p "$(jq .exact.pss <(
			"$CLI" proc "$pid" --exact --root "$root" --format json))"
		expect_rc 0 pages --pid "$pid" --root "$root" --format json || continue
		jq_ok "$f pages --pid $pid: mapcount ${#fpids[@]} holds the region" "$tmp/out" \
			'[.mapcount[] | select(.mapcount == $n) | .bytes] | add >= $e - $s' \
			--argjson n "${#fpids[@]}" --argjson s "$fstart" --argjson e "$fend"
		jq_ok "$f pages --pid $pid: the histogram adds up to the total" "$tmp/out" \
			'([.mapcount[].bytes] | add) == .total and .scope == "process"'
		run check --pages --pid "$pid" --root "$root" --format json
		jq_ok "$f check --pages --pid $pid: pagemap.* and pages.*_from_mapcount hold" \
			"$tmp/out" '[.results[] | select(.id | startswith("pagemap.") or
				startswith("pages.")) | .status] as $s | ($s | length) >= 5 and
				all($s[]; . == "holds")'
	done
else
	fail "fixture $f has no kpagecount: recapture it with scripts/make-process-fixtures.sh"
fi

# pages-census: kpageflags and kpagecount of PFNs 0 to END.
f=pages-census
if [ -f "$FIXTURES/$f/proc/kpageflags" ]; then
	root=$FIXTURES/$f/proc
	range=$(sed -n 's/^census_pfns: //p' "$FIXTURES/$f/MANIFEST")
	if expect_rc 0 pages --root "$root" --format json; then
		jq_ok "$f: pfns = the MANIFEST's census_pfns $range" "$tmp/out" \
			'.pfns == $n and .total == .pfns * .page_size' \
			--argjson n "$((16#${range#*-} - 16#${range%-*}))"
		jq_ok "$f: lru = LRU, mlocked = MLOCKED" "$tmp/out" \
			'.combinations.lru == .flags.LRU and .combinations.mlocked == .flags.MLOCKED'
	fi
	run check --pages --root "$root" --format json
	check "$f check --pages: exit 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
	jq_ok "$f check --pages: pages.mapped_vs_meminfo checked" "$tmp/out" \
		'any(.results[]; .id == "pages.mapped_vs_meminfo" and .status != "skipped")'
	expect_rc 3 pages --root "$root" --cgroups
	check "$f: no kpagecgroup: one line" test "$(wc -l <"$tmp/err")" = 1
else
	fail "fixture $f is missing"
fi

# pages-hidden: a pagemap read without CAP_SYS_ADMIN (every PFN 0), no kpage* files.
f=pages-hidden
if [ -d "$FIXTURES/$f/proc" ]; then
	root=$FIXTURES/$f/proc
	pid=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
	for c in proc maps; do
		expect_rc 3 "$c" "$pid" --exact --root "$root"
		check "$f $c --exact: nothing on stdout, one line on stderr" \
			test -z "$out" -a "$(wc -l <"$tmp/err")" = 1
	done
	expect_rc 0 proc "$pid" --root "$root"
	run check --pages --pid "$pid" --root "$root" --format json
	check "$f check --pages --pid: exit 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
	jq_ok "$f check --pages --pid: pagemap.* checked, the mapcount ones skipped with why" \
		"$tmp/out" 'any(.results[]; .id == "pagemap.present_vs_rss" and .status == "holds") and
		any(.results[]; .id == "pages.pss_from_mapcount" and .status == "skipped" and
		    (.reason | contains("could not be read")))'
else
	fail "fixture $f is missing"
fi

# --- the live machine: as root, then as nobody ----------------------------------------------

if [ "$(id -u)" != 0 ] || [ ! -r /proc/kpageflags ] || [ ! -r /proc/kpagecount ]; then
	echo "SKIP: needs root and /proc/kpageflags, /proc/kpagecount"
	[ "$failures" -ne 0 ] && finish
	exit 77
fi

# memstate: the helper meson built, else a build of its source here.
chmod 755 "$tmp"
if [ -z "$MEMSTATE" ] || [ ! -x "$MEMSTATE" ]; then
	MEMSTATE=$tmp/memstate
	"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O2 -o "$MEMSTATE" \
		"$(dirname "$0")/../helpers/memstate.c" || { fail "cannot build memstate"; finish; }
fi

holder=
hold_fd=
stop_state()
{
	if [ -n "$hold_fd" ]; then
		exec {hold_fd}>&-
		hold_fd=
	fi
	if [ -n "$holder" ]; then
		# stdin closed: memstate cleans up and exits; TERM only if it does not
		for _ in $(seq 100); do
			kill -0 "$holder" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		holder=
	fi
}
trap 'stop_state; rm -rf "$tmp"' EXIT

# start_state [setpriv ARGS --] MODE ARGS: hold a memstate state; sets $pids and $region.
start_state()
{
	local fifo=$tmp/stdin report=$tmp/report key val rc pre=()
	if [ "$1" = setpriv ]; then
		while [ "$1" != -- ]; do pre+=("$1"); shift; done
		shift
	fi
	rm -f "$fifo" "$report"
	mkfifo "$fifo"
	"${pre[@]}" "$MEMSTATE" "$@" <"$fifo" >"$report" &
	holder=$!
	exec {hold_fd}>"$fifo"
	for _ in $(seq 600); do
		grep -q '^ready ' "$report" 2>/dev/null && break
		if ! kill -0 "$holder" 2>/dev/null; then
			rc=0
			wait "$holder" || rc=$?
			holder=
			exec {hold_fd}>&-
			hold_fd=
			return $((rc ? rc : 1))
		fi
		sleep 0.1
	done
	grep -q '^ready ' "$report" || { stop_state; return 1; }
	pids= region=
	while read -r key val; do
		case $key in
		ready) pids=$val ;;
		region) region=$val ;;
		esac
	done <"$report"
	return 0
}

# prom_ok WHAT FILE: what every Prometheus output must pass.
prom_ok()
{
	local what=$1 file=$2 lint
	if ! command -v promtool >/dev/null; then
		return
	fi
	if lint=$(promtool check metrics <"$file" 2>&1); then
		pass
	else
		fail "$what: promtool check metrics: $lint"
	fi
	check "$what: no duplicate series" \
		test -z "$(grep -v '^#' "$file" | sed 's/ [^ ]*$//' | sort | uniq -d)"
	check "$what: every value is an integer" \
		test -z "$(grep -v '^#' "$file" | grep -Ev ' -?[0-9]+$')"
	check "$what: every metric is prefixed memacct_" \
		test -z "$(grep -v '^#' "$file" | grep -v '^memacct_')"
}

page=$(getconf PAGESIZE)

# --- pages: the whole machine --------------------------------------------------------

if expect_rc 0 pages --format json; then
	cp "$tmp/out" "$tmp/pages.json"
	jq_ok "pages json: scope system, no pid, numbers" "$tmp/pages.json" '
		.scope == "system" and (has("pid") | not) and
		(.page_size | type) == "number" and (.pfns | type) == "number" and
		(.total | type) == "number"'
	jq_ok "pages json: page_size is the machine's ($page)" "$tmp/pages.json" \
		'.page_size == $p' --argjson p "$page"
	jq_ok "pages json: total = pfns * page_size > 0" "$tmp/pages.json" \
		'.total == .pfns * .page_size and .total > 0'
	jq_ok "pages json: flags is an object of numbers" "$tmp/pages.json" \
		'(.flags | type) == "object" and all(.flags[]; type == "number")'
	for f in LOCKED REFERENCED UPTODATE DIRTY LRU ACTIVE SLAB WRITEBACK BUDDY MMAP ANON SWAPCACHE \
		SWAPBACKED COMPOUND_HEAD COMPOUND_TAIL HUGE UNEVICTABLE NOPAGE KSM THP ZERO_PAGE \
		PGTABLE RESERVED MLOCKED; do
		jq_ok "pages json: flags.$f is a number <= total" "$tmp/pages.json" \
			'(.flags[$f] | type) == "number" and .flags[$f] <= .total' --arg f "$f"
	done
	jq_ok "pages json: unstable_flags lists MLOCKED and RESERVED, not LRU or ANON" \
		"$tmp/pages.json" '(.unstable_flags | index("MLOCKED")) and
		(.unstable_flags | index("RESERVED")) and (.unstable_flags | index("LRU") | not) and
		(.unstable_flags | index("ANON") | not)'
	jq_ok "pages json: every unstable flag is a key of flags" "$tmp/pages.json" \
		'. as $d | all(.unstable_flags[]; . as $f | $d.flags | has($f))'
	jq_ok "pages json: combinations is an object of numbers" "$tmp/pages.json" \
		'(.combinations | type) == "object" and all(.combinations[]; type == "number")'
	for k in total anon file shmem slab buddy lru lru_active mapped_file mapped_anon mapped \
		dirty_file; do
		jq_ok "pages json: combinations.$k is a number" "$tmp/pages.json" \
			'(.combinations[$k] | type) == "number"' --arg k "$k"
	done
	# Combinations of one flag count the pages of that flag: one pass, the same numbers.
	jq_ok "pages json: combinations.total = total" "$tmp/pages.json" '.combinations.total == .total'
	jq_ok "pages json: combinations.lru = flags.LRU" "$tmp/pages.json" \
		'.combinations.lru == .flags.LRU'
	jq_ok "pages json: combinations.anon <= flags.ANON (slab pages can look anon)" \
		"$tmp/pages.json" '.combinations.anon <= .flags.ANON'
	jq_ok "pages json: combinations.mlocked = flags.MLOCKED" "$tmp/pages.json" \
		'.combinations.mlocked == .flags.MLOCKED'
	jq_ok "pages json: lru_active <= lru, mapped_anon <= anon" "$tmp/pages.json" \
		'.combinations.lru_active <= .combinations.lru and
		 .combinations.mapped_anon <= .combinations.anon'
	jq_ok "pages json: no mapcount or cgroups without --pid, --cgroups" "$tmp/pages.json" \
		'(has("cgroups") | not)'
fi

# The table: 80 columns; with --bytes the total row is the exact total of the JSON.
if expect_rc 0 pages; then
	check "pages table: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
	check "pages table: COMBINATION and FLAG sections" \
		grep -q '^COMBINATION' "$tmp/out"
	check "pages table: an LRU row" grep -qE '^LRU +[0-9.]+ [KMGT]?i?B ' "$tmp/out"
	check "pages table: MLOCKED marked unstable" grep -qE '^MLOCKED\* ' "$tmp/out"
fi
if expect_rc 0 pages --bytes && [ -f "$tmp/pages.json" ]; then
	total=$(jq .total "$tmp/pages.json")
	check "pages --bytes: the total row is $total" grep -qE "^total +$total " "$tmp/out"
	check "pages --bytes: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
fi

if expect_rc 0 pages --format prom; then
	prom_ok "pages --format prom" "$tmp/out"
	total=$(jq .total "$tmp/pages.json")
	check "pages prom: memacct_pages_bytes{combination=\"total\"} $total" \
		grep -qxF "memacct_pages_bytes{combination=\"total\"} $total" "$tmp/out"
	check "pages prom: memacct_pages_flag_bytes{flag=\"MLOCKED\"}" \
		grep -qE '^memacct_pages_flag_bytes\{flag="MLOCKED"\} [0-9]+$' "$tmp/out"
	check "pages prom: memacct_pages_page_size_bytes $page" \
		grep -qxF "memacct_pages_page_size_bytes $page" "$tmp/out"
fi

# --cgroups: every PFN has a memcg inode (0: none), so the cgroups add up to the total.
if [ -r /proc/kpagecgroup ]; then
	if expect_rc 0 pages --cgroups --format json; then
		jq_ok "pages --cgroups: an array of {inode, path, bytes}" "$tmp/out" '
			(.cgroups | type) == "array" and (.cgroups | length) > 0 and
			all(.cgroups[]; (.inode | type) == "number" and (.bytes | type) == "number" and
			    ((.path | type) == "string" or .path == null))'
		jq_ok "pages --cgroups: the bytes add up to the total" "$tmp/out" \
			'([.cgroups[].bytes] | add) == .total'
		jq_ok "pages --cgroups: inodes ascending" "$tmp/out" \
			'[.cgroups[].inode] == ([.cgroups[].inode] | sort)'
		if [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ]; then
			jq_ok "pages --cgroups: some cgroup is named" "$tmp/out" \
				'any(.cgroups[]; .path != null)'
		fi
	fi
	if expect_rc 0 pages --cgroups; then
		check "pages --cgroups table: no line past 80 columns" \
			test -z "$(awk 'length > 80' "$tmp/out")"
	fi
	if expect_rc 0 pages --cgroups --format prom; then
		prom_ok "pages --cgroups --format prom" "$tmp/out"
		check "pages --cgroups prom: cgroup series" \
			grep -qE '^memacct_pages_cgroup_bytes\{inode="[0-9]+",cgroup="[^"]*"\} [0-9]+$' \
			"$tmp/out"
	fi
	expect_rc 3 pages --cgroups --cgroup-root /nonexistent
fi

# --- one process: memstate anon 16 ---------------------------------------------------

if start_state anon 16; then
	pid=${pids%% *}
	want=$((16 * MiB))
	if expect_rc 0 pages --pid "$pid" --format json; then
		jq_ok "pages --pid: scope process, pid $pid" "$tmp/out" \
			'.scope == "process" and .pid == $p' --argjson p "$pid"
		jq_ok "pages --pid: mapcount is an array of {mapcount, bytes} numbers" "$tmp/out" '
			(.mapcount | type) == "array" and (.mapcount | length) > 0 and
			all(.mapcount[]; (.mapcount | type) == "number" and (.bytes | type) == "number")'
		jq_ok "pages --pid: the mapcount histogram adds up to the total" "$tmp/out" \
			'([.mapcount[].bytes] | add) == .total'
		jq_ok "pages --pid: total >= the $want bytes written" "$tmp/out" \
			'.total >= $w' --argjson w "$want"
		jq_ok "pages --pid: ANON >= $want, mapcount 1 >= $want" "$tmp/out" \
			'.flags.ANON >= $w and ([.mapcount[] | select(.mapcount == 1) | .bytes] | add) >= $w' \
			--argjson w "$want"
		jq_ok "pages --pid: flags and combinations" "$tmp/out" \
			'(.flags.LRU | type) == "number" and (.combinations.anon | type) == "number"'
	fi
	if expect_rc 0 pages --pid "$pid" --format prom; then
		prom_ok "pages --pid --format prom" "$tmp/out"
		check "pages --pid prom: pid label and mapcount series" \
			grep -qE "^memacct_pages_mapcount_bytes\{pid=\"$pid\",mapcount=\"1\"\} [0-9]+$" \
			"$tmp/out"
	fi
	expect_rc 0 pages --pid "$pid" && check "pages --pid table: MAPCOUNT section, 80 columns" \
		test -n "$(grep '^MAPCOUNT' "$tmp/out")" -a -z "$(awk 'length > 80' "$tmp/out")"
	stop_state
else
	fail "memstate anon 16 did not start"
fi
expect_rc 3 pages --pid 999999999
check "pages --pid gone: message" test "$err" = "memacct-cli: pid 999999999: no such process"
check "pages --pid gone: nothing on stdout" test -z "$out"

# --- proc --exact and maps --exact: memstate cow 64 4 (64 MiB shared by 4) --------------

if start_state cow 64 4; then
	read -r -a all <<<"$pids"
	nproc=${#all[@]}
	check "cow: 4 processes ($pids)" test "$nproc" = 4
	region_mib=64
	share=$((region_mib * MiB / nproc))
	start=$((16#${region%-*}))
	end=$((16#${region#*-}))
	for pid in "${all[@]}"; do
		expect_rc 0 proc "$pid" --exact --format json || continue
		jq_ok "proc $pid --exact: exact.{pss,uss,swap,shared,present} are numbers" "$tmp/out" \
			'all(.exact | .pss, .uss, .swap, .shared, .present, .exclusive, .file;
			     type == "number")'
		# Each page of the region is mapped by the 4: it gives each 64 MiB / 4.
		jq_ok "proc $pid --exact: exact.pss >= $share (64 MiB / $nproc)" "$tmp/out" \
			'.exact.pss >= $s' --argjson s "$share"
		# smaps_rollup's Pss sums the same fixed-point values: equal but for pages
		# that changed between the two reads (libc, the stack).
		jq_ok "proc $pid --exact: exact.pss within 1% + 64 KiB of smaps_rollup Pss" "$tmp/out" \
			'(.exact.pss - .usage.pss) as $d | (if $d < 0 then -$d else $d end) <=
			 .usage.pss / 100 + 65536'
		jq_ok "proc $pid --exact: uss <= pss <= present, uss + shared = present" "$tmp/out" \
			'.exact.uss <= .exact.pss and .exact.pss <= .exact.present and
			 .exact.uss + .exact.shared == .exact.present'
		jq_ok "proc $pid --exact: exact_info" "$tmp/out" \
			'(.exact_info.kinds_from | type) == "string" and (.exact_info.vmas > 0)'
	done
	pid=${all[0]}
	if expect_rc 0 proc "$pid" --exact; then
		check "proc --exact table: EXACT section with a pss row" \
			grep -qE '^pss +[0-9]+ .*pagemap\+kpagecount$' "$tmp/out"
	fi
	if expect_rc 0 proc "$pid" --exact --format prom; then
		prom_ok "proc --exact --format prom" "$tmp/out"
		check "proc --exact prom: memacct_process_exact_bytes pss" \
			grep -qE "^memacct_process_exact_bytes\{pid=\"$pid\",comm=\"[^\"]*\",kind=\"pss\"\} [0-9]+$" \
			"$tmp/out"
	fi

	if expect_rc 0 maps "$pid" --exact --format json; then
		# Not the gate VMA ([vsyscall]): it is outside the page tables, so absent.
		jq_ok "maps --exact: every VMA has the pm_* and exact_* keys, numbers" "$tmp/out" '
			all(.vmas[] | select(.path != "[vsyscall]"); all(.pm_present, .pm_swapped,
				.pm_exclusive, .pm_file, .exact_pss, .exact_uss; type == "number"))'
		jq_ok "maps --exact: totals have them too" "$tmp/out" '
			all(.totals | .pm_present, .pm_swapped, .pm_exclusive, .pm_file, .exact_pss,
			    .exact_uss; type == "number")'
		jq_ok "maps --exact: the region: pm_present 64 MiB, exact_pss 64 MiB / $nproc, no USS" \
			"$tmp/out" '[.vmas[] | select(.start == $s and .end == $e)] | length == 1 and
			(.[0] | .pm_present == $e - $s and .exact_pss == $sh and .exact_uss == 0 and
			 .pm_exclusive == 0 and .pm_swapped == 0 and .pm_file == 0)' \
			--argjson s "$start" --argjson e "$end" --argjson sh "$share"
		# Not [vvar] and the like: PFN maps have present entries but no Rss.
		jq_ok "maps --exact: pm_present = Rss for each VMA (not hugetlb, not [v...])" \
			"$tmp/out" 'all(.vmas[] | select((.VmFlags | index("ht") or index("pf")) | not)
				| select(.path | startswith("[v") | not); .pm_present == .Rss)'
		jq_ok "maps --exact: the totals are the sums (exact_pss: fixed point, >=)" "$tmp/out" \
			'.totals.pm_present == ([.vmas[].pm_present] | add) and
			 .totals.exact_uss == ([.vmas[].exact_uss] | add) and
			 .totals.exact_pss >= ([.vmas[].exact_pss] | add)'
	fi
	if expect_rc 0 maps "$pid" --exact; then
		check "maps --exact table: the heads" grep -qE 'PM_PRESENT.*EXACT_PSS.*EXACT_USS' "$tmp/out"
	fi
	if expect_rc 0 maps "$pid" --exact --format prom; then
		prom_ok "maps --exact --format prom" "$tmp/out"
		check "maps --exact prom: exact_pss series" \
			grep -qE "^memacct_maps_exact_bytes\{pid=\"$pid\",field=\"exact_pss\"\} [0-9]+$" \
			"$tmp/out"
	fi

	# check --pages --pid: the pagemap identities of the process, not the system's.
	run check --pages --pid "$pid" --format json
	check "check --pages --pid: exit 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
	jq_ok "check --pages --pid: pagemap.present_vs_rss and pages.pss_from_mapcount, checked" \
		"$tmp/out" '[.results[] | select(.id == "pagemap.present_vs_rss" or
			.id == "pages.pss_from_mapcount") | select(.status != "skipped" and .pid == $p)]
			| length == 2' --argjson p "$pid"
	jq_ok "check --pages --pid: no system identity" "$tmp/out" \
		'all(.results[]; (.id | startswith("meminfo.")) or .id == "pages.mapped_vs_meminfo"
			| not)'
	run check --pid "$pid" --format json
	jq_ok "check --pid without --pages: no pagemap.* or pages.*" "$tmp/out" \
		'all(.results[]; .id | (startswith("pagemap.") or startswith("pages.")) | not)'
	stop_state
else
	fail "memstate cow 64 4 did not start"
fi

# --- check --pages -----------------------------------------------------------------

expect_rc 0 check --list --pages --format json
ids=$(jq -r '.identities[].id | select(startswith("pages."))' "$tmp/out")
check "check --list --pages lists pages.mapped_vs_meminfo" grep -qx pages.mapped_vs_meminfo <<<"$ids"
check "check --list --pages: no per-process identity" \
	test -z "$(jq -r '.identities[].id | select(startswith("pagemap.") or startswith("smaps."))' "$tmp/out")"
expect_rc 0 check --list --format json
check "check --list without --pages: no pages.*" \
	test -z "$(jq -r '.identities[].id | select(startswith("pages."))' "$tmp/out")"

run check --pages --format json
check "check --pages: exit 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
cp "$tmp/out" "$tmp/check.json"
for id in $ids; do
	jq_ok "check --pages: $id is a result, not skipped as root" "$tmp/check.json" \
		'[.results[] | select(.id == $i and .status != "skipped")] | length == 1' --arg i "$id"
done
jq_ok "check --pages: the meminfo identities too" "$tmp/check.json" \
	'any(.results[]; .id == "meminfo.slab_split")'
violated=$(jq '.summary.violated' "$tmp/check.json")
check "check --pages: exit status $rc agrees with $violated violated" \
	test "$rc" = "$([ "$violated" -gt 0 ] && echo 1 || echo 0)"
run check --format json
jq_ok "check without --pages: no pages.* results" "$tmp/out" \
	'all(.results[]; .id | startswith("pages.") | not)'
run check --pages --only 'pages.*' --format prom
check "check --pages --only pages.* --format prom: exit 0 or 1" test "$rc" = 0 -o "$rc" = 1
prom_ok "check --pages --format prom" "$tmp/out"
check "check --pages prom: pages.mapped_vs_meminfo status series" grep -qF \
	'memacct_identity_status{id="pages.mapped_vs_meminfo"' "$tmp/out"
run check --pages
check "check --pages table: a pages.mapped_vs_meminfo row" grep -q '^pages.mapped_vs_meminfo ' "$tmp/out"

# --- without CAP_SYS_ADMIN ---------------------------------------------------------

if ! command -v setpriv >/dev/null; then
	echo "setpriv is not installed: the unprivileged runs are not tested"
	finish
fi
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! "${nobody[@]}" "$CLI" --version >/dev/null 2>&1; then
	echo "nobody cannot run $CLI: the unprivileged runs are not tested"
	finish
fi

# run_nobody ARGS...: run as nobody; sets $out, $err, $rc.
run_nobody()
{
	"${nobody[@]}" "$CLI" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# not_root WHAT: exit 3, nothing on stdout, one line on stderr naming CAP_SYS_ADMIN.
not_root()
{
	check "$1: exit 3 (got $rc)" test "$rc" = 3
	check "$1: nothing on stdout" test -z "$out"
	check "$1: one line on stderr" test "$(wc -l <"$tmp/err")" = 1
	check "$1: the message names CAP_SYS_ADMIN ($err)" grep -q 'CAP_SYS_ADMIN' "$tmp/err"
	check "$1: the message starts with memacct-cli:" grep -q '^memacct-cli: ' "$tmp/err"
}

for fmt in table json prom; do
	run_nobody pages --format "$fmt"
	not_root "pages --format $fmt as nobody"
done
run_nobody pages --cgroups
not_root "pages --cgroups as nobody"

if start_state "${nobody[@]}" -- anon 4; then
	pid=${pids%% *}
	run_nobody pages --pid "$pid" --format json
	not_root "pages --pid (own process) as nobody"
	for fmt in table json prom; do
		run_nobody proc "$pid" --exact --format "$fmt"
		not_root "proc --exact --format $fmt (own process) as nobody"
		run_nobody maps "$pid" --exact --format "$fmt"
		not_root "maps --exact --format $fmt (own process) as nobody"
	done
	run_nobody proc "$pid" --format json
	check "proc without --exact as nobody: exit 0 ($err)" test "$rc" = 0

	# check --pages --pid: pagemap alone (no PFNs): the pagemap.* identities still run,
	# those of kpagecount are skipped with the reason.
	run_nobody check --pages --pid "$pid" --format json
	check "check --pages --pid as nobody: exit 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
	check "check --pages --pid as nobody: one note on stderr naming CAP_SYS_ADMIN" \
		test "$(grep -c CAP_SYS_ADMIN "$tmp/err")" = 1
	jq_ok "check --pages --pid as nobody: pagemap.present_vs_rss checked" "$tmp/out" \
		'any(.results[]; .id == "pagemap.present_vs_rss" and .status != "skipped")'
	jq_ok "check --pages --pid as nobody: pages.pss_from_mapcount skipped, naming CAP_SYS_ADMIN" \
		"$tmp/out" 'any(.results[]; .id == "pages.pss_from_mapcount" and .status == "skipped"
			and (.reason | contains("CAP_SYS_ADMIN")))'
	stop_state
else
	fail "memstate anon 4 as nobody did not start"
fi

run_nobody check --pages --format json
check "check --pages as nobody: exit 0 or 1, not 3 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
check "check --pages as nobody: one line on stderr naming CAP_SYS_ADMIN ($err)" \
	test "$(wc -l <"$tmp/err")" = 1 -a "$(grep -c CAP_SYS_ADMIN "$tmp/err")" = 1
for id in $ids; do
	jq_ok "check --pages as nobody: $id skipped, with the reason" "$tmp/out" \
		'[.results[] | select(.id == $i and .status == "skipped" and
			(.reason | contains("CAP_SYS_ADMIN")))] | length == 1' --arg i "$id"
done
violated=$(jq '.summary.violated' "$tmp/out")
check "check --pages as nobody: exit status $rc agrees with $violated violated" \
	test "$rc" = "$([ "$violated" -gt 0 ] && echo 1 || echo 0)"
run_nobody check --pages
check "check --pages table as nobody: exit 0 or 1 (got $rc)" test "$rc" = 0 -o "$rc" = 1
check "check --pages table as nobody: a skipped pages.mapped_vs_meminfo row" \
	grep -qE '^pages.mapped_vs_meminfo +[a-z]+ +skipped ' "$tmp/out"

# --threads: the same census whatever the count (duration aside)
pc=$(fixture pages-census)
expect_rc 0 pages --root "$pc" --format json --threads 1
jq -S 'del(.duration_us, .duration_ns)' "$tmp/out" >"$tmp/p1.json"
for n in 2 3 7; do
	expect_rc 0 pages --root "$pc" --format json --threads "$n"
	jq -S 'del(.duration_us, .duration_ns)' "$tmp/out" >"$tmp/pn.json"
	check "pages --threads $n: the output of --threads 1" cmp -s "$tmp/p1.json" "$tmp/pn.json"
done
expect_rc 2 pages --threads x

finish
