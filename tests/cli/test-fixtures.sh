#!/bin/bash
# Every fixture: meminfo's JSON against the file itself, derived quantities, report sums,
# check's JSON contract and exit status; damaged-slab violated; --only/--skip/--tolerance.
. "$(dirname "$0")/lib.sh"
need jq

# "key value unit" of the numeric lines of a meminfo file, in file order.
numeric_lines()
{
	awk -F: 'NF >= 2 {
		key = $1; rest = substr($0, length($1) + 2)
		gsub(/^[ \t]+|[ \t]+$/, "", rest)
		if (rest ~ /^[0-9]+( kB)?$/) print key, rest
	}' "$1"
}

jq_ok()
{
	local what=$1 file=$2
	shift 2
	if jq -e "$@" "$file" >/dev/null; then
		pass
	else
		fail "$what"
	fi
}

need_fixture quiet
need_fixture damaged-slab
n=0
for f in $(all_fixtures); do
	root=$(fixture "$f")
	# The damaged ones that do not parse are test-errors.sh's.
	"$CLI" meminfo --root "$root" --format json >/dev/null 2>&1 || [[ $f != damaged-* ]] || continue
	n=$((n + 1))

	# meminfo: the file's keys in its order, kB times 1024, counts as they are.
	expect_rc 0 meminfo --root "$root" --format json || continue
	cp "$tmp/out" "$tmp/mi.json"
	numeric_lines "$root/meminfo" | while read -r key value unit; do
		if [ "$unit" = kB ]; then
			echo "$key $((value * 1024)) bytes"
		else
			echo "$key $value count"
		fi
	done >"$tmp/want"
	jq -r '.meminfo | to_entries[] | "\(.key) \(.value)"' "$tmp/mi.json" >"$tmp/got"
	check "$f: meminfo JSON = the file: $(diff <(cut -d' ' -f1,2 "$tmp/want") "$tmp/got" | head -5 | tr '\n' ' ')" \
		cmp -s <(cut -d' ' -f1,2 "$tmp/want") "$tmp/got"
	jq -r '.units | to_entries[] | "\(.key) \(.value)"' "$tmp/mi.json" >"$tmp/got"
	check "$f: units = the file's" cmp -s <(cut -d' ' -f1,3 "$tmp/want") "$tmp/got"

	# Derived quantities, named as documented, from the same JSON.
	jq_ok "$f: derived quantities match their formulas" "$tmp/mi.json" '
		.meminfo as $m | .derived as $d |
		def has_all(ks): all(ks[]; $m[.] != null);
		def sum(ks): [ks[] | $m[.] // 0] | add;
		(if has_all(["Active", "Inactive"]) then
			$d.user_lru == sum(["Active", "Inactive", "Unevictable"]) else true end) and
		(if has_all(["Cached", "AnonPages", "Buffers"]) then
			$d.user_pagecache == sum(["Cached", "AnonPages", "Buffers"]) else true end) and
		(if has_all(["Slab"]) then
			$d.kernel == sum(["Slab", "VmallocUsed", "PageTables", "SecPageTables",
				"KernelStack", "Percpu", "HardwareCorrupted", "Bounce"])
		 else ($d | has("kernel") | not) end) and
		(if has_all(["Dirty"]) then
			$d.total_dirty == sum(["Dirty", "NFS_Unstable", "Writeback"]) else true end) and
		(if has_all(["Cached", "Mapped"]) then
			$d.cache_unmapped == $m.Cached - $m.Mapped else true end) and
		(if $m.Hugetlb != null then $d.hugetlb == $m.Hugetlb
		 elif has_all(["HugePages_Total", "Hugepagesize"]) then
			$d.hugetlb == $m.HugePages_Total * $m.Hugepagesize else true end) and
		(if ($d | has("unaccounted_lru")) then
			$d.unaccounted_lru == $m.MemTotal - $m.MemFree - $d.kernel
				- ($d.user_lru + $d.hugetlb) else true end) and
		(if ($d | has("unaccounted_pagecache")) then
			$m.SwapCached == 0 and
			$d.unaccounted_pagecache == $m.MemTotal - $m.MemFree - $d.kernel
				- ($d.user_pagecache + $d.hugetlb) else true end) and
		(if ((.derived_invalid // {}) | has("unaccounted_pagecache")) then
			$m.SwapCached > 0 else true end)'

	# report: the parts add up to MemTotal, in both views, and each part to its category.
	expect_rc 0 report --root "$root" --format json || continue
	cp "$tmp/out" "$tmp/rp.json"
	jq_ok "$f: report memtotal = MemTotal" "$tmp/rp.json" \
		--slurpfile mi "$tmp/mi.json" '.memtotal == $mi[0].meminfo.MemTotal'
	jq_ok "$f: report LRU view adds up to MemTotal" "$tmp/rp.json" '
		.lru_view as $v |
		if ($v | has("unaccounted")) then
			$v.free + $v.kernel + $v.user + $v.hugetlb + $v.unaccounted == .memtotal
		else true end'
	jq_ok "$f: report page-cache view adds up to MemTotal" "$tmp/rp.json" '
		.pagecache_view as $v |
		if ($v | has("unaccounted")) then
			$v.free + $v.kernel + $v.page_cache + $v.anon + $v.hugetlb + $v.unaccounted
				== .memtotal
		else true end'
	jq_ok "$f: report kernel = its parts; user = its parts; page cache = its parts" \
		"$tmp/rp.json" '
		.lru_view as $v | .pagecache_view as $p |
		(if ($v | has("kernel")) then $v.kernel == ([$v.kernel_parts[]] | add) else true end) and
		(if ($v.user_parts | length) == 3 then
			$v.user == ([$v.user_parts[]] | add) else true end) and
		(if ($p.page_cache_parts | has("unmapped") and has("buffers")) then
			$p.page_cache == $p.page_cache_parts.unmapped + $p.page_cache_parts.buffers
				+ ($p.page_cache_parts.mapped // 0)
		 else true end)'

	# check: the JSON contract, and the exit status agrees with it.
	run check --root "$root" --format json
	cp "$tmp/out" "$tmp/ck.json"
	check "$f: check exits 0 or 1 (got $rc: $err)" test "$rc" = 0 -o "$rc" = 1
	jq_ok "$f: check results have the contract's members" "$tmp/ck.json" '
		(.results | length) > 0 and
		all(.results[];
			(.id | type) == "string" and
			(.class | IN("exact", "bound", "approx")) and
			(.status | IN("holds", "caveat", "violated", "skipped")) and
			has("lhs") and has("rhs") and has("residual") and has("tolerance") and
			has("relation") and has("reason") and has("tolerance_source") and has("source") and
			(if .status == "skipped" then
				(.missing | type) == "string" and .lhs == null and .residual == null
			 else
				(.lhs | type) == "number" and (.tolerance | type) == "number" and
				.residual == .lhs - .rhs
			 end) and
			(if .status == "caveat" then (.caveat | type) == "string" else true end))'
	jq_ok "$f: check summary counts the results" "$tmp/ck.json" '
		. as $r | .summary.total == (.results | length) and
		(["holds", "caveat", "violated", "skipped"] | all(. as $s |
			$r.summary[$s] == ([$r.results[] | select(.status == $s)] | length)))'
	violated=$(jq '.summary.violated' "$tmp/ck.json")
	check "$f: check exit $rc agrees with $violated violated" \
		test "$rc" = "$([ "$violated" -gt 0 ] && echo 1 || echo 0)"
	jq_ok "$f: report's identity counts are check's" "$tmp/rp.json" \
		--slurpfile ck "$tmp/ck.json" '
		.identities as $i | $ck[0].summary as $s |
		$i.holds == $s.holds and $i.caveat == $s.caveat and $i.violated == $s.violated and
		$i.skipped == $s.skipped and
		$i.violated_ids == [$ck[0].results[] | select(.status == "violated") | .id]'

	# The table of check: a row per identity, and the summary line.
	run check --root "$root"
	rows=$(jq '.results | length' "$tmp/ck.json")
	check "$f: check table has a header, $rows rows, a blank line and the summary" \
		test "$(wc -l <"$tmp/out")" = $((rows + 3))
	check "$f: check table ends with the identities line" \
		grep -qE '^identities: [0-9]+ holds?, [0-9]+ caveats?, [0-9]+ violated( \(.*\))?, [0-9]+ skipped$' \
		"$tmp/out"
	while read -r id status; do
		check "$f: table row of $id says $status" \
			grep -qE "^$id +(exact|bound|approx) +$status " "$tmp/out"
	done < <(jq -r '.results[] | "\(.id) \(.status)"' "$tmp/ck.json")
done
check "ran over the fixtures (got $n)" test "$n" -ge 2

# damaged-slab: slab_split violated, by Slab - (SReclaimable + SUnreclaim), exit 1.
root=$(fixture damaged-slab)
want=$(awk '$1 == "Slab:" { s = $2 } $1 == "SReclaimable:" { r = $2 } $1 == "SUnreclaim:" { u = $2 }
	END { printf "%.0f\n", (s - r - u) * 1024 }' "$root/meminfo")
expect_rc 1 check --root "$root" --format json
jq_ok "damaged-slab: meminfo.slab_split violated with residual $want" "$tmp/out" --argjson r "$want" '
	[.results[] | select(.id == "meminfo.slab_split")] |
	length == 1 and .[0].status == "violated" and .[0].residual == $r and .[0].class == "exact"'
expect_rc 1 check --root "$root"
check "damaged-slab table: slab_split violated" grep -qE '^meminfo\.slab_split +exact +violated ' \
	"$tmp/out"
check "damaged-slab table: named on the summary line" grep -qE '^identities: .*violated \(.*meminfo\.slab_split' \
	"$tmp/out"
expect_rc 1 check --root "$root" --format prom
expect_rc 0 report --root "$root"
check "report does not fail on a violation, it names it" grep -q 'meminfo.slab_split' "$tmp/out"

# --only and --skip select; the exit status follows what was checked.
expect_rc 1 check --root "$root" --only meminfo.slab_split --format json
jq_ok "--only one id: one result" "$tmp/out" '[.results[].id] == ["meminfo.slab_split"]'
expect_rc 0 check --root "$root" --only meminfo.active_split --only meminfo.inactive_split \
	--format json
jq_ok "--only twice: two results" "$tmp/out" \
	'[.results[].id] == ["meminfo.active_split", "meminfo.inactive_split"]'
expect_rc 0 check --root "$root" --only 'meminfo.active_split, meminfo.inactive_split' --format json
jq_ok "--only comma-separated: two results" "$tmp/out" '(.results | length) == 2'
expect_rc 1 check --root "$root" --only 'meminfo.*' --format json
jq_ok "--only meminfo.*: meminfo identities only" "$tmp/out" \
	'(.results | length) > 1 and all(.results[]; .id | startswith("meminfo."))'
expect_rc 0 check --root "$root" --format json --skip meminfo.slab_split,meminfo.free_vs_buddyinfo
jq_ok "--skip: the skipped ids are not checked" "$tmp/out" \
	'all(.results[]; .id != "meminfo.slab_split" and .id != "meminfo.free_vs_buddyinfo")'
# Global options after the command, the command in the middle.
expect_rc 1 --root "$root" check --format json --only meminfo.slab_split
expect_rc 1 --format json check --root "$root" --only meminfo.slab_split

# --list: the catalog, every id checked by a plain run.
expect_rc 0 check --list --format json
jq_ok "--list: ids, classes, relations, inputs, sources" "$tmp/out" '
	(.identities | length) > 0 and
	all(.identities[]; (.id | type) == "string" and (.class | IN("exact", "bound", "approx")) and
		(.relation | length) > 0 and (.source | length) > 0) and
	([.identities[].id] | unique | length) == (.identities | length)'
cp "$tmp/out" "$tmp/list.json"
run check --root "$(fixture quiet)" --format json
jq_ok "check runs every identity of --list" "$tmp/out" --slurpfile l "$tmp/list.json" \
	'[.results[].id] == [$l[0].identities[].id]'
expect_rc 0 check --list
check "--list table names every identity" \
	test "$(grep -cE '^(meminfo|hugetlb|numa|vmalloc)\.' "$tmp/out")" = \
	"$(jq '.identities | length' "$tmp/list.json")"

# --tolerance: bytes for every identity, or a share of the larger side.
root=$(fixture quiet)
for t in 4096:4096 16K:16384 1MiB:1048576 0:0; do
	run check --root "$root" --format json --tolerance "${t%%:*}"
	# hugetlb_pool compares counts of huge pages: the bytes become whole huge pages there.
	jq_ok "--tolerance ${t%%:*}: every tolerance is ${t##*:}" "$tmp/out" --argjson t "${t##*:}" \
		'all(.results[] | select(.status != "skipped");
			if .id == "meminfo.hugetlb_pool" then .tolerance <= $t else .tolerance == $t end)'
done
run check --root "$root" --format json --tolerance 0.5%
jq_ok "--tolerance 0.5%: half a percent of the larger side" "$tmp/out" '
	all(.results[] | select(.status != "skipped");
		([.lhs, .rhs] | max) as $m | (.tolerance - $m * 0.005) | fabs <= 1)'
# The whole of MemFree as tolerance makes free_vs_buddyinfo hold.
run check --root "$root" --format json --only meminfo.free_vs_buddyinfo --tolerance 100%
check "--tolerance 100%: nothing violated (exit $rc)" test "$rc" = 0

finish
