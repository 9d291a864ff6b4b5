#!/bin/sh
# memacct-cli needs libmemacct.so.0 at run time and defines none of its symbols.
set -eu
cli=$1
readelf -d "$cli" | grep -q 'NEEDED.*\[libmemacct\.so\.0\]' ||
	{ echo "memacct-cli does not need libmemacct.so.0"; readelf -d "$cli" | grep NEEDED; exit 1; }
own=$(nm --defined-only "$cli" | awk '$3 ~ /^memacct_/ { print $3 }' | head -3)
[ -z "$own" ] || { echo "memacct-cli defines library symbols itself: $own"; exit 1; }
echo "ok: memacct-cli links libmemacct.so.0"
