#!/bin/bash
# The report fits in 80 columns: over the live /proc and every fixture that parses.
. "$(dirname "$0")/lib.sh"

roots=(/proc)
for f in $(all_fixtures); do
	roots+=("$(fixture "$f")")
done

n=0
for root in "${roots[@]}"; do
	for args in "" "report"; do
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

# The summary line stays within 80 columns even with many violations: make every
# identity with a relation between kB fields fail by scrambling the numbers.
mkdir -p "$tmp/scrambled"
awk '/ kB$/ { $2 = (NR * 7919) % 100003 } { print }' "$(fixture quiet)/meminfo" \
	>"$tmp/scrambled/meminfo"
run --root "$tmp/scrambled"
check "scrambled report: exit 0 (got $rc: $err)" test "$rc" = 0
wide=$(awk 'length > 80' "$tmp/out")
check "scrambled report: no line past 80 columns: $wide" test -z "$wide"

finish
