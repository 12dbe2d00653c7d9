"""Every exception reportgen raises on purpose.

The CLI catches ``ReportgenError`` in one place and prints its message (in Chinese) with a
non-zero exit. Problems *in* a data file are not exceptions: they are findings
(``reportgen.findings``), so that a check reports all of them at once.
"""

from __future__ import annotations


class ReportgenError(Exception):
    """Base class. ``str(error)`` is a complete message for the user, in Chinese."""


class InputError(ReportgenError):
    """A file or folder the user named cannot be read."""


class FormatDefinitionError(ReportgenError):
    """A statutory format data file in reportgen/formats is itself malformed (a bug)."""


class TemplateError(ReportgenError):
    """A Word or Markdown template is missing, malformed, or lacks what reportgen needs."""


class OutputError(ReportgenError):
    """A draft cannot be written where it should go."""


class RenderError(ReportgenError):
    """A value could not be put into a draft faithfully."""


class EditedDraftError(OutputError):
    """A draft on disk may hold a person's edits; it is not overwritten unless forced."""

    def __init__(self, message: str, path):
        super().__init__(message)
        self.path = path
