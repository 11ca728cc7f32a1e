# tests/lib.sh - helpers for the shell tests (sourced).  Each check prints a
# TAP line; tests/run counts them.  The working directory is a fresh
# temporary directory.
set -u
: "${TAMGA:?TAMGA must point at the tamga binary (run through tests/run)}"

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check DESC COMMAND... : ok when COMMAND succeeds.
check() {
    local desc=$1; shift
    if "$@" > check.out 2>&1; then ok "$desc"; else not_ok "$desc"; sed 's/^/# /' check.out | head -20; fi
}

# expect RC DESC COMMAND... : run COMMAND, ok when its exit status is RC.
# Its output is left in out.txt and err.txt.
expect() {
    local want=$1 desc=$2; shift 2
    "$@" > out.txt 2> err.txt
    local rc=$?
    if [ "$rc" = "$want" ]; then
        ok "$desc"
    else
        not_ok "$desc (exit $rc, expected $want)"
        sed 's/^/# stdout: /' out.txt | head -10
        sed 's/^/# stderr: /' err.txt | head -10
    fi
}

# has DESC FILE REGEX : ok when FILE has a line matching the extended REGEX.
has() {
    if grep -Eq -- "$3" "$2"; then ok "$1"; else not_ok "$1 (no /$3/ in $2)"; sed 's/^/# /' "$2" | head -30; fi
}

# hasnt DESC FILE REGEX : ok when no line of FILE matches.
hasnt() {
    if grep -Eq -- "$3" "$2"; then not_ok "$1 (/$3/ found in $2)"; grep -E -- "$3" "$2" | sed 's/^/# /' | head -5; else ok "$1"; fi
}
