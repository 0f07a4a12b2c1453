"""Constructed PDFs for the injury-report tests: a minimal PDF writer (text placed at given
positions, Helvetica) and reports laid out like the NBA's (the recorded report's column x
positions, title, header and footer). Everything here is built by the tests, not recorded."""

from __future__ import annotations

from collections.abc import Sequence

PAGE_W, PAGE_H = 841.95, 595.35
# where the recorded report prints each column's cells (its header titles start 1 pt to the left)
X = {
    "game_date": 24.1,
    "game_time": 120.6,
    "matchup": 201.0,
    "team": 265.2,
    "player": 426.0,
    "status": 586.7,
    "reason": 667.1,
}
HEADER = (
    ("Game Date", "game_date"),
    ("Game Time", "game_time"),
    ("Matchup", "matchup"),
    ("Team", "team"),
    ("Player Name", "player"),
    ("Current Status", "status"),
    ("Reason", "reason"),
)
Text = tuple[float, float, str, float]  # (x, top, text, font size)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(pages: Sequence[Sequence[Text]]) -> bytes:
    """A valid PDF with one page per item, each text drawn with its top at `top` points from the
    page's top edge."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [3 + 2 * i for i in range(n_pages)]
    font_id = 3 + 2 * n_pages
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {n_pages} >>".encode())
    for i, texts in enumerate(pages):
        ops = []
        for x, top, text, size in texts:
            y = PAGE_H - top - size * 0.8
            ops.append(f"BT /F1 {size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm ({_escape(text)}) Tj ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {page_ids[i] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def report_pdf(title: str, rows: Sequence[dict[str, str]], *, header: bool = True, row_gap: float = 22.0) -> bytes:
    """A one-page report laid out like the NBA's: the title, the column header, then one line per
    row (cells by column name; a `reason_above` / `reason_below` cell is printed half a line
    above / below, as a wrapped reason is), and the page footer."""
    texts: list[Text] = [(289.1, 45.5, title, 18)]
    if header:
        texts += [(X[col] - 1, 107.7, label, 10) for label, col in HEADER]
    top = 128.9
    for row in rows:
        for col, text in row.items():
            if col == "reason_above":
                texts.append((X["reason"], top - 7, text, 10))
            elif col == "reason_below":
                texts.append((X["reason"], top + 7, text, 10))
            elif text:
                texts.append((X[col], top, text, 10))
        top += row_gap
    texts.append((398.5, 538.1, "Page 1 of 1", 10))
    return pdf_bytes([texts])
