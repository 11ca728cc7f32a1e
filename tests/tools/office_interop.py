#!/usr/bin/env python3
"""tests/tools/office_interop.py - office signatures in the shapes other producers write,
signed by xmlsec1 (an XML-DSig implementation independent of tamga), for tests/cli/office_interop.sh.

usage: office_interop.py --ca CADIR --ca-pass FILE --keys DIR --odt SRC.odt --docx SRC.docx --out DIR

DIR/{rsa,p256,p384}.{key,crt} are the signers (PEM; KEY unencrypted, CRT the end-entity certificate)
and CADIR is a `tamga pki init` directory (root.crt, issuing.crt, tsa.crt, private/tsa.key under
--ca-pass): the time-stamp tokens come from `openssl ts -reply` with that TSA.
Writes one package per variant to --out and --out/variants.txt, one line per package:
    FILE  valid|sha1|attack  description
("sha1": a valid signature whose digests are SHA-1 only; "attack": built to fail).

Each variant is a template written here (python builds the XML text: prefixes, whitespace, XAdES,
KeyInfo, OOXML Manifest/RelationshipTransform, ODF 1.1/1.2 layouts), then `xmlsec1 --sign` computes
every DigestValue and the SignatureValue with --url-map onto the package's files.  The shapes follow
what the producers are documented or observed to write (facts, not their text):
  OpenOffice.org 3.0: default-namespace Signature, RSA-SHA1/SHA-1, no Transforms, every file signed
    except mimetype and META-INF/*, one SignatureProperty with dc:date, no XAdES.
  OpenOffice.org 3.2 .. LibreOffice 6 (ODF 1.2): the same plus C14N Transforms on XML streams and
    mimetype and META-INF/manifest.xml signed; later RSA-SHA256/SHA-256.
  EU DSS: `ds:` prefix, exclusive C14N, XAdES 1.3.2 SigningCertificateV2, DataObjectFormat, policy.
  Microsoft Office 2010+: default namespace, idPackageObject Manifest (every part, .rels through the
    RelationshipTransform with the SourceIds of the signed relationships, then C14N), SignatureTime,
    idOfficeObject SignatureInfoV1, XAdES 1.3.2 SigningCertificate v1 (SHA-1 CertDigest in Office 2010),
    signature line images as extra Objects referenced from SignedInfo.
  Apache POI (OOXMLSignatureFacet/Office2010SignatureFacet/XAdESSignatureFacet defaults): the same
    layout, SHA-256, the whole certificate chain in KeyInfo, SignaturePolicyImplied, no core/extended
    properties in the _rels/.rels SourceIds.
"""
import argparse
import base64
import datetime
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.dont_write_bytecode = True
DS = "http://www.w3.org/2000/09/xmldsig#"
X132 = "http://uri.etsi.org/01903/v1.3.2#"
X141 = "http://uri.etsi.org/01903/v1.4.1#"
MDSSI = "http://schemas.openxmlformats.org/package/2006/digital-signature"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N11 = "http://www.w3.org/2006/12/xml-c14n11"
RELTR = "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
DIG = {"sha1": DS + "sha1", "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
       "sha384": "http://www.w3.org/2001/04/xmldsig-more#sha384", "sha512": "http://www.w3.org/2001/04/xmlenc#sha512"}
SIGALG = {("rsa", "sha1"): DS + "rsa-sha1", ("rsa", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
          ("ec", "sha256"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
          ("ec", "sha384"): "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"}
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
ORIGIN_T = REL + "/digital-signature/origin"
SIGREL_T = REL + "/digital-signature/signature"
UNSIGNED_RELS = ("/metadata/core-properties", "/extended-properties", "/custom-properties", ORIGIN_T)
ODF_SIGS = "META-INF/documentsignatures.xml"


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, **kw)
    if p.returncode:
        sys.exit("office_interop: %s: %s" % (" ".join(cmd[:3]), (p.stderr or p.stdout)[-600:]))
    return p.stdout


class Cert:
    def __init__(self, path):
        self.der = run(["openssl", "x509", "-in", path, "-outform", "DER"])
        out = run(["openssl", "x509", "-in", path, "-noout", "-serial", "-issuer", "-subject",
                   "-nameopt", "RFC2253"], text=True)
        f = dict(line.split("=", 1) for line in out.splitlines())
        self.serial, self.issuer, self.subject = int(f["serial"], 16), f["issuer"], f["subject"]
        self.b64 = base64.b64encode(self.der).decode()

    def digest(self, alg):
        return base64.b64encode(hashlib.new(alg, self.der).digest()).decode()


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Sig:
    """Text of one Signature template: p is the ds prefix ('' = default namespace)."""

    def __init__(self, v):
        self.v, self.p = v, ("ds:" if v.get("prefix") else "")

    def t(self, name):
        return self.p + name

    def ref(self, uri, dig, transforms=(), typ=None, inner=""):
        t = self.t
        tr = ""
        if transforms:
            tr = "<%s>%s</%s>" % (t("Transforms"), "".join(
                '<%s Algorithm="%s">%s</%s>' % (t("Transform"), a, body, t("Transform")) if body else
                '<%s Algorithm="%s"/>' % (t("Transform"), a) for a, body in transforms), t("Transforms"))
        ty = ' Type="%s"' % typ if typ else ""
        return '<%s%s URI="%s">%s<%s Algorithm="%s"/><%s></%s></%s>' % (
            t("Reference"), ty, esc(uri), tr, t("DigestMethod"), DIG[dig], t("DigestValue"), t("DigestValue"),
            t("Reference"))

    def keyinfo(self, certs):
        t, v = self.t, self.v
        items = []
        if v.get("keyinfo_full"):       # one certificate, described three ways (xmlsec1/Santuario style)
            c = certs[0]
            items.append("<%s><%s>%s</%s><%s>%d</%s></%s>" % (
                t("X509IssuerSerial"), t("X509IssuerName"), esc(c.issuer), t("X509IssuerName"),
                t("X509SerialNumber"), c.serial, t("X509SerialNumber"), t("X509IssuerSerial")))
            items.append("<%s>%s</%s>" % (t("X509SubjectName"), esc(c.subject), t("X509SubjectName")))
        for c in certs:
            items.append("<%s>%s</%s>" % (t("X509Certificate"), c.b64, t("X509Certificate")))
        return "<%s><%s>%s</%s></%s>" % (t("KeyInfo"), t("X509Data"), "".join(items), t("X509Data"), t("KeyInfo"))

    def xades(self, sig_id, certs, when):
        """(QualifyingProperties Object text, SignedProperties Id)."""
        t, v = self.t, self.v
        xd = "xd:"
        sc_alg = v.get("sc_digest", "sha256")
        cert_list = certs if v.get("sc_chain") else certs[:1]
        cert_items = ""
        for c in cert_list:
            if v.get("sc_v2"):
                cert_items += ("<xd:Cert><xd:CertDigest><%s Algorithm=\"%s\"/><%s>%s</%s></xd:CertDigest></xd:Cert>"
                               % (t("DigestMethod"), DIG[sc_alg], t("DigestValue"), c.digest(sc_alg), t("DigestValue")))
            else:
                cert_items += ("<xd:Cert><xd:CertDigest><%s Algorithm=\"%s\"/><%s>%s</%s></xd:CertDigest>"
                               "<xd:IssuerSerial><%s>%s</%s><%s>%d</%s></xd:IssuerSerial></xd:Cert>"
                               % (t("DigestMethod"), DIG[sc_alg], t("DigestValue"), c.digest(sc_alg), t("DigestValue"),
                                  t("X509IssuerName"), esc(c.issuer), t("X509IssuerName"),
                                  t("X509SerialNumber"), c.serial, t("X509SerialNumber")))
        sc = "SigningCertificateV2" if v.get("sc_v2") else "SigningCertificate"
        ssp = "<xd:SigningTime>%s</xd:SigningTime><xd:%s>%s</xd:%s>" % (when, sc, cert_items, sc)
        if v.get("policy") == "implied":
            ssp += "<xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied/></xd:SignaturePolicyIdentifier>"
        elif v.get("policy"):
            ssp += ("<xd:SignaturePolicyIdentifier><xd:SignaturePolicyId><xd:SigPolicyId>"
                    "<xd:Identifier>urn:oid:1.3.6.1.4.1.99999.1.1</xd:Identifier></xd:SigPolicyId>"
                    "<xd:SigPolicyHash><%s Algorithm=\"%s\"/><%s>%s</%s></xd:SigPolicyHash>"
                    "</xd:SignaturePolicyId></xd:SignaturePolicyIdentifier>"
                    % (t("DigestMethod"), DIG["sha256"], t("DigestValue"),
                       base64.b64encode(hashlib.sha256(b"policy").digest()).decode(), t("DigestValue")))
        sdop = ""
        if v.get("dataobjectformat"):
            sdop = ("<xd:SignedDataObjectProperties><xd:DataObjectFormat ObjectReference=\"#r-first\">"
                    "<xd:MimeType>text/xml</xd:MimeType></xd:DataObjectFormat>"
                    "<xd:CommitmentTypeIndication><xd:CommitmentTypeId><xd:Identifier>"
                    "http://uri.etsi.org/01903/v1.2.2#ProofOfApproval</xd:Identifier></xd:CommitmentTypeId>"
                    "<xd:AllSignedDataObjects/></xd:CommitmentTypeIndication></xd:SignedDataObjectProperties>")
        sp_id = v.get("sp_id", "idSignedProperties")
        qp_id = ' Id="idQualifyingProperties"' if v.get("qp_id") else ""
        unsigned = "@UNSIGNED@"           # filled after signing (time-stamp, unknown properties)
        qp = ('<xd:QualifyingProperties xmlns:xd="%s"%s Target="#%s"><xd:SignedProperties Id="%s">'
              "<xd:SignedSignatureProperties>%s</xd:SignedSignatureProperties>%s</xd:SignedProperties>%s"
              "</xd:QualifyingProperties>" % (X141 if v.get("xades141") else X132, qp_id, sig_id, sp_id, ssp, sdop, unsigned))
        del xd
        return "<%s>%s</%s>" % (t("Object"), qp, t("Object")), sp_id

    def signature(self, sig_id, refs, objects, certs, alg):
        t, v = self.t, self.v
        ns = ' xmlns:ds="%s"' % DS if self.p else ' xmlns="%s"' % DS
        c14n = {"exc": EXC, "c14n11": C14N11}.get(v.get("c14n"), C14N)
        return ('<%s%s Id="%s"><%s><%s Algorithm="%s"/><%s Algorithm="%s"/>%s</%s><%s></%s>%s%s</%s>' % (
            t("Signature"), ns, sig_id, t("SignedInfo"), t("CanonicalizationMethod"), c14n,
            t("SignatureMethod"), alg, "".join(refs), t("SignedInfo"), t("SignatureValue"), t("SignatureValue"),
            self.keyinfo(certs), "".join(objects), t("Signature")))


def pretty(xml):
    """Indent between tags: whitespace text nodes inside SignedInfo are signed as they are."""
    head, body = xml.split("\n", 1)
    return head + "\n" + re.sub(r"><(?!/)", ">\n  <", body)


def xmlsec_sign(text, key, maps, workdir):
    tpl = os.path.join(workdir, "tpl.xml")
    with open(tpl, "w", encoding="utf-8") as fh:
        fh.write(text)
    cmd = ["xmlsec1", "--sign", "--privkey-pem", key, "--enabled-reference-uris", "same-doc,remote"]
    for uri, path in maps:
        cmd += ["--url-map:" + uri, path]
    cmd += ["--output", tpl + ".out", tpl]
    run(cmd)
    with open(tpl + ".out", encoding="utf-8") as fh:
        return fh.read()


class TSA:
    def __init__(self, ca, passfile, workdir):
        self.ca, self.passfile, self.dir = ca, passfile, workdir
        self.cnf = os.path.join(workdir, "ts.cnf")
        with open(self.cnf, "w") as fh:
            fh.write("[tsa]\ndefault_tsa=t\n[t]\nserial=%s\nsigner_digest=sha256\ndefault_policy=1.3.6.1.4.1.99999.2\n"
                     "digests=sha256\naccuracy=secs:1\ness_cert_id_alg=sha256\n"
                     "ess_cert_id_chain=no\n" % os.path.join(workdir, "ts.serial"))
        with open(os.path.join(workdir, "ts.serial"), "w") as fh:
            fh.write("01\n")
        self.chain_b64 = [Cert(os.path.join(ca, c)).b64 for c in ("issuing.crt", "root.crt")]
        self.crls_b64 = [base64.b64encode(run(["openssl", "crl", "-in", os.path.join(ca, "crl", c), "-outform", "DER"]))
                         .decode() for c in ("issuing.crl", "root.crl")]

    def token(self, data):
        d = self.dir
        with open(os.path.join(d, "ts.data"), "wb") as fh:
            fh.write(data)
        run(["openssl", "ts", "-query", "-data", os.path.join(d, "ts.data"), "-sha256", "-cert",
             "-out", os.path.join(d, "ts.tsq")])
        run(["openssl", "ts", "-reply", "-config", self.cnf, "-queryfile", os.path.join(d, "ts.tsq"),
             "-signer", os.path.join(self.ca, "tsa.crt"), "-inkey", os.path.join(self.ca, "private", "tsa.key"),
             "-passin", "file:" + self.passfile, "-chain", os.path.join(d, "tschain.pem"), "-token_out",
             "-out", os.path.join(d, "ts.tok")])
        with open(os.path.join(d, "ts.tok"), "rb") as fh:
            return base64.b64encode(fh.read()).decode()


def sigvalue_c14n(signed, prefix, exclusive):
    """C14N of the SignatureValue element (no attributes; its text is base64).  Exclusive C14N
    keeps only the ds namespace it uses; inclusive C14N keeps every namespace in scope (here: those
    the Signature element declares, enough for the OOXML variants that use it)."""
    p = "ds:" if prefix else ""
    m = re.search(r"<%sSignatureValue[^>]*>([^<]*)</%sSignatureValue>" % (p, p), signed)
    text = m.group(1).replace("\r\n", "\n").replace("\r", "\n")
    ns = ['xmlns:ds="%s"' % DS if prefix else 'xmlns="%s"' % DS]
    if not exclusive:
        root = re.search(r"<%sSignature\b([^>]*)>" % p, signed).group(1)
        ns = sorted(set(ns + re.findall(r'xmlns(?::\w+)?="[^"]*"', root)), key=lambda d: d.split("=")[0])
    return ("<%sSignatureValue %s>%s</%sSignatureValue>" % (p, " ".join(ns), text, p)).encode()


def finish_unsigned(signed, v, tsa):
    items = ""
    if v.get("tst"):
        t = "ds:" if v.get("prefix") else ""
        alg = C14N if v.get("tst_c14n") == "c14n" else EXC
        items += ('<xd:SignatureTimeStamp Id="idSigTST"><%sCanonicalizationMethod Algorithm="%s"/>'
                  "<xd:EncapsulatedTimeStamp>%s</xd:EncapsulatedTimeStamp></xd:SignatureTimeStamp>"
                  % (t, alg, tsa.token(sigvalue_c14n(signed, v.get("prefix"), alg == EXC))))
    if v.get("xl"):                   # XAdES-X-L values as Office writes them (Office 2010+ "XAdES-X-L" level)
        items += "<xd:CertificateValues>%s</xd:CertificateValues>" % "".join(
            "<xd:EncapsulatedX509Certificate>%s</xd:EncapsulatedX509Certificate>" % c for c in tsa.chain_b64)
        items += ("<xd:RevocationValues><xd:CRLValues>%s</xd:CRLValues></xd:RevocationValues>" % "".join(
            "<xd:EncapsulatedCRLValue>%s</xd:EncapsulatedCRLValue>" % c for c in tsa.crls_b64))
    if v.get("unknown_unsigned"):
        items += ('<xd141:TimeStampValidationData xmlns:xd141="%s"><xd:CertificateValues/></xd141:TimeStampValidationData>'
                  '<vendor:Counter xmlns:vendor="urn:example:vendor">7</vendor:Counter>' % X141)
    block = ("<xd:UnsignedProperties><xd:UnsignedSignatureProperties>%s</xd:UnsignedSignatureProperties>"
             "</xd:UnsignedProperties>" % items) if items else ""
    return signed.replace("@UNSIGNED@", block)


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------ ODF
def odf_variant(v, src, out, key, certs, work, tsa):
    z = zipfile.ZipFile(src)
    files = {i.filename: z.read(i.filename) for i in z.infolist() if not i.filename.endswith("/")}
    if v.get("space"):                  # a file name with a space: URI "Pictures/a%20b.png" (LibreOffice)
        files["Pictures/a b.png"] = b"\x89PNG\r\n\x1a\nnot really"
        files["META-INF/manifest.xml"] = files["META-INF/manifest.xml"].replace(
            b"</manifest:manifest>", b' <manifest:file-entry manifest:full-path="Pictures/a b.png" '
            b'manifest:media-type="image/png"/>\n</manifest:manifest>')
    pkg = os.path.join(work, "pkg")
    shutil.rmtree(pkg, ignore_errors=True)
    for n, d in files.items():
        os.makedirs(os.path.dirname(os.path.join(pkg, n)), exist_ok=True)
        with open(os.path.join(pkg, n), "wb") as fh:
            fh.write(d)
    s, dig = Sig(v), v.get("digest", "sha256")
    sig_id = v.get("sig_id", "ID_0001")
    refs, maps = [], []
    for n in sorted(files):
        if v.get("odf11") and (n == "mimetype" or n.startswith("META-INF/")):
            continue            # OOo 3.0: everything but mimetype and META-INF; OOo 3.2 on: all of them
        uri = n.replace(" ", "%20")
        xml = n.endswith(".xml") or n.endswith(".rdf")
        tr = [(C14N, "")] if xml and not v.get("odf11") else []
        refs.append(s.ref(uri, dig, tr))
        maps.append((uri, os.path.join(pkg, n)))
        if uri != n:                    # xmlsec1 looks the unescaped URI up in its map
            maps.append((n, os.path.join(pkg, n)))
    objects = []
    when = now()
    if v.get("xades"):
        obj, sp_id = s.xades(sig_id, certs if v.get("keyinfo_chain") else certs[:1], when)
        refs.append(s.ref("#" + sp_id, dig, [(C14N, "")] if v.get("sp_c14n") else (),
                          typ="http://uri.etsi.org/01903#SignedProperties"))
    t = s.t
    local = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S") + ".00"
    objects.append('<%s><%s><%s Id="ID_prop" Target="#%s"><dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">'
                   "%s</dc:date></%s></%s></%s>" % (t("Object"), t("SignatureProperties"), t("SignatureProperty"),
                                                    sig_id, when if v.get("xades") else local,
                                                    t("SignatureProperty"), t("SignatureProperties"), t("Object")))
    refs.append(s.ref("#ID_prop", dig))
    if v.get("xades"):
        objects.append(obj)
    if v.get("dataobjectformat"):       # DataObjectFormat names the first Reference by its Id
        refs[0] = refs[0].replace(' URI="', ' Id="r-first" URI="', 1)
    kind = "ec" if key.endswith(("p256.key", "p384.key")) else "rsa"
    sig = s.signature(sig_id, refs, objects, certs if v.get("keyinfo_chain") else certs[:1],
                      SIGALG[(kind, v.get("sigdigest", dig))])
    root_attr = ' version="1.2"' if not v.get("odf11") else ""
    doc = '<?xml version="1.0" encoding="UTF-8"?>\n<document-signatures xmlns="urn:oasis:names:tc:opendocument:' \
          'xmlns:digitalsignature:1.0"%s>%s</document-signatures>' % (root_attr, sig)
    if v.get("pretty"):
        doc = pretty(doc)
    signed = finish_unsigned(xmlsec_sign(doc, key, maps, work), v, tsa)
    if v.get("crlf"):
        signed = signed.replace("\r\n", "\n").replace("\n", "\r\n")
    files[ODF_SIGS] = signed.encode("utf-8")
    write_zip(out, z, files)


def write_zip(out, z, files):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        names = [i.filename for i in z.infolist() if not i.filename.endswith("/")]
        for n in names + [n for n in files if n not in names]:
            o.writestr(zipfile.ZipInfo(n) if n != "mimetype" else _stored(n), files[n],
                       zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED)


def _stored(n):
    i = zipfile.ZipInfo(n)
    i.compress_type = zipfile.ZIP_STORED
    return i


# ------------------------------------------------------------------ OOXML
def content_types(ct):
    defaults = dict(re.findall(r'<Default Extension="([^"]+)" ContentType="([^"]+)"', ct))
    over = dict(re.findall(r'<Override PartName="([^"]+)" ContentType="([^"]+)"', ct))
    return lambda part: over.get("/" + part) or defaults.get(part.rsplit(".", 1)[-1].lower())


def ooxml_variant(v, src, out, key, certs, work, tsa):
    z = zipfile.ZipFile(src)
    files = {i.filename: z.read(i.filename) for i in z.infolist() if not i.filename.endswith("/")}
    # the signature origin and the signature part, as Office adds them before it signs
    ct = files["[Content_Types].xml"].decode()
    ct = ct.replace("</Types>", '<Default Extension="sigs" ContentType="application/vnd.openxmlformats-package.'
                    'digital-signature-origin"/><Override PartName="/_xmlsignatures/sig1.xml" ContentType='
                    '"application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"/></Types>')
    files["[Content_Types].xml"] = ct.encode()
    files["_rels/.rels"] = files["_rels/.rels"].replace(
        b"</Relationships>", ('<Relationship Id="rId9" Type="%s" Target="_xmlsignatures/origin.sigs"/>'
                              "</Relationships>" % ORIGIN_T).encode())
    files["_xmlsignatures/origin.sigs"] = b""
    files["_xmlsignatures/_rels/origin.sigs.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s"><Relationship Id="rId1" '
        'Type="%s" Target="sig1.xml"/></Relationships>' % (REL, SIGREL_T)).encode()
    pkg = os.path.join(work, "pkg")
    shutil.rmtree(pkg, ignore_errors=True)
    for n, d in files.items():
        os.makedirs(os.path.dirname(os.path.join(pkg, n)), exist_ok=True)
        with open(os.path.join(pkg, n), "wb") as fh:
            fh.write(d)
    ctype = content_types(ct)
    s, dig = Sig(v), v.get("digest", "sha256")
    t = s.t
    mrefs, maps, signed_targets = [], [], set()
    rels = sorted(n for n in files if n.endswith(".rels") and not n.startswith("_xmlsignatures/"))
    for r in rels:       # which parts the signed relationships reach
        base = os.path.dirname(os.path.dirname(r))
        for rid, typ, target in re.findall(r'<Relationship Id="([^"]+)" Type="([^"]+)" Target="([^"]+)"',
                                           files[r].decode()):
            if not typ.endswith(UNSIGNED_RELS):
                signed_targets.add(os.path.normpath(os.path.join(base, target)).lstrip("/"))
    for n in sorted(files):
        if n.startswith("_xmlsignatures/") or n == "[Content_Types].xml":
            continue
        uri = "/%s?ContentType=%s" % (n, ctype(n))
        if n.endswith(".rels"):
            ids = [rid for rid, typ in re.findall(r'<Relationship Id="([^"]+)" Type="([^"]+)"', files[n].decode())
                   if not typ.endswith(UNSIGNED_RELS)]
            body = "".join('<mdssi:RelationshipReference xmlns:mdssi="%s" SourceId="%s"/>' % (MDSSI, i) for i in ids)
            mrefs.append(s.ref(uri, dig, [(RELTR, body), (C14N, "")]))
        elif n in signed_targets:
            mrefs.append(s.ref(uri, dig))
        else:
            continue
        maps.append((uri, os.path.join(pkg, n)))
    sig_id = "idPackageSignature"
    when = now()
    pkg_obj = ('<%s Id="idPackageObject"><%s>%s</%s><%s><%s Id="idSignatureTime" Target="#%s">'
               '<mdssi:SignatureTime xmlns:mdssi="%s"><mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format>'
               "<mdssi:Value>%s</mdssi:Value></mdssi:SignatureTime></%s></%s></%s>" % (
                   t("Object"), t("Manifest"), "".join(mrefs), t("Manifest"), t("SignatureProperties"),
                   t("SignatureProperty"), sig_id, MDSSI, when, t("SignatureProperty"), t("SignatureProperties"),
                   t("Object")))
    img = base64.b64encode(b"\x01\x00\x00\x00 EMF signature line image (test)").decode()
    siginfo = ("<SignatureInfoV1 xmlns=\"http://schemas.microsoft.com/office/2006/digsig\">"
               "<SetupID>%s</SetupID><SignatureText>%s</SignatureText><SignatureImage>%s</SignatureImage>"
               "<SignatureComments>Approved</SignatureComments><WindowsVersion>10.0</WindowsVersion>"
               "<OfficeVersion>16.0</OfficeVersion><ApplicationVersion>16.0</ApplicationVersion><Monitors>1</Monitors>"
               "<HorizontalResolution>1920</HorizontalResolution><VerticalResolution>1080</VerticalResolution>"
               "<ColorDepth>32</ColorDepth><SignatureProviderId>{00000000-0000-0000-0000-000000000000}"
               "</SignatureProviderId><SignatureProviderUrl/><SignatureProviderDetails>9</SignatureProviderDetails>"
               "<SignatureType>%d</SignatureType></SignatureInfoV1>" % (
                   "{6D3D7E3A-0000-4000-8000-000000000001}" if v.get("sigline") else "",
                   "Signer" if v.get("sigline") else "", img if v.get("sigline") else "",
                   2 if v.get("sigline") else 1))
    office_obj = ('<%s Id="idOfficeObject"><%s><%s Id="idOfficeV1Details" Target="#%s">%s</%s></%s></%s>' % (
        t("Object"), t("SignatureProperties"), t("SignatureProperty"), sig_id, siginfo, t("SignatureProperty"),
        t("SignatureProperties"), t("Object")))
    refs = [s.ref("#idPackageObject", dig, typ=DS + "Object"), s.ref("#idOfficeObject", dig, typ=DS + "Object")]
    objects = [pkg_obj, office_obj]
    if v.get("xades"):
        obj, sp_id = s.xades(sig_id, certs, when)
        refs.append(s.ref("#" + sp_id, dig, [(C14N, "")], typ="http://uri.etsi.org/01903#SignedProperties"))
        objects.append(obj)
    if v.get("sigline"):
        for oid in ("idValidSigLnImg", "idInvalidSigLnImg"):
            refs.append(s.ref("#" + oid, dig, typ=DS + "Object"))
            objects.append('<%s Id="%s">%s</%s>' % (t("Object"), oid, img, t("Object")))
    kind = "ec" if key.endswith(("p256.key", "p384.key")) else "rsa"
    sig = s.signature(sig_id, refs, objects, certs if v.get("keyinfo_chain") else certs[:1],
                      SIGALG[(kind, v.get("sigdigest", dig))])
    doc = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + sig
    if v.get("pretty"):
        doc = pretty(doc)
    signed = finish_unsigned(xmlsec_sign(doc, key, maps, work), v, tsa)
    if v.get("crlf"):
        signed = signed.replace("\r\n", "\n").replace("\n", "\r\n")
    files["_xmlsignatures/sig1.xml"] = signed.encode("utf-8")
    write_zip(out, z, files)


# ------------------------------------------------------------------ variants
VALID = [
    # name, kind, key, sha1?, description, options
    ("ooo30-sha1", "odf", "rsa", True, "OOo 3.0: RSA-SHA1, SHA-1, no transforms, mimetype+META-INF unsigned",
     dict(odf11=True, digest="sha1")),
    ("ooo30-sha256", "odf", "rsa", False, "OOo 3.0 layout (mimetype+META-INF unsigned) with SHA-256",
     dict(odf11=True)),
    ("odf12-sha1", "odf", "rsa", True, "OOo 3.2/LO<6 ODF 1.2: RSA-SHA1, SHA-1, C14N transforms, dc:date only",
     dict(digest="sha1")),
    ("odf12-sha256", "odf", "rsa", False, "LO 6 ODF 1.2 without XAdES: RSA-SHA256, dc:date only", {}),
    ("odf12-sha256-sha1sig", "odf", "rsa", True, "SHA-256 digests, RSA-SHA1 SignatureMethod",
     dict(sigdigest="sha1")),
    ("odf-ds-pretty", "odf", "rsa", False, "ds: prefix, pretty-printed, XAdES 1.3.2 SigningCertificateV2",
     dict(prefix=True, pretty=True, xades=True, sc_v2=True)),
    ("odf-crlf", "odf", "p256", False, "CRLF line ends, pretty-printed, ECDSA P-256, XAdES",
     dict(pretty=True, crlf=True, xades=True)),
    ("odf-exc", "odf", "rsa", False, "exclusive C14N SignedInfo, ds: prefix, XAdES (EU DSS)",
     dict(c14n="exc", prefix=True, xades=True, sc_v2=True, dataobjectformat=True, policy="id", qp_id=True)),
    ("odf-space", "odf", "rsa", False, "a file name with a space, URI percent-encoded", dict(space=True, xades=True)),
    ("odf-xades141", "odf", "rsa", False, "QualifyingProperties in the XAdES v1.4.1 namespace",
     dict(xades=True, xades141=True, sc_v2=True)),
    ("odf-c14n11", "odf", "rsa", False, "C14N 1.1 SignedInfo", dict(c14n="c14n11", xades=True)),
    ("odf-keyinfo-full", "odf", "rsa", False, "X509Data: IssuerSerial + SubjectName + Certificate",
     dict(keyinfo_full=True, xades=True)),
    ("odf-chain", "odf", "p384", False, "ECDSA P-384, full chain in KeyInfo and SigningCertificateV2",
     dict(keyinfo_chain=True, sc_chain=True, sc_v2=True, xades=True, digest="sha384", sigdigest="sha384")),
    ("odf-tst", "odf", "rsa", False, "XAdES-T: SignatureTimeStamp (exc C14N) + unknown unsigned properties",
     dict(xades=True, sc_v2=True, tst=True, unknown_unsigned=True, prefix=True, c14n="exc")),
    ("docx-office", "ooxml", "rsa", False, "Office 2016: default ns, SigningCertificate v1 SHA-256, XAdES",
     dict(xades=True, policy="implied")),
    ("docx-office2010", "ooxml", "rsa", False, "Office 2010: SigningCertificate v1 with SHA-1 CertDigest",
     dict(xades=True, sc_digest="sha1")),
    ("docx-sigline", "ooxml", "rsa", False, "Office signature line: SignatureImage + Valid/InvalidSigLnImg Objects",
     dict(xades=True, sigline=True)),
    ("docx-poi", "ooxml", "rsa", False, "Apache POI: chain in KeyInfo, SignaturePolicyImplied",
     dict(xades=True, keyinfo_chain=True, policy="implied")),
    ("docx-ds-exc-ec", "ooxml", "p256", False, "ds: prefix, exclusive C14N, ECDSA P-256, pretty, CRLF",
     dict(xades=True, prefix=True, c14n="exc", pretty=True, crlf=True, sc_v2=True)),
    ("docx-tst", "ooxml", "rsa", False, "XAdES-T SignatureTimeStamp + unknown unsigned properties",
     dict(xades=True, tst=True, unknown_unsigned=True)),
    ("docx-xl", "ooxml", "rsa", False, "Office XAdES-X-L: SignatureTimeStamp (C14N 1.0), CertificateValues, "
     "RevocationValues", dict(xades=True, tst=True, tst_c14n="c14n", xl=True)),
    ("docx-noxades", "ooxml", "rsa", False, "Office 2007 shape: no XAdES", {}),
]


def attack_tamper(kind):
    part = "content.xml" if kind == "odf" else "word/document.xml"

    def f(name, data):
        if name != part:
            return data
        return re.sub(rb"(<(?:text:p|w:t)\b[^>]*>)", rb"\1EVIL ", data, count=1)
    return f


def sig_part(kind):
    return ODF_SIGS if kind == "odf" else "_xmlsignatures/sig1.xml"


def attack_wrap(kind):
    def f(name, data):
        if name != sig_part(kind):
            return data
        m = re.search(rb"<(ds:)?Signature[ >].*</(ds:)?Signature>", data, re.S)
        return data[:m.start()] + b'<Wrapper xmlns="urn:attacker">' + m.group(0) + b"</Wrapper>" + data[m.end():]
    return f


def attack_dupid(kind):
    """ODF: a second Signature with the first one's Id, its date changed.  OOXML: a second
    Object Id="idPackageObject" (Id used twice) whose Manifest is the attacker's."""
    def f(name, data):
        if name != sig_part(kind):
            return data
        if kind == "odf":
            m = re.search(rb"<(ds:)?Signature[ >].*</(ds:)?Signature>", data, re.S)
            copy = re.sub(rb"(<dc:date[^>]*>)[^<]*", rb"\g<1>1999-01-01T00:00:00", m.group(0))
            return data[:m.end()] + copy + data[m.end():]
        m = re.search(rb'<(ds:)?Object Id="idPackageObject">.*?</(ds:)?Object>', data, re.S)
        evil = re.sub(rb"<(ds:)?DigestValue>[^<]*", rb"<\1DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                      m.group(0))
        return data[:m.start()] + evil + data[m.start():]
    return f


def attack_mimetype(kind):
    """OOo 3.0 layout: the unsigned mimetype now says template; the (unsigned) manifest is left alone."""
    return lambda n, d: b"application/vnd.oasis.opendocument.text-template" if n == "mimetype" else d


def attack_metainf(kind):
    """OOo 3.0 layout: a new META-INF file, listed in the unsigned manifest."""
    def f(name, data):
        if name == "META-INF/manifest.xml":
            return data.replace(b"</manifest:manifest>", b' <manifest:file-entry manifest:full-path="META-INF/extra.xml"'
                                b' manifest:media-type="text/xml"/>\n</manifest:manifest>')
        return data
    return f


ATTACKS = [
    ("tamper", attack_tamper, "a part changed after signing"),
    ("wrap", attack_wrap, "the Signature moved into a wrapper element"),
    ("dupid", attack_dupid, "a second element with a duplicated Id"),
]
ATTACK_BASES = ["ooo30-sha1", "odf12-sha256", "odf-exc", "odf-tst", "docx-office", "docx-poi", "docx-ds-exc-ec"]


OOO30_ATTACKS = [
    ("mimetype", attack_mimetype, "the unsigned mimetype changed to a template's"),
    ("metainf", attack_metainf, "a file added to META-INF/ and to the unsigned manifest"),
]


def rebuild(src, dst, change, add=None):
    z = zipfile.ZipFile(src)
    files = {i.filename: change(i.filename, z.read(i.filename)) for i in z.infolist() if not i.filename.endswith("/")}
    if add:
        files.update(add)
    write_zip(dst, z, files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for opt in ("--ca", "--ca-pass", "--keys", "--odt", "--docx", "--out"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--only", help="comma-separated variant names")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="office_interop.")
    lines = []
    try:
        with open(os.path.join(work, "tschain.pem"), "wb") as fh:
            for c in ("issuing.crt", "root.crt"):
                with open(os.path.join(a.ca, c), "rb") as src:
                    fh.write(src.read())
        tsa = TSA(a.ca, a.ca_pass, work)
        chain = [Cert(os.path.join(a.ca, "issuing.crt")), Cert(os.path.join(a.ca, "root.crt"))]
        only = set(a.only.split(",")) if a.only else None
        for name, kind, keyname, sha1, desc, opts in VALID:
            if only and name not in only:
                continue
            key = os.path.join(a.keys, keyname + ".key")
            certs = [Cert(os.path.join(a.keys, keyname + ".crt"))] + chain
            ext = ".odt" if kind == "odf" else ".docx"
            out = os.path.join(a.out, name + ext)
            (odf_variant if kind == "odf" else ooxml_variant)(
                opts, a.odt if kind == "odf" else a.docx, out, key, certs, work, tsa)
            lines.append("%s %s %s" % (name + ext, "sha1" if sha1 else "valid", desc))
            if name in ATTACK_BASES:
                for aname, make, adesc in ATTACKS:
                    dst = os.path.join(a.out, "%s-%s%s" % (name, aname, ext))
                    rebuild(out, dst, make(kind))
                    lines.append("%s attack %s: %s" % (os.path.basename(dst), name, adesc))
            if name == "ooo30-sha256":
                for aname, make, adesc in OOO30_ATTACKS:
                    dst = os.path.join(a.out, "%s-%s%s" % (name, aname, ext))
                    rebuild(out, dst, make(kind), {"META-INF/extra.xml": b"<x/>"} if aname == "metainf" else None)
                    lines.append("%s attack %s: %s" % (os.path.basename(dst), name, adesc))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(a.out, "variants.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
