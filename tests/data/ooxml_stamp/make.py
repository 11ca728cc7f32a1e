#!/usr/bin/env python3
"""tests/data/ooxml_stamp/make.py - regenerate the stamp fixtures with
LibreOffice 7.4 (Debian 12): flat ODF written here, converted to OOXML in one
soffice run.  The .docx/.xlsx files are committed; run this only to change
them:  python3 tests/data/ooxml_stamp/make.py

  header-image.docx  A4, a header with a picture, a footer, a picture in the
                     body, three pages of text (the stamp must not add one)
  table-first.docx   the body starts with a table (first paragraph in a cell)
  sheets.xlsx        two sheets; the first has a picture (its own drawing
                     part) and data up to column D
"""
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"')


def png(w=48, h=48):
    """An RGB PNG: a blue square on orange (not a QR code: zbar finds nothing)."""
    rows = b''
    for y in range(h):
        rows += b'\0' + b''.join(b'\x20\x40\xc0' if 12 <= x < 36 and 12 <= y < 36 else b'\xf0\x90\x20'
                                 for x in range(w))

    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


IMG = base64.b64encode(png()).decode()


def frame(name, w, h, extra=''):
    return ('<draw:frame draw:name="%s" svg:width="%s" svg:height="%s" %s><draw:image>'
            '<office:binary-data>%s</office:binary-data></draw:image></draw:frame>' % (name, w, h, extra, IMG))


LAYOUT = ('<office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties '
          'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" '
          'fo:margin-left="2cm" fo:margin-right="2cm"/><style:header-style><style:header-footer-properties '
          'fo:min-height="0.5cm"/></style:header-style><style:footer-style><style:header-footer-properties '
          'fo:min-height="0.5cm"/></style:footer-style></style:page-layout></office:automatic-styles>')


def fodt(body, header=True):
    hf = ''
    if header:
        hf = ('<style:header><text:p>Толгой / Header %s</text:p></style:header>'
              '<style:footer><text:p>Хөл / Footer</text:p></style:footer>' %
              frame('header-pic', '1cm', '1cm', 'text:anchor-type="as-char"'))
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document %s '
            'office:mimetype="application/vnd.oasis.opendocument.text">%s<office:master-styles>'
            '<style:master-page style:name="Standard" style:page-layout-name="pm1">%s</style:master-page>'
            '</office:master-styles><office:body><office:text>%s</office:text></office:body></office:document>'
            % (NS, LAYOUT, hf, body))


def para(t):
    return '<text:p>%s</text:p>' % t


def header_image():
    body = para('Тодорхойлолт / Certificate')
    body += para(frame('body-pic', '3cm', '3cm', 'text:anchor-type="as-char"'))
    text = ('Энэ бол олон хуудастай баримт бичгийн туршилтын догол мөр юм; Өөрчлөлт Үүсгэх. '
            'This is a test paragraph of a document that spans several pages. ')
    for i in range(1, 61):
        body += para('%d. %s' % (i, text))
    return fodt(body)


def table_first():
    cells = ''.join('<table:table-row><table:table-cell office:value-type="string"><text:p>%s</text:p>'
                    '</table:table-cell><table:table-cell office:value-type="string"><text:p>%s</text:p>'
                    '</table:table-cell></table:table-row>' % (a, b)
                    for a, b in [('Нэр', 'Name'), ('Өлзий', 'Ulzii'), ('Үнэнбат', 'Unenbat')])
    body = ('<table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>%s'
            '</table:table>' % cells)
    body += para('Хүснэгтийн дараах мөр / After the table')
    return fodt(body, header=False)


def cell(v):
    if isinstance(v, (int, float)):
        return '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (v, v)
    return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v


def sheets():
    rows1 = [['Нэр', 'Дүн', 'Огноо', 'Тайлбар'], ['Өлзий', 100, '2026-01-01', 'Үндсэн'],
             ['Үнэнбат', 200, '2026-02-01', 'Нэмэлт']]
    rows2 = [['Second', 'sheet'], [1, 2]]

    def table(name, rows, shapes=''):
        return ('<table:table table:name="%s">%s<table:table-column table:number-columns-repeated="4"/>%s'
                '</table:table>' % (name, shapes, ''.join('<table:table-row>%s</table:table-row>' %
                                                          ''.join(cell(v) for v in r) for r in rows)))
    shapes = '<table:shapes>%s</table:shapes>' % frame('sheet-pic', '2cm', '2cm',
                                                       'svg:x="1cm" svg:y="2cm" draw:z-index="0"')
    return ('<?xml version="1.0" encoding="UTF-8"?><office:document %s '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>'
            '%s%s</office:spreadsheet></office:body></office:document>'
            % (NS, table('Эхний', rows1, shapes), table('Second', rows2)))


def main():
    tmp = tempfile.mkdtemp()
    try:
        env = dict(os.environ, HOME=os.path.join(tmp, 'home'))
        os.makedirs(env['HOME'])
        srcs = {'header-image.fodt': header_image(), 'table-first.fodt': table_first(), 'sheets.fods': sheets()}
        for name, xml in srcs.items():
            with open(os.path.join(tmp, name), 'w', encoding='utf-8') as f:
                f.write(xml)
        for fmt, ext in (('docx', '.fodt'), ('xlsx', '.fods')):
            files = [os.path.join(tmp, n) for n in srcs if n.endswith(ext)]
            subprocess.run(['soffice', '--headless', '--convert-to', fmt, '--outdir', HERE] + files,
                           env=env, check=True, stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    sys.exit(main())
