#!/bin/bash
# report: the three unaccounted formulas, the top processes, JSON shape, prom, width,
# over the hand-made fixtures/report-12procs (values computed here from its files),
# a tree without processes, partial processes, --no-processes and the live /proc.
. "$(dirname "$0")/lib.sh"
need jq

jq_ok()
{
	local what=$1 file=$2
	shift 2
	check "$what" jq -e "$@" "$file" >/dev/null
}

f=report-12procs
need_fixture "$f" || finish
root=$(fixture "$f")

# mi FIELD: the meminfo kB value of FIELD, in bytes (0 when the line is absent).
mi()
{
	awk -v k="$1:" '$1 == k { v = $2 * 1024 } END { printf "%.0f\n", v }' "$root/meminfo"
}

# kb FILE FIELD: the kB value of "FIELD:" in FILE, in bytes.
kb()
{
	awk -v k="$2:" '$1 == k { printf "%.0f\n", $2 * 1024; exit }' "$1"
}

# --- the expected numbers, from the fixture's files ---------------------------
memtotal=$(mi MemTotal)
kernel=0
for k in Slab VmallocUsed PageTables SecPageTables KernelStack Percpu HardwareCorrupted Bounce; do
	kernel=$((kernel + $(mi "$k")))
done
hugetlb=$(mi Hugetlb)
base=$((memtotal - $(mi MemFree) - kernel - hugetlb))
x_lru=$((base - ($(mi Active) + $(mi Inactive) + $(mi Unevictable))))
x_pc=$((base - ($(mi Cached) + $(mi AnonPages) + $(mi Buffers))))
check "$f: SwapCached is 0, so the page-cache formula is valid" test "$(mi SwapCached)" = 0

# Every PID directory with a VmSize is a process (pid 2 is a kernel thread).
pss_sum=0 uss_sum=0 rss_sum=0 swap_sum=0 nproc=0
: >"$tmp/ranked"
for d in "$root"/[0-9]*; do
	grep -q '^VmSize:' "$d/status" || continue
	pid=${d##*/}
	pss=$(kb "$d/smaps_rollup" Pss)
	uss=$(($(kb "$d/smaps_rollup" Private_Clean) + $(kb "$d/smaps_rollup" Private_Dirty)))
	rss=$(kb "$d/smaps_rollup" Rss)
	swap=$(kb "$d/smaps_rollup" Swap)
	uid=$(awk '$1 == "Uid:" { print $2 }' "$d/status")
	comm=$(sed -n 's/^Name:\t//p' "$d/status")
	pss_sum=$((pss_sum + pss)) uss_sum=$((uss_sum + uss))
	rss_sum=$((rss_sum + rss)) swap_sum=$((swap_sum + swap))
	nproc=$((nproc + 1))
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pss" "$pid" "$uss" "$rss" "$swap" "$uid" "$comm" \
		>>"$tmp/ranked"
done
# Largest PSS first, ties by pid.
sort -t "$(printf '\t')" -k1,1nr -k2,2n "$tmp/ranked" -o "$tmp/ranked"
x_pss=$((base - (pss_sum + $(mi Cached) - $(mi Mapped) + $(mi Buffers))))

# The hand computation of the MANIFEST, so a change of the files shows here too.
check "$f: X by LRU = 98304 kB (got $x_lru)" test "$x_lru" = $((98304 * 1024))
check "$f: X by page cache = 114688 kB (got $x_pc)" test "$x_pc" = $((114688 * 1024))
check "$f: X by PSS = 113664 kB (got $x_pss)" test "$x_pss" = $((113664 * 1024))
check "$f: 12 processes" test "$nproc" = 12

# --- JSON ---------------------------------------------------------------------
expect_rc 0 report --root "$root" --format json
cp "$tmp/out" "$tmp/rp.json"
jq_ok "$f: top-level keys: the old ones kept, the new ones added" "$tmp/rp.json" \
	'keys == ["identities","kernel_vmalloc_source","lru_view","memtotal","pagecache_view",
		"processes","top","unaccounted"]'
jq_ok "$f: the old members as before" "$tmp/rp.json" '
	(.lru_view | keys) == ["free","hugetlb","kernel","kernel_parts","unaccounted","user","user_parts"] and
	(.pagecache_view | keys) == ["anon","free","hugetlb","kernel","page_cache","page_cache_parts",
		"shmem","unaccounted","unaccounted_valid"] and
	(.identities | keys) == ["caveat","caveat_ids","holds","skipped","violated","violated_ids"]'
jq_ok "$f: shmem is meminfo Shmem" "$tmp/rp.json" --argjson s "$(mi Shmem)" \
	'.pagecache_view.shmem == $s'
jq_ok "$f: unaccounted keys" "$tmp/rp.json" '(.unaccounted | keys) == ["lru","pagecache",
	"pagecache_valid","pss","pss_reason","pss_unknown_processes","pss_upper_bound"]'
jq_ok "$f: unaccounted by the three formulas ($x_lru, $x_pc, $x_pss)" "$tmp/rp.json" \
	--argjson l "$x_lru" --argjson c "$x_pc" --argjson p "$x_pss" '
	.unaccounted == {"lru": $l, "pagecache": $c, "pagecache_valid": true, "pss": $p,
		"pss_upper_bound": null, "pss_unknown_processes": 0, "pss_reason": null}'
jq_ok "$f: unaccounted.lru and .pagecache are the views' remainders" "$tmp/rp.json" '
	.unaccounted.lru == .lru_view.unaccounted and
	.unaccounted.pagecache == .pagecache_view.unaccounted'
jq_ok "$f: processes" "$tmp/rp.json" --argjson n "$nproc" '
	(.processes | keys) == ["count","duration_ns","memfree_range","partial","skipped"] and
	.processes.count == $n and .processes.partial == 0 and
	.processes.skipped == {"vanished": 0, "kernel_threads": 1, "denied": 0, "failed": 0} and
	(.processes.duration_ns | type) == "number" and .processes.memfree_range == 0'
jq_ok "$f: top has 10 rows of exactly these keys" "$tmp/rp.json" '
	(.top | length) == 10 and
	all(.top[]; keys == ["comm","pid","pss","rss","swap","user","uss"])'
i=0
while IFS=$'\t' read -r pss pid uss rss swap uid comm; do
	[ "$i" -lt 10 ] || break
	jq_ok "$f: top[$i] is $pid $comm: pss $pss uss $uss rss $rss swap $swap user $uid" \
		"$tmp/rp.json" --argjson i "$i" --argjson pid "$pid" --arg comm "$comm" \
		--argjson pss "$pss" --argjson uss "$uss" --argjson rss "$rss" --argjson swap "$swap" \
		--arg uid "$uid" '.top[$i] == {"pid": $pid, "comm": $comm, "user": $uid, "pss": $pss,
			"uss": $uss, "rss": $rss, "swap": $swap}'
	i=$((i + 1))
done <"$tmp/ranked"
jq_ok "$f: ties by pid: 413 before 414, 1 before 521" "$tmp/rp.json" \
	'[.top[].pid] | (index(413) < index(414)) and (index(1) < index(521))'
jq_ok "$f: the breakdown still adds up" "$tmp/rp.json" '
	.lru_view.free + .lru_view.kernel + .lru_view.user + .lru_view.hugetlb
		+ .lru_view.unaccounted == .memtotal'

# --- table --------------------------------------------------------------------
expect_rc 0 report --root "$root"
cp "$tmp/out" "$tmp/rp.txt"
check "$f table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/rp.txt")"
check "$f table: printable ASCII" test -z "$(LC_ALL=C tr -d '\n -~' <"$tmp/rp.txt")"
check "$f table: the three formulas side by side" \
	grep -qE '^UNACCOUNTED, 3 WAYS +LRU +PAGE CACHE +PSS$' "$tmp/rp.txt"
check "$f table: the three X in bytes on one row" \
	grep -qE "^    bytes +$x_lru +$x_pc +$x_pss\$" "$tmp/rp.txt"
check "$f table: the three X in binary units (96.0, 112.0, 111.0 MiB)" \
	grep -qE '^  unaccounted +96\.0 MiB +112\.0 MiB +111\.0 MiB$' "$tmp/rp.txt"
check "$f table: the PSS legend counts the processes" \
	grep -qE '^  PSS +Pss of 12 processes \+ \(Cached - Mapped\) \+ Buffers$' "$tmp/rp.txt"
check "$f table: a captured tree's PSS is said to cover its processes only" \
	grep -q 'captured tree holds only the processes' "$tmp/rp.txt"
check "$f table: the top heading" grep -qx 'PROCESSES BY PSS, 10 OF 12' "$tmp/rp.txt"
head -10 "$tmp/ranked" | cut -f2 >"$tmp/want-pids"
grep -E '^ +[0-9]+ [0-9]+ ' "$tmp/rp.txt" | awk '{ print $1 }' >"$tmp/got-pids"
check "$f table: the 10 largest PSS in order: $(tr '\n' ' ' <"$tmp/got-pids")" \
	cmp -s "$tmp/want-pids" "$tmp/got-pids"
check "$f table: 412's row" \
	grep -qE '^ +412 105 +postgres +320\.0 MiB +256\.0 MiB +384\.0 MiB +16\.0 MiB$' "$tmp/rp.txt"
check "$f table: a name with a space" grep -qE '^ +602 1000 +Web Content +24\.0 MiB ' "$tmp/rp.txt"
check "$f table: totals row (PSS $pss_sum, USS $uss_sum, RSS $rss_sum, swap $swap_sum)" \
	grep -qE '^ +total of 12 processes +519\.6 MiB +387\.8 MiB +820\.0 MiB +20\.0 MiB$' \
	"$tmp/rp.txt"
check "$f: the totals row's sums are the files' ($pss_sum $uss_sum $rss_sum $swap_sum)" \
	test "$pss_sum $uss_sum $rss_sum $swap_sum" = \
	"$((532096 * 1024)) $((397120 * 1024)) $((839680 * 1024)) $((20480 * 1024))"
check "$f table: partial and skipped in one line" \
	grep -qx 'processes: 12 read, 0 partial; skipped: 1 kernel thread' "$tmp/rp.txt"
check "$f table: the identity summary is the last line" \
	bash -c "tail -1 '$tmp/rp.txt' | grep -qE '^identities: [0-9]+ holds?, '"

# --- Prometheus ---------------------------------------------------------------
if command -v promtool >/dev/null; then
	expect_rc 0 report --root "$root" --format prom
	cp "$tmp/out" "$tmp/rp.prom"
	check "$f prom: promtool check metrics: $(promtool check metrics <"$tmp/rp.prom" 2>&1)" \
		promtool check metrics <"$tmp/rp.prom"
	for s in "{formula=\"lru\"} $x_lru" "{formula=\"pagecache\"} $x_pc" "{formula=\"pss\"} $x_pss"; do
		check "$f prom: memacct_report_unaccounted_bytes$s" \
			grep -qxF "memacct_report_unaccounted_bytes$s" "$tmp/rp.prom"
	done
	check "$f prom: no upper bound when every Pss is known" \
		bash -c "! grep -q '^memacct_report_unaccounted_upper_bound_bytes' '$tmp/rp.prom'"
	check "$f prom: 10 top processes" \
		test "$(grep -c '^memacct_report_top_pss_bytes{' "$tmp/rp.prom")" = 10
	check "$f prom: 412's PSS" grep -qxF \
		"memacct_report_top_pss_bytes{pid=\"412\",comm=\"postgres\"} $((327680 * 1024))" \
		"$tmp/rp.prom"
	check "$f prom: the label with a space" \
		grep -qF 'memacct_report_top_pss_bytes{pid="602",comm="Web Content"}' "$tmp/rp.prom"
	check "$f prom: processes and skipped" bash -c "grep -qx 'memacct_report_processes 12' \
		'$tmp/rp.prom' && grep -qx 'memacct_report_processes_skipped{reason=\"kernel_thread\"} 1' \
		'$tmp/rp.prom'"
	check "$f prom: the old families are still there" bash -c "grep -q \
		'^memacct_report_bytes{view=\"lru\",category=\"unaccounted\"} $x_lru\$' '$tmp/rp.prom'"
	check "$f prom: no duplicate series" \
		test -z "$(grep -v '^#' "$tmp/rp.prom" | sed 's/ [^ ]*$//' | sort | uniq -d)"
fi

# --- partial processes: not root, 412's smaps_rollup and 950's status denied ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$tmp/part"
	cp -r "$root" "$tmp/part/"
	cp "$FIXTURES/$f/MANIFEST" "$tmp/part/"
	chmod 600 "$tmp/part/proc/412/smaps_rollup" "$tmp/part/proc/950/status" \
		"$tmp/part/proc/950/smaps_rollup"
	chmod 755 "$tmp" "$tmp/part"
	p412=$(kb "$root/412/smaps_rollup" Pss)
	p950=$(kb "$root/950/smaps_rollup" Pss)
	bound=$((x_pss + p412 + p950))
	as_nobody()
	{
		setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" "$@" >"$tmp/out" 2>"$tmp/err"
		rc=$?
	}
	as_nobody report --root "$tmp/part/proc" --format json
	check "partial: exit 0 (got $rc: $(cat "$tmp/err"))" test "$rc" = 0
	jq_ok "partial: pss null, an upper bound of $bound, 2 unknown, said why" "$tmp/out" \
		--argjson b "$bound" '.unaccounted.pss == null and .unaccounted.pss_upper_bound == $b and
		.unaccounted.pss_unknown_processes == 2 and
		(.unaccounted.pss_reason | test("1 partial .*1 denied"))'
	jq_ok "partial: 412 ranks last among the shown, its PSS and USS null, not 0" "$tmp/out" '
		.processes.partial == 1 and .processes.skipped.denied == 1 and .processes.count == 11 and
		([.top[] | select(.pid == 412)] | length == 0 or
			(.[0].pss == null and .[0].uss == null and .[0].rss != null))'
	as_nobody report --root "$tmp/part/proc"
	cp "$tmp/out" "$tmp/part.txt"
	check "partial table: the PSS column is a bound" \
		grep -qE "^    bytes +$x_lru +$x_pc +<= $bound\$" "$tmp/part.txt"
	check "partial table: says why" grep -q 'PSS: at most, as the Pss of 2 processes' "$tmp/part.txt"
	check "partial table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/part.txt")"
	if command -v promtool >/dev/null; then
		as_nobody report --root "$tmp/part/proc" --format prom
		check "partial prom: promtool" promtool check metrics <"$tmp/out"
		check "partial prom: the bound, no exact pss sample" bash -c "grep -qxF \
			'memacct_report_unaccounted_upper_bound_bytes{formula=\"pss\"} $bound' '$tmp/out' &&
			! grep -qF 'memacct_report_unaccounted_bytes{formula=\"pss\"}' '$tmp/out'"
	fi
fi

# --- a tree without processes: no PSS column, never 0 ---------------------------
need_fixture quiet && {
	q=$(fixture quiet)
	expect_rc 0 report --root "$q" --format json
	jq_ok "quiet: pss null with the reason, top empty, no process" "$tmp/out" '
		.unaccounted.pss == null and .unaccounted.pss_upper_bound == null and
		.unaccounted.pss_unknown_processes == null and
		(.unaccounted.pss_reason | test("no process")) and .top == [] and
		.processes.count == 0 and (.unaccounted.lru | type) == "number"'
	expect_rc 0 report --root "$q"
	check "quiet table: the PSS cells are '-'" grep -qE '^    bytes +-?[0-9]+ +-?[0-9]+ +-$' "$tmp/out"
	check "quiet table: says why" \
		grep -qx '  PSS: not available: the tree holds no process (no PID directory).' "$tmp/out"
	check "quiet table: no process table" \
		grep -qx 'PROCESSES: the tree holds no process (no PID directory).' "$tmp/out"
	if command -v promtool >/dev/null; then
		expect_rc 0 report --root "$q" --format prom
		check "quiet prom: promtool" promtool check metrics <"$tmp/out"
		check "quiet prom: no pss sample" bash -c "! grep -q 'formula=\"pss\"' '$tmp/out'"
	fi

	# SwapCached != 0: the page-cache column is marked, the note says why.
	mkdir -p "$tmp/swapc"
	sed 's/^SwapCached:.*/SwapCached:         512 kB/' "$q/meminfo" >"$tmp/swapc/meminfo"
	expect_rc 0 report --root "$tmp/swapc" --format json
	jq_ok "swapc: pagecache_valid false, the value still given" "$tmp/out" '
		.unaccounted.pagecache_valid == false and (.unaccounted.pagecache | type) == "number"'
	expect_rc 0 report --root "$tmp/swapc"
	check "swapc table: the page-cache cells are starred" \
		grep -qE '^    bytes +-?[0-9]+ +\*-?[0-9]+ +-$' "$tmp/out"
	check "swapc table: the note (wrapped lines joined)" bash -c "tr -s ' \n' ' ' <'$tmp/out' |
		grep -qF '*not valid: SwapCached is 512.0 KiB, not 0'"
}

# --- --no-processes -------------------------------------------------------------
expect_rc 0 report --root "$root" --no-processes --format json
jq_ok "--no-processes: no scan, said so" "$tmp/out" --argjson l "$x_lru" '
	.top == null and .processes == null and .unaccounted.pss == null and
	(.unaccounted.pss_reason | test("--no-processes")) and .unaccounted.lru == $l'
expect_rc 0 report --root "$root" --no-processes
check "--no-processes table: says so" grep -qx 'PROCESSES: the processes were not read (--no-processes).' \
	"$tmp/out"

# --- help, usage ------------------------------------------------------------------
expect_rc 0 report --help
check "report --help: the three formulas, the options, the new members" bash -c "
	grep -q 'Cached + AnonPages + Buffers' '$tmp/out' && grep -q -- '--no-processes' '$tmp/out' &&
	grep -q 'pss_upper_bound' '$tmp/out' && grep -q 'memacct_report_top_pss_bytes' '$tmp/out'"
check "report --help: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
expect_rc 2 report --no-such-option
expect_rc 2 report extra-argument

# --- the live /proc -----------------------------------------------------------------
expect_rc 0 report --format json
jq_ok "live: processes read, pss exact or a bound, never both" "$tmp/out" '
	.processes.count > 0 and (.top | length) == ([.processes.count, 10] | min) and
	((.unaccounted.pss == null) != (.unaccounted.pss_upper_bound == null)) and
	(if .unaccounted.pss == null then .unaccounted.pss_unknown_processes > 0
	 else .unaccounted.pss_unknown_processes == 0 end)'
jq_ok "live: top sorted by PSS, largest first" "$tmp/out" \
	'[.top[].pss | select(. != null)] as $p | $p == ($p | sort | reverse)'
expect_rc 0 report
check "live table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
check "live table: the scan's duration" grep -qE '^  PSS: read one by one in [0-9]+\.[0-9] ms' "$tmp/out"
if command -v promtool >/dev/null; then
	expect_rc 0 report --format prom
	check "live prom: promtool" promtool check metrics <"$tmp/out"
fi

# --threads: the same report whatever the count (the scan's duration aside)
expect_rc 0 report --root "$root" --format json --threads 1
jq -S 'del(.. | .duration_ns?)' "$tmp/out" >"$tmp/r1.json"
check "report --threads 1: a scan with processes" jq -e '.top | length > 0' "$tmp/r1.json"
for n in 2 5; do
	expect_rc 0 report --root "$root" --format json --threads "$n"
	jq -S 'del(.. | .duration_ns?)' "$tmp/out" >"$tmp/rn.json"
	check "report --threads $n: the report of --threads 1" cmp -s "$tmp/r1.json" "$tmp/rn.json"
done
expect_rc 2 report --threads -1
expect_rc 2 report --threads 1025

# check --system --threads: the same verdicts, sides and residuals whatever the count
verdicts_of() { jq -S '[.results[] | {id, status, lhs, rhs, residual, tolerance}]' "$1"; }
"$CLI" check --root "$root" --system --format json --threads 1 >"$tmp/out" 2>/dev/null
rc=$?
check "check --system --threads 1: exit 0 or 1 (got $rc)" test "$rc" -le 1
verdicts_of "$tmp/out" >"$tmp/c1.json"
check "check --system --threads 1: the system identities were checked" \
	jq -e 'map(select(.id | startswith("system."))) | length > 3' "$tmp/c1.json"
for n in 2 7; do
	"$CLI" check --root "$root" --system --format json --threads "$n" >"$tmp/out" 2>/dev/null
	verdicts_of "$tmp/out" >"$tmp/cn.json"
	check "check --system --threads $n: the verdicts of --threads 1" cmp -s "$tmp/c1.json" "$tmp/cn.json"
done
expect_rc 2 check --threads x

# The count reaches the scan: N threads read the processes, the caller and N - 1 it starts
# (and by default one per online CPU). Counted by strace's clone calls, so that a --threads
# that did nothing, with its output the same, fails here.
if command -v strace >/dev/null; then
	workers() { strace -f -qq -e trace=clone,clone3 "$CLI" "$@" 2>&1 >/dev/null | grep -c CLONE_THREAD; }
	# never more than there are processes (PID directories) to read
	npids=$(find "$root" -maxdepth 1 -name '[0-9]*' -type d | wc -l)
	ncpu=$(nproc)
	[ "$ncpu" -le "$npids" ] || ncpu=$npids
	# between( COUNT LOW ): COUNT is LOW or LOW + 1, the one more being a runtime's own thread
	# that starts with the first pthread_create (ThreadSanitizer's background thread)
	between() { [ "$1" = "$2" ] || [ "$1" = "$(($2 + 1))" ]; }
	for cmd in report "check --system" top; do
		# shellcheck disable=SC2086 # cmd is two words for check
		n=$(workers $cmd --root "$root" --threads 3)
		check "$cmd --threads 3: 2 threads started (got $n)" between "$n" 2
		# shellcheck disable=SC2086
		n=$(workers $cmd --root "$root" --threads 1)
		check "$cmd --threads 1: none started (got $n)" test "$n" = 0
		# shellcheck disable=SC2086
		n=$(workers $cmd --root "$root")
		check "$cmd: one thread per online CPU by default (got $n)" between "$n" "$((ncpu - 1))"
	done
fi

finish
