#!/bin/bash
# JSON validity of every command over every tree; escaping of odd field names; 2.4-era
# summary lines; exact integers.
. "$(dirname "$0")/lib.sh"
need jq

for f in $(all_fixtures); do
	root=$(fixture "$f")
	for args in "meminfo" "meminfo --lenient" "check" "report" "check --list"; do
		# shellcheck disable=SC2086
		run $args --root "$root" --format json
		[ "$rc" = 3 ] && [[ $f == damaged-* ]] && continue
		check "$f $args --format json: exit $rc is 0 or 1, and the output is one JSON object" \
			jq -e 'type == "object"' "$tmp/out" >/dev/null
		check "$f $args --format json: nothing else on stdout" \
			test "$(jq -s length "$tmp/out" 2>/dev/null)" = 1
	done
done

# Field names the kernel never printed but a parser keeps: quotes, backslashes, braces.
mkdir -p "$tmp/odd"
printf '%s\n' 'MemTotal:       1000 kB' 'MemFree:          10 kB' 'Odd"Key\x{}: 5 kB' \
	'Two Words: 3' 'comma,=key: 4 kB' >"$tmp/odd/meminfo"
expect_rc 0 meminfo --root "$tmp/odd" --format json
check "odd names: valid JSON that round-trips the names and values" jq -e '
	.meminfo == {"MemTotal": 1024000, "MemFree": 10240, "Odd\"Key\\x{}": 5120,
		"Two Words": 3, "comma,=key": 4096} and
	.units["Two Words"] == "count" and .units["Odd\"Key\\x{}"] == "bytes"' "$tmp/out" >/dev/null
check "odd names: escaped in the text" grep -qF '"Odd\"Key\\x{}": 5120' "$tmp/out"
if command -v promtool >/dev/null; then
	run meminfo --root "$tmp/odd" --format prom
	check "odd names: the prom label is escaped" \
		grep -qxF 'memacct_meminfo_bytes{field="Odd\"Key\\x{}"} 5120' "$tmp/out"
	check "odd names: a unitless unknown field is memacct_meminfo_value" \
		grep -qxF 'memacct_meminfo_value{field="Two Words"} 3' "$tmp/out"
	check "odd names: promtool accepts it" promtool check metrics <"$tmp/out"
fi

# 2.4-era summary lines are text, kept by name, not numbers.
mkdir -p "$tmp/old24"
printf '%s\n' '        total:    used:    free:  shared: buffers:  cached:' \
	'Mem:  260579328 136073216 124506112        0  4915200 93933568' \
	'Swap: 271392768        0 271392768' 'MemTotal:       254472 kB' 'MemFree:        121588 kB' \
	'Buffers:          4800 kB' 'Cached:          91732 kB' >"$tmp/old24/meminfo"
expect_rc 0 meminfo --root "$tmp/old24" --format json
check "2.4 lines: text_lines has Mem and Swap as text, meminfo has no such key" jq -e '
	.text_lines.Mem == "260579328 136073216 124506112        0  4915200 93933568" and
	.text_lines.Swap == "271392768        0 271392768" and
	(.meminfo | has("Mem") or has("Swap") | not) and .meminfo.MemTotal == 260579328' \
	"$tmp/out" >/dev/null
expect_rc 0 meminfo --root "$tmp/old24"
check "2.4 lines: shown as text in the table" grep -qE '^Mem: +260579328 136073216' "$tmp/out"

# Integers stay exact past 2^53 (jq would round them: compare the text).
mkdir -p "$tmp/big"
printf '%s\n' 'MemTotal: 18014398509481983 kB' 'MemFree: 0 kB' >"$tmp/big/meminfo"
expect_rc 0 meminfo --root "$tmp/big" --format json
check "2^54 - 1 kB is printed exactly as 18446744073709550592" \
	grep -qF '"MemTotal": 18446744073709550592' "$tmp/out"
expect_rc 0 meminfo --root "$tmp/big" --format prom
check "and exactly in prom" grep -qxF 'memacct_meminfo_bytes{field="MemTotal"} 18446744073709550592' \
	"$tmp/out"

# SwapCached != 0: the page-cache remainder is not valid, and says so.
mkdir -p "$tmp/swapc"
sed 's/^SwapCached:.*/SwapCached:         512 kB/' "$(fixture quiet)/meminfo" >"$tmp/swapc/meminfo"
expect_rc 0 meminfo --root "$tmp/swapc" --format json
check "SwapCached != 0: unaccounted_pagecache moves to derived_invalid" jq -e '
	(.derived | has("unaccounted_pagecache") | not) and
	(.derived_invalid.unaccounted_pagecache | type) == "number" and
	(.derived | has("unaccounted_lru"))' "$tmp/out" >/dev/null
expect_rc 0 report --root "$tmp/swapc" --format json
check "SwapCached != 0: report says unaccounted_valid false" \
	jq -e '.pagecache_view.unaccounted_valid == false' "$tmp/out" >/dev/null
expect_rc 0 report --root "$tmp/swapc"
check "SwapCached != 0: the report table says so" grep -q 'not valid: SwapCached is 512.0 KiB' \
	"$tmp/out"

finish
