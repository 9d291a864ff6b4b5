#!/bin/bash
# --format prom of every command, on the live /proc and on captured trees: promtool's parser
# and linter, no duplicate series, integers, and the naming conventions (memacct_ prefix, base
# units, one group per family, the things that vary as labels: field, pid, comm, id, status).
# Metric names shared by commands must have one HELP and TYPE, or node_exporter's textfile
# collector drops the second file's series.
. "$(dirname "$0")/lib.sh"
need promtool

# The conventions promtool does not check, one message per violation. Label values are
# parsed with their escapes (\" \\ \n), so a comm with a quote cannot hide a label.
lint_awk='
function bad(msg) { printf "line %d: %s\n", NR, msg; nbad++ }
# labels(s): fills lab[] from "{a=\"x\",b=\"y\"}" at the start of s; returns the rest of s.
function labels(s,    n, v, c, i) {
	split("", lab)
	if (substr(s, 1, 1) != "{")
		return s
	s = substr(s, 2)
	while (substr(s, 1, 1) != "}") {
		if (!match(s, /^[A-Za-z_][A-Za-z0-9_]*="/)) {
			bad("unparsable labels: " s)
			return ""
		}
		n = substr(s, 1, RLENGTH - 2)
		s = substr(s, RLENGTH + 1)
		v = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\") {
				v = v c substr(s, i + 1, 1)
				i++
			} else if (c == "\"") {
				break
			} else {
				v = v c
			}
		}
		if (n in lab)
			bad("label " n " twice")
		lab[n] = v
		nlab++
		s = substr(s, i + 1)
		if (substr(s, 1, 1) == ",")
			s = substr(s, 2)
	}
	return substr(s, 2)
}
/^# HELP / {
	if ($3 in help) bad("second HELP for " $3)
	if ($3 in sampled) bad("HELP for " $3 " after its samples")
	help[$3] = $0
	next
}
/^# TYPE / {
	if ($3 in type) bad("second TYPE for " $3)
	if ($3 in sampled) bad("TYPE for " $3 " after its samples")
	type[$3] = $4
	if ($4 != "gauge") bad($3 " is a " $4 ", not a gauge")
	next
}
/^#/ { bad("a comment that is neither HELP nor TYPE"); next }
/^$/ { next }
{
	match($0, /^[A-Za-z_:][A-Za-z0-9_:]*/)
	name = substr($0, 1, RLENGTH)
	rest = labels(substr($0, RLENGTH + 1))
	if (!(name in type) || !(name in help))
		bad(name ": a sample without HELP and TYPE before it")
	if (name != last && (name in sampled))
		bad(name ": samples not in one group")
	sampled[name] = 1
	last = name
	if (rest !~ /^ -?[0-9]+$/)
		bad(name ": value \"" rest "\" is not an integer")
	# Names are fixed strings: lower case, no digits, so that no field name, pid or
	# identity is spelled into a name instead of a label.
	if (name !~ /^memacct_[a-z]([a-z_]*[a-z])?$/)
		bad(name ": not memacct_[a-z_]+")
	if (name ~ /_(kb|kib|kilobytes|mb|mib|megabytes|gb|gib|gigabytes|percent)(_|$)/)
		bad(name ": not in base units")
	if (help[name] ~ /[Bb]ytes/ && name !~ /_bytes$/)
		bad(name ": its HELP says bytes, its name does not end in _bytes")
	for (n in lab) {
		if (n !~ /^[a-z][a-z_]*$/)
			bad(name ": label name " n)
		if (lab[n] == "" && n != "cgroup")
			bad(name ": empty label " n)
	}
	if (("pid" in lab) && lab["pid"] !~ /^[1-9][0-9]*$/)
		bad(name ": pid=\"" lab["pid"] "\"")
	if (("status" in lab) && lab["status"] !~ /^(holds|caveat|violated|skipped)$/)
		bad(name ": status=\"" lab["status"] "\"")
	if (name ~ /^memacct_process_/ && !(("pid" in lab) && ("comm" in lab)))
		bad(name ": no pid and comm labels")
	if (name ~ /^memacct_(command|user)_/ && !(("comm" in lab) || ("user" in lab)))
		bad(name ": no comm or user label")
	if (name ~ /^memacct_meminfo_(bytes|hugepages)$/ && lab["field"] !~ /^[A-Za-z]/)
		bad(name ": no field label")
	if (name ~ /^memacct_maps_/ && !("pid" in lab))
		bad(name ": no pid label")
	if (name ~ /^memacct_maps_.*bytes$/ && lab["field"] == "")
		bad(name ": no field label")
	if (name ~ /^memacct_identity_/ && lab["id"] !~ /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/)
		bad(name ": id=\"" lab["id"] "\"")
	if (name ~ /^memacct_(report_)?identit(y_status|ies)$/ && !("status" in lab))
		bad(name ": no status label")
}
END {
	for (n in help)
		if (!(n in sampled))
			bad(n ": HELP and TYPE without samples")
	exit nbad > 0
}'

# prom_ok WHAT FILE: the checks every Prometheus output must pass.
prom_ok()
{
	local what=$1 file=$2 lint
	check "$what: not empty" test -s "$file"
	if lint=$(promtool check metrics <"$file" 2>&1); then
		pass
	else
		fail "$what: promtool check metrics: $lint"
	fi
	check "$what: no duplicate series" \
		test -z "$(grep -v '^#' "$file" | sed 's/ [^ ]*$//' | sort | uniq -d)"
	if lint=$(awk "$lint_awk" "$file" 2>&1); then
		pass
	else
		fail "$what: conventions: $(printf '%s\n' "$lint" | head -5)"
	fi
	# For the check across outputs below.
	grep -E '^# (HELP|TYPE) ' "$file" | sed "s|\$|	$what|" >>"$tmp/meta"
}

# prom WANT-RCS ARGS...: run a command with --format prom, check its exit status (one of the
# comma-separated WANT-RCS) and its output.
prom()
{
	local want=$1
	shift
	run "$@" --format prom
	if [[ ,$want, != *,$rc,* ]]; then
		fail "$* --format prom: exit $rc, want $want; stderr: $err"
		return 1
	fi
	pass
	prom_ok "$*" "$tmp/out"
}

: >"$tmp/meta"

# Captured trees: the machine-wide commands on each, the per-process ones where there are
# processes (and pagemap, kpage* and kpagecgroup, for --exact, pages and --cgroups).
for f in quiet damaged-slab old-2.6.32; do
	need_fixture "$f" || continue
	root=$(fixture "$f")
	prom 0 --root "$root" report
	prom 0 --root "$root" meminfo
	prom 0,1 --root "$root" check
	prom 0 --root "$root" top
	prom 0 --root "$root" kernel
done
# The kernel side: vmallocinfo, modules, hugepage pools and NUMA nodes.
for f in vmalloc-live vmalloc-3.10 kernel-2node; do
	need_fixture "$f" || continue
	prom 0 --root "$(fixture "$f")" kernel --callers 0
done
f=proc-cow-64m-x4
if need_fixture "$f"; then
	root=$(fixture "$f")
	pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
	pid=${pids%% *}
	prom 0 --root "$root" report
	prom 0 --root "$root" meminfo
	prom 0,1 --root "$root" check
	prom 0,1 --root "$root" check --pid "$pid"
	prom 0 --root "$root" top
	prom 0 --root "$root" top --by command
	prom 0 --root "$root" top --by user
	prom 0 --root "$root" proc "$pid"
	prom 0 --root "$root" proc "$pid" --exact
	prom 0 --root "$root" maps "$pid"
	prom 0 --root "$root" maps "$pid" --exact
	prom 0 --root "$root" pages
	prom 0 --root "$root" pages --pid "$pid"
	prom 0 --root "$root" pages --cgroups

	# The values are the capture's, in bytes.
	for p in $pids; do
		rollup=$root/$p/smaps_rollup
		comm=$(awk '$1 == "Name:" { print $2 }' "$root/$p/status")
		pss=$(awk '$1 == "Pss:" { print $2 * 1024 }' "$rollup")
		rss=$(awk '$1 == "Rss:" { print $2 * 1024 }' "$rollup")
		vss=$(awk '$1 == "VmSize:" { print $2 * 1024 }' "$root/$p/status")
		run --root "$root" proc "$p" --format prom
		for kv in pss:$pss rss:$rss vss:$vss; do
			series="memacct_process_bytes{pid=\"$p\",comm=\"$comm\",kind=\"${kv%%:*}\"} ${kv#*:}"
			check "proc $p --format prom has '$series'" grep -qxF "$series" "$tmp/out"
		done
		run --root "$root" top --format prom
		series="memacct_process_pss_bytes{pid=\"$p\",comm=\"$comm\"} $pss"
		check "top --format prom has '$series'" grep -qxF "$series" "$tmp/out"
		run --root "$root" maps "$p" --format prom
		want=$(awk '$1 == "Rss:" { s += $2 } END { print s * 1024 }' "$root/$p/smaps")
		series="memacct_maps_bytes{pid=\"$p\",field=\"Rss\"} $want"
		check "maps $p --format prom has '$series'" grep -qxF "$series" "$tmp/out"
	done
	run --root "$root" top --format prom
	check "top --format prom: memacct_processes $(echo "$pids" | wc -w)" \
		grep -qxF "memacct_processes $(echo "$pids" | wc -w)" "$tmp/out"
	run --root "$root" pages --format prom
	page=$(sed -n 's/^page_size: //p' "$FIXTURES/$f/MANIFEST")
	check "pages --format prom: page size $page" \
		grep -qxF "memacct_pages_page_size_bytes $page" "$tmp/out"
	pfns=$(sed -n 's/^memacct_pages_pfns \([0-9]*\)$/\1/p' "$tmp/out")
	check "pages --format prom: total bytes = pfns ($pfns) x page size" \
		grep -qxF "memacct_pages_bytes{combination=\"total\"} $((${pfns:-0} * page))" "$tmp/out"
fi

# The live /proc: a process started here (pid 1 may be out of reach in a container), and
# one whose comm has a quote, a backslash, a newline and bytes that are not UTF-8.
sleep 300 &
spid=$!
odd=$tmp/$'q"b\\c\nd\xff\xfez'
if cp "$(command -v sleep)" "$odd" 2>/dev/null; then
	"$odd" 300 &
	opid=$!
else
	opid=
fi
trap 'kill $spid $opid 2>/dev/null; rm -rf "$tmp"' EXIT
# Until a child has exec'd, it is a copy of this shell.
for _ in $(seq 200); do
	[ "$(cat "/proc/$spid/comm" 2>/dev/null)" = sleep ] &&
		{ [ -z "$opid" ] || [ "$(head -c 1 "/proc/$opid/comm" 2>/dev/null)" = q ]; } && break
	sleep 0.05
done

prom 0 report
prom 0 meminfo
prom 0 kernel
prom 0 kernel --callers 0
prom 0,1 check
prom 0,1 check --pid "$spid"
prom 0 top
prom 0 top --by command
prom 0 top --by user
prom 0 proc "$spid"
prom 0 maps "$spid"
if [ -n "$opid" ]; then
	prom 0 proc "$opid"
	prom 0 maps "$opid"
	run top --format prom
	check "top --format prom: the odd comm is escaped" \
		grep -qF "{pid=\"$opid\",comm=\"q\\\"b" "$tmp/out"
fi
if grep -q '^Kthread:[[:space:]]*1' /proc/2/status 2>/dev/null; then
	prom 0 proc 2
	check "proc 2 --format prom: a kernel thread" \
		grep -qE '^memacct_process_kernel_thread\{pid="2",comm="[^"]*"\} 1$' "$tmp/out"
fi
if [ "$(id -u)" = 0 ] && [ -r /proc/kpageflags ] && [ -r /proc/kpagecount ]; then
	prom 0 proc "$spid" --exact
	prom 0 maps "$spid" --exact
	prom 0 pages
	prom 0 pages --pid "$spid"
	[ -r /proc/kpagecgroup ] && prom 0 pages --cgroups
else
	# Without CAP_SYS_ADMIN: exit 3 and nothing on stdout, never a census of zeros.
	run pages --format prom
	check "unprivileged pages --format prom: exit 3 (got $rc)" test "$rc" = 3
	check "unprivileged pages --format prom: nothing on stdout" test ! -s "$tmp/out"
fi

# Across every output above: a name has one HELP and one TYPE, so that the files of several
# commands can sit side by side in node_exporter's textfile directory.
conflicts=$(awk -F'\t' '{
	split($1, w, " ")
	k = w[2] " " w[3]
	if (k in seen && seen[k] != $1)
		printf "%s: \"%s\" (%s) but \"%s\" (%s)\n", k, seen[k], from[k], $1, $2
	else if (!(k in seen)) {
		seen[k] = $1
		from[k] = $2
	}
}' "$tmp/meta" | sort -u)
check "one HELP and TYPE per metric name across commands: $conflicts" test -z "$conflicts"

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

# The linter itself: it must catch what it is there to catch.
lint_rejects()
{
	local what=$1
	shift
	printf '%s\n' "$@" >"$tmp/bad"
	check "the conventions check rejects $what" \
		sh -c '! awk "$1" "$2" >/dev/null' sh "$lint_awk" "$tmp/bad"
}
h='# HELP memacct_x_bytes x in bytes.'
t='# TYPE memacct_x_bytes gauge'
lint_rejects "a kB unit" '# HELP memacct_x_kb x.' '# TYPE memacct_x_kb gauge' 'memacct_x_kb 1'
lint_rejects "a field in the name" '# HELP memacct_MemTotal_bytes x.' \
	'# TYPE memacct_MemTotal_bytes gauge' 'memacct_MemTotal_bytes 1'
lint_rejects "a split group" "$h" "$t" 'memacct_x_bytes{field="a"} 1' \
	'# HELP memacct_y_bytes y.' '# TYPE memacct_y_bytes gauge' 'memacct_y_bytes 1' \
	'memacct_x_bytes{field="b"} 1'
lint_rejects "a process without comm" '# HELP memacct_process_x_bytes x.' \
	'# TYPE memacct_process_x_bytes gauge' 'memacct_process_x_bytes{pid="1"} 1'
lint_rejects "a bad pid" '# HELP memacct_process_x_bytes x.' \
	'# TYPE memacct_process_x_bytes gauge' 'memacct_process_x_bytes{pid="x",comm="a"} 1'
lint_rejects "a label hidden in an escaped comm" '# HELP memacct_process_x_bytes x.' \
	'# TYPE memacct_process_x_bytes gauge' 'memacct_process_x_bytes{comm="a\",pid=\"1"} 1'
lint_rejects "an unknown status" '# HELP memacct_identities x.' \
	'# TYPE memacct_identities gauge' 'memacct_identities{status="fine"} 1'
lint_rejects "bytes without _bytes" '# HELP memacct_x x in bytes.' \
	'# TYPE memacct_x gauge' 'memacct_x 1'
lint_rejects "a float" "$h" "$t" 'memacct_x_bytes 1.5'
lint_rejects "a counter" "$h" '# TYPE memacct_x_bytes counter' 'memacct_x_bytes 1'

finish
