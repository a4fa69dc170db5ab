# lib.sh - helpers for the CLI end-to-end tests (POSIX sh).
#
#   run CODE CMD...          CMD must exit with CODE
#   run_err CODE PATTERN CMD...  ... and print PATTERN (grep -E) on stderr
#   run_out CODE PATTERN CMD...  ... and print PATTERN on stdout
#   check DESCRIPTION CMD... a shell condition that must hold
#   finish                   prints "N passed, M failed" and sets the exit code
#
# Output of the last command is in $T/out and $T/err.

C=$1
SRC=$2
SHARED=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/chancery-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
AUTHOR='Test Recorder <test@example.org>'
export CHANCERY_NOW=2004-03-12T09:00:00Z
# no identity from the machine: tests say who records
mkdir -p "$T/home"
export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1

_report() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $1"
	sed 's/^/  stderr: /' "$T/err" | head -n 5
}

run() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -ne "$want" ]; then _report "$* -> exit $rc, want $want"; return 1; fi
	PASS=$((PASS + 1))
}

run_err() {
	want=$1; pat=$2; shift 2
	run "$want" "$@" || return 1
	if ! grep -Eq -- "$pat" "$T/err"; then
		PASS=$((PASS - 1)); _report "$* -> stderr lacks /$pat/"; return 1
	fi
	# a failure is one clear line
	if [ "$want" -ne 0 ] && ! grep -q '^chancery: ' "$T/err"; then
		PASS=$((PASS - 1)); _report "$* -> no 'chancery: ' error line"; return 1
	fi
}

run_out() {
	want=$1; pat=$2; shift 2
	run "$want" "$@" || return 1
	if ! grep -Eq -- "$pat" "$T/out"; then
		PASS=$((PASS - 1)); _report "$* -> stdout lacks /$pat/"
		sed 's/^/  stdout: /' "$T/out" | head -n 5
		return 1
	fi
}

check() {
	desc=$1; shift
	if "$@" >/dev/null 2>&1; then PASS=$((PASS + 1)); else
		FAIL=$((FAIL + 1)); echo "FAIL: $desc"; fi
}

finish() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}

# new_office DIR: a new sample repository at DIR, entered, with the office's
# Git identity: where most scenarios start
new_office() {
	run 0 "$C" --author "$AUTHOR" init "$1"
	cd "$1" || exit 1
	git config user.name "Treaty Section"
	git config user.email "treaty@example.org"
}
