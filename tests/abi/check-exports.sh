#!/bin/sh
# The symbols the built library exports must be exactly the version script's
# global list, each bound to its node, and the SONAME must be libmemacct.so.0.
set -eu
lib=$1
map=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -e 's,/\*.*\*/,,g' "$map" | awk '
	/^[ \t]*global:/ { on = 1; next }
	/^[ \t]*local:/ { on = 0 }
	on && /;/ { gsub(/[ \t;]/, ""); if ($0 != "") print }' | sort > "$tmp/map"
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^MEMACCT_/ { print $3 }' |
	sed 's/@.*//' | sort > "$tmp/lib"

if ! diff -u "$tmp/map" "$tmp/lib" > "$tmp/diff"; then
	echo "exported symbols differ from lib/memacct.sym (- map, + library):"
	cat "$tmp/diff"
	exit 1
fi
n=$(wc -l < "$tmp/map")
[ "$n" -gt 0 ] || { echo "no symbol in the map"; exit 1; }

# Every export carries the version node.
bad=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 !~ /@@MEMACCT_0\.1$/' | head -3)
if [ -n "$bad" ]; then
	echo "exports without the MEMACCT_0.1 version: $bad"
	exit 1
fi

soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" != "libmemacct.so.0" ]; then
	echo "SONAME is '$soname', want libmemacct.so.0"
	exit 1
fi
echo "ok: $n symbols, all @@MEMACCT_0.1, SONAME $soname"
