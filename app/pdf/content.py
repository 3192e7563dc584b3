"""A letter's content, apart from its form: the PDF (app/pdf/layout.py) and the portal's HTML version are
both rendered from one `Letter`, so they say the same thing word for word."""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of block: a heading, a paragraph, the lead (the decision in bold), a table of amounts (label, amount),
# lines (an address or signature: one item per line).
HEADING, TEXT, LEAD, AMOUNTS, LINES = "heading", "text", "lead", "amounts", "lines"


@dataclass(frozen=True)
class Block:
    """One piece of the letter's body."""

    kind: str
    text: str = ""
    items: tuple = ()  # AMOUNTS: ((label, amount), ...); LINES: (line, ...)


@dataclass(frozen=True)
class Letter:
    """What a letter says: its heading, the facts beside the letterhead, the addressee and the body.

    `closing` is the part that stays together at the end (questions, greeting, signature)."""

    title: str
    facts: tuple[tuple[str, str], ...]
    address: tuple[str, ...]
    body: tuple[Block, ...]
    closing: tuple[Block, ...] = ()
    sender: tuple[str, ...] = ()  # the letterhead: municipality, department, address

    def text(self) -> str:
        """The letter as plain text (for checks and searches): title, body and closing."""
        out = [self.title]
        for block in self.body + self.closing:
            if block.kind == AMOUNTS:
                out += [f"{label}: {amount}" for label, amount in block.items]
            elif block.kind == LINES:
                out += list(block.items)
            else:
                out.append(block.text)
        return "\n".join(out)


def section(heading: str, *texts: str) -> tuple[Block, ...]:
    """A heading and its paragraphs; a text with blank lines gives a paragraph per block."""
    out = [Block(HEADING, heading)]
    for value in texts:
        out += [Block(TEXT, b.strip()) for b in value.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return tuple(out)
