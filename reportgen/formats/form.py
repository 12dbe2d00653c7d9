"""The fill-in form's own layout, shared by its writer (``reportgen.renderers.form``) and its
reader (``reportgen.sources.workbook``): the sheets it has, the hidden sheet that says which
format and year it is, and the defined name of each input cell (``rg_<key>``), by which the
reader finds every figure even after a clerk inserted rows."""

from __future__ import annotations

import re

SHEETS = {
    "info": "基本信息",
    "proactive": "表二 主动公开",
    "requests": "表三 申请办理",
    "appeals": "表四 复议诉讼",
    "text": "文字",
}
META = "_reportgen"


def defined_name(key: str) -> str:
    return "rg_" + re.sub(r"[^A-Za-z0-9_]", "_", key)
