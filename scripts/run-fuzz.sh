#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# run-fuzz.sh SECONDS [HARNESS...]
#
# Configure build-fuzz with clang and -Dfuzz=true, build the libFuzzer
# harnesses (tests/fuzz/fuzz-*.c), seed each one's corpus from
# fixtures/*/proc/<file> and, when present, ../shared/conformance/**/proc/<file>
# (linked, read in place, never copied into the repository), then run each
# harness for SECONDS, with tests/fuzz/<file>.dict when there is one.
# Prints one line per harness with the runs executed; exits 1 when a harness
# crashed or broke an invariant (the input is kept in
# build-fuzz/fuzz-artifacts/<harness>/), 2 on a usage or build error.
# The corpus grows in build-fuzz/fuzz-corpus/<harness>/ from run to run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
build="$repo/build-fuzz"
conformance=${MEMACCT_CONFORMANCE:-$repo/../shared/conformance}

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -eq 0 ]; then
	echo "usage: run-fuzz.sh SECONDS [HARNESS...]" >&2
	exit 2
fi
seconds=$1
shift

if [ $# -gt 0 ]; then
	harnesses=("$@")
else
	harnesses=()
	for f in "$repo"/tests/fuzz/fuzz-*.c; do
		h=$(basename "$f" .c)
		h=${h#fuzz-}
		lib=$h
		[ "$h" = pages ] && lib=pagemap	# fuzz-pages: lib/pagemap.c, lib/table.c
		[ -f "$repo/lib/$lib.c" ] && harnesses+=("$h")
	done
fi

if [ -f "$build/build.ninja" ]; then
	meson configure "$build" -Dfuzz=true -Dwerror=true >/dev/null
else
	CC=clang meson setup "$build" "$repo" -Dfuzz=true -Dwerror=true >/dev/null || {
		echo "run-fuzz: meson setup failed (see $build/meson-logs/meson-log.txt)" >&2
		exit 2
	}
fi
targets=()
for h in "${harnesses[@]}"; do
	targets+=("tests/fuzz/fuzz-$h")
done
ninja -C "$build" "${targets[@]}" >/dev/null || {
	echo "run-fuzz: build failed (is the build dir configured with CC=clang?)" >&2
	exit 2
}

failed=0
for h in "${harnesses[@]}"; do
	exe="$build/tests/fuzz/fuzz-$h"
	corpus="$build/fuzz-corpus/$h"
	seeds="$build/fuzz-seeds/$h"
	artifacts="$build/fuzz-artifacts/$h"
	log="$build/fuzz-logs/$h.log"
	mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
	rm -rf "$seeds"
	mkdir -p "$seeds"
	# Seeds by symlink: libFuzzer reads them where they are.
	i=0
	while IFS= read -r -d '' f; do
		i=$((i + 1))
		ln -s "$f" "$seeds/$i-$(basename "$(dirname "$(dirname "$f")")")"
	# System files sit at proc/<file>, process files at proc/<pid>/<file>.
	done < <(find "$repo/fixtures" \( -path "*/proc/$h" -o -path "*/proc/[0-9]*/$h" \) \
			-type f -print0 2>/dev/null;
		 [ -d "$conformance" ] && find "$conformance" \( -path "*/proc/$h" -o \
			-path "*/proc/[0-9]*/$h" \) -type f -print0 2>/dev/null)

	dict=()
	[ -f "$repo/tests/fuzz/$h.dict" ] && dict=(-dict="$repo/tests/fuzz/$h.dict")
	set +e
	"$exe" -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$artifacts/" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	set -e
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	files=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		status=ok
	else
		status="FAILED (exit $rc; see $log and $artifacts/)"
		failed=1
	fi
	printf 'fuzz-%-10s %12s runs in %ss, %d seeds, corpus %d files, cov %s: %s\n' \
		"$h" "${runs:-?}" "$seconds" "$i" "$files" "${cov:-?}" "$status"
done
exit "$failed"
