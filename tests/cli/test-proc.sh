#!/bin/bash
# proc PID: the usage and its sources, over a captured tree and the live /proc.
. "$(dirname "$0")/lib.sh"
need jq

f=proc-cow-64m-x4
root=$FIXTURES/$f/proc
if [ ! -f "$FIXTURES/$f/MANIFEST" ]; then
	fail "fixture $f is missing"
	finish
fi
pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
check "$f MANIFEST lists pids" test -n "$pids"
page=$(sed -n 's/^page_size: //p' "$FIXTURES/$f/MANIFEST")

# kb FILE FIELD: the kB value of "FIELD:" in FILE, times 1024.
kb()
{
	awk -v k="$2:" '$1 == k { print $2 * 1024; exit }' "$1"
}

for pid in $pids; do
	expect_rc 0 proc "$pid" --root "$root" --format json || continue
	check "proc $pid: valid JSON" jq -e . "$tmp/out" >/dev/null
	got=$(jq -r .usage.pss "$tmp/out")
	want=$(kb "$root/$pid/smaps_rollup" Pss)
	check "proc $pid: usage.pss $got = smaps_rollup Pss $want" test "$got" = "$want"
	check "proc $pid: pid" test "$(jq -r .pid "$tmp/out")" = "$pid"
	check "proc $pid: kernel_thread false" \
		test "$(jq -r .kernel_thread "$tmp/out")" = false
	got=$(jq -r .usage.vss "$tmp/out")
	want=$(kb "$root/$pid/status" VmSize)
	check "proc $pid: usage.vss $got = VmSize $want" test "$got" = "$want"
	want=$(awk '$1 ~ /^Private_(Clean|Dirty):$/ { s += $2 } END { print s * 1024 }' \
		"$root/$pid/smaps_rollup")
	check "proc $pid: usage.uss = Private_Clean + Private_Dirty ($want)" \
		test "$(jq -r .usage.uss "$tmp/out")" = "$want"
	# Every smaps_rollup and status kB line, in bytes under its kernel name.
	while read -r key value unit; do
		[ "$unit" = kB ] || continue
		key=${key%:}
		got=$(jq -r --arg k "$key" '.smaps_rollup[$k]' "$tmp/out")
		check "proc $pid: smaps_rollup.$key $got = $value kB" test "$got" = "$((value * 1024))"
	done < <(tail -n +2 "$root/$pid/smaps_rollup")
	while read -r key value unit; do
		[ "$unit" = kB ] || continue
		key=${key%:}
		got=$(jq -r --arg k "$key" '.status[$k]' "$tmp/out")
		check "proc $pid: status.$key $got = $value kB" test "$got" = "$((value * 1024))"
	done <"$root/$pid/status"
	check "proc $pid: status_text.Name" \
		test "$(jq -r .status_text.Name "$tmp/out")" = "$(awk '$1 == "Name:" { print $2 }' "$root/$pid/status")"
	read -r s1 s2 s3 s4 s5 s6 s7 <"$root/$pid/statm"
	want="$((s1 * page)) $((s2 * page)) $((s3 * page)) $((s4 * page)) $((s5 * page)) $((s6 * page)) $((s7 * page))"
	got=$(jq -r '.statm | "\(.size) \(.resident) \(.shared) \(.text) \(.lib) \(.data) \(.dt)"' "$tmp/out")
	check "proc $pid: statm in bytes ($got = $want)" test "$got" = "$want"

	expect_rc 0 proc "$pid" --root "$root" && \
		check "proc $pid table: pss row" grep -qE "^pss +$(kb "$root/$pid/smaps_rollup" Pss) " "$tmp/out"
	if command -v promtool >/dev/null; then
		expect_rc 0 proc "$pid" --root "$root" --format prom
		check "proc $pid prom: promtool" promtool check metrics <"$tmp/out"
		check "proc $pid prom: pss series" grep -qxF \
			"memacct_process_bytes{pid=\"$pid\",comm=\"memstate\",kind=\"pss\"} $(kb "$root/$pid/smaps_rollup" Pss)" "$tmp/out"
	fi
done

# Exit statuses.
expect_rc 3 proc 999999 --root "$root"
check "missing pid: message" test "$err" = "memacct-cli: pid 999999: no such process"
expect_rc 3 proc 999999 --root "$root" --format json
check "missing pid: nothing on stdout" test -z "$out"
expect_rc 2 proc
expect_rc 2 proc --root "$root"
expect_rc 2 proc abc --root "$root"
expect_rc 2 proc 0
expect_rc 2 proc -- -5
expect_rc 2 proc 12x
expect_rc 2 proc 1 2
expect_rc 2 proc 1 --bogus
expect_rc 0 proc --help
check "proc --help: Usage" grep -q '^Usage: memacct-cli proc PID' "$tmp/out"
check "proc --help: no line past 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
expect_rc 0 help proc
check "help proc: the same text" grep -q '^Usage: memacct-cli proc PID' "$tmp/out"
expect_rc 0 --help
check "global --help lists proc" grep -qE '^  proc +' "$tmp/out"
expect_rc 3 proc 1 --root /nonexistent

# Permission denied: an unprivileged user may read status but not smaps_rollup of
# another user's process; what could be read is printed, the exit status is 3.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ "$(stat -c %u /proc/1)" = 0 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" proc 1 --format json \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "unprivileged proc 1: exit 3 (got $rc)" test "$rc" = 3
	check "unprivileged proc 1: stderr names smaps_rollup" \
		grep -qF "memacct-cli: /proc/1/smaps_rollup: Permission denied" "$tmp/err"
	check "unprivileged proc 1: usage.vss printed" \
		test "$(jq -r .usage.vss "$tmp/out")" -gt 0
	check "unprivileged proc 1: no pss" test "$(jq -r '.usage | has("pss")' "$tmp/out")" = false
	check "unprivileged proc 1: missing smaps_rollup" \
		test "$(jq -c .missing "$tmp/out")" = '["smaps_rollup"]'
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" maps 1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "unprivileged maps 1: exit 3 (got $rc)" test "$rc" = 3
	check "unprivileged maps 1: stderr names smaps" \
		grep -qF "memacct-cli: /proc/1/smaps: Permission denied" "$tmp/err"
fi

# Live: a process started here, and pid 2, a kernel thread (kthreadd) when /proc is the host's.
sleep 300 &
spid=$!
# Until the child has exec'd sleep, it is a copy of this shell.
for _ in $(seq 200); do
	[ "$(cat "/proc/$spid/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done
if expect_rc 0 proc "$spid" --format json; then
	check "live proc $spid: comm sleep" test "$(jq -r .comm "$tmp/out")" = sleep
	check "live proc $spid: pss > 0" test "$(jq -r .usage.pss "$tmp/out")" -gt 0
	check "live proc $spid: rss >= pss" \
		test "$(jq -r .usage.rss "$tmp/out")" -ge "$(jq -r .usage.pss "$tmp/out")"
	check "live proc $spid: status.Pid" test "$(jq -r .status.Pid "$tmp/out")" = "$spid"
fi
if command -v promtool >/dev/null && expect_rc 0 proc "$spid" --format prom; then
	check "live proc prom: promtool" promtool check metrics <"$tmp/out"
fi
kill "$spid"
wait "$spid" 2>/dev/null

if grep -q '^Kthread:[[:space:]]*1' /proc/2/status 2>/dev/null ||
	! grep -q '^VmSize:' /proc/2/status 2>/dev/null; then
	if expect_rc 0 proc 2 --format json; then
		check "pid 2: kernel_thread true" test "$(jq -r .kernel_thread "$tmp/out")" = true
		check "pid 2: no usage" test "$(jq -r 'has("usage")' "$tmp/out")" = false
	fi
	expect_rc 0 proc 2
	check "pid 2 table: says kernel thread" grep -q 'kernel thread' "$tmp/out"
else
	echo "note: pid 2 is not a kernel thread here; skipped that check"
fi

finish
