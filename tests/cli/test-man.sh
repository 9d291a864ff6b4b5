#!/bin/bash
# The man pages against the program (test-help.sh tests the help itself):
# every command of 'memacct-cli --help' has its synopsis and section in
# memacct-cli(1); every long option and --format value a command's --help
# lists is in that command's section or among the global options, and every
# option the page documents is one the help lists; the pages carry the
# project's version; libmemacct(3) holds tests/man-example.c verbatim, with
# its real output; the pages render without warnings (when groff or mandoc
# is installed).
# Arguments: CLI FIXTURES VERSION MAN1 MAN3 EXAMPLE_SOURCE EXAMPLE_BINARY
. "$(dirname "$0")/lib.sh"
VERSION=$3
MAN1=$4
MAN3=$5
EXAMPLE_SRC=$6
EXAMPLE_BIN=$7

for f in "$MAN1" "$MAN3" "$EXAMPLE_SRC"; do
	[ -f "$f" ] || { fail "$f is missing"; finish; }
done

# The roff source without font changes and escapes, as a reader sees it.
plain()
{
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\e/\\/g' "$1"
}
plain "$MAN1" >"$tmp/man1"

# section NAME: the text of ".SS NAME" (a command) up to the next .SS or .SH;
# "OPTIONS": the global options (.SH OPTIONS).
section()
{
	awk -v name="$1" '
		/^\.S[HS] / { on = ($0 == ".SS " name || (name == "OPTIONS" && $0 == ".SH OPTIONS")); next }
		on' "$tmp/man1"
}

# The long options a help text lists (its words that start with --).
help_options()
{
	grep -oE -- '--[a-z][a-z0-9-]*' "$1" | sort -u
}

# The options a section documents: the first word of each .TP item.
documented_options()
{
	awk '/^\.TP/ { item = 1; next }
	     item { item = 0; for (i = 2; i <= NF; i++) if ($i ~ /^--[a-z]/) { print $i; break } }' |
		sed -E 's/[^a-z0-9-].*$//' | sort -u
}

# The --format values of a Usage line: "[--format table|json|prom]".
usage_formats()
{
	tr '\n' ' ' <"$1" | grep -oE -- '--format [a-z|]+' | head -1 | cut -d' ' -f2 | tr '|' '\n' |
		grep . | sort -u
}

# The values the page's synopsis of a command gives --format.
page_formats()
{
	awk '/--format$/ { getline; print; exit }' | sed -E 's/^\.BR? //; s/ ?\]$//' | tr -d ' ' |
		tr '|' '\n' | grep . | sort -u
}

# The commands, from the program's own list.
expect_rc 0 --help
commands=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/out")
check "memacct-cli --help lists commands (got: $commands)" test "$(echo "$commands" | wc -w)" -ge 9
# The global options are those of the "Global options" list: the rest of the
# text names options of commands.
awk '/^Global options/ { on = 1; next } on && /^$/ { exit } on' "$tmp/out" >"$tmp/global-help"
global_help=$(help_options "$tmp/global-help")
section OPTIONS >"$tmp/global"

for opt in $global_help; do
	check "memacct-cli(1) OPTIONS documents global option $opt" \
		grep -qE -- "$opt([^a-z0-9-]|$)" "$tmp/global"
done
for opt in $(documented_options <"$tmp/global"); do
	check "memacct-cli(1) documents global option $opt, which memacct-cli --help does not list" \
		grep -qxF -- "$opt" <<<"$global_help"
done

for cmd in $commands; do
	check "memacct-cli(1) has a section .SS $cmd" grep -qxF ".SS $cmd" "$tmp/man1"
	check "memacct-cli(1) SYNOPSIS names 'memacct-cli $cmd'" \
		grep -qE "^\.B memacct-cli $cmd( |$)" "$tmp/man1"
	section "$cmd" >"$tmp/section"
	if [ "$cmd" = help ]; then
		# 'help', 'help --help' and 'help help' all give the main help
		expect_rc 0 help --help
		cp "$tmp/out" "$tmp/help"
		expect_rc 0 help help
		check "'help help' is 'help --help'" cmp -s "$tmp/help" "$tmp/out"
		continue
	fi
	expect_rc 0 "$cmd" --help || continue
	cp "$tmp/out" "$tmp/help"
	opts=$(help_options "$tmp/help")
	for opt in $opts; do
		if ! grep -qE -- "$opt([^a-z0-9-]|$)" "$tmp/section" &&
		   ! grep -qE -- "$opt([^a-z0-9-]|$)" "$tmp/global"; then
			fail "memacct-cli(1) does not mention $opt of '$cmd --help'"
		else
			pass
		fi
	done
	for opt in $(documented_options <"$tmp/section"); do
		check "memacct-cli(1) documents '$cmd $opt', which '$cmd --help' does not list" \
			grep -qxF -- "$opt" <<<"$opts"
	done
	want=$(usage_formats "$tmp/help")
	got=$(page_formats <"$tmp/section")
	# A Usage line without "--format a|b" says nothing to compare.
	[ -n "$want" ] || continue
	check "memacct-cli(1) gives '$cmd --format' the values '${got//$'\n'/ }', its help '${want//$'\n'/ }'" \
		test "$want" = "$got"
done

for page in "$MAN1" "$MAN3"; do
	check "$(basename "$page") .TH says libmemacct $VERSION" \
		grep -qE "^\.TH [^ ]+ [0-9] [0-9-]+ \"libmemacct $VERSION\"" "$page"
done

# libmemacct(3)'s program is tests/man-example.c, and its output is the real one.
plain "$MAN3" >"$tmp/man3"
awk '/^\.SS Program source/ { on = 1; next } on && /^\.EX/ { ex = 1; next }
     ex && /^\.EE/ { exit } ex && !/^\.(ta|\\")/' "$tmp/man3" >"$tmp/program"
if diff -u "$EXAMPLE_SRC" "$tmp/program" >"$tmp/diff"; then
	pass
else
	fail "libmemacct(3) EXAMPLES differs from $(basename "$EXAMPLE_SRC"):"
	cat "$tmp/diff" >&2
fi
awk '/^\$ \.\/example / { print $3; on = 1; next } on && /^\.EE/ { exit } on' "$tmp/man3" \
	>"$tmp/shown"
tree=$(head -1 "$tmp/shown")
if [ -z "$tree" ]; then
	fail "libmemacct(3) EXAMPLES shows no run of ./example"
else
	"$EXAMPLE_BIN" "$FIXTURES/${tree#fixtures/}" >"$tmp/real" 2>&1
	check "libmemacct(3) shows the output of example $tree" \
		diff -u "$tmp/real" <(tail -n +2 "$tmp/shown")
fi

# Rendering: no warnings from groff (-ww: all of them) nor mandoc's linter.
if command -v groff >/dev/null 2>&1; then
	for page in "$MAN1" "$MAN3"; do
		groff -man -Tutf8 -ww -z "$page" 2>"$tmp/warn"
		check "groff renders $(basename "$page") without warnings: $(cat "$tmp/warn")" \
			test ! -s "$tmp/warn"
	done
else
	echo "SKIP: groff is not installed: the pages' rendering is not checked"
fi
if command -v mandoc >/dev/null 2>&1; then
	for page in "$MAN1" "$MAN3"; do
		mandoc -Tlint "$page" >"$tmp/warn" 2>&1
		check "mandoc -Tlint $(basename "$page"): $(cat "$tmp/warn")" test ! -s "$tmp/warn"
	done
fi

finish
