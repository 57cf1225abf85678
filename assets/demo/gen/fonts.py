"""TrueType copies of the Noto CJK faces, cut down to the characters the demo
uses.

Noto CJK ships CFF outlines; fpdf2 embeds CFF fonts with a per-character
(cidchar) encoding CMap, which several extractors (pdf-extract among them)
cannot decode. Word and WPS embed TrueType fonts as CIDFontType2 with
Identity-H, so converting the outlines to TrueType also makes the demo PDFs
look like the real thing. Results are cached next to this file (ignored by git).
"""
import hashlib
import pathlib

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

CACHE = pathlib.Path(__file__).resolve().parent / ".font-cache"


def _to_quadratic(font):
    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for name in order:
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    for table in ("VORG", "GPOS", "GSUB"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones",):
        setattr(maxp, field, 1)
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0
    font.sfntVersion = "\000\001\000\000"


def truetype_subset(collection_path, face_index, characters):
    """Path of a TrueType font with the given face's glyphs for `characters`."""
    text = "".join(sorted(set(characters)))
    key = hashlib.sha256(f"{collection_path}:{face_index}:{text}".encode()).hexdigest()[:16]
    CACHE.mkdir(exist_ok=True)
    out = CACHE / f"{pathlib.Path(collection_path).stem}-{face_index}-{key}.ttf"
    if out.exists():
        return str(out)
    font = TTFont(collection_path, fontNumber=face_index, lazy=False)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    _to_quadratic(font)
    font.save(str(out))
    return str(out)
