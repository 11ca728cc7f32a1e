#!/bin/sh
# tests/data/office/make.sh - regenerate the unsigned office fixtures with
# LibreOffice 7.4 (Debian 12).  The files are committed; run this only to
# change them:  sh tests/data/office/make.sh
#
#   reference.odt, reference.docx   Writer, from reference.txt (Mongolian + English)
#   table.ods, table.xlsx           Calc, from table.csv (UTF-8)
#   slides.pptx                     Impress, one slide with a text box (make_pptx.py)
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home
mkdir -p "$HOME"
soffice --headless --convert-to odt --outdir . reference.txt
soffice --headless --convert-to docx --outdir . reference.txt
soffice --headless --infilter=CSV:44,34,76,1 --convert-to ods --outdir . table.csv
soffice --headless --infilter=CSV:44,34,76,1 --convert-to xlsx --outdir . table.csv
/usr/bin/python3 make_pptx.py slides.pptx "$tmp/lo"
