# tamga registry end to end: agencies and tokens from a CA made by tamga pki,
# documents signed and registered by tests/tools/registry_add (as tamgad's
# sign role does), then listed, shown, revoked, superseded and audited with
# the CLI.  Independent readers: the sqlite3 CLI on the database file,
# python3's json module on the JSON output, sha256sum and cmp on the copies.
. "$TAMGA_ROOT/tests/lib.sh"
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
ADD=$TAMGA_BUILD/tests/tools/registry_add
for t in sqlite3 python3 sha256sum; do
    command -v "$t" >/dev/null || { not_ok "$t is installed"; exit 1; }
done
[ -x "$ADD" ] || { not_ok "registry_add was built ($ADD)"; exit 1; }
D=data
db() { sqlite3 "$D/registry.db" "$@"; }
# json FILE EXPR : evaluate a python expression over the parsed JSON (j)
json() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# is DESC GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi; }

# ------------------------------------------------------------ PKI: two agencies
echo 'CA passphrase for tests' > ca.pass
echo 'signer key passphrase' > key.pass
echo 'wrong passphrase here' > wrong.pass
"$TAMGA" pki init --dir ca --ca-pass-file ca.pass > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --pass-file key.pass --cn 'Улсын бүртгэлийн ерөнхий газар' --out a > /dev/null
"$TAMGA" pki issue --dir ca --ca-pass-file ca.pass --no-encrypt --cn 'Нийгмийн даатгалын газар' --out b > /dev/null 2>&1
openssl pkcs12 -export -inkey b.key -in b.crt -certfile b-chain.pem -name b -out b.p12 -passout pass:p12-passphrase
echo p12-passphrase > p12.pass
A='Улсын бүртгэлийн ерөнхий газар'
B='Нийгмийн даатгалын газар'

# ------------------------------------------------------------ usage
for sub in "token add" "token revoke" "token list" "agency show" list show revoke supersede audit; do
    # shellcheck disable=SC2086
    expect 0 "registry $sub --help" "$TAMGA" registry $sub --help
    has "registry $sub --help shows its usage" out.txt "^Usage: tamga registry $sub"
done
expect 0 "registry --help lists the subcommands" "$TAMGA" registry --help
has "registry --help names token" out.txt '^  token '
expect 3 "registry with no subcommand is a usage error" "$TAMGA" registry
expect 3 "token add without --agency" "$TAMGA" registry token add --data $D --key a.key --cert a.crt
expect 3 "token add with both --key and --p12" "$TAMGA" registry token add --data $D --agency X --key a.key --cert a.crt --p12 b.p12
expect 3 "list without --data" "$TAMGA" registry list
expect 3 "list --format xml" "$TAMGA" registry list --data $D --format xml
expect 3 "list --limit -1" "$TAMGA" registry list --data $D --limit -1
expect 3 "revoke without --reason" "$TAMGA" registry revoke --data $D 7K3M-9QX2-HB4T-ZW8R-S
expect 3 "supersede without --by" "$TAMGA" registry supersede --data $D 7K3M-9QX2-HB4T-ZW8R-S
expect 3 "list of a missing registry" "$TAMGA" registry list --data $D
has "it says there is no registry" err.txt 'no registry'

# ------------------------------------------------------------ tokens
expect 3 "token add with the wrong passphrase" "$TAMGA" registry token add --data $D --agency "$A" --key a.key --cert a.crt --pass-file wrong.pass
[ ! -e $D ] && ok "a refused token add creates no registry" || not_ok "a refused token add creates no registry"
expect 3 "token add with a key that is not the certificate's" "$TAMGA" registry token add --data $D --agency "$A" --key b.key --cert a.crt
expect 0 "token add (PEM key, chain, passphrase file)" "$TAMGA" registry token add --data $D --agency "$A" --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass
TOKA=$(tail -n 1 out.txt)
IDA=$(awk '$1 == "token" && $2 == "id" { print $3 }' out.txt)
[[ $TOKA =~ ^tmg_[A-Za-z0-9_-]{43}$ ]] && ok "the token is the last line, tmg_ + 43 base64url" || not_ok "the token is the last line ($TOKA)"
has "the agency is printed" out.txt "^agency +$A\$"
is "the token id is the first 12 hex digits of the token's SHA-256" "$IDA" "$(printf %s "$TOKA" | sha256sum | cut -c1-12)"
TAMGA_PASS=p12-passphrase "$TAMGA" registry token add --data $D --agency "$B" --p12 b.p12 > outb.txt 2> errb.txt \
    && ok "token add (PKCS#12, passphrase from TAMGA_PASS)" || { not_ok "token add (PKCS#12)"; sed 's/^/# /' errb.txt; }
TOKB=$(tail -n 1 outb.txt)
IDB=$(awk '$1 == "token" && $2 == "id" { print $3 }' outb.txt)

# Stamp settings (in a registry of their own, so the counts below hold):
# set with token add, kept by a token add without them, replaced as a
# whole by one with them; agency show prints them.
SD=$PWD/stampdata
expect 0 "token add without stamp flags: a new agency" "$TAMGA" registry token add --data $SD --agency "$A" \
    --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass
expect 0 "agency show: defaults" "$TAMGA" registry agency show --data $SD "$A"
has "agency show names the agency" out.txt "^agency +$A \(id [0-9]+\)\$"
has "default placement: first page" out.txt '^stamp +first page, bottom right$'
has "default caption: from the certificate" out.txt '^caption +\(the organisation in the certificate\)$'
expect 0 "token add with --caption twice and --placement last" "$TAMGA" registry token add --data $SD --agency "$A" \
    --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass --caption 'Тест газар' --caption 'Test Office' \
    --placement last
expect 0 "token add without stamp flags" "$TAMGA" registry token add --data $SD --agency "$A" \
    --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass
expect 0 "agency show after both" "$TAMGA" registry agency show --data $SD "$A"
has "placement last is kept" out.txt '^stamp +last page, bottom right$'
is "the caption lines are kept, in order" "$(sed -n 's/^caption  *//p' out.txt | paste -sd '|')" 'Тест газар|Test Office'
is "sqlite3 sees them in the agencies row" "$(sqlite3 $SD/registry.db "SELECT caption || '|' || placement || '|' || no_stamp FROM agencies WHERE name = '$A'")" \
    "$(printf 'Тест газар\nTest Office|last|0')"
expect 0 "token add --no-stamp replaces them" "$TAMGA" registry token add --data $SD --agency "$A" \
    --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass --no-stamp
expect 0 "agency show: no stamp" "$TAMGA" registry agency show --data $SD "$A"
has "no stamp is shown" out.txt '^stamp +none'
hasnt "and no caption" out.txt '^caption'
expect 0 "token add --placement first alone resets the rest" "$TAMGA" registry token add --data $SD --agency "$A" \
    --key a.key --cert a.crt --chain a-chain.pem --pass-file key.pass --placement first
is "back to the defaults" "$(sqlite3 $SD/registry.db "SELECT caption || '|' || placement || '|' || no_stamp FROM agencies WHERE name = '$A'")" '|first|0'
expect 1 "agency show of an unknown agency: exit 1" "$TAMGA" registry agency show --data $SD 'no such agency'
expect 3 "five --caption lines: usage error" "$TAMGA" registry token add --data $SD --agency "$A" --key a.key --cert a.crt \
    --caption 1 --caption 2 --caption 3 --caption 4 --caption 5
expect 3 "a 201-byte --caption: usage error" "$TAMGA" registry token add --data $SD --agency "$A" --key a.key --cert a.crt \
    --caption "$(head -c 201 /dev/zero | tr '\0' x)"
expect 3 "--placement middle: usage error" "$TAMGA" registry token add --data $SD --agency "$A" --key a.key --cert a.crt \
    --placement middle
expect 3 "--no-stamp with --caption: usage error" "$TAMGA" registry token add --data $SD --agency "$A" --key a.key \
    --cert a.crt --no-stamp --caption x
expect 3 "a caption line with a control character is refused" "$TAMGA" registry token add --pass-file key.pass \
    --data $SD --agency "$A" --key a.key --cert a.crt --caption "$(printf 'a\tb')"
has "it says why" err.txt 'caption line 1 is not UTF-8 text without control characters'

# The database, read by sqlite3 itself.
is "journal mode is WAL" "$(db 'PRAGMA journal_mode')" wal
is "schema version 2" "$(db 'PRAGMA user_version')" 2
is "paths are stored absolute" "$(db "SELECT key_path || ' ' || cert_path || ' ' || chain_path FROM agencies WHERE name = '$A'")" \
    "$PWD/a.key $PWD/a.crt $PWD/a-chain.pem"
is "a PKCS#12 agency has no certificate path" "$(db "SELECT key_path || '|' || cert_path FROM agencies WHERE name = '$B'")" "$PWD/b.p12|"
is "the stored token is its SHA-256" "$(db "SELECT count(*) FROM tokens WHERE sha256 = '$(printf %s "$TOKA" | sha256sum | cut -c1-64)'")" 1
if grep -aqF "${TOKA#tmg_}" $D/registry.db $D/registry.db-wal 2>/dev/null; then not_ok "the token itself is nowhere in the database files"
else ok "the token itself is nowhere in the database files"; fi
is "the database is private (0600)" "$(stat -c %a $D/registry.db)" 600
is "the data directory is private (0700)" "$(stat -c %a $D)" 700

# ------------------------------------------------------------ documents
python3 "$MKPDF" 1 in.pdf
reg_add() { "$ADD" --data $D "$@" --in in.pdf; }
expect 0 "sign and register d1 as agency A" reg_add --token "$TOKA" --pass-file key.pass --out d1.pdf --title 'Лавлагаа 1' --subject 'УБ12345678'
C1=$(awk '$1 == "code" { print $2 }' out.txt)
expect 0 "sign and register d2 as agency A" reg_add --token "$TOKA" --pass-file key.pass --out d2.pdf --title 'Лавлагаа 2'
C2=$(awk '$1 == "code" { print $2 }' out.txt)
expect 0 "sign and register d3 as agency B" reg_add --token "$TOKB" --pass-file p12.pass --out d3.pdf --title 'Тодорхойлолт'
C3=$(awk '$1 == "code" { print $2 }' out.txt)
has "d3 belongs to agency B" out.txt "^agency $B\$"
expect 0 "sign and register d4 as agency A" reg_add --token "$TOKA" --pass-file key.pass --out d4.pdf --title 'Лавлагаа 2, засварласан'
C4=$(awk '$1 == "code" { print $2 }' out.txt)
expect 1 "a made-up token registers nothing" reg_add --token "tmg_$(printf 'A%.0s' {1..43})" --out x.pdf
[ ! -e x.pdf ] && ok "and writes no signed file" || not_ok "and writes no signed file"

# list, text and JSON
expect 0 "registry list" "$TAMGA" registry list --data $D
is "list shows 4 documents" "$(wc -l < out.txt)" 4
has "list shows d3 with its agency and title" out.txt "^$C3 +valid +[0-9T:Z-]+ +$B +Тодорхойлолт\$"
expect 0 "registry list --format json" "$TAMGA" registry list --data $D --format json
cp out.txt list.json
is "JSON list: 4 documents" "$(json list.json 'len(j)')" 4
is "JSON list: the codes, newest first" "$(json list.json '" ".join(d["code"] for d in j)')" "$C4 $C3 $C2 $C1"
is "JSON list: all valid" "$(json list.json '",".join(sorted(set(d["status"] for d in j)))')" valid
expect 0 "registry list --limit 2 --format json" "$TAMGA" registry list --data $D --limit 2 --format json
cp out.txt list2.json
is "JSON list --limit 2: the two newest" "$(json list2.json '" ".join(d["code"] for d in j)')" "$C4 $C3"

# show: any spelling of the code
LOWER=$(echo "$C1" | tr -d - | tr 'A-Z' 'a-z')
expect 0 "show d1 by its lower-case URL form" "$TAMGA" registry show --data $D "$LOWER" --format json
cp out.txt d1.json
is "show: the printed code" "$(json d1.json 'j["code"]')" "$C1"
is "show: sha256 is the signed file's" "$(json d1.json 'j["sha256"]')" "$(sha256sum d1.pdf | cut -c1-64)"
is "show: original_sha256 is the input's" "$(json d1.json 'j["original_sha256"]')" "$(sha256sum in.pdf | cut -c1-64)"
is "show: size is the signed file's" "$(json d1.json 'j["size"]')" "$(stat -c %s d1.pdf)"
is "show: agency, title, status" "$(json d1.json 'j["agency"] + "/" + j["title"] + "/" + j["status"]')" "$A/Лавлагаа 1/valid"
is "show: signer is A's certificate" "$(json d1.json 'j["signer_sha256"]')" \
    "$(openssl x509 -in a.crt -outform DER | sha256sum | cut -c1-64)"
is "show: a keyed subject hash, not the reference" "$(json d1.json 'len(j["subject_hash"] or "")')" 64
hasnt "the reference itself is not in the database" <(db .dump) 'УБ12345678|уб12345678'
SHA=$(json d1.json 'j["sha256"]')
cmp -s d1.pdf "$D/copies/${SHA:0:2}/${SHA:2}" && ok "the stored copy is the signed file" || not_ok "the stored copy is the signed file"
is "the stored copy is private (0600)" "$(stat -c %a "$D/copies/${SHA:0:2}/${SHA:2}")" 600
expect 0 "show (text)" "$TAMGA" registry show --data $D "$C3"
has "text show: status" out.txt '^status +valid$'
has "text show: agency" out.txt "^agency +$B \\(id [0-9]+\\)\$"
expect 1 "show of an unregistered code exits 1" "$TAMGA" registry show --data $D 7K3M-9QX2-HB4T-ZW8R-S
expect 3 "show of something that is not a code exits 3" "$TAMGA" registry show --data $D 'not-a-code'

# revoke, supersede
expect 0 "revoke d1" "$TAMGA" registry revoke --data $D "$C1" --reason 'issued in error'
has "revoke says so" out.txt "^revoked $C1\$"
"$TAMGA" registry show --data $D "$C1" --format json > d1.json
is "d1 is revoked, with the reason" "$(json d1.json 'j["status"] + "/" + j["status_reason"]')" "revoked/issued in error"
expect 3 "revoking d1 again is refused" "$TAMGA" registry revoke --data $D "$C1" --reason again
has "it says the document is revoked already" err.txt 'revoked already'
expect 3 "supersede by a revoked document is refused" "$TAMGA" registry supersede --data $D "$C2" --by "$C1"
expect 3 "supersede by itself is refused" "$TAMGA" registry supersede --data $D "$C2" --by "$C2"
expect 3 "supersede by an unregistered code is refused" "$TAMGA" registry supersede --data $D "$C2" --by 7K3M-9QX2-HB4T-ZW8R-S
expect 0 "supersede d2 by d4" "$TAMGA" registry supersede --data $D "$C2" --by "$(echo "$C4" | tr -d -)" --reason 'name corrected'
"$TAMGA" registry show --data $D "$C2" --format json > d2.json
is "d2 is superseded by d4" "$(json d2.json 'j["status"] + " " + j["replaced_by"]')" "superseded $C4"
is "the database agrees" "$(db "SELECT status || ' ' || replaced_by FROM documents WHERE code = '$C2'")" "superseded $C4"

# ------------------------------------------------------------ token list, revoke
expect 0 "token list" "$TAMGA" registry token list --data $D
has "token list shows A's token id" out.txt "^$IDA +[0-9T:Z-]+ +- +$A\$"
hasnt "token list shows no token" out.txt 'tmg_'
expect 0 "token revoke by id" "$TAMGA" registry token revoke --data $D "$IDA"
expect 0 "token list after revoking" "$TAMGA" registry token list --data $D
has "A's token shows its revocation time" out.txt "^$IDA +[0-9T:Z-]+ +[0-9]{4}-[0-9T:Z-]+ +$A\$"
expect 1 "a revoked token registers nothing" reg_add --token "$TOKA" --pass-file key.pass --out y.pdf
expect 3 "revoking it again is refused" "$TAMGA" registry token revoke --data $D "$IDA"
expect 3 "a token id of 4 digits is refused" "$TAMGA" registry token revoke --data $D "${IDB:0:4}"
expect 0 "token revoke by the token itself" "$TAMGA" registry token revoke --data $D "$TOKB"
hasnt "which is not echoed" out.txt 'tmg_'
is "both tokens are revoked in the database" "$(db 'SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL')" 2

# ------------------------------------------------------------ audit
N=$(db 'SELECT count(*) FROM audit')
is "the audit log has every change (2 token-add, 4 issue, revoke, supersede, 2 token-revoke)" "$N" 10
is "the events, in order" "$(db "SELECT group_concat(event, ' ') FROM (SELECT event FROM audit ORDER BY seq)")" \
    "token-add token-add issue issue issue issue revoke supersede token-revoke token-revoke"
expect 0 "registry audit: intact" "$TAMGA" registry audit --data $D
HEAD=$(db "SELECT hash FROM audit WHERE seq = $N")
has "it counts the entries and prints the head as stored" out.txt "^$N entries, chain intact, head $N:$HEAD\$"
# A chain alone cannot show that its newest entries were removed: a witness
# (the head an earlier audit printed, kept elsewhere) can.
cp -r $D data-trunc
sqlite3 data-trunc/registry.db "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > $((N - 2))"
expect 0 "the chain of a truncated log is still intact" "$TAMGA" registry audit --data data-trunc
expect 1 "with the earlier head as witness, the truncation is found" "$TAMGA" registry audit --data data-trunc \
    --witness "$N:$HEAD"
has "it says the witnessed entry is missing" out.txt "^chain broken: audit entry $N is missing .*truncated"
expect 0 "the witness is present in the intact log" "$TAMGA" registry audit --data $D --witness "$N:$HEAD" \
    --witness "3:$(db 'SELECT hash FROM audit WHERE seq = 3')"
has "it says so" out.txt "^witness 3:"
expect 1 "a witness hash that differs means the log was rewritten" "$TAMGA" registry audit --data $D \
    --witness "3:$(printf '%064d' 0)"
has "it names the entry" out.txt "^chain broken: audit entry 3: .*rewritten"
expect 3 "a malformed witness is a usage error" "$TAMGA" registry audit --data $D --witness "three:abc"
if db "UPDATE audit SET detail = 'x' WHERE seq = 7" 2> err.txt; then not_ok "an UPDATE through sqlite3 is refused by a trigger"
else has "an UPDATE through sqlite3 is refused by a trigger" err.txt 'append-only'; fi
cp -r $D data-copy
db "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'by operator; reason: routine' WHERE seq = 7"
expect 1 "registry audit after an edited entry exits 1" "$TAMGA" registry audit --data $D
has "it names the edited entry" out.txt '^chain broken: audit entry 7: .*changed'
sqlite3 data-copy/registry.db "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4"
expect 1 "registry audit after a deleted entry exits 1" "$TAMGA" registry audit --data data-copy
has "it names the entry after the gap" out.txt '^chain broken: audit entry 5: '

# ------------------------------------------------------------ several processes at once
# Eight token adds race to create one registry: it is created and migrated
# once, every writer waits its turn (busy timeout), and the chain holds.
for i in 1 2 3 4 5 6 7 8; do
    TAMGA_PASS='signer key passphrase' "$TAMGA" registry token add --data par --agency "agency $((i % 3))" \
        --key a.key --cert a.crt > "par$i.out" 2> "par$i.err" &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
is "eight concurrent token adds all succeed" "$fails" 0
[ "$fails" = 0 ] || cat par*.err | sed 's/^/# /' | head -10
is "eight tokens, three agencies" "$(sqlite3 par/registry.db 'SELECT count(*) FROM tokens') $(sqlite3 par/registry.db 'SELECT count(*) FROM agencies')" "8 3"
is "each schema migration applied once" "$(sqlite3 par/registry.db 'SELECT group_concat(version) FROM schema_history')" 1,2
expect 0 "the concurrently written audit chain is intact" "$TAMGA" registry audit --data par
has "with eight entries" out.txt '^8 entries, chain intact, head 8:[0-9a-f]{64}$'
