#!/bin/bash
# Over the live /proc: meminfo --format json against /proc/meminfo, check and report run.
. "$(dirname "$0")/lib.sh"
need jq
[ -r /proc/meminfo ] || { echo "SKIP: no /proc/meminfo"; exit 77; }

# Numeric lines of a meminfo file as "key value unit", in file order.
numeric_lines()
{
	awk -F: 'NF >= 2 {
		key = $1; rest = substr($0, length($1) + 2)
		gsub(/^[ \t]+|[ \t]+$/, "", rest)
		if (rest ~ /^[0-9]+( kB)?$/) print key, rest
	}' "$1"
}

expect_rc 0 meminfo --format json
cp "$tmp/out" "$tmp/live.json"
check "meminfo --format json is a JSON object" jq -e 'type == "object"' "$tmp/live.json" >/dev/null

# The same keys, in the same order: the kernel prints a fixed set.
jq -r '.meminfo | keys_unsorted[]' "$tmp/live.json" >"$tmp/keys.cli"
numeric_lines /proc/meminfo | cut -d' ' -f1 >"$tmp/keys.file"
check "the JSON has the keys of /proc/meminfo in file order: $(diff "$tmp/keys.file" "$tmp/keys.cli" | tr '\n' ' ')" \
	cmp -s "$tmp/keys.file" "$tmp/keys.cli"

# Values that cannot change between two reads are equal: kB times 1024, counts as they are.
stable="MemTotal SwapTotal VmallocTotal CmaTotal Hugepagesize HugePages_Total"
n=0
while read -r key value unit; do
	case " $stable " in *" $key "*) ;; *) continue ;; esac
	[ "$unit" = kB ] && value=$((value * 1024))
	got=$(jq -r --arg k "$key" '.meminfo[$k]' "$tmp/live.json")
	check "$key: JSON $got, /proc/meminfo says $value" test "$got" = "$value"
	n=$((n + 1))
done < <(numeric_lines /proc/meminfo)
check "compared at least MemTotal and Hugepagesize (compared $n)" test "$n" -ge 2

# Units: counts for HugePages_*, bytes for the kB lines.
while read -r key value unit; do
	want=count
	[ "$unit" = kB ] && want=bytes
	got=$(jq -r --arg k "$key" '.units[$k]' "$tmp/live.json")
	check "units.$key is $want, got $got" test "$got" = "$want"
done < <(numeric_lines /proc/meminfo)

# check: 0 or 1, never a usage or read error on the live system; results add up.
run check --format json
check "check on /proc exits 0 or 1 (got $rc; $err)" test "$rc" = 0 -o "$rc" = 1
check "check --format json: summary.total = number of results, counts add up" jq -e '
	(.results | length) == .summary.total and
	([.results[] | select(.status == "holds")] | length) == .summary.holds and
	([.results[] | select(.status == "caveat")] | length) == .summary.caveat and
	([.results[] | select(.status == "violated")] | length) == .summary.violated and
	([.results[] | select(.status == "skipped")] | length) == .summary.skipped and
	.summary.total > 0' "$tmp/out" >/dev/null
violated=$(jq '.summary.violated' "$tmp/out")
check "exit status $rc agrees with $violated violated" \
	test "$rc" = "$([ "$violated" -gt 0 ] && echo 1 || echo 0)"

# report, and the default command being report.
expect_rc 0 report --format json
memtotal=$(awk '$1 == "MemTotal:" { printf "%.0f\n", $2 * 1024 }' /proc/meminfo)
check "report .memtotal is MemTotal" jq -e --argjson m "$memtotal" '.memtotal == $m' "$tmp/out" \
	>/dev/null
expect_rc 0
check "no command runs report" grep -q '^identities: ' "$tmp/out"
expect_rc 0 --format json
check "--format json without a command is report's JSON" jq -e '.lru_view and .pagecache_view' \
	"$tmp/out" >/dev/null

# The table forms run too.
expect_rc 0 meminfo
check "meminfo table has MemTotal" grep -q '^MemTotal ' "$tmp/out"

finish
