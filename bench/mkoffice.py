#!/usr/bin/python3
"""mkoffice.py FIXTURE PAGES OUT
A DOCX or ODT of about PAGES A4 pages for the benchmarks, made from one of
the committed one-page fixtures (tests/data/office/reference.docx, .odt):
PAGES - 1 more pages are appended to the body (word/document.xml, or
content.xml), each a page break then LINES paragraphs that repeat the
fixture's two text lines.  Every other part is copied as it is, in the same
order (an ODT's uncompressed "mimetype" first).  PAGES 1 copies the fixture.
Deterministic: same input, same bytes.  With LINES = 40 LibreOffice 7.4
lays PAGES 50 out on exactly 50 pages (checked when this was written:
soffice --convert-to pdf, then pdfinfo)."""
import shutil
import sys
import zipfile
from xml.sax.saxutils import escape

LINES = 40
TEXT = ["Өргөдөл гаргагч Үүрийнцэцэг нь иргэний бүртгэлд бүртгэлтэй болохыг гэрчилэв.",
        "This certifies that the applicant is registered."]

fixture, pages, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def docx(xml):
    ppr = ('<w:pPr><w:pStyle w:val="PreformattedText"/><w:spacing w:before="0" w:after="0"/>'
           '<w:jc w:val="left"/></w:pPr>')
    para = lambda t: '<w:p>%s<w:r><w:t>%s</w:t></w:r></w:p>' % (ppr, escape(t))
    page = '<w:p>%s<w:r><w:br w:type="page"/></w:r></w:p>' % ppr
    page += "".join(para(TEXT[i % 2]) for i in range(LINES))
    at = xml.rindex("<w:sectPr")
    return xml[:at] + page * (pages - 1) + xml[at:]


def odt(xml):
    style = ('<style:style style:name="BenchPage" style:family="paragraph" '
             'style:parent-style-name="Preformatted_20_Text"><style:paragraph-properties fo:break-before="page"/>'
             '</style:style>')
    if "<office:automatic-styles/>" in xml:
        xml = xml.replace("<office:automatic-styles/>", "<office:automatic-styles>%s</office:automatic-styles>" % style)
    else:
        xml = xml.replace("</office:automatic-styles>", style + "</office:automatic-styles>", 1)
    para = lambda t, s="Preformatted_20_Text": '<text:p text:style-name="%s">%s</text:p>' % (s, escape(t))
    page = para(TEXT[0], "BenchPage") + "".join(para(TEXT[(i + 1) % 2]) for i in range(LINES - 1))
    at = xml.rindex("</office:text>")
    return xml[:at] + page * (pages - 1) + xml[at:]


if fixture.endswith(".docx"):
    body, grow = "word/document.xml", docx
elif fixture.endswith(".odt"):
    body, grow = "content.xml", odt
else:
    sys.exit("mkoffice.py: FIXTURE must be a .docx or an .odt")
if pages <= 1:
    shutil.copyfile(fixture, out)
    sys.exit(0)
with zipfile.ZipFile(fixture) as zi, zipfile.ZipFile(out, "w") as zo:
    for info in zi.infolist():
        data = zi.read(info)
        if info.filename == body:
            data = grow(data.decode("utf-8")).encode("utf-8")
        # the stored date and method as in the fixture: same bytes every run
        zo.writestr(info, data, compress_type=info.compress_type)
