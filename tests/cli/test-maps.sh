#!/bin/bash
# maps PID: one row per VMA of smaps and the totals, over a captured tree and the live /proc.
. "$(dirname "$0")/lib.sh"
need jq

f=proc-cow-64m-x4
root=$FIXTURES/$f/proc
if [ ! -f "$FIXTURES/$f/MANIFEST" ]; then
	fail "fixture $f is missing"
	finish
fi
pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
region=$(sed -n 's/^region: //p' "$FIXTURES/$f/MANIFEST")
check "$f MANIFEST lists pids and a region" test -n "$pids" -a -n "$region"

for pid in $pids; do
	smaps=$root/$pid/smaps
	expect_rc 0 maps "$pid" --root "$root" --format json || continue
	check "maps $pid: valid JSON" jq -e . "$tmp/out" >/dev/null
	check "maps $pid: pid" test "$(jq -r .pid "$tmp/out")" = "$pid"
	n=$(grep -cE '^[0-9a-f]+-[0-9a-f]+ ' "$smaps")
	check "maps $pid: $n VMAs" test "$(jq '.vmas | length' "$tmp/out")" = "$n"
	# Every kB field summed by awk equals the totals (page sizes are not summed).
	awk '$3 == "kB" && NF == 3 && $1 !~ /PageSize:$/ { k = $1; sub(/:$/, "", k); s[k] += $2 }
		END { for (k in s) print k, s[k] * 1024 }' "$smaps" >"$tmp/sums"
	check "maps $pid: summed some fields" test -s "$tmp/sums"
	while read -r key sum; do
		got=$(jq -r --arg k "$key" '.totals[$k]' "$tmp/out")
		check "maps $pid: totals.$key $got = awk $sum" test "$got" = "$sum"
	done <"$tmp/sums"
	check "maps $pid: totals has no field awk did not sum" \
		test "$(jq -r '.totals | keys | length' "$tmp/out")" = "$(wc -l <"$tmp/sums")"
	# The copy-on-write region: Pss = Rss / 4.
	start=$((16#${region%-*}))
	end=$((16#${region#*-}))
	got=$(jq -r --argjson s "$start" --argjson e "$end" \
		'.vmas[] | select(.start == $s and .end == $e) | "\(.Pss) \(.Rss) \(.perms) \(.Anonymous)"' "$tmp/out")
	check "maps $pid: region $region Pss Rss perms Anonymous = '$got'" \
		test "$got" = "$((16384 * 1024)) $((65536 * 1024)) rw-p $((65536 * 1024))"
	# The header attributes and VmFlags of the first VMA, as printed.
	read -r range perms offset dev inode path < <(head -1 "$smaps")
	got=$(jq -r '.vmas[0] | "\(.start) \(.end) \(.perms) \(.offset) \(.dev) \(.inode) \(.path)"' "$tmp/out")
	want="$((16#${range%-*})) $((16#${range#*-})) $perms $((16#$offset)) $dev $inode $path"
	check "maps $pid: first VMA header '$got' = '$want'" test "$got" = "$want"
	got=$(jq -r '.vmas[0].VmFlags | join(" ")' "$tmp/out")
	want=$(awk '$1 == "VmFlags:" { $1 = ""; sub(/^ /, ""); print; exit }' "$smaps")
	check "maps $pid: VmFlags [$got] = [$want]" test "$got" = "$want"

	expect_rc 0 maps "$pid" --root "$root"
	check "maps $pid table: one row per VMA, a header and a total" \
		test "$(wc -l <"$tmp/out")" = "$((n + 2))"
	check "maps $pid table: total row" grep -qE "^ +total .* $n VMAs\$" "$tmp/out"
	check "maps $pid table: no trailing blanks" test -z "$(grep -E ' $' "$tmp/out")"

	if command -v promtool >/dev/null; then
		expect_rc 0 maps "$pid" --root "$root" --format prom
		check "maps $pid prom: promtool" promtool check metrics <"$tmp/out"
		check "maps $pid prom: no per-VMA series" test -z "$(grep -v '^#' "$tmp/out" | grep -v -e '^memacct_maps_bytes{pid="'"$pid"'",field="[A-Za-z_]*"} [0-9]*$' -e '^memacct_maps_vmas{pid="'"$pid"'"} '"$n"'$')"
		while read -r key sum; do
			check "maps $pid prom: $key" grep -qxF "memacct_maps_bytes{pid=\"$pid\",field=\"$key\"} $sum" "$tmp/out"
		done <"$tmp/sums"
	fi
done

# Exit statuses.
expect_rc 3 maps 999999 --root "$root"
check "missing pid: message" test "$err" = "memacct-cli: pid 999999: no such process"
check "missing pid: nothing on stdout" test -z "$out"
expect_rc 2 maps
expect_rc 2 maps abc --root "$root"
expect_rc 2 maps 0
expect_rc 2 maps 1 2
expect_rc 2 maps 1 --bogus
expect_rc 0 maps --help
check "maps --help: Usage" grep -q '^Usage: memacct-cli maps PID' "$tmp/out"
check "maps --help: says rows pass 80 columns" grep -q '80 columns' "$tmp/out"
check "maps --help: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
expect_rc 0 help maps
check "help maps: the same text" grep -q '^Usage: memacct-cli maps PID' "$tmp/out"
expect_rc 0 --help
check "global --help lists maps" grep -qE '^  maps +' "$tmp/out"

# A malformed smaps: exit 3, the file and line named, nothing printed.
mkdir -p "$tmp/bad/7"
cp "$root/${pids%% *}/smaps" "$tmp/bad/7/smaps"
cp "$root/${pids%% *}/status" "$tmp/bad/7/status"
sed -i '3s/kB/MB/' "$tmp/bad/7/smaps"
expect_rc 3 maps 7 --root "$tmp/bad" --format json
check "malformed smaps: nothing on stdout" test -z "$out"
check "malformed smaps: file and line named ($err)" grep -qF "$tmp/bad/7/smaps:3:" "$tmp/err"

# Live: a process started here; its VMAs match its maps file.
sleep 300 &
spid=$!
# Until the child has exec'd sleep, it is a copy of this shell.
for _ in $(seq 200); do
	[ "$(cat "/proc/$spid/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
if expect_rc 0 maps "$spid" --format json; then
	check "live maps: VMAs of /proc/$spid/maps" \
		test "$(jq '.vmas | length' "$tmp/out")" = "$(wc -l <"/proc/$spid/maps")"
	check "live maps: totals.Rss > 0" test "$(jq -r .totals.Rss "$tmp/out")" -gt 0
fi
kill "$spid"
wait "$spid" 2>/dev/null

finish
