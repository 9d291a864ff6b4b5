#!/bin/bash
# kernel: vmalloc by caller, modules, hugepage pools and NUMA nodes, on the fixtures (values
# computed here from their files with awk), on trees without them (null, never zeros) and live;
# and report's use of vmallocinfo where VmallocUsed is wrong for the kernel.
. "$(dirname "$0")/lib.sh"
need jq

# vmstats FILE PAGE_SIZE: "records vmalloc_pages vmalloc_bytes ioremap_size all_size callers
# top_bytes", from vmallocinfo as mm/vmalloc.c prints it: SIZE is $2, the caller $3 (unless a
# vm_map_ram, unpurged or caller-less line), then pages=N, phys=X, kind words and Nn=COUNT.
vmstats()
{
	awk -v page="$2" '
	{
		n++
		all += $2
		vm = io = 0
		pages = 0
		for (i = 3; i <= NF; i++) {
			if ($i ~ /^pages=/) pages = substr($i, 7) + 0
			if ($i == "vmalloc") vm = 1
			if ($i == "ioremap") io = 1
		}
		if (vm) { vmp += pages }
		if (io) iosz += $2
		c = $3
		if (c == "vm_map_ram" || c == "unpurged" || c ~ /^(pages|phys)=/ ||
		    c ~ /^(vmalloc|ioremap|vmap|user|vpages|dma-coherent|sparse|xen)$/)
			next
		sub(/\+.*/, "", c)
		seen[c] = 1
		if (vm) bytes[c] += pages * page
	}
	END {
		for (c in seen) { nc++; if (bytes[c] > top) top = bytes[c] }
		printf "%d %.0f %.0f %.0f %.0f %d %.0f\n", n, vmp, vmp * page, iosz, all, nc, top
	}' "$1"
}

page_of()
{
	sed -n 's/^page_size: //p' "$FIXTURES/$1/MANIFEST"
}

# Help and usage.
expect_rc 0 kernel --help
check "kernel --help: the parts of a man page" bash -c 'for w in "Usage: memacct-cli kernel" \
	--callers Options: Output: "Exit status:" Examples: vmallocinfo hugepages; do
	grep -qF -- "$w" "$1" || exit 1; done' _ "$tmp/out"
check "kernel --help: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
check "kernel --help: nothing on stderr" test -z "$err"
expect_rc 0 help kernel
check "the main help lists kernel" bash -c '"$1" --help | grep -qE "^  kernel +vmalloc by caller"' \
	_ "$CLI"
check "the main help, kernel listed, within 80 columns" \
	bash -c '"$1" --help | awk "length > 80 { bad = 1 } END { exit bad }"' _ "$CLI"
for bad in "--callers" "--callers x" "--callers -1" "--callers 1x" "--callers=" "extra" \
	"--bogus"; do
	# shellcheck disable=SC2086
	expect_rc 2 kernel $bad --root "$(fixture quiet)"
	check "kernel $bad: says so on stderr, nothing on stdout" \
		test -n "$err" -a ! -s "$tmp/out"
done
expect_rc 3 kernel --root /nonexistent/proc
check "kernel --root /nonexistent: names the root" grep -qF /nonexistent "$tmp/err"

# A tree without any of it: every section null and said, never zeros; exit 0.
if need_fixture quiet; then
	root=$(fixture quiet)
	expect_rc 0 kernel --root "$root" --format json
	check "quiet: every section null" jq -e \
		'.vmalloc == null and .modules == null and .hugepages == null and .nodes == null' \
		"$tmp/out" >/dev/null
	check "quiet: every section absent, with why" jq -e \
		'(.absent | keys) == ["hugepages", "modules", "nodes", "vmalloc"] and
		 ([.absent[] | length > 10] | all)' "$tmp/out" >/dev/null
	expect_rc 0 kernel --root "$root"
	check "quiet table: each section says none" test "$(grep -c ': none: ' "$tmp/out")" = 4
	check "quiet table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
	check "quiet table: no number at all" test -z "$(grep '[0-9] *B\b' "$tmp/out")"
	expect_rc 0 kernel --root "$root" --format prom
	for s in vmalloc modules hugepages nodes; do
		check "quiet prom: $s absent" \
			grep -qxF "memacct_kernel_section_present{section=\"$s\"} 0" "$tmp/out"
	done
	check "quiet prom: no value but the sections" \
		test -z "$(grep -v '^#' "$tmp/out" | grep -v '^memacct_kernel_section_present')"
fi

# vmallocinfo fixtures: the totals and the top caller, exactly.
for f in vmalloc-live vmalloc-4.4 vmalloc-3.10 vmalloc-hidden; do
	need_fixture "$f" || continue
	root=$(fixture "$f")
	page=$(page_of "$f")
	read -r n vmp vmb io all nc top <<<"$(vmstats "$root/vmallocinfo" "$page")"
	expect_rc 0 kernel --root "$root" --format json --callers 0 || continue
	check "$f: areas $n, vmalloc pages $vmp ($vmb bytes), ioremap $io, all $all" jq -e \
		--argjson n "$n" --argjson p "$vmp" --argjson b "$vmb" --argjson io "$io" \
		--argjson all "$all" '.vmalloc.areas == $n and .vmalloc.vmalloc_pages == $p and
		.vmalloc.vmalloc_bytes == $b and .vmalloc.ioremap_bytes == $io and
		.vmalloc.address_space_bytes == $all' "$tmp/out" >/dev/null
	check "$f: $nc callers, all listed with --callers 0, the first with $top bytes" jq -e \
		--argjson nc "$nc" --argjson top "$top" '.vmalloc.callers_count == $nc and
		(.vmalloc.callers | length) == $nc and .vmalloc.callers[0].bytes == $top and
		([.vmalloc.callers[].bytes] == ([.vmalloc.callers[].bytes] | sort | reverse))' \
		"$tmp/out" >/dev/null
	used=$(awk '$1 == "VmallocUsed:" { printf "%.0f\n", $2 * 1024 }' "$root/meminfo")
	check "$f: VmallocUsed $used from meminfo" jq -e --argjson u "$used" \
		'.vmalloc.vmallocused == $u' "$tmp/out" >/dev/null
	check "$f: the release from sys/kernel/osrelease" jq -e --arg r \
		"$(head -1 "$root/sys/kernel/osrelease")" '.kernel_release == $r' "$tmp/out" >/dev/null
	check "$f: no sys tree: hugepages and nodes null" jq -e \
		'.hugepages == null and .nodes == null and (.absent | has("nodes"))' \
		"$tmp/out" >/dev/null
	expect_rc 0 kernel --root "$root" --format json --callers 2
	check "$f: --callers 2 lists 2" jq -e '(.vmalloc.callers | length) == ([2, .vmalloc.callers_count] | min)' \
		"$tmp/out" >/dev/null
	expect_rc 0 kernel --root "$root"
	check "$f table: within 80 columns: $(awk 'length > 80' "$tmp/out")" \
		test -z "$(awk 'length > 80' "$tmp/out")"
	check "$f table: vmalloc'd RAM $vmb" grep -qE "^  vmalloc'd RAM +[0-9.]+ [KMG]?i?B +$vmb " \
		"$tmp/out"
	if command -v promtool >/dev/null; then
		run kernel --root "$root" --format prom
		check "$f prom: promtool" promtool check metrics <"$tmp/out"
		check "$f prom: memacct_kernel_vmalloc_bytes $vmb" \
			grep -qxF "memacct_kernel_vmalloc_bytes $vmb" "$tmp/out"
		check "$f prom: vmalloc present, nodes absent" bash -c 'grep -qxF \
			"memacct_kernel_section_present{section=\"vmalloc\"} 1" "$1" && grep -qxF \
			"memacct_kernel_section_present{section=\"nodes\"} 0" "$1"' _ "$tmp/out"
	fi
done

# Modules: lsmod's sizes, and the area at each module's address (real addresses only).
for f in vmalloc-3.10 vmalloc-live; do
	root=$(fixture "$f")
	[ -f "$root/vmallocinfo" ] || continue
	run kernel --root "$root" --format json
	if [ ! -f "$root/modules" ]; then
		check "$f: no modules file: modules null, said" jq -e \
			'.modules == null and (.absent.modules | test("absent"))' "$tmp/out" >/dev/null
		continue
	fi
	check "$f: a module per line of modules" jq -e --argjson n "$(wc -l <"$root/modules")" \
		'(.modules.list | length) == $n' "$tmp/out" >/dev/null
	while read -r name size _ _ _ addr _; do
		area=$(awk -v a="$addr" 'index($1, a "-") == 1 { print $2 }' "$root/vmallocinfo")
		pages=$(awk -v a="$addr" 'index($1, a "-") == 1 { for (i = 3; i <= NF; i++)
			if ($i ~ /^pages=/) print substr($i, 7) }' "$root/vmallocinfo")
		if [ -n "$area" ]; then
			check "$f: module $name: size $size, its area $area, $pages pages" jq -e \
				--arg m "$name" --argjson s "$size" --argjson a "$area" \
				--argjson b "$((pages * $(page_of "$f")))" '.modules.list[] |
				select(.name == $m) | .size == $s and .area_size == $a and
				.vmalloc_bytes == $b' "$tmp/out" >/dev/null
		else
			check "$f: module $name: size $size, no area at $addr: null" jq -e \
				--arg m "$name" --argjson s "$size" '.modules.list[] | select(.name == $m) |
				.size == $s and .area_size == null and .vmalloc_bytes == null' \
				"$tmp/out" >/dev/null
		fi
	done <"$root/modules"
	run kernel --root "$root" --format prom
	check "$f prom: lsmod sizes" test "$(grep -c '^memacct_kernel_module_bytes{module=' \
		"$tmp/out")" = "$(wc -l <"$root/modules")"
done

# What VmallocUsed means on each kernel, and what report sums into kernel.
declare -A status=([vmalloc-4.4]=zero_4.4_to_5.2 [vmalloc-3.10]=ioremap_before_4.4)
for f in vmalloc-4.4 vmalloc-3.10 vmalloc-live; do
	[ -f "$FIXTURES/$f/proc/vmallocinfo" ] || continue
	root=$(fixture "$f")
	read -r n vmp vmb io all nc top <<<"$(vmstats "$root/vmallocinfo" "$(page_of "$f")")"
	run kernel --root "$root" --format json
	want=${status[$f]:-}
	if [ -n "$want" ]; then
		check "$f: vmallocused_status $want" jq -e --arg s "$want" \
			'.vmalloc.vmallocused_status == $s' "$tmp/out" >/dev/null
		run kernel --root "$root"
		check "$f table: says why VmallocUsed is not it" grep -qE "^  VmallocUsed .*(4\.4|< 4\.4)" \
			"$tmp/out"
	fi
	expect_rc 0 report --root "$root" --format json || continue
	cp "$tmp/out" "$tmp/rp.json"
	if [ -n "$want" ]; then
		check "$f report: kernel_vmalloc_source vmallocinfo, kernel_parts.vmallocinfo $vmb" \
			jq -e --argjson b "$vmb" '.kernel_vmalloc_source == "vmallocinfo" and
			.lru_view.kernel_parts.vmallocinfo == $b' "$tmp/out" >/dev/null
		check "$f report: kernel = its parts, vmallocinfo in VmallocUsed's place" jq -e \
			'.lru_view.kernel == ([.lru_view.kernel_parts[]] | add) and
			 (.lru_view.kernel_parts | has("VmallocUsed") | not) and
			 .pagecache_view.kernel == .lru_view.kernel' "$tmp/out" >/dev/null
		used=$(awk '$1 == "VmallocUsed:" { printf "%.0f\n", $2 * 1024 }' "$root/meminfo")
		run meminfo --root "$root" --format json
		check "$f report: kernel is the derived kernel - VmallocUsed ($used) + $vmb" jq -e \
			--argjson k "$(jq '.lru_view.kernel' "$tmp/rp.json" 2>/dev/null || echo null)" \
			--argjson u "$used" --argjson b "$vmb" \
			'.derived.kernel - $u + $b == $k' "$tmp/out" >/dev/null
		check "$f report: unaccounted = MemTotal - free - kernel - user - hugetlb" jq -e \
			'.lru_view as $v | .unaccounted.lru == .memtotal - $v.free - $v.kernel -
			 $v.user - $v.hugetlb and $v.unaccounted == .unaccounted.lru' \
			"$tmp/rp.json" >/dev/null
		run report --root "$root"
		check "$f report table: the vmallocinfo row" \
			grep -qE "^    vmalloc \(vmallocinfo\) +$vmb " "$tmp/out"
		check "$f report table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
		run report --root "$root" --format prom
		check "$f report prom: the vmallocinfo component, no VmallocUsed" bash -c 'grep -qxF \
			"memacct_report_component_bytes{view=\"lru\",category=\"kernel\",component=\"vmallocinfo\"} $2" \
			"$1" && ! grep -q "component=\"VmallocUsed\"" "$1"' _ "$tmp/out" "$vmb"
	else
		check "$f report: kernel_vmalloc_source VmallocUsed, no vmallocinfo part" jq -e \
			'.kernel_vmalloc_source == "VmallocUsed" and
			 (.lru_view.kernel_parts | has("vmallocinfo") | not)' "$tmp/out" >/dev/null
	fi
done

# The usual suspects under the unaccounted table: only when it is over 1% of MemTotal.
if need_fixture quiet; then
	root=$(fixture quiet)
	run report --root "$root" --format json
	big=$(jq '.unaccounted.lru > .memtotal / 100' "$tmp/out")
	run report --root "$root"
	if [ "$big" = true ]; then
		check "quiet report: suspects named" grep -q '^  suspects: driver alloc_pages' "$tmp/out"
	else
		check "quiet report: no suspects line under 1%" bash -c '! grep -q "^  suspects:" "$1"' \
			_ "$tmp/out"
	fi
fi
mkdir -p "$tmp/big/proc"
printf 'page_size: 4096\ncpus: 1\n' >"$tmp/big/MANIFEST"
# 1 GiB more MemTotal that nothing counts: X grows by that much.
awk '$1 == "MemTotal:" { $2 += 1048576 } { print }' "$(fixture quiet)/meminfo" \
	>"$tmp/big/proc/meminfo"
run report --root "$tmp/big/proc"
check "1 GiB unaccounted: suspects named, balloon and GPU by their lines" \
	grep -qE '^  suspects: driver alloc_pages, balloons \((no Balloon:|Balloon: )' "$tmp/out"
check "1 GiB unaccounted: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"

# Hugepage pools and NUMA nodes: kernel-live (a capture of this kind of machine) and
# kernel-2node (two nodes), values from their sys/ files.
for f in kernel-live kernel-2node; do
	need_fixture "$f" || continue
	root=$(fixture "$f")
	sys=$FIXTURES/$f/sys
	expect_rc 0 kernel --root "$root" --format json || continue
	pools=$(find "$sys/kernel/mm/hugepages" -mindepth 1 -maxdepth 1 -name 'hugepages-*' 2>/dev/null |
		wc -l)
	check "$f: $pools pools" jq -e --argjson n "$pools" '(.hugepages.pools | length) == $n' \
		"$tmp/out" >/dev/null
	sum=0
	for d in "$sys"/kernel/mm/hugepages/hugepages-*; do
		[ -d "$d" ] || continue
		size=$(($(basename "$d" | tr -dc 0-9) * 1024))
		nr=$(cat "$d/nr_hugepages")
		sum=$((sum + nr * size))
		check "$f: pool $size: total $nr, free, reserved, surplus, bytes" jq -e \
			--argjson s "$size" --argjson nr "$nr" --argjson fr "$(cat "$d/free_hugepages")" \
			--argjson rs "$(cat "$d/resv_hugepages")" \
			--argjson su "$(cat "$d/surplus_hugepages")" '.hugepages.pools[] |
			select(.size == $s) | .total == $nr and .free == $fr and .reserved == $rs and
			.surplus == $su and .bytes == $nr * $s' "$tmp/out" >/dev/null
	done
	check "$f: pools' bytes $sum" jq -e --argjson b "$sum" '.hugepages.bytes == $b' \
		"$tmp/out" >/dev/null
	nodes=$(find "$sys/devices/system/node" -mindepth 1 -maxdepth 1 -name 'node[0-9]*' \
		2>/dev/null | wc -l)
	check "$f: $nodes nodes" jq -e --argjson n "$nodes" '(.nodes.list | length) == $n' \
		"$tmp/out" >/dev/null
	total=0
	for d in "$sys"/devices/system/node/node[0-9]*; do
		id=${d##*/node}
		for field in MemTotal MemFree FilePages AnonPages Shmem Slab; do
			v=$(awk -v k="$field:" '$3 == k { printf "%.0f\n", $4 * 1024 }' "$d/meminfo")
			check "$f: node $id $field $v" jq -e --argjson id "$id" --arg k "$field" \
				--argjson v "$v" '.nodes.list[] | select(.node == $id) | .[$k] == $v' \
				"$tmp/out" >/dev/null
		done
		total=$((total + $(awk '$3 == "MemTotal:" { printf "%.0f\n", $4 * 1024 }' "$d/meminfo")))
	done
	check "$f: the nodes' MemTotal sum $total" jq -e --argjson t "$total" \
		'.nodes.sum.MemTotal == $t' "$tmp/out" >/dev/null
	check "$f: system MemTotal from meminfo" jq -e --argjson t \
		"$(awk '$1 == "MemTotal:" { printf "%.0f\n", $2 * 1024 }' "$root/meminfo")" \
		'.nodes.system.MemTotal == $t' "$tmp/out" >/dev/null
	expect_rc 0 kernel --root "$root"
	check "$f table: within 80 columns: $(awk 'length > 80' "$tmp/out")" \
		test -z "$(awk 'length > 80' "$tmp/out")"
	check "$f table: a row per node, the sum and the system" test \
		"$(grep -cE '^([0-9]+|sum|system) ' "$tmp/out")" = $((nodes + 2))
	if command -v promtool >/dev/null; then
		run kernel --root "$root" --format prom
		check "$f prom: promtool" promtool check metrics <"$tmp/out"
		check "$f prom: a MemTotal per node" test \
			"$(grep -c '^memacct_kernel_node_bytes{node="[0-9]*",field="MemTotal"} ' "$tmp/out")" \
			= "$nodes"
	fi
done

# Live: the pools and nodes of this machine; vmallocinfo with root, said without.
expect_rc 0 kernel --format json
live=$tmp/live.json
cp "$tmp/out" "$live"
if [ -d /sys/kernel/mm/hugepages ]; then
	check "live: a pool per /sys/kernel/mm/hugepages entry" jq -e --argjson n \
		"$(find /sys/kernel/mm/hugepages -mindepth 1 -maxdepth 1 -name 'hugepages-*' | wc -l)" \
		'(.hugepages.pools | length) == $n' "$live" >/dev/null
	for d in /sys/kernel/mm/hugepages/hugepages-*; do
		[ -d "$d" ] || continue
		size=$(($(basename "$d" | tr -dc 0-9) * 1024))
		check "live: pool $size: total $(cat "$d/nr_hugepages")" jq -e --argjson s "$size" \
			--argjson nr "$(cat "$d/nr_hugepages")" \
			'.hugepages.pools[] | select(.size == $s) | .total == $nr' "$live" >/dev/null
	done
else
	check "live: no hugetlb: null" jq -e '.hugepages == null' "$live" >/dev/null
fi
if [ -d /sys/devices/system/node/node0 ]; then
	for d in /sys/devices/system/node/node[0-9]*; do
		id=${d##*/node}
		check "live: node $id MemTotal" jq -e --argjson id "$id" --argjson v \
			"$(awk '$3 == "MemTotal:" { printf "%.0f\n", $4 * 1024 }' "$d/meminfo")" \
			'.nodes.list[] | select(.node == $id) | .MemTotal == $v' "$live" >/dev/null
	done
else
	check "live: no NUMA sysfs: null" jq -e '.nodes == null' "$live" >/dev/null
fi
if [ -r /proc/vmallocinfo ]; then
	check "live: vmalloc read" jq -e '.vmalloc.areas > 0 and .vmalloc.vmalloc_bytes > 0' \
		"$live" >/dev/null
	# VmallocUsed and vmallocinfo are read apart: close, not equal, on a kernel past 5.3
	check "live: VmallocUsed within 10% of vmallocinfo's vmalloc pages" jq -e \
		'.vmalloc | (.vmallocused - .vmalloc_bytes | fabs) <= .vmalloc_bytes / 10' \
		"$live" >/dev/null
fi
if [ -r /proc/modules ]; then
	check "live: a module per /proc/modules line" jq -e --argjson n "$(wc -l </proc/modules)" \
		'(.modules.list | length) == $n' "$live" >/dev/null
else
	check "live: no /proc/modules: modules null, said" jq -e \
		'.modules == null and (.absent.modules | test("modules"))' "$live" >/dev/null
fi
expect_rc 0 kernel
check "live table: within 80 columns: $(awk 'length > 80' "$tmp/out")" \
	test -z "$(awk 'length > 80' "$tmp/out")"
if command -v promtool >/dev/null; then
	run kernel --format prom --callers 0
	check "live prom: promtool" promtool check metrics <"$tmp/out"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# Without root vmallocinfo is refused (mode 0400): said, null; the rest is read.
	chmod 0755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" kernel --format json \
		>"$tmp/unpriv.json" 2>"$tmp/unpriv.err"
	check "unprivileged: exit 0" test $? = 0
	check "unprivileged: vmalloc null, why: permission" jq -e '.vmalloc == null and
		(.absent.vmalloc | test("ermission denied.*root"))' "$tmp/unpriv.json" >/dev/null
	check "unprivileged: the nodes still read" jq -e --argjson n \
		"$(jq '.nodes' "$live")" '.nodes.list | length == ($n.list | length)' \
		"$tmp/unpriv.json" >/dev/null
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" kernel >"$tmp/unpriv.txt" \
		2>/dev/null
	check "unprivileged table: vmalloc: none: ... run as root" grep -qE '^vmalloc: none: ' \
		"$tmp/unpriv.txt"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" check --only 'vmalloc.*' \
		--format json >"$tmp/unpriv-check.json" 2>/dev/null
	check "unprivileged check: vmalloc.* skipped, the refusal said" jq -e '[.results[] |
		.status == "skipped" and (.reason | test("vmallocinfo was refused: permission denied"))] |
		length > 0 and all' "$tmp/unpriv-check.json" >/dev/null
	run check --only 'vmalloc.*' --format json
	check "root check: vmalloc.* not said refused" jq -e '[.results[] |
		.reason | test("refused") | not] | all' "$tmp/out" >/dev/null
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" report --format json \
		--no-processes >"$tmp/unpriv-report.json" 2>/dev/null
	check "unprivileged report: VmallocUsed, as before" jq -e \
		'.kernel_vmalloc_source == "VmallocUsed"' "$tmp/unpriv-report.json" >/dev/null
fi

finish
