#!/usr/bin/env python3
"""tests/tools/tsa_server.py - a tiny RFC 3161 time-stamp authority for tests.

Answers are made by `openssl ts -reply` (an independent implementation of
the server side) with a generated minimal configuration, so what tamga's
client accepts is what OpenSSL's TSA produces.

    tsa_server.py serve --key K --cert C --chain F --dir D --port-file P
                        [--eku-key K2 --eku-cert C2]
    tsa_server.py reply --key K --cert C --chain F --dir D QUERY.tsq OUT.tsr
    tsa_server.py seed  --key K --cert C --chain F --dir D [--variant V] QUERY.tsq OUT

`seed` writes a seed for tests/fuzz/fuzz_tsp.c: the question (hash, nonce,
imprint, taken from the query) followed by the answer.  Variants: good,
nonce (the seed asks for another nonce), truncated (the answer cut in the
middle), reject (a rejection answer).

`serve` listens on 127.0.0.1 on a free port and writes the port number to
the port file (atomically) once it accepts connections.  The request path
picks the behaviour, for negative tests:

    /          a proper answer
    /garbage   HTTP 200, application/timestamp-reply, a body that is not DER
    /500       HTTP 500
    /reject    a TimeStampResp with status rejection, a text and failInfo
    /nonce     a proper token for the request with another nonce
    /imprint   a proper token for another hash
    /eku       a token signed with --eku-cert (no timeStamping EKU)
    /ctype     a proper answer with Content-Type text/html
    /big       2 MiB of zeros (more than a client should accept)
    /slow      a proper answer after 5 seconds
    /trailing  a proper answer followed by extra bytes

Every answer is also saved as D/last.tsr (and the query as D/last.tsq).
"""
import argparse
import http.server
import os
import subprocess
import sys
import threading
import time

CONFIG = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
serial = {dir}/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 2.999.77.1
other_policies = 2.999.77.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

LOCK = threading.Lock()


# ------------------------------------------------------------ DER

def der_read(buf, off):
    """(tag, header length, content length) of the element at off."""
    tag = buf[off]
    n = buf[off + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    length = int.from_bytes(buf[off + 2:off + 2 + k], "big")
    return tag, 2 + k, length


def der_children(buf, off):
    """[(offset, tag, header length, content length)] of the children of the element at off."""
    _, hl, ln = der_read(buf, off)
    out, p, end = [], off + hl, off + hl + ln
    while p < end:
        t, h, n = der_read(buf, p)
        out.append((p, t, h, n))
        p += h + n
    return out


def der(tag, content):
    n = len(content)
    if n < 0x80:
        head = bytes([tag, n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes([tag, 0x80 | len(b)]) + b
    return head + content


def flip_nonce(query):
    """The query with the last byte of its nonce changed (same length)."""
    q = bytearray(query)
    kids = der_children(q, 0)
    for off, tag, hl, ln in kids[2:]:
        if tag == 0x02:  # the nonce is the only INTEGER after messageImprint
            q[off + hl + ln - 1] ^= 0x01
            return bytes(q)
    raise ValueError("query without a nonce")


def flip_imprint(query):
    q = bytearray(query)
    mi = der_children(q, 0)[1]
    off, tag, hl, ln = der_children(q, mi[0])[1]  # hashedMessage OCTET STRING
    q[off + hl] ^= 0x01
    return bytes(q)


HASH_OIDS = {
    bytes.fromhex("608648016503040201"): 0,  # sha256
    bytes.fromhex("608648016503040202"): 1,  # sha384
    bytes.fromhex("608648016503040203"): 2,  # sha512
}


def seed_header(query, other_nonce=False):
    """fuzz_tsp's input header: hash selector, nonce length, nonce, imprint."""
    kids = der_children(query, 0)
    mi = der_children(query, kids[1][0])
    alg = der_children(query, mi[0][0])[0]
    oid = query[alg[0] + alg[2]:alg[0] + alg[2] + alg[3]]
    off, _, hl, ln = mi[1]
    hashed = query[off + hl:off + hl + ln]
    nonce = b""
    for off, tag, hl, ln in kids[2:]:
        if tag == 0x02:
            nonce = query[off + hl:off + hl + ln].lstrip(b"\x00")
    if other_nonce:
        nonce = nonce[:-1] + bytes([nonce[-1] ^ 1])
    return bytes([HASH_OIDS[oid], len(nonce)]) + nonce + hashed


def token_of(resp):
    kids = der_children(resp, 0)
    off, _, hl, ln = kids[1]
    return resp[off:off + hl + ln]


# ------------------------------------------------------------ the TSA

class Tsa:
    def __init__(self, args):
        self.args = args
        self.dir = os.path.abspath(args.dir)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "tsa.cnf")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(dir=self.dir))
        serial = os.path.join(self.dir, "serial")
        if not os.path.exists(serial):
            with open(serial, "w") as f:
                f.write("01\n")
        self.count = 0

    def openssl(self, *argv):
        r = subprocess.run(["openssl"] + list(argv), capture_output=True)
        if r.returncode != 0:
            raise RuntimeError("openssl %s: %s" % (argv[0], r.stderr.decode(errors="replace")))
        return r

    def reply(self, query):
        with LOCK:
            self.count += 1
            qf = os.path.join(self.dir, "q%d.tsq" % self.count)
            rf = os.path.join(self.dir, "r%d.tsr" % self.count)
            with open(qf, "wb") as f:
                f.write(query)
            self.openssl("ts", "-reply", "-config", self.config, "-queryfile", qf, "-inkey", self.args.key,
                         "-signer", self.args.cert, "-chain", self.args.chain, "-out", rf)
            with open(rf, "rb") as f:
                resp = f.read()
            os.unlink(qf)
            os.unlink(rf)
            return resp

    def reject(self):
        status = der(0x02, b"\x02")                                  # rejection
        text = der(0x30, der(0x0C, b"test TSA rejects this request"))
        fail = der(0x03, b"\x05\x20")                                # badRequest (bit 2)
        return der(0x30, der(0x30, status + text + fail))

    def wrong_eku(self, query):
        """A proper TSTInfo, signed by a certificate without timeStamping."""
        tok = token_of(self.reply(query))
        with LOCK:
            tf = os.path.join(self.dir, "eku-token.der")
            cf = os.path.join(self.dir, "eku-tst.der")
            of = os.path.join(self.dir, "eku-out.der")
            with open(tf, "wb") as f:
                f.write(tok)
            self.openssl("cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", tf, "-out", cf)
            self.openssl("cms", "-sign", "-binary", "-nodetach", "-econtent_type", "1.2.840.113549.1.9.16.1.4",
                         "-md", "sha256", "-in", cf, "-signer", self.args.eku_cert, "-inkey", self.args.eku_key,
                         "-outform", "DER", "-out", of)
            with open(of, "rb") as f:
                tok2 = f.read()
        return der(0x30, der(0x30, der(0x02, b"\x00")) + tok2)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        sys.stderr.write("tsa_server: " + (fmt % args) + "\n")

    def send(self, status, body, ctype="application/timestamp-reply"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        tsa = self.server.tsa
        n = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(n) if 0 < n <= 65536 else b""
        path = self.path.rstrip("/") or "/"
        if self.headers.get("Content-Type", "") != "application/timestamp-query":
            return self.send(400, b"wrong content type\n", "text/plain")
        with open(os.path.join(tsa.dir, "last.tsq"), "wb") as f:
            f.write(query)
        try:
            if path == "/garbage":
                return self.send(200, b"this is not a TimeStampResp\n")
            if path == "/500":
                return self.send(500, b"internal error\n", "text/plain")
            if path == "/big":
                return self.send(200, bytes(2 * 1024 * 1024))
            if path == "/reject":
                body = tsa.reject()
            elif path == "/nonce":
                body = tsa.reply(flip_nonce(query))
            elif path == "/imprint":
                body = tsa.reply(flip_imprint(query))
            elif path == "/eku":
                body = tsa.wrong_eku(query)
            elif path == "/slow":
                time.sleep(5)
                body = tsa.reply(query)
            elif path == "/trailing":
                body = tsa.reply(query) + b"\x00\x00"
            elif path in ("/", "/ctype"):
                body = tsa.reply(query)
            else:
                return self.send(404, b"no such path\n", "text/plain")
        except Exception as e:  # report, do not die: the next test needs the server
            sys.stderr.write("tsa_server: %s\n" % e)
            return self.send(500, b"openssl failed\n", "text/plain")
        with open(os.path.join(tsa.dir, "last.tsr"), "wb") as f:
            f.write(body)
        self.send(200, body, "text/html" if path == "/ctype" else "application/timestamp-reply")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "reply", "seed"])
    ap.add_argument("--variant", default="good", choices=["good", "nonce", "truncated", "reject"])
    ap.add_argument("--key", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--chain", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--eku-key")
    ap.add_argument("--eku-cert")
    ap.add_argument("files", nargs="*")
    args = ap.parse_intermixed_args()
    tsa = Tsa(args)
    if args.mode in ("reply", "seed"):
        if len(args.files) != 2:
            ap.error("%s QUERY OUT" % args.mode)
        with open(args.files[0], "rb") as f:
            query = f.read()
        resp = tsa.reject() if args.variant == "reject" else tsa.reply(query)
        if args.variant == "truncated":
            resp = resp[:len(resp) // 2]
        if args.mode == "seed":
            resp = seed_header(query, args.variant == "nonce") + resp
        with open(args.files[1], "wb") as f:
            f.write(resp)
        return 0
    if not args.port_file:
        ap.error("serve needs --port-file")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.tsa = tsa
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
