#!/usr/bin/env python3
"""pki_server.py PORT DIR - a CA's publication point on 127.0.0.1 for tests.

GET /PATH   serves DIR/PATH (the CRLs at the CDP paths written into the
            certificates, e.g. /crl/issuing.crl); 404 when absent.
POST /ocsp  answers an OCSP request with OpenSSL's own responder:
            `openssl ocsp -reqin REQ -respout RESP -nmin 60 ARGS...`, where
            ARGS are the words of DIR/ocsp.conf (e.g. -index -CA -rsigner
            -rkey); 404 while DIR/ocsp.conf does not exist.

Every request is appended to DIR/requests.log ("GET /crl/issuing.crl"), so
tests can tell whether anything was fetched.  Stdlib only; runs until
killed.
"""
import http.server
import os
import subprocess
import sys
import tempfile

ROOT = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def note(self):
        with open(os.path.join(ROOT, "requests.log"), "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def answer(self, code, body=b"", ctype="application/octet-stream"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.note()
        path = os.path.join(ROOT, self.path.lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            return self.answer(404)
        with open(path, "rb") as f:
            self.answer(200, f.read(), "application/pkix-crl")

    def do_POST(self):
        self.note()
        req = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        conf = os.path.join(ROOT, "ocsp.conf")
        if self.path != "/ocsp" or not os.path.isfile(conf):
            return self.answer(404)
        with open(conf) as f:
            args = f.read().split()
        with tempfile.TemporaryDirectory() as d:
            with open(d + "/req", "wb") as f:
                f.write(req)
            r = subprocess.run(["openssl", "ocsp", "-reqin", d + "/req", "-respout", d + "/resp",
                                "-nmin", "60"] + args, capture_output=True)
            if r.returncode != 0 or not os.path.isfile(d + "/resp"):
                return self.answer(500, r.stderr)
            with open(d + "/resp", "rb") as f:
                self.answer(200, f.read(), "application/ocsp-response")


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
