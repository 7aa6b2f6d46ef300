"""The CJK font the PDF and its charts are drawn with, found at run time and embedded.

reportlab embeds TrueType outlines only, so the font must be a TrueType file (.ttf or a .ttc
collection): WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``) is the one set-up installs. Noto CJK
(``fonts-noto-cjk``) has PostScript outlines that reportlab cannot embed; it is not used.
``JINGFEN_REPORT_FONT`` may point at another TrueType CJK font file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from core.errors import JingfenError
from core.settings import Settings

FONT_NAME = "JingfenCJK"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
CANDIDATES = (
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "uming.ttc",
    "ukai.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "simhei.ttf",
    "msyh.ttf",
)
# A few characters every report prints; a font without them would show empty squares.
PROBE = "经营分析月报在网用户离网率欠费"


def _candidates() -> list[Path]:
    configured = Settings.from_env().report_font
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise JingfenError(
                f"JINGFEN_REPORT_FONT points at {path}, which is not a file: "
                "set it to a TrueType CJK font (.ttf or .ttc) or unset it."
            )
        return [path]
    found = []
    for name in CANDIDATES:
        for folder in FONT_DIRS:
            if folder.is_dir():
                found.extend(sorted(folder.rglob(name)))
    return found


def _covers(path: Path) -> bool:
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        font = TTFont("probe", str(path), subfontIndex=0)
    except Exception:
        return False
    widths = font.face.charWidths
    return all(ord(char) in widths for char in PROBE)


@functools.cache
def cjk_font_path() -> Path:
    """The TrueType CJK font file to embed, or a JingfenError saying what to install."""
    for path in _candidates():
        if _covers(path):
            return path
    raise JingfenError(
        "No TrueType font with Chinese characters was found, so the PDF cannot be written: "
        "install one with 'apt-get install fonts-wqy-zenhei' "
        "(or set JINGFEN_REPORT_FONT to a .ttf/.ttc CJK font file)."
    )


@functools.cache
def register_pdf_font() -> str:
    """Register the CJK font with reportlab (once) and return its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font_path()), subfontIndex=0))
    # One face only: <b> and <i> in paragraphs keep the CJK font instead of falling back to
    # Helvetica, which has no Chinese and is not embedded.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_NAME, bold, italic, FONT_NAME)
    return FONT_NAME


@functools.cache
def matplotlib_font() -> str:
    """Make the CJK font matplotlib's default (once) and return its family name."""
    from matplotlib import font_manager, rcParams

    path = str(cjk_font_path())
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    weights = [f.weight for f in font_manager.fontManager.ttflist if f.fname == path]
    rcParams["font.family"] = [name]
    if weights:
        # WenQuanYi Zen Hei declares weight 500: ask for it, or matplotlib warns on every text.
        for key in ("font.weight", "axes.titleweight", "axes.labelweight", "figure.titleweight"):
            rcParams[key] = weights[0]
    rcParams["axes.unicode_minus"] = False
    return name
