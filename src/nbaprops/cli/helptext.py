"""`--help` as plain text re-flowed to the terminal (at most 80 columns), the same on a terminal,
in a pipe or a log: a docstring's paragraphs are re-wrapped whole (its source line breaks are
not kept), nothing is cut with an ellipsis, no line is padded, and a name is never broken at a
hyphen (`--odds-key-file`, `feature-store` stay whole so they can be copied)."""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer._click import Context as _Context
    from typer._click import HelpFormatter as _Formatter
else:  # the classes typer's commands use, wherever typer takes click from
    _Context = TyperCommand.context_class
    _Formatter = _Context.formatter_class


def reflow(text: str, width: int, indent: str = "") -> str:
    """Each paragraph (blank-line separated) joined into one and wrapped at `width`."""
    wrapper = textwrap.TextWrapper(
        width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False
    )
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(wrapper.fill(p) for p in paragraphs if p)


class HelpFormatter(_Formatter):
    """click's formatter with `reflow` for the prose and the option descriptions."""

    def write_text(self, text: str) -> None:
        self.write(reflow(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(len(first) for first, _ in rows), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        text_width = max(self.width - first_col - 2, 20)
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:  # a long option name: its description starts on the next line
                self.write("\n" + pad)
            lines = reflow(second, text_width).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write((pad + line).rstrip() + "\n")


class HelpContext(_Context):
    formatter_class = HelpFormatter


def first_sentence(text: str) -> str:
    """A command's line in `nbaprops --help`: its doc's first sentence, whole (click would cut it
    with '...' to fit one line; the formatter wraps it instead)."""
    first = " ".join(text.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?\.)(\s|$)", first)
    return match.group(1) if match else first


class Command(TyperCommand):
    context_class = HelpContext

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or first_sentence(self.help or "")


class Group(TyperGroup):
    context_class = HelpContext

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # caught here, before click turns it into exit 1
            from .common import quiet_exit

            quiet_exit()
