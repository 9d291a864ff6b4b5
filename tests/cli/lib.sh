# Sourced by the CLI tests: $1 is the memacct-cli binary, $2 the fixtures directory.
# shellcheck shell=bash disable=SC2016
set -u

CLI=$1
FIXTURES=$2
failures=0
checks=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memacct-cli-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail()
{
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

pass()
{
	checks=$((checks + 1))
}

need()
{
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "SKIP: $1 is not installed"
		exit 77
	fi
}

# run ARGS...: sets $out (stdout), $err (stderr) and $rc; stdout is also in $tmp/out.
run()
{
	"$CLI" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# shellcheck disable=SC2034 # read by the tests
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect_rc WANT ARGS...: run and check the exit status.
expect_rc()
{
	local want=$1
	shift
	run "$@"
	if [ "$rc" != "$want" ]; then
		fail "memacct-cli $*: exit $rc, want $want; stderr: $err"
		return 1
	fi
	pass
	return 0
}

# check COND-DESCRIPTION COMMAND...: a plain assertion.
check()
{
	local what=$1
	shift
	if "$@"; then
		pass
	else
		fail "$what"
	fi
}

fixture()
{
	echo "$FIXTURES/$1/proc"
}

need_fixture()
{
	if [ ! -f "$FIXTURES/$1/proc/meminfo" ]; then
		fail "fixture $1 is missing ($FIXTURES/$1/proc/meminfo)"
		return 1
	fi
	return 0
}

# Every fixture tree, damaged ones included.
all_fixtures()
{
	local d
	for d in "$FIXTURES"/*/proc; do
		[ -f "$d/meminfo" ] && basename "$(dirname "$d")"
	done
}

finish()
{
	if [ "$failures" -ne 0 ]; then
		echo "$failures of $((checks + failures)) checks failed"
		exit 1
	fi
	echo "$checks checks passed"
	exit 0
}
