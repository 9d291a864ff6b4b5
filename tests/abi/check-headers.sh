#!/bin/sh
# Every public header compiles on its own as C99 and C11 with -pedantic
# -Werror, and as C++11.
set -eu
cc=$1
cxx=$2
srcinc=$3
buildinc=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$@"; do
	name=$(basename "$h")
	printf '#include <memacct/%s>\n#include <memacct/%s>\nint main(void) { return 0; }\n' \
		"$name" "$name" > "$tmp/t.c"
	for std in c99 c11; do
		if ! "$cc" -std=$std -pedantic -Werror -Wall -Wextra -fsyntax-only \
			-I"$srcinc" -I"$buildinc" "$tmp/t.c" 2> "$tmp/err"; then
			echo "FAIL: $name as $std"; cat "$tmp/err"; fail=1
		fi
	done
	cp "$tmp/t.c" "$tmp/t.cc"
	if [ -n "$cxx" ] && ! "$cxx" -std=c++11 -pedantic -Werror -Wall -Wextra -fsyntax-only \
		-I"$srcinc" -I"$buildinc" "$tmp/t.cc" 2> "$tmp/err"; then
		echo "FAIL: $name as c++11"; cat "$tmp/err"; fail=1
	fi
done
[ $fail = 0 ] && echo "ok: $# headers as c99, c11 and c++11"
exit $fail
