# Durability of tamgad's sign role (DESIGN.md §5: a signed file is returned
# only after its registry row is committed): 30 sign requests in parallel,
# SIGKILL in the middle, then sqlite3 and sha256sum judge what is on disk.
#   - every row in documents has its copy, and the copy's SHA-256 is the row's;
#   - every document a client received with 201 has its row, and is that copy;
#   - tamga registry audit says the hash chain is intact.
. "$TAMGA_ROOT/tests/lib.sh"
TAMGAD=$TAMGA_BUILD/bin/tamgad
for t in curl python3 sqlite3 sha256sum; do
    command -v "$t" >/dev/null || { not_ok "$t is installed (scripts/deps.sh test)"; exit 1; }
done
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT

echo 'CA passphrase for tests' > ca.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Crash Test Agency' --out a > /dev/null 2>&1
D=$PWD/data
T=$("$TAMGA" registry token add --data "$D" --agency 'Crash Test Agency' --key a.key --cert a.crt --chain a-chain.pem 2>&1 | tail -n 1)
case $T in tmg_*) ok "an agency and its token" ;; *) not_ok "an agency and its token ($T)"; exit 1 ;; esac
python3 "$TAMGA_ROOT/bench/mkpdf.py" 3 doc.pdf

"$TAMGAD" --role sign --listen 127.0.0.1:0 --data "$D" --threads 4 --verify-url https://verify.example.mn 2> sign.log &
pid=$!
PIDS+=("$pid")
url=""
for i in $(seq 200); do
    url=$(sed -n 's/^listening on //p' sign.log | head -1)
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] && ok "sign role is listening" || { not_ok "sign role is listening"; sed 's/^/# /' sign.log; exit 1; }

N=30
for i in $(seq $N); do
    curl -s -o "out$i.pdf" -D "out$i.h" -w '%{http_code}' -H "Authorization: Bearer $T" \
        -H 'Content-Type: application/pdf' --data-binary @doc.pdf "$url/api/v1/sign?title=doc$i" > "status$i" 2>/dev/null &
done
# kill once some (not all) documents are registered
for i in $(seq 400); do
    n=$(grep -c 'status=201' sign.log)
    [ "$n" -ge 5 ] && break
    sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
wait
got=0
for i in $(seq $N); do [ "$(cat "status$i")" = 201 ] && got=$((got + 1)); done
ok "SIGKILL after $n logged answers; clients got $got answers of 201"

rows=$(sqlite3 "$D/registry.db" 'select count(*) from documents')
[ "$rows" -ge "$got" ] && ok "rows ($rows) >= answers with 201 ($got)" || not_ok "rows ($rows) >= answers with 201 ($got)"
bad=0
while IFS='|' read -r code sha; do
    f=$(find "$D/copies" -type f -name "*${sha:2}*" | head -1)
    if [ -z "$f" ] || [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$sha" ]; then
        bad=$((bad + 1)); echo "# row $code: copy ${f:-missing}"
    fi
done < <(sqlite3 "$D/registry.db" 'select code, sha256 from documents')
[ "$bad" = 0 ] && ok "every row has its copy, with the row's SHA-256" || not_ok "every row has its copy ($bad bad)"
bad=0
for i in $(seq $N); do
    [ "$(cat "status$i")" = 201 ] || continue
    code=$(tr -d '\r' < "out$i.h" | awk -F': ' 'tolower($1) == "x-document-code" { print $2 }')
    sha=$(sha256sum "out$i.pdf" | cut -d' ' -f1)
    row=$(sqlite3 "$D/registry.db" "select sha256 from documents where code = '$code'")
    [ "$row" = "$sha" ] || { bad=$((bad + 1)); echo "# $code: row '$row', file $sha"; }
done
[ "$bad" = 0 ] && ok "every 201 answer has its row, and the row is that file" || not_ok "every 201 answer has its row ($bad missing)"
expect 0 "tamga registry audit: the chain is intact after the crash" "$TAMGA" registry audit --data "$D"

# the registry still opens: a new tamgad serves it
"$TAMGAD" --role sign --listen 127.0.0.1:0 --data "$D" --verify-url https://verify.example.mn 2> sign2.log &
pid=$!
PIDS+=("$pid")
for i in $(seq 200); do url=$(sed -n 's/^listening on //p' sign2.log | head -1); [ -n "$url" ] && break; sleep 0.05; done
s=$(curl -s -o again.pdf -w '%{http_code}' -H "Authorization: Bearer $T" -H 'Content-Type: application/pdf' \
    --data-binary @doc.pdf "$url/api/v1/sign")
[ "$s" = 201 ] && ok "after the crash a new tamgad signs again" || { not_ok "after the crash a new tamgad signs again ($s)"; sed 's/^/# /' sign2.log | tail; }
kill -TERM "$pid"; wait "$pid"; rc=$?
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit 0 ($rc)"
