#!/bin/bash
# --format prom passes promtool's parser and linter, has no duplicate series, prints integers.
. "$(dirname "$0")/lib.sh"
need promtool

# prom_ok WHAT FILE: the checks every Prometheus output must pass.
prom_ok()
{
	local what=$1 file=$2 lint
	if lint=$(promtool check metrics <"$file" 2>&1); then
		pass
	else
		fail "$what: promtool check metrics: $lint"
	fi
	check "$what: no duplicate series" \
		test -z "$(grep -v '^#' "$file" | sed 's/ [^ ]*$//' | sort | uniq -d)"
	check "$what: every value is an integer" \
		test -z "$(grep -v '^#' "$file" | grep -Ev ' -?[0-9]+$')"
	check "$what: every metric is prefixed memacct_" \
		test -z "$(grep -v '^#' "$file" | grep -v '^memacct_')"
	check "$what: not empty" test -s "$file"
}

roots=(/proc)
for f in quiet damaged-slab; do
	need_fixture "$f" && roots+=("$(fixture "$f")")
done

for root in "${roots[@]}"; do
	for cmd in meminfo check report; do
		run "$cmd" --root "$root" --format prom
		case "$cmd:$rc" in
		meminfo:0 | report:0 | check:0 | check:1) pass ;;
		*) fail "$cmd --root $root --format prom: exit $rc; stderr: $err"; continue ;;
		esac
		prom_ok "$cmd --root $root --format prom" "$tmp/out"
	done
done

# The values are the file's, exactly: kB times 1024, HugePages_* as counts.
if need_fixture quiet; then
	root=$(fixture quiet)
	run meminfo --root "$root" --format prom
	while read -r key value unit; do
		key=${key%:}
		if [ "$unit" = kB ]; then
			value=$((value * 1024))
			series="memacct_meminfo_bytes{field=\"$key\"} $value"
		elif [[ $key == HugePages_* ]]; then
			series="memacct_meminfo_hugepages{field=\"$key\"} $value"
		else
			continue
		fi
		check "meminfo --format prom has '$series'" grep -qxF "$series" "$tmp/out"
	done <"$root/meminfo"

	# One status series per identity and status, exactly one of them 1.
	run check --root "$root" --format prom
	ids=$(grep '^memacct_identity_status{' "$tmp/out" | sed 's/.*id="\([^"]*\)".*/\1/' | sort -u)
	check "check --format prom has identity status series" test -n "$ids"
	for id in $ids; do
		n=$(grep -c "^memacct_identity_status{id=\"$id\"," "$tmp/out")
		ones=$(grep "^memacct_identity_status{id=\"$id\"," "$tmp/out" | grep -c ' 1$')
		check "$id: 4 status series (got $n), one of them 1 (got $ones)" \
			test "$n" = 4 -a "$ones" = 1
	done
fi

if need_fixture damaged-slab; then
	run check --root "$(fixture damaged-slab)" --format prom
	check "damaged-slab: slab_split is violated in the prom output" grep -qE \
		'^memacct_identity_status\{id="meminfo.slab_split",class="exact",status="violated"\} 1$' \
		"$tmp/out"
fi

finish
