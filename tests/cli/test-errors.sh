#!/bin/bash
# Exit status 3: what was asked could not be read; the message names the file and line.
. "$(dirname "$0")/lib.sh"
need jq

# The line and the skipped count a damaged fixture's MANIFEST promises ("at line N",
# "count_skipped = K"), so the expectations come from the fixture, not from here.
manifest_line()
{
	sed -n 's/^expect:.*at line \([0-9][0-9]*\).*/\1/p' "$FIXTURES/$1/MANIFEST" | head -1
}
manifest_skipped()
{
	sed -n -e 's/^expect:.*count_skipped = \([0-9][0-9]*\).*/\1/p' \
		-e 's/^expect:.*counts \([0-9][0-9]*\) skipped line.*/\1/p' "$FIXTURES/$1/MANIFEST" | head -1
}

# read_error WHAT REGEX ARGS...: exit 3, nothing on stdout, one message matching REGEX.
read_error()
{
	local what=$1 re=$2
	shift 2
	expect_rc 3 "$@" || return
	check "$what: nothing on stdout, got '$out'" test -z "$out"
	check "$what: the message '$err' matches '$re'" grep -qE -- "$re" "$tmp/err"
}

re_quote()
{
	printf '%s' "$1" | sed 's|[][\.*^$(){}+?|]|\\&|g'
}

for f in damaged-truncated damaged-garbage damaged-duplicate damaged-overflow damaged-nul \
	 damaged-missing-unit; do
	need_fixture "$f" || continue
	root=$(fixture "$f")
	line=$(manifest_line "$f")
	skipped=$(manifest_skipped "$f")
	check "$f: its MANIFEST says at which line it is damaged" test -n "$line"
	check "$f: its MANIFEST says how many lines a lenient parse skips" test -n "$skipped"
	if [ -z "$line" ] || [ -z "$skipped" ]; then
		continue
	fi
	re="^memacct-cli: $(re_quote "$root")/meminfo:$line:[0-9]+: "

	# Strict: every command that reads meminfo fails with the file and line.
	for cmd in meminfo check report; do
		for fmt in table json prom; do
			read_error "$f $cmd --format $fmt" "$re" "$cmd" --root "$root" --format "$fmt"
		done
	done
	# Global options after the command, and the default command.
	read_error "$f (no command)" "$re" --root "$root"

	# Lenient: the damaged lines are skipped, counted, and said on stderr.
	expect_rc 0 meminfo --lenient --root "$root" --format json || continue
	check "$f --lenient: skipped_lines is $skipped" \
		jq -e --argjson k "$skipped" '.skipped_lines == $k' "$tmp/out" >/dev/null
	check "$f --lenient: stderr says 'skipped $skipped malformed line', got '$err'" \
		grep -q "skipped $skipped malformed line" "$tmp/err"
	check "$f --lenient: stderr names the first skipped line $line" grep -qE -- "$re" "$tmp/err"
	check "$f --lenient: still has MemTotal" jq -e '.meminfo.MemTotal > 0' "$tmp/out" >/dev/null
	expect_rc 0 meminfo --lenient --root "$root"
	expect_rc 0 meminfo --lenient --root "$root" --format prom
	check "$f --lenient --format prom: memacct_meminfo_skipped_lines $skipped" \
		grep -qx "memacct_meminfo_skipped_lines $skipped" "$tmp/out"
done

# What each damage is, in the message.
if need_fixture damaged-truncated; then
	run meminfo --root "$(fixture damaged-truncated)"
	check "truncated: the cut key is named" grep -qF 'key "Inactive(fi"' "$tmp/err"
	run meminfo --lenient --root "$(fixture damaged-truncated)" --format json
	check "truncated --lenient: Inactive(file) and later keys are absent, not 0" \
		jq -e '.meminfo | has("Active(file)") and (has("Inactive(file)") | not)
			and (has("Slab") | not)' "$tmp/out" >/dev/null
fi
if need_fixture damaged-overflow; then
	run meminfo --root "$(fixture damaged-overflow)"
	check "overflow: the key and '64 bits' are named: $err" \
		grep -qE 'key "VmallocTotal".*64 bits' "$tmp/err"
	run meminfo --lenient --root "$(fixture damaged-overflow)" --format json
	check "overflow --lenient: VmallocTotal is absent" \
		jq -e '.meminfo | has("VmallocTotal") | not' "$tmp/out" >/dev/null
fi
if need_fixture damaged-duplicate; then
	root=$(fixture damaged-duplicate)
	run meminfo --root "$root"
	check "duplicate: the key is named" grep -qF 'key "MemFree"' "$tmp/err"
	first=$(awk '$1 == "MemFree:" { printf "%.0f\n", $2 * 1024; exit }' "$root/meminfo")
	run meminfo --lenient --root "$root" --format json
	check "duplicate --lenient: MemFree keeps the first line's value $first" \
		jq -e --argjson v "$first" '.meminfo.MemFree == $v' "$tmp/out" >/dev/null
fi
if need_fixture damaged-garbage; then
	run meminfo --root "$(fixture damaged-garbage)"
	check "garbage: the message is one line of printable ASCII" \
		test "$(wc -l <"$tmp/err")" = 1 -a -z "$(LC_ALL=C tr -d '\n -~' <"$tmp/err")"
fi
if need_fixture damaged-missing-unit; then
	run meminfo --lenient --root "$(fixture damaged-missing-unit)" --format json
	check "missing-unit --lenient: Shmem is absent" \
		jq -e '.meminfo | has("Shmem") | not' "$tmp/out" >/dev/null
	run check --root "$(fixture damaged-missing-unit)"
	check "check does not read a damaged file leniently (exit $rc)" test "$rc" = 3
fi

# The root itself.
for cmd in meminfo check report; do
	read_error "$cmd --root /nonexistent" "^memacct-cli: /nonexistent: .*No such file" \
		"$cmd" --root /nonexistent
done
read_error "a root that is a file" "^memacct-cli: /dev/null: " meminfo --root /dev/null
mkdir -p "$tmp/empty"
read_error "a root without meminfo" "^memacct-cli: $(re_quote "$tmp/empty")/meminfo: .*No such file" \
	meminfo --root "$tmp/empty"
read_error "check over a root without meminfo" "^memacct-cli: $(re_quote "$tmp/empty")/meminfo: " \
	check --root "$tmp/empty"

# A malformed MANIFEST beside the root: the page size cannot be known.
mkdir -p "$tmp/badmanifest/proc"
cp "$(fixture quiet)/meminfo" "$tmp/badmanifest/proc/" 2>/dev/null
printf 'page_size: lots\n' >"$tmp/badmanifest/MANIFEST"
read_error "a malformed MANIFEST" "^memacct-cli: .*badmanifest/proc: .*MANIFEST" \
	check --root "$tmp/badmanifest/proc"

# An unreadable meminfo, for a user who cannot read it.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$tmp/noread"
	printf 'MemTotal: 1000 kB\n' >"$tmp/noread/meminfo"
	chmod 600 "$tmp/noread/meminfo"
	chmod 755 "$tmp" "$tmp/noread"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CLI" meminfo --root "$tmp/noread" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "unreadable meminfo: exit 3 (got $rc)" test "$rc" = 3
	check "unreadable meminfo: Permission denied, named" \
		grep -qE "^memacct-cli: $(re_quote "$tmp/noread")/meminfo: .*Permission denied" "$tmp/err"
fi

finish
