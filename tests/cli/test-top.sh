#!/bin/bash
# top: every process ranked, over a captured tree and the live /proc, while processes come and go.
. "$(dirname "$0")/lib.sh"
need jq

jq_ok()
{
	local what=$1 file=$2
	shift 2
	check "$what" jq -e "$@" "$file" >/dev/null
}

proc_keys='["comm","pid","pss","rss","swap","swap_pss","user","uss","vss"]'
value_keys='["pss","rss","swap","swap_pss","uss","vss"]'

# The shape: exactly these keys, values bytes or null.
shape='(keys == ["processes","skipped","totals"]) and
	(.skipped | keys == ["denied","failed","kernel_threads","vanished"]) and
	(.totals | keys == (["lacking","partial","processes"] + $v | sort)) and
	(.totals.lacking | keys == $v) and
	all(.processes[]; ([.[$v[]]] | all(. == null or (type == "number" and . >= 0))))'

# --- a captured tree: four processes sharing 64 MiB copy-on-write -------------
f=proc-cow-64m-x4
root=$FIXTURES/$f/proc
if [ ! -f "$FIXTURES/$f/MANIFEST" ]; then
	fail "fixture $f is missing"
	finish
fi
pids=$(sed -n 's/^pids: //p' "$FIXTURES/$f/MANIFEST")
npids=$(wc -w <<<"$pids")

# kb FILE FIELD: the kB value of "FIELD:" in FILE, times 1024.
kb()
{
	awk -v k="$2:" '$1 == k { print $2 * 1024; exit }' "$1"
}

expect_rc 0 top --root "$root" --format json
jq_ok "$f: JSON keys exactly" "$tmp/out" --argjson k "$proc_keys" --argjson v "$value_keys" \
	"$shape and all(.processes[]; keys == \$k)"
jq_ok "$f: every process, none skipped" "$tmp/out" --argjson n "$npids" \
	'(.processes | length) == $n and .totals.processes == $n and .totals.partial == 0 and
	 ([.skipped[]] | add) == 0'
sum=0
for pid in $pids; do
	want=$(kb "$root/$pid/smaps_rollup" Pss)
	sum=$((sum + want))
	jq_ok "$f: pid $pid pss = smaps_rollup Pss ($want)" "$tmp/out" --argjson p "$pid" \
		--argjson w "$want" '[.processes[] | select(.pid == $p)] | length == 1 and .[0].pss == $w'
	want=$(kb "$root/$pid/status" VmSize)
	jq_ok "$f: pid $pid vss = VmSize" "$tmp/out" --argjson p "$pid" --argjson w "$want" \
		'.processes[] | select(.pid == $p) | .vss == $w'
	uid=$(awk '$1 == "Uid:" { print $2 }' "$root/$pid/status")
	jq_ok "$f: pid $pid user is the captured uid as a string ($uid)" "$tmp/out" \
		--argjson p "$pid" --arg u "$uid" '.processes[] | select(.pid == $p) | .user == $u'
done
jq_ok "$f: totals.pss = the sum of the Pss lines ($sum)" "$tmp/out" --argjson s "$sum" \
	'.totals.pss == $s and ([.processes[].pss] | add) == $s'

# --limit: 0 is all; N cuts the rows, never the totals.
expect_rc 0 top --root "$root" --format json --limit 2
jq_ok "$f --limit 2: two rows, totals of all" "$tmp/out" --argjson n "$npids" \
	'(.processes | length) == 2 and .totals.processes == $n'
expect_rc 0 top --root "$root" --limit 0
check "$f table --limit 0: a row per process" \
	test "$(grep -cE '^ +[0-9]+ [0-9]+ +memstate ' "$tmp/out")" = "$npids"

# --by: groups whose counts add up to the processes.
expect_rc 0 top --root "$root" --format json --by command
jq_ok "$f --by command: one memstate group of every process" "$tmp/out" --argjson n "$npids" \
	--argjson s "$sum" '.processes == [.processes[0]] and .processes[0].comm == "memstate" and
	 .processes[0].count == $n and .processes[0].pss == $s and
	 (.processes[0] | keys) == ["comm","count","pss","rss","swap","swap_pss","uss","vss"]'
expect_rc 0 top --root "$root" --format json --by user
jq_ok "$f --by user: keys, counts" "$tmp/out" --argjson n "$npids" \
	'([.processes[].count] | add) == $n and all(.processes[]; keys ==
	 ["count","pss","rss","swap","swap_pss","user","uss","vss"])'

# A name with a quote and a backslash, escaped in JSON and in Prometheus labels.
mkdir -p "$tmp/odd"
first=${pids%% *}
mkdir "$tmp/odd/$first"
cp "$root/$first/smaps_rollup" "$tmp/odd/$first/"
sed 's/^Name:.*/Name:\tev"il\\\\x/' "$root/$first/status" >"$tmp/odd/$first/status"
expect_rc 0 top --root "$tmp/odd" --format json
jq_ok "odd name: round-trips in JSON" "$tmp/out" '.processes[0].comm == "ev\"il\\\\x"'
if command -v promtool >/dev/null; then
	expect_rc 0 top --root "$tmp/odd" --format prom
	check "odd name prom: promtool" promtool check metrics <"$tmp/out"
	check "odd name prom: label escaped" \
		grep -qF "memacct_process_pss_bytes{pid=\"$first\",comm=\"ev\\\"il\\\\\\\\x\"}" "$tmp/out"
	for by in process command user; do
		expect_rc 0 top --root "$root" --format prom --by "$by"
		check "$f prom --by $by: promtool" promtool check metrics <"$tmp/out"
	done
	check "$f prom --by user: a group's processes" \
		grep -qE '^memacct_user_processes\{user="[0-9]+"\} [0-9]+$' "$tmp/out"
	expect_rc 0 top --root "$root" --format prom
	check "$f prom: pss per process" test "$(grep -c '^memacct_process_pss_bytes{' "$tmp/out")" = "$npids"
	check "$f prom: the total" grep -qx "memacct_processes_pss_bytes $sum" "$tmp/out"
fi

# A tree without processes: empty, exit 0.
expect_rc 0 top --root "$(fixture quiet)" --format json
jq_ok "quiet: no process" "$tmp/out" '.processes == [] and .totals.processes == 0 and .totals.pss == null'

# --- the live /proc ------------------------------------------------------------
expect_rc 0 top --format json --limit 0
jq_ok "live: JSON keys exactly" "$tmp/out" --argjson k "$proc_keys" --argjson v "$value_keys" \
	"$shape and all(.processes[]; keys == \$k)"
jq_ok "live --limit 0: every process" "$tmp/out" '(.processes | length) == .totals.processes'
jq_ok "live: pid 1 is listed, user names are names" "$tmp/out" \
	'any(.processes[]; .pid == 1) and any(.processes[]; .user == "root" or (.user | test("^[0-9]+$")))'
jq_ok "live: rss >= pss >= uss where known" "$tmp/out" \
	'all(.processes[] | select(.pss != null); .rss >= .pss and .pss >= .uss)'
jq_ok "live: totals are the sums" "$tmp/out" \
	'.totals.rss == ([.processes[].rss | select(. != null)] | add)'
n=$(jq .totals.processes "$tmp/out")

for key in pss uss rss swap; do
	expect_rc 0 top --format json --sort "$key" --limit 0
	jq_ok "live --sort $key: largest first, null last" "$tmp/out" --arg k "$key" '
		[.processes[][$k]] as $v |
		($v | map(select(. != null))) as $known |
		($v[0:($known | length)] == $known) and ($known == ($known | sort | reverse))'
done

expect_rc 0 top --by user --format json
jq_ok "live --by user: counts add up, one row per user" "$tmp/out" '
	([.processes[].count] | add) == .totals.processes and
	([.processes[].user] | unique | length) == (.processes | length)'
expect_rc 0 top --by command --format json
jq_ok "live --by command: counts add up" "$tmp/out" \
	'([.processes[].count] | add) == .totals.processes'

expect_rc 0 top
check "live table: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
check "live table: printable ASCII" test -z "$(LC_ALL=C tr -d '\n -~' <"$tmp/out")"
rows=$(grep -cE '^ +[0-9]+ ' "$tmp/out")
if [ "$n" -gt 20 ]; then
	check "live table: 20 rows by default ($rows)" test "$rows" = 20
fi
check "live table: a total row" grep -qE '^ +total of [0-9]+ process' "$tmp/out"
for by in command user; do
	expect_rc 0 top --by "$by" --limit 0
	check "live table --by $by: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
done
if command -v promtool >/dev/null; then
	expect_rc 0 top --format prom
	check "live prom: promtool" promtool check metrics <"$tmp/out"
fi
# top and top --by user in one textfile collector: their totals are different series
expect_rc 0 top --format prom
check "prom: plain top's totals have no by label" grep -qE '^memacct_processes [0-9]+$' "$tmp/out"
expect_rc 0 top --by user --format prom
check "prom --by user: the totals carry by=\"user\"" \
	grep -qE '^memacct_processes\{by="user"\} [0-9]+$' "$tmp/out"
check "prom --by user: no total without the label" \
	test -z "$(grep -E '^memacct_processes(_[a-z_]+)? ' "$tmp/out")"

# While 300 short-lived processes start and exit, every scan succeeds.
(for _ in $(seq 300); do /bin/true; done) &
churn=$!
for i in $(seq 10); do
	expect_rc 0 top --format json --limit 0 || break
	jq_ok "churn scan $i: valid, consistent" "$tmp/out" \
		'(.processes | length) == .totals.processes and .skipped.vanished >= 0'
	expect_rc 0 top --limit 5 || break
done
wait "$churn"

# --- check --system: the identities over every process ---------------------------
expect_rc 0 check --list --format json
jq_ok "check --list: no system.* without --system" "$tmp/out" \
	'all(.identities[]; .id | startswith("system.") | not)'
expect_rc 0 check --list --system --format json
jq_ok "check --list --system: the four system.* identities" "$tmp/out" \
	'[.identities[].id | select(startswith("system."))] == ["system.pss_vs_mapped_anon",
	 "system.anonhuge_sum", "system.file_rss_ge_mapped", "system.swappss_le_used"]'
run check --system --only 'system.*' --format json
check "live check --system: exit 0 or 1 (got $rc: $err)" test "$rc" = 0 -o "$rc" = 1
jq_ok "live check --system: four results, none skipped, each says the scan is not one instant" \
	"$tmp/out" '(.results | length) == 4 and all(.results[]; .status != "skipped" and
	 (.reason | test("not one instant")))'
if [ "$(id -u)" = 0 ]; then
	# Other tests start and exit processes meanwhile: one of a few scans must agree.
	for _ in 1 2 3 4 5; do
		run check --system --only system.pss_vs_mapped_anon --format json
		jq -e '.results[0].status | IN("holds", "caveat")' "$tmp/out" >/dev/null && break
	done
	jq_ok "live check --system as root: Pss sum holds or names its caveat" "$tmp/out" \
		'.results[0].status | IN("holds", "caveat")'
fi
run check --system --root "$root" --only 'system.*' --format json
jq_ok "$f check --system: the four processes' sums are checked" "$tmp/out" \
	'(.results | length) == 4 and all(.results[]; .status != "skipped")'
run check --root "$root" --format json
jq_ok "check without --system: no system.* result" "$tmp/out" \
	'all(.results[]; .id | startswith("system.") | not)'
expect_rc 2 check --system --pid 1

# --- usage --------------------------------------------------------------------
expect_rc 2 top --sort vss
expect_rc 2 top --sort
expect_rc 2 top --limit -1
expect_rc 2 top --limit x
expect_rc 2 top --by group
expect_rc 2 top extra
expect_rc 2 top --bogus
expect_rc 3 top --root /nonexistent
check "missing root: message" grep -q '/nonexistent' <<<"$err"
expect_rc 0 top --help
check "top --help: Usage" grep -q '^Usage: memacct-cli top' "$tmp/out"
for t in Options: Output: "Exit status:" Examples: --sort --limit --by; do
	check "top --help mentions $t" grep -qF -- "$t" "$tmp/out"
done
check "top --help: within 80 columns" test -z "$(awk 'length > 80' "$tmp/out")"
expect_rc 0 help top
expect_rc 0 --help
check "global --help lists top" grep -qE '^  top +' "$tmp/out"

# --threads: the same ranking and totals whatever the count (duration aside)
r12=$(fixture report-12procs)
expect_rc 0 top --root "$r12" --format json --limit 0 --threads 1
jq -S 'del(.duration_ns, .duration_us)' "$tmp/out" >"$tmp/t1.json"
for n in 2 3 8; do
	expect_rc 0 top --root "$r12" --format json --limit 0 --threads "$n"
	jq -S 'del(.duration_ns, .duration_us)' "$tmp/out" >"$tmp/tn.json"
	check "top --threads $n: the output of --threads 1" cmp -s "$tmp/t1.json" "$tmp/tn.json"
done
expect_rc 2 top --threads -1
expect_rc 2 top --threads x

finish
