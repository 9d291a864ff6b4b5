#!/bin/bash
# Exit status 2: usage errors, said on stderr with the program's name, nothing on stdout.
. "$(dirname "$0")/lib.sh"

quiet=$(fixture quiet)
usage()
{
	expect_rc 2 "$@" || return
	check "memacct-cli $*: the message starts with 'memacct-cli: ', got '$err'" \
		grep -q '^memacct-cli: ' "$tmp/err"
	check "memacct-cli $*: a hint to --help" grep -q -- "--help" "$tmp/err"
	check "memacct-cli $*: nothing on stdout" test -z "$out"
}

usage nosuchcommand
usage --nosuchoption
usage -x
usage meminfo --nosuchoption
usage meminfo extra-argument
usage report extra-argument
usage check extra-argument
usage --format
usage --format xml
usage meminfo --format yaml
usage --root
usage --root ''
usage check --tolerance
usage check --root "$quiet" --tolerance abc
usage check --root "$quiet" --tolerance -5
usage check --root "$quiet" --tolerance 101%
usage check --root "$quiet" --tolerance 0.12345%
usage check --root "$quiet" --tolerance 99999999999999999999
usage check --root "$quiet" --tolerance 20000000000G
usage check --root "$quiet" --tolerance 4096X
usage check --root "$quiet" --only no.such_identity
usage check --root "$quiet" --only meminfo.slab_split,nosuch.*
usage check --root "$quiet" --skip 'nosuchgroup.*'
usage check --root "$quiet" --only '*'
usage check --root "$quiet" --only ''
usage check --root "$quiet" --only 'meminfo.slab_split,,meminfo.active_split'
usage check --root "$quiet" --list --format prom
# --fold needs a live procfs root: a captured tree is not one.
usage check --root "$quiet" --fold

run check --root "$quiet" --only no.such_identity
check "an unknown identity is named" grep -qF "no.such_identity" "$tmp/err"
run --format xml
check "a bad format is named" grep -qF "xml" "$tmp/err"
run meminfo --nosuchoption
check "an unknown option is named" grep -qF -- "--nosuchoption" "$tmp/err"

finish
