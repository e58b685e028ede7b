"""Report bodies as the HTML editors of county portals produce them.

Three house styles, all seen on real pages: ``word`` (pasted from Word through the CMS
editor: every run wrapped in <span><font face="方正仿宋_GBK">, <o:p> leftovers, td widths,
like the real Ucap sample), ``mso`` (Word's own HTML export: MsoNormal classes, &nbsp;,
windowtext borders) and ``plain`` (a hand-made table).
"""

from __future__ import annotations

from html import escape

from .document import BLANK, FIGURE, HEADING, PARA, SIGNATURE, SUBHEADING, TABLE, TITLE, Block
from .tables import Grid

_WORD_P = ('<p style="text-indent: 2em; text-align: justify; line-height: 2; '
           'font-family: 微软雅黑;" align="">')
_WORD_SPAN = '<span style="font-family: 微软雅黑;">'
_OP = '<span style="font-family: 微软雅黑;"><o:p></o:p></span>'


def _text(text: str, style: str) -> str:
    out = escape(text, quote=False)
    if style in ("word", "mso"):
        out = out.replace("\xa0", "&nbsp;")
    return out


def _paragraph(block: Block, style: str) -> str:
    if block.kind == BLANK:
        return {"word": f"{_WORD_P}{_WORD_SPAN}<o:p>&nbsp;</o:p></span></p>",
                "mso": '<p class="MsoNormal"><span lang="EN-US">&nbsp;</span></p>',
                "plain": "<p>&nbsp;</p>"}[style]
    lines = block.text.split("\n")
    face = "方正黑体_GBK" if block.kind in (HEADING, TITLE) else "方正仿宋_GBK"
    align = ""
    if block.kind == TITLE:
        align = "center"
    elif block.kind == SIGNATURE:
        align = "right"
    out = []
    for line in lines:
        text = _text(line.strip() if block.kind == SIGNATURE else line, style)
        if style == "word":
            p = _WORD_P if not align else _WORD_P.replace("text-indent: 2em; text-align: justify",
                                                          f"text-align: {align}")
            out.append(f'{p}{_WORD_SPAN}<font style="font-family: 微软雅黑;" face="{face}">'
                       f"{text}</font></span>{_OP}</p>")
        elif style == "mso":
            css = ("text-align:center" if align == "center" else "text-align:right"
                   if align == "right" else "text-indent:32.0pt;line-height:28.0pt")
            font = "黑体" if block.kind in (HEADING, TITLE) else "仿宋_GB2312"
            out.append(f'<p class="MsoNormal" style="{css}"><span style="font-size:16.0pt;'
                       f"font-family:{font}\">{text}</span></p>")
        else:
            tag = "h2" if block.kind == TITLE else "p"
            attr = f' style="text-align:{align}"' if align else ""
            bold = block.kind == HEADING
            out.append(f"<{tag}{attr}>{'<strong>' if bold else ''}{text}"
                       f"{'</strong>' if bold else ''}</{tag}>")
    return "\n".join(out)


def table_html(grid: Grid, style: str) -> str:
    """A grid as a <table>: rowspan/colspan exactly as the official template draws them."""
    widths = _widths(grid)
    rows = []
    for r, row in enumerate(grid.rows):
        cells = []
        for cell in row:
            span = ""
            if cell.rowspan > 1:
                span += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                span += f' colspan="{cell.colspan}"'
            lines = cell.text.split("\n")
            if style == "word":
                body = "".join(f'\n      <p style="text-align: justify; line-height: 2; font-family: '
                               f'微软雅黑;" align="">{_WORD_SPAN}{_text(line, style)}</span>{_OP}</p>'
                               for line in lines)
                cells.append(f'\n      <td{span} style="font-family: 微软雅黑;" width="{widths}" '
                             f'valign="center">{body}\n      </td>')
            elif style == "mso":
                body = "<br>".join(_text(line, style) for line in lines) or "&nbsp;"
                cells.append(f'<td{span} style="border:solid windowtext 1.0pt;padding:0cm 5.4pt '
                             f'0cm 5.4pt"><p class="MsoNormal" align="center" style="text-align:'
                             f'center"><span style="font-size:10.5pt;font-family:仿宋_GB2312">'
                             f"{body}</span></p></td>")
            else:
                cells.append(f"<td{span}>{'<br/>'.join(_text(x, style) for x in lines)}</td>")
        rows.append("    <tr>" + "".join(cells) + ("\n    </tr>" if style == "word" else "</tr>"))
    if style == "word":
        head = ('<table style="BORDER-COLLAPSE:collapse" cellspacing="0" cellpadding="2" '
                'bordercolor="#000000" border="1">')
    elif style == "mso":
        head = ('<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
                'style="border-collapse:collapse;border:none">')
    else:
        head = '<table border="1" cellspacing="0" width="100%">'
    return f"{head}\n  <tbody>\n" + "\n".join(rows) + "\n  </tbody>\n</table>"


def _widths(grid: Grid) -> int:
    return {4: 150, 10: 60, 15: 42}.get(grid.n_cols, 60)


def body_html(blocks: list[Block], style: str, *, grids: dict[str, Grid] | None,
              images: dict[int, str], skip_title: bool = False) -> str:
    """The report as HTML paragraphs and tables.

    ``grids`` None leaves tables out (they are in an attachment, or absent); ``images`` maps
    a block index to the URL of its picture (tables drawn as images, charts).
    """
    parts = []
    for n, block in enumerate(blocks):
        if block.kind == TITLE and skip_title:
            continue
        if block.kind == TABLE:
            if n in images:
                parts.append(f'<p style="text-align:center"><img src="{images[n]}" '
                             f'border="0" alt=""></p>')
            elif grids is not None:
                parts.append(table_html(grids[block.table], style))
            continue
        if block.kind == FIGURE:
            if n in images:
                parts.append(f'<p style="text-align:center"><img src="{images[n]}" border="0"></p>')
            continue
        if block.kind in (TITLE, HEADING, SUBHEADING, PARA, SIGNATURE, BLANK):
            parts.append(_paragraph(block, style))
    return "\n".join(parts)
