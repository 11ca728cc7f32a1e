"""Write a one-slide PPTX (argv[1]) with LibreOffice Impress; argv[2] is a scratch directory."""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../shared/oracles"))
from lo_office import Office, pv
import uno
out = os.path.abspath(sys.argv[1])
with Office(sys.argv[2]) as office:
    desktop = office.create("com.sun.star.frame.Desktop")
    doc = desktop.loadComponentFromURL("private:factory/simpress", "_blank", 0, (pv("Hidden", True),))
    page = doc.DrawPages.getByIndex(0)
    shape = doc.createInstance("com.sun.star.drawing.TextShape")
    from com.sun.star.awt import Point, Size
    shape.Position = Point(2000, 3000); shape.Size = Size(20000, 4000)
    page.add(shape)
    shape.String = "Лавлагаа: Өргөдөл гаргагч Үүрийнцэцэг / Reference"
    doc.storeToURL(uno.systemPathToFileUrl(out), (pv("FilterName", "Impress MS PowerPoint 2007 XML"),))
    doc.close(True)
