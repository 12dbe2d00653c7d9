"""Every exception reportgen raises on purpose.

The CLI catches ``ReportgenError`` in one place and prints its message (in Chinese) with a
non-zero exit: 2 for a ``UsageError``, 1 for any other. Problems *in* a data file are not
exceptions: they are findings (``reportgen.model.findings``), so that a check reports all of
them at once.
"""

from __future__ import annotations

import errno


class ReportgenError(Exception):
    """Base class. ``str(error)`` is a complete message for the user, in Chinese."""


class UsageError(ReportgenError):
    """The command line was used wrongly (exit code 2)."""


class InputError(ReportgenError):
    """A file or folder the user named cannot be read."""


class FormatDefinitionError(ReportgenError):
    """A statutory format data file in reportgen/formats is itself malformed (a bug)."""


class TemplateError(ReportgenError):
    """A Word or Markdown template is missing, malformed, or lacks what reportgen needs."""


class OutputError(ReportgenError):
    """A draft cannot be written where it should go."""


class OutsideFolderError(OutputError):
    """A file would be written outside the folder reportgen was told to use (through a link
    leading out, found when links are resolved at the moment of writing), or over something
    that is not a regular file (a pipe, a device, a link leading out)."""


class RenderError(ReportgenError):
    """A value could not be put into a draft faithfully."""


class RefreshError(ReportgenError):
    """A draft that cannot be refreshed with new figures."""


class EditedDraftError(OutputError):
    """A file on disk may hold a person's edits; it is not replaced unless forced."""

    def __init__(self, message: str, path):
        super().__init__(message)
        self.path = path


# What an operating-system error means, in Chinese; the system's own words follow in
# brackets, so that an administrator can still search for them.
_OS_REASONS = {
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "ENOSPC": "磁盘空间不足",
    "EFBIG": "文件超过了允许的大小（磁盘空间或配额不足）",
    "EDQUOT": "超出了磁盘配额",
    "EROFS": "所在的磁盘或文件夹是只读的",
    "ENOENT": "找不到文件或文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中有一段不是文件夹",
    "ENAMETOOLONG": "文件名太长",
    "EMFILE": "同时打开的文件太多",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "EIO": "磁盘读写出错",
    "EEXIST": "文件已经存在",
}


def os_reason(problem: OSError) -> str:
    """ "磁盘空间不足（No space left on device）" and the like."""
    name = errno.errorcode.get(problem.errno or 0, "")
    own = problem.strerror or str(problem)
    chinese = _OS_REASONS.get(name)
    return f"{chinese}（{own}）" if chinese else f"系统错误（{own}）"
