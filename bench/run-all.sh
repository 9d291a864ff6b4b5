#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench/run-all.sh [--no-population] [BUILD_DIR] [-- POPULATION_OPTIONS...]
#
# Builds the benchmarks in BUILD_DIR (default build-bench in the source tree;
# set up with --buildtype=release when it does not exist), starts
# bench/population (a few hundred processes: big heaps, shared file, shared
# anonymous and tmpfs memory, thousands of VMAs, threads; the options after
# -- are its own), runs each benchmark program once while the population
# holds, stops the population, and prints one table of the ratios the
# programs measured (medians over rounds whose case order rotates) next to
# the goals of issue 6. Ratios only: the absolute times are in the programs'
# own output, saved under BUILD_DIR/bench-logs/, and are no pass/fail.
#
# The page census and exact accounting need root (CAP_SYS_ADMIN for
# /proc/kpageflags, kpagecount and other processes' pagemap): without it
# their rows say so. libproc2 (Debian: libproc2-dev) is an optional
# benchmark dependency: without it the peer columns of meminfo and top are
# "-". Exits 0 when every program ran (whatever the ratios), 1 when one
# failed, 2 on a usage error.
set -u

usage()
{
	sed -n '4,5p' "$0" | sed 's/^# //' >&2
	exit 2
}

src=$(cd "$(dirname "$0")/.." && pwd)
build=
population=1
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	--no-population) population=0; shift ;;
	-h|--help) sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) usage ;;
	*) [ -z "$build" ] || usage; build=$1; shift ;;
	esac
done
build=${build:-$src/build-bench}
case $build in /*) ;; *) build=$PWD/$build ;; esac

# ---------------------------------------------------------------- build
if [ ! -f "$build/build.ninja" ]; then
	meson setup --buildtype=release "$build" "$src" >/dev/null || exit 1
fi
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))' 2>/dev/null)
[ "$buildtype" = release ] ||
	echo "run-all: warning: $build has buildtype ${buildtype:-unknown}, not release" >&2
ninja -C "$build" bench/bench-meminfo bench/bench-proc bench/bench-pages bench/bench-top \
	bench/population cli/memacct-cli >/dev/null || { echo "run-all: build failed" >&2; exit 1; }

logs=$build/bench-logs
mkdir -p "$logs" || exit 1
rm -f "$logs"/*.txt

# ---------------------------------------------------------------- population
pop_pid='' pop_in='' pop_out=''
stop_population()
{
	[ -n "$pop_pid" ] || return 0
	# end of stdin is the population's cue to kill its children and clean up
	exec {pop_in}>&- {pop_out}<&- 2>/dev/null
	wait "$pop_pid" 2>/dev/null
	pop_pid=
}

# shellcheck disable=SC2317 # called by the trap
on_signal()
{
	[ -z "$pop_pid" ] || kill -TERM "$pop_pid" 2>/dev/null
	stop_population
	exit 130
}
trap on_signal INT TERM HUP
trap stop_population EXIT

pop_line="none (--no-population)"
if [ "$population" = 1 ]; then
	coproc POP { exec "$build/bench/population" "$@" 2>"$logs/population.txt"; }
	# shellcheck disable=SC2153 # POP_PID is the coproc's
	pop_pid=$POP_PID pop_in=${POP[1]} pop_out=${POP[0]}
	ready=
	read -r -t 900 ready <&"$pop_out"
	case $ready in
	"ready "*) ;;
	*)
		echo "run-all: the population did not build:" >&2
		cat "$logs/population.txt" >&2
		exit 1
		;;
	esac
	pop_line=$(sed -n 's/^population: //p' "$logs/population.txt" | tail -n 1)
fi

mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "machine: $(nproc) CPUs, $mem_total, $(awk '/^model name/ { sub(/^[^:]*: /, ""); print; exit }' /proc/cpuinfo)"
echo "kernel:  $(uname -sr)"
echo "population: $pop_line"
pids=(/proc/[0-9]*)
echo "processes: ${#pids[@]}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---------------------------------------------------------------- run
failed=0
status_of=()
run()
{
	local name=$1 rc
	shift
	echo "== $name: $*"
	"$@" >"$logs/$name.txt" 2>&1
	rc=$?
	cat "$logs/$name.txt"
	echo
	status_of+=("$name=$rc")
	case $rc in
	0|77) ;;
	*) echo "run-all: $name exited $rc" >&2; failed=1 ;;
	esac
}

vmas_dir=$src/fixtures/proc-vmas-1000
vmas_pid=$(sed -n 's/^pids: *\([0-9]*\).*/\1/p' "$vmas_dir/MANIFEST")

run meminfo "$build/bench/bench-meminfo" "$src/fixtures/quiet/proc/meminfo"
run top "$build/bench/bench-top"
run proc "$build/bench/bench-proc" --cli "$build/cli/memacct-cli" \
	"$vmas_dir/proc/$vmas_pid/smaps"
is_root=0
[ "$(id -u)" = 0 ] && is_root=1
if [ "$is_root" = 1 ]; then
	run pages "$build/bench/bench-pages"
else
	echo "== pages: skipped, needs root (/proc/kpageflags, kpagecount, pagemap)"
	echo
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop_population

# ---------------------------------------------------------------- table
# ratio NAME KEY...: the number of the line "KEY = N ..." that program NAME
# printed, for the first KEY it printed (a threaded case before its serial
# one); the key taken is added to $used.
used=
ratio()
{
	local name=$1 k v
	shift
	[ -f "$logs/$name.txt" ] || return 0
	for k in "$@"; do
		v=$(awk -v k="$k" '$1 == k && $2 == "=" && $3 ~ /^[0-9.]+$/ { print $3; exit }' \
			"$logs/$name.txt")
		if [ -n "$v" ]; then
			used="$used $k"
			echo "$v"
			return 0
		fi
	done
}

# cell VALUE GOAL WHY: "| VALUE | <= GOAL met|missed", or "-" and the reason
cell()
{
	if [ -n "$1" ]; then
		awk -v v="$1" -v g="$2" 'BEGIN { printf "| %.2f | <= %.2f %s ", v, g, (v <= g ? "met" : "missed") }'
	elif [ -n "$2" ]; then
		printf '| - (%s) | <= %s ' "$3" "$2"
	else
		printf '| - | - '
	fi
}

noproc2="no libproc2"
grep -q 'n/a (built without libproc2)' "$logs/meminfo.txt" 2>/dev/null && noproc2="built without libproc2"
noroot="needs root"
[ "$is_root" = 1 ] && noroot="bench-pages failed"

echo "## ratios (median over rotated rounds; lower is faster)"
echo
echo "| job | vs floor | goal | vs peer | goal |"
echo "|---|---|---|---|---|"
ratio meminfo live/pread >/dev/null
ratio meminfo live/libproc2 >/dev/null
ratio top topN/cat top/cat >/dev/null
ratio top topN/libproc2 top/libproc2 >/dev/null
ratio pages censusN/raw census/raw >/dev/null
ratio pages exact/plain >/dev/null
ratio proc usage/raw >/dev/null
ratio proc cli/cat >/dev/null
printf '| meminfo read '
cell "$(ratio meminfo live/pread)" 1.15 "bench-meminfo failed"
cell "$(ratio meminfo live/libproc2)" 0.80 "$noproc2"
echo "|"
printf '| top (every process by PSS) '
cell "$(ratio top topN/cat top/cat)" 0.70 "bench-top failed"
cell "$(ratio top topN/libproc2 top/libproc2)" 0.95 "$noproc2"
echo "|"
printf '| pages census '
cell "$(ratio pages censusN/raw census/raw)" 0.70 "$noroot"
cell "" "" ""
echo "|"
printf '| proc PID --exact, 4 GiB '
cell "" "" ""
cell "$(ratio pages exact/plain)" 0.50 "$noroot"
echo "|"
printf '| proc PID (bench-proc) '
cell "$(ratio proc usage/raw)" 1.10 "bench-proc failed"
cell "$(ratio proc cli/cat)" 1.10 "bench-proc failed"
echo "|"
echo
echo "ratios in the table:$used"
cat <<'EOF'
floors and peers:
  meminfo read   floor: pread of /proc/meminfo on a kept fd; peer: libproc2 procps_meminfo_select()
  top            floor: open/read/close of every /proc/PID/smaps_rollup (cat /proc/[0-9]*/smaps_rollup);
                 peer: libproc2 procps_pids_reap() of the same columns + procps_pids_sort() by PSS
  pages census   floor: pread of /proc/kpageflags and /proc/kpagecount in 1 MiB chunks
  proc --exact   peer: one pagemap read per VMA, then kpagecount lookups in sorted PFN runs
  proc PID       floor: raw reads of smaps_rollup, status, statm (memacct_usage_read);
                 peer: fork/exec of cat of them (memacct-cli proc PID); goals are bench-proc's own
EOF
echo
echo "every ratio the programs printed:"
for f in meminfo top proc pages; do
	[ -f "$logs/$f.txt" ] || continue
	grep -E '^[[:alnum:]_.-]+/[[:alnum:]_.-]+ *= ' "$logs/$f.txt" | sed "s/^/  $f: /"
done
echo "load average after: $load_after; logs: $logs"
exit "$failed"
