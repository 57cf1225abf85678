"""Page layout for the demo PDFs: renders a small markup into an fpdf2 document
and records, for every page, the exact text drawn on it (the ground truth for
the extraction-accuracy tests).

We break lines and pages ourselves (fpdf2's dry-run line splitting, then one
`cell` per line) so that the recorded text per page is exactly what the PDF
holds, in content-stream order.
"""
import datetime
import pathlib
import string

from fpdf import FPDF
import fpdf.output as fpdf_output

from fonts import truetype_subset

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SC_FACE = 2  # index of the Simplified Chinese face in the Noto CJK collections

BODY_PT = 12
LINE_MM = 7.4
INDENT = "\u3000\u3000"
NO_LINE_START = "，。、；：？！）》」』”’%‰,.;:?!)]"


def _is_latin(ch):
    return ch.isascii() and (ch.isalnum() or ch in ".,-_/+%×")

# fpdf2 writes no /ModDate; real word processors do, and the metadata screen
# reads it. Patch the Info object so our documents carry one too.
_MOD_DATE = {"value": None}
_orig_info_init = fpdf_output.PDFInfo.__init__


def _info_init_with_mod_date(self, *args, **kwargs):
    _orig_info_init(self, *args, **kwargs)
    if _MOD_DATE["value"] is not None:
        self.mod_date = fpdf_output.PDFDate(_MOD_DATE["value"], with_tz=True)


fpdf_output.PDFInfo.__init__ = _info_init_with_mod_date


class DemoPdf(FPDF):
    """An A4 document with a running header and a page-number footer."""

    def __init__(self, header_left, header_right, characters):
        super().__init__(format="A4")
        self.header_left = header_left
        self.header_right = header_right
        self.pages_text = {}  # page number -> list of strings, in drawing order
        self.plain_pages = set()  # pages without header/footer (covers)
        self.set_margins(22, 24, 22)
        self.set_auto_page_break(False)
        self.add_font("serif", "", truetype_subset(SERIF, SC_FACE, characters))
        self.add_font("sans", "B", truetype_subset(SANS_BOLD, SC_FACE, characters))
        self.set_font("serif", "", BODY_PT)

    # ---- recording -------------------------------------------------------
    def record(self, text):
        self.pages_text.setdefault(self.page, []).append(text)

    def header(self):
        if self.page in self.plain_pages:
            return
        self.set_font("serif", "", 8)
        self.set_text_color(90, 90, 90)
        self.set_xy(self.l_margin, 12)
        self.cell(0, 5, self.header_left)
        self.record(self.header_left)
        self.set_xy(self.l_margin, 12)
        self.cell(0, 5, self.header_right, align="R")
        self.record(self.header_right)
        self.line(self.l_margin, 17.5, self.w - self.r_margin, 17.5)
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, self.t_margin)
        self.set_font("serif", "", BODY_PT)

    def footer(self):
        if self.page in self.plain_pages:
            return
        text = f"第 {self.page} 页"
        self.set_font("serif", "", 8)
        self.set_xy(self.l_margin, self.h - 14)
        self.cell(0, 5, text, align="C")
        self.record(text)
        self.set_font("serif", "", BODY_PT)

    # ---- flow ------------------------------------------------------------
    def bottom(self):
        return self.h - 20

    def ensure_room(self, height):
        if self.get_y() + height > self.bottom():
            self.add_page()

    def split_lines(self, width, text):
        """Greedy line breaking for Chinese: break between any two characters,
        but keep a short run of Latin letters/digits together and let closing
        punctuation hang at the line end (避头点)."""
        lines, line = [], ""
        i = 0
        while i < len(text):
            j = i + 1
            if _is_latin(text[i]):
                while j < len(text) and _is_latin(text[j]):
                    j += 1
            piece = text[i:j]
            if line and self.get_string_width(line + piece) > width:
                if len(piece) == 1 and piece in NO_LINE_START:
                    line += piece
                    i = j
                    continue
                if self.get_string_width(piece) > width / 3:
                    # long Latin run: split it character by character
                    j = i + 1
                    piece = text[i:j]
                lines.append(line)
                line = ""
                if piece == " ":
                    i = j
                    continue
            line += piece
            i = j
        if line or not lines:
            lines.append(line)
        return lines

    def heading(self, level, title):
        sizes = {0: 16, 1: 13, 2: 11.5}
        if level == 0:
            self.add_page()
        else:
            self.ensure_room(LINE_MM * 4)
            self.ln(LINE_MM * 0.4)
        self.start_section(title, level=level)
        self.set_font("sans", "B", sizes.get(level, 11))
        height = LINE_MM * (1.8 if level == 0 else 1.3)
        self.cell(0, height, title, align="C" if level == 0 else "L")
        self.record(title)
        self.ln(height + (LINE_MM * 0.5 if level == 0 else 0.1))
        self.set_font("serif", "", BODY_PT)

    def paragraph(self, text, indent=True, align="L", bold=False):
        if bold:
            self.set_font("sans", "B", BODY_PT)
        width = self.w - self.l_margin - self.r_margin
        lines = self.split_lines(width, (INDENT + text) if indent else text)
        for line in lines:
            self.ensure_room(LINE_MM)
            self.cell(width, LINE_MM, line, align=align)
            self.record(line)
            self.ln(LINE_MM)
        if bold:
            self.set_font("serif", "", BODY_PT)

    def blank(self, count=1):
        self.ln(LINE_MM * count)

    def table(self, rows, widths, header_rows=1, font_pt=10, aligns=None):
        """Draw a table; the header repeats on every page the table spans."""
        usable = self.w - self.l_margin - self.r_margin
        total = sum(widths)
        col_w = [usable * w / total for w in widths]
        line_h = font_pt * 0.55
        header = rows[:header_rows]

        def draw_row(cells, is_header):
            self.set_font("sans" if is_header else "serif", "B" if is_header else "", font_pt)
            split = [self.split_lines(w - 2, str(c)) for w, c in zip(col_w, cells)]
            height = max(len(s) for s in split) * line_h + 2
            if self.get_y() + height > self.bottom():
                return False
            x0, y0 = self.l_margin, self.get_y()
            x = x0
            for i, (w, lines) in enumerate(zip(col_w, split)):
                self.rect(x, y0, w, height)
                align = "C" if is_header else (aligns[i] if aligns else "L")
                for j, line in enumerate(lines):
                    self.set_xy(x + 1, y0 + 1 + j * line_h)
                    self.cell(w - 2, line_h, line, align=align)
                    self.record(line)
                x += w
            self.set_xy(x0, y0 + height)
            return True

        for cells in header:
            if not draw_row(cells, True):
                self.add_page()
                draw_row(cells, True)
        for cells in rows[header_rows:]:
            if not draw_row(cells, False):
                self.add_page()
                for h in header:
                    draw_row(h, True)
                draw_row(cells, False)
        self.set_font("serif", "", BODY_PT)
        self.ln(LINE_MM * 0.5)


def demo_characters(root):
    """Every character the generator can draw: those in its sources and
    content, plus printable ASCII (fonts are cut down to this set)."""
    root = pathlib.Path(root)
    chars = {chr(c) for c in range(32, 127)}
    for path in [*root.glob("content/*.txt"), *root.glob("gen/*.py"), root / "generate.py",
                 root / "project.toml"]:
        chars |= set(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() or c == "\u3000"}


def render_markup(pdf, markup, context, generators):
    """Render our markup: '#'/'##'/'###' headings (they become the outline),
    paragraphs, '= centred', '> right-aligned', '- list line', '@page',
    '@blank', '@gen NAME' (a generated table or block), and literal tables
    introduced by '@table W1,W2,...' with '|'-separated rows until a blank
    line. '$name' substitutes from `context`."""
    text = string.Template(markup).safe_substitute(context)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip()
        i += 1
        if not raw or raw.startswith("//"):
            continue
        if raw.startswith("### "):
            pdf.heading(2, raw[4:])
        elif raw.startswith("## "):
            pdf.heading(1, raw[3:])
        elif raw.startswith("# "):
            pdf.heading(0, raw[2:])
        elif raw == "@page":
            pdf.add_page()
        elif raw.startswith("@blank"):
            parts = raw.split()
            pdf.blank(int(parts[1]) if len(parts) > 1 else 1)
        elif raw.startswith("@gen "):
            generators[raw[5:].strip()](pdf)
        elif raw.startswith("@table "):
            widths = [float(w) for w in raw[7:].split(",")]
            rows = []
            while i < len(lines) and "|" in lines[i]:
                rows.append([c.strip() for c in lines[i].split("|")])
                i += 1
            pdf.table(rows, widths)
        elif raw.startswith("= "):
            pdf.paragraph(raw[2:], indent=False, align="C", bold=True)
        elif raw.startswith("> "):
            pdf.paragraph(raw[2:], indent=False, align="R")
        elif raw.startswith("- "):
            pdf.paragraph(raw[2:], indent=False)
        else:
            pdf.paragraph(raw)


def cover(pdf, lines_big, lines_small):
    """A cover page without header or footer."""
    pdf.plain_pages.add(pdf.page + 1)
    pdf.add_page()
    pdf.set_y(70)
    pdf.set_font("sans", "B", 22)
    for line in lines_big:
        pdf.cell(0, 14, line, align="C")
        pdf.record(line)
        pdf.ln(16)
    pdf.set_y(170)
    pdf.set_font("serif", "", 13)
    for line in lines_small:
        pdf.cell(0, 9, line, align="C")
        pdf.record(line)
        pdf.ln(10)
    pdf.set_font("serif", "", BODY_PT)


def set_metadata(pdf, meta):
    """Document information dictionary; dates are ISO strings with offset."""
    pdf.set_title(meta["title"])
    pdf.set_subject(meta.get("subject", ""))
    pdf.set_author(meta["author"])
    pdf.set_creator(meta["creator"])
    pdf.set_producer(meta["producer"])
    pdf.set_creation_date(datetime.datetime.fromisoformat(meta["created"]))
    _MOD_DATE["value"] = datetime.datetime.fromisoformat(meta["modified"])
