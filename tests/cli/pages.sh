# tests/cli/pages.sh - the verify role's HTML (server/pages.c), rendered by
# tests/tools/render_pages in both languages and judged with python3's
# html.parser (stdlib): well formed (balanced tags), lang/charset/viewport,
# self-contained (no script, nothing fetched from anywhere but the given
# base), the status words of each language in valid UTF-8 (Ө, Ү), escaping
# of every hostile value, the forms' methods/actions/field names (DESIGN.md
# §4 routes), page_lang_pick, and the cap on echoed input.  Reports come
# from tamga_verifier on documents signed here with `tamga sign`.
# Optional: a 360x800 chromium screenshot of each page when chromium is
# installed (kept in $TMPDIR/screens; nothing is installed for it).
. "$TAMGA_ROOT/tests/lib.sh"
R=$TAMGA_BUILD/tests/tools/render_pages
MKPDF=$TAMGA_ROOT/bench/mkpdf.py
ATK=$TAMGA_ROOT/tests/tools/pdf_attacks.py
BASE=https://verify.example.mn
export PAGES_BASE=$BASE
[ -x "$R" ] || { not_ok "render_pages is built ($R)"; exit 1; }
command -v python3 > /dev/null || { not_ok "python3 is installed"; exit 1; }

# ------------------------------------------------------------ the judge
cat > judge.py <<'PY'
"""judge.py NAME FILE LANG BASE CHECK...

Prints TAP lines for one rendered page.  Always checked: UTF-8, balanced
tags, <html lang>, charset, viewport, no script or external resource, the
language switch link.  CHECK is one of
  word:TEXT      TEXT is in the page's text (entities decoded)
  noword:TEXT    TEXT is not
  raw:TEXT       the HTML source contains TEXT
  noraw:TEXT     it does not
  link:PATH      an <a href> is BASE+PATH
  form:METHOD:PATH:FIELD   a form with that method, action BASE+PATH (query
                 ignored) and a field named FIELD; POST forms must be
                 multipart/form-data with a file field accepting application/pdf
  before:A:B     raw TEXT A comes before raw TEXT B
"""
import sys
from html.parser import HTMLParser

name, path, lang, base = sys.argv[1:5]
checks = sys.argv[5:]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN = {"script", "img", "iframe", "object", "embed", "link", "frame", "audio", "video", "source", "base", "svg"}


def tap(ok, desc, detail=""):
    print(("ok - " if ok else "not ok - ") + name + ": " + desc + ("" if ok or not detail else " (" + detail + ")"))


raw_bytes = open(path, "rb").read()
try:
    raw = raw_bytes.decode("utf-8", errors="strict")
    tap(True, "valid UTF-8")
except UnicodeDecodeError as e:
    tap(False, "valid UTF-8", str(e))
    raw = raw_bytes.decode("utf-8", errors="replace")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []
        self.tags, self.forms, self.links, self.attrs = [], [], [], []
        self.html_lang = None
        self.in_style = False
        self.style = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append((tag, attrs))
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "action": a.get("action"),
                               "enctype": a.get("enctype"), "fields": []})
        if tag in ("input", "button", "select", "textarea") and self.forms and "form" in self.stack:
            self.forms[-1]["fields"].append(a)
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append("end tag for void </%s>" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)


p = Page()
p.feed(raw)
p.close()
text = " ".join(" ".join(p.text).split())
tap(not p.errors and not p.stack, "tags balanced", "; ".join(p.errors[:3]) + " open: " + ",".join(p.stack))
tap(raw.lower().startswith("<!doctype html>"), "starts with <!doctype html>")
tap(p.html_lang == lang, '<html lang="%s">' % lang, "got %r" % p.html_lang)
metas = [dict(a) for t, a in p.attrs if t == "meta"]
tap(any((m.get("charset") or "").lower() == "utf-8" for m in metas), '<meta charset="utf-8">')
tap(any(m.get("name") == "viewport" and m.get("content") == "width=device-width, initial-scale=1" for m in metas),
    "viewport meta")
tap(p.tags.count("style") == 1 and p.tags.count("title") == 1, "one <title>, one inline <style>")
bad = sorted(set(p.tags) & FORBIDDEN)
tap(not bad, "no script or external element", ",".join(bad))
urls = []
for t, attrs in p.attrs:
    for k, v in attrs:
        if k.startswith("on"):
            urls.append("event handler " + k)
        if k in ("src", "srcset", "poster", "data", "background"):
            urls.append("%s=%s" % (k, v))
        if k in ("href", "action", "formaction") and v is not None:
            if not (v.startswith("?") or v.startswith("#") or v.startswith(base + "/")):
                urls.append("%s=%s" % (k, v))
tap(not urls, "every link and action is relative or under the base", "; ".join(urls[:3]))
tap("url(" not in p.style and "@import" not in p.style and "http" not in p.style, "CSS fetches nothing")
tap("<script" not in raw.lower() and "javascript:" not in raw.lower(), "no script at all in the source")
other = "en" if lang == "mn" else "mn"
tap("?lang=" + other in p.links, "language switch ?lang=" + other)
forms_ok = all(f["method"] in ("get", "post") for f in p.forms)
tap(forms_ok, "forms use GET or POST")

for c in checks:
    kind, _, arg = c.partition(":")
    if kind == "word":
        tap(arg in text, "says %r" % arg)
    elif kind == "noword":
        tap(arg not in text, "does not say %r" % arg)
    elif kind == "raw":
        tap(arg in raw, "source has %r" % arg)
    elif kind == "noraw":
        tap(arg not in raw, "source lacks %r" % arg[:40])
    elif kind == "link":
        tap(base + arg in p.links, "links to " + arg, " ".join(p.links))
    elif kind == "before":
        a, _, b = arg.partition(":")
        tap(a in raw and b in raw and raw.index(a) < raw.index(b), "%r before %r" % (a, b))
    elif kind == "form":
        method, action, field = arg.split(":")
        found = None
        for f in p.forms:
            if f["method"] == method and (f["action"] or "").split("?")[0] == base + action and \
                    any(x.get("name") == field for x in f["fields"]):
                found = f
        detail = str([(f["method"], f["action"], [x.get("name") for x in f["fields"]]) for f in p.forms])
        if found and method == "post":
            fld = [x for x in found["fields"] if x.get("name") == field][0]
            found = found if (found["enctype"] == "multipart/form-data" and fld.get("type") == "file"
                              and set((fld.get("accept") or "").split(",")) >=
                              {"application/pdf", ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods"}) else None
        if found and method == "get":
            fld = [x for x in found["fields"] if x.get("name") == field][0]
            found = found if fld.get("type") in (None, "text", "search") else None
        tap(found is not None, "form %s %s with field %s" % (method.upper(), action, field), detail)
    else:
        tap(False, "unknown check " + c)
PY

# page NAME LANG CHECK... : judge NAME.html (already rendered)
page() {
    local n=$1 l=$2; shift 2
    if [ -s "$n.html" ]; then python3 judge.py "$n" "$n.html" "$l" "$BASE" "$@"; else not_ok "$n: no page to judge"; fi
}
# render NAME ARGS... : render_pages ARGS with OUT = NAME.html, ok when it worked
render() {
    local n=$1 v=$2 l=$3; shift 3
    if "$R" "$v" "$l" "$n.html" "$@" > render.out 2>&1 && [ -s "$n.html" ]; then :; else
        not_ok "render $n"; sed 's/^/# /' render.out | head -5; : > "$n.html"; fi
}
# words LANG MN EN : the word of LANG
w() { if [ "$1" = mn ]; then echo "$2"; else echo "$3"; fi; }

# Codes the tool's made-up documents carry (printed and URL form).
CODE=7K3M-9QX2-HB4T-ZW8R-S
URLCODE=7K3M9QX2HB4TZW8RS
NEWCODE=ABCDEFGHJKMNPQRS1
XSS='<script>alert(1)</script>"&'"'"
XSS_ESC='&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;'

# ------------------------------------------------------------ status pages
for l in mn en; do
    render "home-$l" home "$l"
    page "home-$l" "$l" "form:get:/v:code" "form:post:/verify:document" \
        "word:$(w $l 'Баримт бичиг шалгах' 'Check a document')" "word:$(w $l 'Кодоор шалгах' 'Check by code')"

    render "valid-$l" document-valid "$l"
    page "valid-$l" "$l" "word:$(w $l ХҮЧИНТЭЙ VALID)" "noword:$(w $l ХҮЧИНГҮЙ REVOKED)" \
        "word:Үндэсний Өвийн газар" "word:2024-05-01 10:45 UTC" "word:$CODE" \
        "word:$(w $l 'Олгосон байгууллага' 'Issuing agency')" "word:$(w $l 'Баримтын төрөл' 'Document type')" \
        "word:$(w $l 'Лавлагаа' 'Reference')" "word:$(w $l 'Гарчиг' 'Title')" "word:$(w $l 'Олгосон огноо' 'Issue date')" \
        "word:SHA-256" "raw:<code class=\"hash\">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</code>" \
        "word:Үндэсний Өвийн газар, гарын үсэг" \
        "link:/v/$URLCODE/document" "form:post:/v/$URLCODE/check:document" \
        "raw:class=\"banner ok\"" "raw:✓"

    render "revoked-$l" document-revoked "$l"
    page "revoked-$l" "$l" "word:$(w $l 'ХҮЧИНГҮЙ БОЛСОН' REVOKED)" "noword:$(w $l ХҮЧИНТЭЙ VALID)" \
        "word:2024-06-01 12:00 UTC" "word:Мэдээлэл буруу бүртгэгдсэн тул хүчингүй болгов" \
        "word:$(w $l 'Хүчингүй болгосон огноо' 'Revoked on')" "word:$(w $l Шалтгаан Reason)" \
        "raw:class=\"banner bad\"" "raw:✗" "link:/v/$URLCODE/document"

    render "superseded-$l" document-superseded "$l"
    page "superseded-$l" "$l" "word:$(w $l 'ШИНЭЭР СОЛИГДСОН' SUPERSEDED)" "link:/v/$NEWCODE?lang=$l" \
        "word:Шинэчилсэн хувь гаргав" "raw:class=\"banner warn\""

    render "unknown-$l" document-unknown "$l" "7K3M-9QX2-HB4T-ZW8R-0"
    page "unknown-$l" "$l" "word:$(w $l 'ҮЛ МЭДЭГДЭХ КОД' 'UNKNOWN CODE')" "word:7K3M-9QX2-HB4T-ZW8R-0" \
        "word:$(w $l 'Энэ кодтой баримт бичгийг энэхүү үйлчилгээгээр олгоогүй байна.' \
                     'No document with this code was issued through this service.')" \
        "word:$(w $l 'олгосон байгууллагад' 'contact the agency')" "form:get:/v:code"

    render "malformed-$l" document-malformed "$l" "hello world"
    page "malformed-$l" "$l" "word:$(w $l 'ЭНЭ НЬ БАРИМТЫН КОД БИШ' 'NOT A DOCUMENT CODE')" \
        "word:XXXX-XXXX-XXXX-XXXX-X" "word:17" "word:hello world" "form:get:/v:code" "raw:value=\"hello world\""

    for s in 400 404 413 500 403; do render "error$s-$l" error "$l" "$s" "20 MB"; done
    page "error400-$l" "$l" "word:$(w $l 'Хүсэлт буруу байна' 'Bad request')" "link:/v?lang=$l"
    page "error404-$l" "$l" "word:$(w $l 'Хуудас олдсонгүй' 'Page not found')" "noword:20 MB" "link:/v?lang=$l"
    page "error413-$l" "$l" "word:$(w $l 'Файл хэт том байна' 'The file is too large')" "word:20 MB" "link:/v?lang=$l"
    page "error403-$l" "$l" "word:$(w $l 'Хүсэлтийг биелүүлэх боломжгүй' 'The request cannot be completed')"
    render "error500-$l" error "$l" 500 "sqlite3_step: disk I/O error at registry/sqlite.c:412"
    page "error500-$l" "$l" "word:$(w $l 'Үйлчилгээнд алдаа гарлаа' 'Something went wrong')" \
        "noword:sqlite" "noword:registry/" "link:/v?lang=$l"
done

# Ө and Ү reach the page intact (Mongolian page text, not just data).
if grep -q 'Өөрт байгаа хувийг тулгах' valid-mn.html && grep -q 'ХҮЧИНТЭЙ' valid-mn.html; then
    ok "Mongolian page text carries Ө and Ү"; else not_ok "Mongolian page text carries Ө and Ү"; fi
# English pages carry no Mongolian prose (only data: agency names, the switch link).
if python3 - valid-en.html home-en.html <<'PY'
import re, sys
for f in sys.argv[1:]:
    s = open(f, encoding="utf-8").read()
    s = s.replace("Үндэсний Өвийн газар", "").replace("Монгол Улсын Засгийн газар", "").replace("гарын үсэг", "")
    s = s.replace("Оршин суугаа газрын тодорхойлолт — Үнэмлэх", "").replace("Монгол", "")
    left = re.findall("[А-Яа-яЁёӨөҮү]{3,}", s)
    if left:
        print(f, left[:5]); sys.exit(1)
PY
then ok "English pages have no Mongolian prose"; else not_ok "English pages have no Mongolian prose"; fi

# ------------------------------------------------------------ escaping
for l in mn en; do
    render "xss-valid-$l" document-valid "$l" "$XSS" '<img src=x onerror=alert(1)>'
    page "xss-valid-$l" "$l" "raw:$XSS_ESC" "noraw:<script>alert" "noraw:<img" "word:$XSS" "word:<img src=x onerror=alert(1)>"
    render "xss-revoked-$l" document-revoked "$l" "$XSS"
    page "xss-revoked-$l" "$l" "raw:$XSS_ESC" "noraw:<script>alert"
    render "xss-unknown-$l" document-unknown "$l" "$XSS"
    page "xss-unknown-$l" "$l" "raw:$XSS_ESC" "noraw:<script>alert"
    render "xss-malformed-$l" document-malformed "$l" "\"><script>alert(1)</script>"
    page "xss-malformed-$l" "$l" "raw:value=\"&quot;&gt;&lt;script&gt;" "noraw:<script>alert"
    render "xss-error-$l" error "$l" 413 "$XSS"
    page "xss-error-$l" "$l" "raw:$XSS_ESC" "noraw:<script>alert"
done

# The signer's name is the CN of the RFC 2253 subject, escapes undone; an
# escaped comma in another attribute does not start a fake CN.
render signer-mn document-valid mn "Гарчиг" "Агентлаг" 'O=x\,CN=Хуурамч,CN=Жинхэнэ \2B нэр\, ХХК,C=MN'
page signer-mn mn "word:Жинхэнэ + нэр, ХХК" "noword:Хуурамч"
render signer-nocn-en document-valid en "Title" "Agency" 'O=Only an organisation,C=MN'
page signer-nocn-en en "word:O=Only an organisation,C=MN"

# ------------------------------------------------------------ long and broken input
long=$(printf 'A%.0s' $(seq 1 500))
render long-mn document-malformed mn "$long"
page long-mn mn "raw:$(printf 'A%.0s' $(seq 1 64))…" "noraw:$(printf 'A%.0s' $(seq 1 65))"
longcyr=$(printf 'Ө%.0s' $(seq 1 300))
render longcyr-en document-unknown en "$longcyr"
page longcyr-en en "raw:$(printf 'Ө%.0s' $(seq 1 64))…" "noraw:$(printf 'Ө%.0s' $(seq 1 65))"
render badutf8-mn document-unknown mn "$(printf 'ab\xff\xfe\xc0\xafcd\x01\x1b[31m')"
page badutf8-mn mn "word:ab���" "raw:cd�"

# ------------------------------------------------------------ page_lang_pick
lang_case() {
    local want=$1 q=$2 a=$3 got
    got=$("$R" lang "$q" "$a" 2>&1)
    if [ "$got" = "$want" ]; then ok "lang ?lang=$q Accept-Language '$a' -> $want"
    else not_ok "lang ?lang=$q Accept-Language '$a' -> $want (got $got)"; fi
}
lang_case mn - -
lang_case en en -
lang_case mn mn "en-US,en;q=0.9"
lang_case en EN "mn"
lang_case en - "en-US,en;q=0.9,mn;q=0.8"
lang_case mn - "ru,mn;q=0.5"
lang_case mn - "garbage"
lang_case mn - ";;;,,,q=1;=,en;q=x"
lang_case mn - "*"
lang_case mn - "de-DE,de;q=0.9,ru;q=0.8"
lang_case mn - "en;q=0,mn;q=0.1"
lang_case en - "mn;q=0.3, en ; q=0.5"
lang_case mn - "mn-MN,en;q=0.9"
lang_case en - "en-GB"
lang_case mn - "en;q=0"
lang_case mn - "english,mongolian"
lang_case en xx "fr;q=1,en;q=0.2"
lang_case mn "" "ru"
lang_case mn - "en;q=1.5"
lang_case en - "en;q=1.000,mn;q=0.999"

# ------------------------------------------------------------ sub-indications in plain words
"$R" subs > subs.txt
if python3 - subs.txt <<'PY'
import re, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
names = {"NONE", "FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE", "REVOKED", "NOT_YET_VALID",
         "SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE", "CERTIFICATE_CHAIN_GENERAL_FAILURE",
         "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "NO_SIGNING_CERTIFICATE_FOUND", "NO_CERTIFICATE_CHAIN_FOUND",
         "REVOKED_NO_POE", "REVOKED_CA_NO_POE", "OUT_OF_BOUNDS_NO_POE", "TRY_LATER"}
bad = [r for r in rows if len(r) != 4 or r[1] != "own" or not re.search("[А-Яа-яӨөҮү]", r[2]) or not r[3]]
got = {r[0] for r in rows}
if bad or got != names or len({r[2] for r in rows}) != len(rows) or len({r[3] for r in rows}) != len(rows):
    print(bad, names ^ got); sys.exit(1)
PY
then ok "every sub-indication has its own sentence in both languages"
else not_ok "every sub-indication has its own sentence in both languages"; sed 's/^/# /' subs.txt; fi

# ------------------------------------------------------------ reports on real documents
export TAMGA_CA_PASS=ca-passphrase-1
"$TAMGA" pki init --dir ca > pki.out 2>&1 || { not_ok "pki init"; sed 's/^/# /' pki.out; }
"$TAMGA" pki init --dir other > pki.out 2>&1 || not_ok "pki init (other CA)"
"$TAMGA" pki issue --dir ca --no-encrypt --cn 'Үндэсний Өвийн газар' --out ec > pki.out 2>&1 ||
    { not_ok "pki issue"; sed 's/^/# /' pki.out; }
python3 "$MKPDF" 1 plain.pdf
expect 0 "tamga sign plain.pdf" "$TAMGA" sign --key ec.key --cert ec.crt --chain ec-chain.pem -o signed.pdf plain.pdf
CODE_IN=$(sed -n 's/^ *code *//p' out.txt)
python3 "$ATK" tamper-text signed.pdf tampered.pdf > atk.out 2>&1 || { not_ok "tamper-text"; sed 's/^/# /' atk.out; }
printf 'not a document\n' > text.txt

# report NAME FILE TRUST LANG WANT-VERDICT [REGISTRY-STATUS [same]]
report() {
    local n=$1 f=$2 t=$3 l=$4 want=$5 got; shift 5
    got=$("$R" report "$f" "$t" "$l" "$n.html" "$@" 2> report.err)
    if [ "$got" = "$want" ] && [ -s "$n.html" ]; then ok "report $n: $want"
    else not_ok "report $n: $want (got '$got')"; sed 's/^/# /' report.err | head -5; : > "$n.html"; fi
}
for l in mn en; do
    report "passed-$l" signed.pdf ca "$l" TOTAL-PASSED
    page "passed-$l" "$l" "word:$(w $l 'Баталгаажсан' 'Verified')" \
        "word:$(w $l 'Баримт жинхэнэ бөгөөд гарын үсэг зурсны дараа өөрчлөгдөөгүй байна.' \
                     'The document is authentic and unchanged since it was signed.')" \
        "word:Үндэсний Өвийн газар" "word:$(w $l 'Хүчинтэй гарын үсэг' 'Valid signature')" \
        "word:$(sha256sum signed.pdf | cut -d' ' -f1)" "raw:class=\"banner ok\"" "link:/v?lang=$l" \
        "word:$CODE_IN" "link:/v/${CODE_IN//-/}?lang=$l" "noword:O=Tamga"

    report "untrusted-$l" signed.pdf other/root.crt "$l" INDETERMINATE
    page "untrusted-$l" "$l" "word:$(w $l 'Баталгаажуулах боломжгүй' 'Cannot be confirmed')" \
        "word:$(w $l 'итгэмжлэгдсэн жагсаалтад байхгүй' 'not trusted by this service')" \
        "word:NO_CERTIFICATE_CHAIN_FOUND" "raw:class=\"banner warn\""

    report "tampered-$l" tampered.pdf ca "$l" TOTAL-FAILED
    page "tampered-$l" "$l" "word:$(w $l 'Хүчингүй' 'Not valid')" \
        "word:$(w $l 'Гарын үсэг зурсны дараа баримтыг өөрчилсөн байна.' 'The document was changed after it was signed.')" \
        "word:HASH_FAILURE" "raw:class=\"banner bad\"" "noword:$(w $l 'Баталгаажсан' 'Verified')"

    # No CRL at hand (offline, anchor only): revocation status unknown.
    report "nocrl-$l" signed.pdf ca/root.crt "$l" INDETERMINATE
    page "nocrl-$l" "$l" "word:$(w $l 'Баталгаажуулах боломжгүй' 'Cannot be confirmed')" \
        "word:$(w $l 'Дараа дахин оролдоно уу' 'try again later')" "word:TRY_LATER"

    # The verifier's own registry check (tamga_verify_options.registry_url), nobody listening.
    PAGES_REGISTRY_URL=http://127.0.0.1:9 report "noregistry-$l" signed.pdf ca "$l" INDETERMINATE
    page "noregistry-$l" "$l" "word:$(w $l 'Баталгаажуулах боломжгүй' 'Cannot be confirmed')" \
        "word:$(w $l 'Баримтын бүртгэлтэй холбогдож чадсангүй' 'The document registry could not be reached')"

    report "unsigned-$l" plain.pdf ca/root.crt "$l" NO-SIGNATURE
    page "unsigned-$l" "$l" "word:$(w $l 'Гарын үсэггүй' 'Not signed')" "noword:$(w $l 'Баталгаажсан' 'Verified')"

    report "notdoc-$l" text.txt ca/root.crt "$l" TOTAL-FAILED
    page "notdoc-$l" "$l" "word:$(w $l 'Хүчингүй' 'Not valid')" \
        "word:$(w $l 'Файлыг баримт бичиг болгон уншиж чадсангүй' 'could not be read as a document')"

    report "reg-same-$l" signed.pdf ca "$l" TOTAL-PASSED valid same
    page "reg-same-$l" "$l" "word:$(w $l 'Таны оруулсан файл бүртгэлтэй эх хувьтай яг ижил байна.' \
                                       'The file you uploaded is exactly the registered original.')" \
        "word:$(w $l 'Бүртгэлийн төлөв' 'Registry status')" "word:$(w $l ХҮЧИНТЭЙ VALID)" "link:/v/$URLCODE?lang=$l" \
        "noword:$(w $l АНХААР WARNING)"

    report "reg-diff-$l" signed.pdf ca "$l" TOTAL-PASSED valid different
    page "reg-diff-$l" "$l" "word:$(w $l 'бүртгэлтэй эх хувиас ялгаатай' 'not the same as the registered original')" \
        "link:/v/$URLCODE/document"

    # A revoked registered document: said first and loudly, although the signature is valid.
    report "reg-revoked-$l" signed.pdf ca "$l" TOTAL-PASSED revoked same
    page "reg-revoked-$l" "$l" "word:$(w $l 'АНХААР: ЭНЭ БАРИМТЫГ ХҮЧИНГҮЙ БОЛГОСОН' 'WARNING: THIS DOCUMENT HAS BEEN REVOKED')" \
        "word:$(w $l 'Баталгаажсан' 'Verified')" "word:2024-06-01 12:00 UTC" \
        "before:$(w $l 'АНХААР' 'WARNING'):$(w $l 'Баталгаажсан' 'Verified')" \
        "before:class=\"banner bad\":class=\"banner ok\""

    report "reg-superseded-$l" signed.pdf ca "$l" TOTAL-PASSED superseded same
    page "reg-superseded-$l" "$l" "word:$(w $l 'ШИНЭЭР СОЛИГДСОН' 'SUPERSEDED')" "link:/v/$NEWCODE?lang=$l"
done

# A relative base ("") gives relative links only.
PAGES_BASE= "$R" document-valid mn rel.html
if grep -q 'href="/v/'"$URLCODE"'/document"' rel.html && grep -q 'action="/v/'"$URLCODE"'/check' rel.html &&
    ! grep -q 'https\?://' rel.html; then ok "empty base: relative links"; else not_ok "empty base: relative links"; fi

# ------------------------------------------------------------ screenshots (optional)
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -n "$chrome" ]; then
    mkdir -p "${TMPDIR:-.}/screens"
    for n in valid-mn revoked-mn superseded-mn unknown-mn malformed-mn home-mn passed-mn reg-revoked-en; do
        timeout 60 "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=360,800 \
            --screenshot="${TMPDIR:-.}/screens/$n.png" "file://$PWD/$n.html" > shot.out 2>&1
        if [ -s "${TMPDIR:-.}/screens/$n.png" ]; then ok "screenshot $n at 360x800"
        else not_ok "screenshot $n at 360x800"; sed 's/^/# /' shot.out | head -5; fi
    done
else
    echo "# chromium not installed: no screenshots"
fi
