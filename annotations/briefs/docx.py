"""A brief as a Word document (python-docx), with real footnotes.

python-docx writes paragraphs, styles and runs but has no footnote API, so the footnotes part
(``word/footnotes.xml``, the two separators Word expects, then one footnote per note) is
written here and related to the document; each marker in the body becomes a
``w:footnoteReference`` to its note. Word, LibreOffice and python-docx itself open the result;
a test reads it back. Text goes in through python-docx's API or, in the footnotes part, escaped.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from annotations.briefs.export import UNKNOWN_NOTE
from annotations.briefs.model import NOTE_REF
from annotations.briefs.notes import Notes
from annotations.markdown import Block, TextRun, markdown_blocks

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STYLES = {"quote": "Quote", "bullet": "List Bullet", "numbered": "List Number"}
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
    "<w:continuationSeparator/></w:r></w:p></w:footnote>"
)
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'


def to_docx(notes: Notes) -> bytes:
    """The brief as a .docx file: title, body (headings, quotes, lists, emphasis) and a
    footnote per note, with its warning."""
    document = new_docx()
    document.core_properties.title = notes.brief.title
    document.core_properties.author = notes.brief.owner
    document.add_heading(notes.brief.title, level=0)
    for block in markdown_blocks(notes.brief.body):
        _add_block(document, block, notes)
    _add_footnotes(document, notes)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_block(document: object, block: Block, notes: Notes) -> None:
    if block.kind == "heading":
        paragraph = document.add_heading(level=min(block.level, 9))  # type: ignore[attr-defined]
    else:
        paragraph = document.add_paragraph(style=_STYLES.get(block.kind))  # type: ignore[attr-defined]
    for run in block.runs:
        _add_run(paragraph, run, notes)


def _add_run(paragraph: Paragraph, run: TextRun, notes: Notes) -> None:
    """A run of text, each marker in it a footnote reference."""
    position = 0
    for match in NOTE_REF.finditer(run.text):
        _text(paragraph, run, run.text[position : match.start()])
        number = notes.number_of(match.group(1))
        if number is None:
            _text(paragraph, run, f" {UNKNOWN_NOTE}")
        else:
            reference = (
                f'<w:r {nsdecls("w")}>{_SUPERSCRIPT}<w:footnoteReference w:id="{number}"/></w:r>'
            )
            paragraph._p.append(parse_xml(reference))
        position = match.end()
    _text(paragraph, run, run.text[position:])


def _text(paragraph: Paragraph, run: TextRun, text: str) -> None:
    if not text:
        return
    added = paragraph.add_run(text)
    added.bold = run.bold or None
    added.italic = run.italic or None
    if run.code:
        added.font.name = "Courier New"


def _add_footnotes(document: object, notes: Notes) -> None:
    """Write the footnotes part and relate it to the document."""
    items = []
    for note in notes.notes:
        text = note.line + (f" {note.warning}" if note.warning else "")
        items.append(
            f'<w:footnote w:id="{note.number}"><w:p><w:r>{_SUPERSCRIPT}<w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
        )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:footnotes xmlns:w="{_W}">{_SEPARATORS}{"".join(items)}</w:footnotes>'
    )
    main = document.part  # type: ignore[attr-defined]
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode("utf-8"), main.package)
    main.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
