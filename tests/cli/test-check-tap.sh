#!/bin/bash
# check --format tap: TAP version 13 over fixtures with known verdicts, read back by prove(1).
. "$(dirname "$0")/lib.sh"

# fixtures/damaged-slab: Slab 4096 kB above SReclaimable + SUnreclaim (violated), mlocked
# anon pages on the unevictable list (caveat), no buddyinfo and no vmstat, and no sys tree
# nor vmallocinfo for the kernel identities (six skipped).
f=damaged-slab
root=$(fixture $f)
need_fixture $f || finish
n=$("$CLI" check --list --root "$root" | grep -c '^[a-z]')

expect_rc 1 check --root "$root" --format tap
cp "$tmp/out" "$tmp/slab.tap"
check "first line: TAP version 13" test "$(sed -n 1p "$tmp/slab.tap")" = "TAP version 13"
check "second line: the plan, one test point per identity (1..$n)" \
	test "$(sed -n 2p "$tmp/slab.tap")" = "1..$n"
check "as many test points as identities" \
	test "$(grep -cE '^(not )?ok [0-9]+ - ' "$tmp/slab.tap")" = "$n"
check "test points numbered 1..$n in order" \
	test "$(grep -oE '^(not )?ok [0-9]+' "$tmp/slab.tap" | grep -oE '[0-9]+$' | tr '\n' ' ')" = \
	"$(seq -s ' ' 1 "$n") "
check "nothing on stderr" test -z "$err"

# expect_line TEXT: that exact line is in the output.
expect_line()
{
	check "line: $1" grep -qxF -- "$1" "$tmp/slab.tap"
}
expect_line "ok 1 - meminfo.active_split"
expect_line "not ok 3 - meminfo.slab_split"
expect_line "ok 7 - meminfo.anon_lru_vs_anon # caveat: the anon and shmem pages missing from the anon LRU (11816 kB) are within Unevictable (11812 kB): mlocked pages sit on the unevictable list"
expect_line "ok 15 - meminfo.free_vs_buddyinfo # SKIP buddyinfo is absent, and an absent input is never read as zero."
expect_line "ok 16 - meminfo.file_pages_vs_vmstat # SKIP vmstat is absent, and an absent input is never read as zero."
expect_line "ok 19 - numa.nodes_sum # SKIP NUMA nodes (sysfs devices/system/node) is absent, and an absent input is never read as zero."
expect_line "# identities: 12 hold, 1 caveat, 1 violated (meminfo.slab_split), 6 skipped"

# The YAML block right after the violated test point: both sides in bytes, the difference.
check "YAML block after 'not ok 3'" test "$(sed -n '/^not ok 3 /,/^  \.\.\.$/p' "$tmp/slab.tap")" = \
"not ok 3 - meminfo.slab_split
  ---
  class: exact
  relation: \"Slab = SReclaimable + SUnreclaim\"
  lhs: 112812032
  rhs: 108617728
  difference: 4194304
  tolerance: 0
  unit: bytes
  tolerance_source: \"0: exact, both sides come from the same values in one print of the file\"
  reason: \"Slab (110168 kB) is 4096 kB above SReclaimable + SUnreclaim (106072 kB), more than the tolerance of 0 kB: both sides come from the same values in one print of meminfo, so the file is damaged or was misparsed.\"
  source: \"fs/proc/meminfo.c meminfo_proc_show\"
  ..."
check "one YAML block: only the violated identity has one" \
	test "$(grep -c '^  ---$' "$tmp/slab.tap")" = 1

# The same verdicts as JSON, test point by test point.
if command -v jq >/dev/null 2>&1; then
	run check --root "$root" --format json
	check "TAP and JSON agree on every verdict" test \
		"$(jq -r '.results | to_entries[] | "\(.key + 1) \(.value.id) \(.value.status)"' "$tmp/out")" = \
		"$(sed -nE 's/^not ok ([0-9]+) - ([^ ]+)$/\1 \2 violated/p
			s/^ok ([0-9]+) - ([^ ]+) # SKIP .*/\1 \2 skipped/p
			s/^ok ([0-9]+) - ([^ ]+) # caveat: .*/\1 \2 caveat/p
			s/^ok ([0-9]+) - ([^ ]+)$/\1 \2 holds/p' "$tmp/slab.tap")"
fi

# prove(1), perl's TAP harness, parses it: it fails on the violated one and on nothing else.
if command -v prove >/dev/null 2>&1; then
	prove --exec cat "$tmp/slab.tap" >"$tmp/prove.out" 2>&1
	prc=$?
	check "prove: exit 1 on a violation (got $prc)" test "$prc" = 1
	check "prove: 'Failed test:  3', $n tests" \
		grep -qE "Tests: $n Failed: 1\)" "$tmp/prove.out"
	check "prove: the failed test is 3" grep -qE '^ +Failed test: +3$' "$tmp/prove.out"
	check "prove: no parse error" bash -c "! grep -qi 'parse error\|unknown\|plan' '$tmp/prove.out'"
	check "prove: six skipped" bash -c \
		"prove -v --exec cat '$tmp/slab.tap' 2>&1 | grep -q 'less 6 skipped subtests: 13 okay'"

	# Skip the violated one: exit 0, and prove passes.
	expect_rc 0 check --root "$root" --format tap --skip meminfo.slab_split
	cp "$tmp/out" "$tmp/pass.tap"
	check "--skip: the plan shrinks to $((n - 1))" grep -qx "1..$((n - 1))" "$tmp/pass.tap"
	check "--skip: no 'not ok'" bash -c "! grep -q '^not ok' '$tmp/pass.tap'"
	check "prove passes when nothing is violated" prove --exec cat "$tmp/pass.tap"

	# A per-process run (its test points carry the pid).
	pf=proc-cow-64m-x4
	if need_fixture $pf; then
		pids=$(sed -n 's/^pids: //p' "$FIXTURES/$pf/MANIFEST")
		first=${pids%% *}
		expect_rc 0 check --root "$(fixture $pf)" --pid all --format tap
		cp "$tmp/out" "$tmp/pid.tap"
		np=$(echo "$pids" | wc -w)
		check "--pid all: plan of 12 per process" grep -qx "1..$((12 * np))" "$tmp/pid.tap"
		check "--pid all: the pid after the id" \
			grep -qx "ok 1 - status.rss_split (pid $first)" "$tmp/pid.tap"
		check "--pid all: the processes line" grep -qx \
			"# processes: $np checked, 0 vanished, 0 unreadable, 0 kernel threads" "$tmp/pid.tap"
		check "prove parses --pid all" prove --exec cat "$tmp/pid.tap"
	fi
fi

# --only, --tolerance: what is documented, in TAP.
expect_rc 1 check --root "$root" --format tap --only 'meminfo.*' --only meminfo.slab_split
nm=$("$CLI" check --list --root "$root" | grep -c '^meminfo\.')
check "--only GROUP.*: every meminfo identity ($nm)" grep -qx "1..$nm" "$tmp/out"
expect_rc 1 check --root "$root" --format tap --only meminfo.slab_split,meminfo.active_split
check "--only A,B: two test points, catalog order" test "$(grep -E '^(not )?ok' "$tmp/out")" = \
	"ok 1 - meminfo.active_split
not ok 2 - meminfo.slab_split"
expect_rc 0 check --root "$root" --format tap --only meminfo.slab_split --tolerance 4M
check "--tolerance 4M: the 4 MiB gap holds" grep -qx "ok 1 - meminfo.slab_split" "$tmp/out"
expect_rc 1 check --root "$root" --format tap --only meminfo.slab_split --tolerance 4095K
expect_rc 0 check --root "$root" --format tap --only meminfo.slab_split --tolerance 4%
check "--tolerance 4%: 4 MiB of 107 MiB holds" grep -qx "ok 1 - meminfo.slab_split" "$tmp/out"
expect_rc 1 check --root "$root" --format tap --only meminfo.slab_split --tolerance 3.5%
# --skip wins over --only: nothing checked, a plan that says so, exit 0.
expect_rc 0 check --root "$root" --format tap --skip 'meminfo.*' --only meminfo.slab_split
check "nothing checked: '1..0 # SKIP'" test "$(sed -n 2p "$tmp/out")" = \
	"1..0 # SKIP no identity was checked"
if command -v prove >/dev/null 2>&1; then
	cp "$tmp/out" "$tmp/none.tap"
	check "prove accepts a run that checked nothing" prove --exec cat "$tmp/none.tap"
fi

# The last --format wins; tap is check's alone.
expect_rc 1 check --root "$root" --format tap --format json
check "--format tap --format json: JSON" grep -q '^{' "$tmp/out"
expect_rc 1 check --root "$root" --format json --format tap
check "--format json --format tap: TAP" grep -qx "TAP version 13" "$tmp/out"
for args in "meminfo" "report" "top" "capture $tmp/never" "proc 1" "maps 1" "pages"; do
	# shellcheck disable=SC2086
	expect_rc 2 $args --root "$root" --format tap
	check "$args --format tap: the usage error names TAP and check" \
		grep -q "only check writes TAP" "$tmp/err"
done
check "capture --format tap wrote nothing" test ! -e "$tmp/never"
expect_rc 2 check --root "$root" --list --format tap
# before the command too, as every global option; and the same points
expect_rc 1 --format tap check --root "$root"
cp "$tmp/out" "$tmp/before.tap"
expect_rc 1 check --root "$root" --format tap
check "--format tap before the command gives the same TAP" cmp -s "$tmp/before.tap" "$tmp/out"
expect_rc 2 --format tap report --root "$root"
check "--format tap before another command: a usage error naming check" \
	grep -qF "only check writes TAP" "$tmp/err"
expect_rc 1 --format tap check --format json --root "$root"
check "the last --format wins" grep -q '"results"' "$tmp/out"
expect_rc 2 check --root "$root" --format TAP

finish
