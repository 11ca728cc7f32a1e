# tests/lib_pki.sh - for tests that run a CA's publication point
# (tests/tools/pki_server.py: CRLs and OCSP on 127.0.0.1) and a test TSA
# (sourced after tests/lib.sh).  Sets PORT and BASE (the --base-url to give
# `tamga pki init`), makes srv/crl/ (what the server serves), and stops the
# server and the TSA (SERVER, TSA: their PIDs) on exit.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
mkdir -p srv/crl
SERVER= TSA=
start_server() {
    python3 "$TAMGA_ROOT/tests/tools/pki_server.py" "$PORT" "$PWD/srv" > server.log 2>&1 &
    SERVER=$!
    for _ in $(seq 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && return 0
        sleep 0.1
    done
    not_ok "the publication point started"; sed 's/^/# /' server.log
}
stop_server() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; SERVER=; }
stop_tsa() { [ -n "$TSA" ] && kill "$TSA" 2>/dev/null && wait "$TSA" 2>/dev/null; TSA=; }
trap 'stop_server; stop_tsa' EXIT

# json_is DESC EXPR WANT : a Python expression over out.txt's report `j`.
json_is() {
    local got
    got=$(python3 -c 'import json,sys; j=json.load(open("out.txt")); print(eval(sys.argv[1]))' "$2" 2>&1)
    if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$got', want '$3')"; fi
}
