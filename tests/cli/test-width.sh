#!/bin/bash
# The report fits in 80 columns: over the live /proc and every fixture that parses.
. "$(dirname "$0")/lib.sh"

roots=(/proc)
for f in $(all_fixtures); do
	roots+=("$(fixture "$f")")
done

n=0
for root in "${roots[@]}"; do
	for args in "" "report" "report --no-processes"; do
		# shellcheck disable=SC2086
		run $args --root "$root"
		[ "$rc" = 3 ] && [[ $root == */damaged-* ]] && continue
		check "report --root $root: exit 0 (got $rc: $err)" test "$rc" = 0
		wide=$(awk 'length > 80 { printf "%d: %s\n", length, $0 }' "$tmp/out")
		check "report --root $root: lines past 80 columns: $wide" test -z "$wide"
		check "report --root $root: only printable ASCII" \
			test -z "$(LC_ALL=C tr -d '\n -~' <"$tmp/out")"
		check "report --root $root: ends with the identity summary" \
			grep -qE '^identities: [0-9]+ holds?, ' "$tmp/out"
		n=$((n + 1))
	done
done
check "measured the report over /proc and the fixtures ($n runs)" test "$n" -ge 4

# kernel too: its sections, absent or not, each in 80 columns.
n=0
for root in "${roots[@]}"; do
	run kernel --callers 0 --root "$root"
	[ "$rc" = 3 ] && [[ $root == */damaged-* ]] && continue
	check "kernel --root $root: exit 0 (got $rc: $err)" test "$rc" = 0
	wide=$(awk 'length > 80 { printf "%d: %s\n", length, $0 }' "$tmp/out")
	check "kernel --root $root: lines past 80 columns: $wide" test -z "$wide"
	check "kernel --root $root: only printable ASCII" \
		test -z "$(LC_ALL=C tr -d '\n -~' <"$tmp/out")"
	n=$((n + 1))
done
check "measured kernel over /proc and the fixtures ($n runs)" test "$n" -ge 4

# The summary line stays within 80 columns even with many violations: make every
# identity with a relation between kB fields fail by scrambling the numbers.
mkdir -p "$tmp/scrambled"
awk '/ kB$/ { $2 = (NR * 7919) % 100003 } { print }' "$(fixture quiet)/meminfo" \
	>"$tmp/scrambled/meminfo"
run --root "$tmp/scrambled"
check "scrambled report: exit 0 (got $rc: $err)" test "$rc" = 0
wide=$(awk 'length > 80' "$tmp/out")
check "scrambled report: no line past 80 columns: $wide" test -z "$wide"
# The identity summary wraps its violated ids instead of dropping them.
"$CLI" report --root "$tmp/scrambled" --format json >"$tmp/scrambled.json"
sed -n '/^identities: /,$p' "$tmp/out" >"$tmp/summary"
check "scrambled report: the summary wraps onto indented lines" \
	test -z "$(tail -n +2 "$tmp/summary" | grep -v '^  [^ ]')"
joined=$(tr '\n' ' ' <"$tmp/summary" | tr -s ' ')
violated=$(jq -r '.identities.violated_ids | join(", ")' "$tmp/scrambled.json" 2>/dev/null)
check "scrambled report: several ids violated ($violated)" test "$(jq '.identities.violated' \
	"$tmp/scrambled.json" 2>/dev/null)" -ge 3
check "scrambled report: every violated id listed, in order: $joined" \
	grep -qF "violated ($violated), " <<<"$joined"
check "scrambled report: the summary ends with the skipped count" \
	grep -qE ', [0-9]+ skipped $' <<<"$joined"

# Extreme values: 20-digit byte counts, negative remainders, long names, many processes.
mkdir -p "$tmp/extreme/proc"
printf 'page_size: 4096\ncpus: 1\n' >"$tmp/extreme/MANIFEST"
sed -e 's/^MemTotal:.*/MemTotal: 9007199254740991 kB/' -e 's/^Slab:.*/Slab: 9000000000000000 kB/' \
	"$(fixture quiet)/meminfo" >"$tmp/extreme/proc/meminfo"
src=$FIXTURES/report-12procs/proc/412
for pid in $(seq 100 130); do
	mkdir "$tmp/extreme/proc/$pid"
	sed "s/^Name:.*/Name:\ta-very-long-command-name-$pid/; s/^Uid:.*/Uid:\t4294967294\t0\t0\t0/" \
		"$src/status" >"$tmp/extreme/proc/$pid/status"
	sed -E 's/^(Pss|Rss|Swap):( +)[0-9]+/\1:\28000000000000/' "$src/smaps_rollup" \
		>"$tmp/extreme/proc/$pid/smaps_rollup"
done
run report --root "$tmp/extreme/proc"
check "extreme report: exit 0 (got $rc: $err)" test "$rc" = 0
wide=$(awk 'length > 80 { printf "%d: %s\n", length, $0 }' "$tmp/out")
check "extreme report: no line past 80 columns: $wide" test -z "$wide"
check "extreme report: the top processes are there" grep -qE '^ +100 42949672 a-very-long-com +7\.3 PiB ' \
	"$tmp/out"

finish
