#!/bin/bash
# --help of the program and of every command, help CMD, --version.
. "$(dirname "$0")/lib.sh"
VERSION=$3

# mentions TEXT...: each text appears in $out.
mentions()
{
	local what=$1 t
	shift
	for t in "$@"; do
		if ! grep -qF -- "$t" "$tmp/out"; then
			fail "$what does not mention '$t'"
			return
		fi
	done
	pass
}

for args in "--help" "-h" "help" "--root /nonexistent --help"; do
	# shellcheck disable=SC2086
	expect_rc 0 $args || continue
	mentions "memacct-cli $args" "Usage:" report meminfo check --root --format --help --version \
		"Exit status" "fine" "usage error"
	check "memacct-cli $args writes nothing on stderr" test -z "$err"
done

declare -A opts=(
	[report]="--root --format --help"
	[meminfo]="--lenient --root --format --help"
	[check]="--tolerance --only --skip --fold --list --root --format --help"
)
for cmd in report meminfo check; do
	# shellcheck disable=SC2086
	for form in "$cmd --help" "$cmd -h" "help $cmd" "--help $cmd" "--format json $cmd --help" \
		    "$cmd --root /nonexistent --help"; do
		expect_rc 0 $form || continue
		mentions "memacct-cli $form" "Usage: memacct-cli" ${opts[$cmd]} \
			"Options:" "Output:" "Exit status:" "Examples:"
		check "memacct-cli $form: help on stdout, nothing on stderr" test -z "$err"
		check "memacct-cli $form: no line past 80 columns" \
			test -z "$(awk 'length > 80' "$tmp/out")"
	done
done

# The examples of a command's help name the command.
for cmd in meminfo check; do
	run "$cmd" --help
	check "$cmd --help has an example running it" grep -q "memacct-cli $cmd" "$tmp/out"
done

expect_rc 2 help nosuchcommand
check "help nosuchcommand says so" grep -q "^memacct-cli: unknown command 'nosuchcommand'" "$tmp/err"

for args in "--version" "meminfo --version" "--root /nonexistent --version"; do
	# shellcheck disable=SC2086
	expect_rc 0 $args || continue
	check "memacct-cli $args prints 'memacct-cli $VERSION (libmemacct $VERSION)', got '$out'" \
		test "$out" = "memacct-cli $VERSION (libmemacct $VERSION)"
done

finish
