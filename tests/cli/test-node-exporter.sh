#!/bin/bash
# End to end: the --format prom files of several commands, published the way the README says
# (write, then mv), served by node_exporter's textfile collector and scraped with curl. Every
# series of every file comes back with its value, and node_exporter reports no error: no parse
# error, no series "collected before with the same name and label values", no family whose
# HELP differs between files (node_exporter answers 200 and logs those, dropping the series).
# Needs Debian's prometheus-node-exporter, curl and python3; installs nothing.
. "$(dirname "$0")/lib.sh"
NE=/usr/bin/prometheus-node-exporter
if [ ! -x "$NE" ]; then
	echo "SKIP: $NE is not installed (Debian package prometheus-node-exporter)"
	exit 77
fi
need curl
need python3

dir=$tmp/textfile
mkdir "$dir"
nepid=
sleep 300 &
spid=$!
trap 'kill $nepid $spid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do
	[ "$(cat "/proc/$spid/comm" 2>/dev/null)" = sleep ] && break
	sleep 0.05
done

# publish NAME WANT-RCS ARGS...: DIR/NAME.prom, atomically, as a cron job would; the exit
# status is one of the comma-separated WANT-RCS (check exits 1 on a violation and still writes).
publish()
{
	local name=$1 want=$2
	shift 2
	"$CLI" "$@" --format prom >"$dir/$name.prom.$$" 2>"$tmp/err"
	rc=$?
	mv "$dir/$name.prom.$$" "$dir/$name.prom"
	if [[ ,$want, != *,$rc,* ]]; then
		fail "$* --format prom: exit $rc, want $want; stderr: $(cat "$tmp/err")"
	else
		pass
	fi
	check "$name.prom is not empty" test -s "$dir/$name.prom"
}

publish memacct 0 report
publish memacct-top 0 top
publish memacct-check 0,1 check
publish memacct-meminfo 0 meminfo
publish memacct-proc 0 proc "$spid"
publish memacct-maps 0 maps "$spid"
publish memacct-kernel 0 kernel
if [ "$(id -u)" = 0 ] && [ -r /proc/kpageflags ] && [ -r /proc/kpagecount ]; then
	publish memacct-pages 0 pages
fi

# start_exporter: on a free port of 127.0.0.1, tried at random; sets $port and $nepid. The
# log line "Listening on" comes after the bind, so curl then reaches this exporter.
start_exporter()
{
	local try i
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 40000))
		"$NE" --collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$dir" \
			--web.listen-address="127.0.0.1:$port" >"$tmp/ne.log" 2>&1 &
		nepid=$!
		for i in $(seq 100); do
			kill -0 "$nepid" 2>/dev/null || break
			if grep -q 'msg="Listening on"' "$tmp/ne.log" &&
				curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null; then
				return 0
			fi
			sleep 0.1
		done
		kill "$nepid" 2>/dev/null
		wait "$nepid" 2>/dev/null
		echo "node_exporter on port $port (try $try, $i polls): $(tail -1 "$tmp/ne.log")" >&2
	done
	nepid=
	return 1
}

if ! start_exporter; then
	fail "node_exporter did not answer on any of 8 ports: $(cat "$tmp/ne.log")"
	finish
fi
pass

# compare METRICS FILE...: every sample of the FILEs is in METRICS with the same value (as
# the float64 node_exporter holds it), their families have the same HELP, and METRICS has no
# memacct_ sample that no FILE has. node_exporter sorts label names; values are compared
# parsed, labels escaped as both sides write them.
compare()
{
	python3 - "$@" <<'EOF'
import re, sys

sample = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})? (\S+)$')
label = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)",?')

def parse(path):
    samples, helps = {}, {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('# HELP '):
                name, _, text = line[7:].partition(' ')
                helps[name] = text
                continue
            if not line.startswith('memacct_'):
                continue
            m = sample.match(line)
            if not m:
                print(f'{path}: unparsable: {line}')
                sys.exit(1)
            labels = tuple(sorted(label.findall(m.group(2) or '')))
            samples[(m.group(1), labels)] = float(m.group(3))
    return samples, helps

got, got_help = parse(sys.argv[1])
want, want_help = {}, {}
bad = 0
for path in sys.argv[2:]:
    s, h = parse(path)
    for k, v in s.items():
        if k in want:
            print(f'{path}: {k[0]}{dict(k[1])} is also in another file')
            bad += 1
        want[k] = v
    for n, t in h.items():
        if want_help.setdefault(n, t) != t:
            print(f'{path}: HELP of {n} differs from another file\'s')
            bad += 1
for k, v in want.items():
    if k not in got:
        print(f'missing from the scrape: {k[0]}{dict(k[1])} {v}')
        bad += 1
    elif got[k] != v:
        print(f'{k[0]}{dict(k[1])}: scraped {got[k]!r}, the file has {v!r}')
        bad += 1
for k in got:
    if k not in want:
        print(f'scraped but in no file: {k[0]}{dict(k[1])}')
        bad += 1
for n, t in want_help.items():
    if got_help.get(n) != t:
        print(f'HELP of {n}: scraped {got_help.get(n)!r}, the file has {t!r}')
        bad += 1
print(f'{len(want)} series compared')
sys.exit(1 if bad else 0)
EOF
}

# scrape_ok WHAT: scrape once and check what node_exporter served and logged.
scrape_ok()
{
	local what=$1 f out
	if ! curl -fsS -o "$tmp/metrics" "http://127.0.0.1:$port/metrics" 2>"$tmp/err"; then
		fail "$what: curl: $(cat "$tmp/err")"
		return
	fi
	pass
	check "$what: node_textfile_scrape_error 0" \
		grep -qxF 'node_textfile_scrape_error 0' "$tmp/metrics"
	for f in "$dir"/*.prom; do
		check "$what: node_exporter read $(basename "$f")" \
			grep -qF "node_textfile_mtime_seconds{file=\"$f\"}" "$tmp/metrics"
	done
	check "$what: no temporary file left" test -z "$(find "$dir" -name '*.prom.*')"
	check "$what: node_exporter logged no error: $(grep 'level=error' "$tmp/ne.log")" \
		test -z "$(grep -E 'level=error|collected before|has help|failed to parse' "$tmp/ne.log")"
	if out=$(compare "$tmp/metrics" "$dir"/*.prom 2>&1); then
		pass
	else
		fail "$what: the scrape differs from the files: $(printf '%s\n' "$out" | head -10)"
	fi
	check "$what: memacct_ series scraped" grep -q '^memacct_' "$tmp/metrics"
}

scrape_ok "$(find "$dir" -name '*.prom' | wc -l) files"

# The checks above must see a conflict when there is one: a family whose HELP differs from
# the report's, and a series the report already has. node_exporter still answers 200.
{
	echo '# HELP memacct_report_memtotal_bytes Another help text.'
	echo '# TYPE memacct_report_memtotal_bytes gauge'
	echo 'memacct_report_memtotal_bytes 1'
} >"$dir/conflict.prom.$$"
mv "$dir/conflict.prom.$$" "$dir/conflict.prom"
check "a conflicting file: node_exporter still answers" \
	curl -fsS -o "$tmp/metrics" "http://127.0.0.1:$port/metrics"
sleep 0.2
check "a conflicting file: node_exporter logs it" grep -qE 'has help|collected before' "$tmp/ne.log"
if compare "$tmp/metrics" "$dir"/*.prom >/dev/null 2>&1; then
	fail "a conflicting file: the comparison does not see it"
else
	pass
fi
rm "$dir/conflict.prom"

finish
