"""The words of a published report: the text of each section and sub-heading, and what the
page says about the report (publication date, contact, where to download it).

Sub-headings run into their paragraph (“（一）主动公开情况。本年度…”) are split off, so
that their text lands under their own key. The sentences reportgen itself writes from the
figures are left out (they are written again from the figures). The publication date is
the date under the signature, else the page's own (发布时间, 公开日期, a PubDate field).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from reportgen.formats.statutory import Format
from reportgen.sources.imported import Imported
from reportgen.sources.published import headings
from reportgen.sources.published.blocks import normal

_CHROME = re.compile(
    r"版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|技术支持|网站地图|打印本页|关闭窗口|【打印】|【关闭】"
    r"|分享到|扫一扫|上一篇|下一篇|相关链接|阅读次数|浏览次数|访问量|字号[:：]?\s*[大中小]"
)
_BYLINE = re.compile(r"发布时间|发布日期|公开日期|成文日期|生成日期|信息来源|索引号|发布机构|来源[:：]|文\s*号[:：]")
_DATE = re.compile(r"^((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_SIGNED = re.compile(r"^(?P<agency>.{2,}?)\s*(?P<date>(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")
_PROMPT = re.compile(r"^【(?:待填写|请按本年情况改写)")
_PAGE_DATE = re.compile(
    r"(?:发布时间|发布日期|公开日期|成文日期|发文日期|生成日期|PubDate|日\s*期)\s*[:：]?\s*"
    r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})",
    re.I,
)


def read(paragraphs: list[str], title_at: int, fmt: Format, result: Imported, page_date: str = "") -> None:
    """Fill ``result``'s texts, publication date, contact and download site."""
    opening: list[str] = []
    byline: list[str] = []
    texts: dict[str, list[str]] = {}
    current_key = None
    after = -1  # the last heading seen, by its order in the format
    seen_first = False
    lines = list(paragraphs[title_at + 1 :])
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        norm = normal(line)
        if not norm:
            continue
        if not seen_first and _BYLINE.search(line) and len(line) < 120:
            byline.append(line)  # the article's byline: its date, source, index number
            continue
        if _CHROME.search(line) and len(line) < 80:
            if seen_first:
                break  # the page's footer, after the report
            continue  # the page's tools, before it
        if norm.startswith(normal("附：数据核对问题清单")):
            break
        if seen_first and (match := _DATE.match(re.sub(r"\s+", "", line))):  # the date under the signature
            result.published = _safe_date(match)
            if (
                current_key is not None
                and texts.get(current_key)
                and normal(texts[current_key][-1]) == normal(result.agency)
            ):
                texts[current_key].pop()
            break
        if seen_first and (match := _SIGNED.search(line)) and normal(match["agency"]).endswith(normal(result.agency)):
            # the signature and its date on one line, or at the end of the last paragraph
            before = (
                match["agency"][: len(match["agency"]) - len(result.agency)].strip()
                if match["agency"].endswith(result.agency)
                else ""
            )
            lines[index:index] = [p for p in (before, result.agency, match["date"]) if p]
            continue
        heading = headings.which(line, fmt, after)
        if heading is None and seen_first and (found := headings.inline(line, fmt, after)):
            heading, rest = found
            lines.insert(index, rest)
        if heading is not None:
            seen_first = True
            after = heading.order
            current_key = heading.key
            if current_key:
                texts.setdefault(current_key, [])
            continue
        if not seen_first:
            if norm != normal(result.agency):
                opening.append(line)
            continue
        if current_key is None:
            continue  # text of a section without a narrative (二、三、四): its lead sentence
        if _PROMPT.match(line):
            continue
        texts.setdefault(current_key, []).append(line)
    if result.published is None:
        result.published = _page_date(paragraphs[: title_at + 1] + byline, page_date, result)
    read_opening(" ".join(opening), result)
    if "phone" not in result.contact and texts.get("other"):
        read_opening(" ".join(texts["other"]), result)  # some give their contact in section 六
    for key, lines in texts.items():
        lines = _strip_generated(key, lines, fmt, result)
        if lines:
            result.texts[key] = "\n".join(lines)


def _safe_date(match) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _page_date(lines: list[str], meta: str, result: Imported) -> date | None:
    """The date the page says it was published, when the report is not dated under its
    signature: 发布时间：2026-01-25 above the article, or the page's PubDate field."""
    for text in [*lines, f"PubDate:{meta}" if meta else ""]:
        if match := _PAGE_DATE.search(text):
            found = _safe_date(match)
            if found is not None:
                result.remarks.append(
                    f"报告落款没有日期，发布日期取自网页上的发布时间（{found.isoformat()}），请核对。"
                )
                return found
    return None


_LEAD_REQUESTS = re.compile(
    r"^(?:19|20)\d\d年，\S{0,12}?(?:共收到政府信息公开申请\d+件.*结转下年度继续办理\d+件。"
    r"|未收到政府信息公开申请。)$"
)
_FEES = re.compile(r"发出收费通知(?P<notices>\d+)件，收取信息处理费(?P<amount>\d+(?:\.\d+)?)元")
_NO_FEES = re.compile(r"^(?:19|20)\d\d年，\S{0,12}?未收取政府信息公开信息处理费。$")
_NONE_COLLECTED = re.compile(r"(?:未|没有)收取(?:政府信息公开)?信息处理费")


def _strip_generated(key: str, lines: list[str], fmt: Format, result: Imported) -> list[str]:
    """Leave out the sentences reportgen itself writes from the figures, reading the
    信息处理费 from section 六's (a published report's own wording stays as it is)."""
    kept = []
    for line in lines:
        if key == "on_request" and _LEAD_REQUESTS.match(line):
            continue
        if key == "other" and fmt.has_fees:
            if match := _FEES.search(line):
                result.fees = {"notices": int(match["notices"]), "amount": _amount(match["amount"])}
                if line.startswith(f"{result.year}年，") and "依据《政府信息公开信息处理费管理办法》" in line:
                    continue
            if _NO_FEES.match(line):
                result.fees = {"notices": 0, "amount": 0}
                continue
            if _NONE_COLLECTED.search(line) and not result.fees:
                result.fees = {"notices": 0, "amount": 0}  # the agency's own words: kept in the text
        kept.append(line)
    return kept


def _amount(text: str):
    return Decimal(text) if "." in text else int(text)


# ------------------------------------------------------------------ the opening paragraph

_URL = r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s，,。；;）)”\"]*)?"
_DOWNLOAD = re.compile(
    r"电子版(?:本)?(?:可以|可|请)?(?:在|从|登录|通过|到)?(?P<site>[^。；;]*?)"
    r"(?:[（(](?:网址[:：]\s*)?(?P<url>" + _URL + r")[）)])?\s*(?:上|中)?(?:查阅|下载|查看|浏览|获取)"
)
_OFFICE = re.compile(
    r"请(?:与|联系|致电|咨询)\s*(?P<office>[^（(，,。；;：:]{2,40}?)\s*(?:联系|[（(，,：:；;])"
    r"|联系(?:单位|机构|部门)\s*[:：]\s*(?P<named>[^（(，,。；;]{2,40})"
)
_FIELDS = (
    ("address", re.compile(r"(?:联系|通讯|办公)?地址\s*(?:[:：]|为)?\s*(?P<v>[^，,；;。）)]{3,60})")),
    ("postcode", re.compile(r"(?:邮编|邮政编码)\s*(?:[:：]|为)?\s*(?P<v>\d{6})")),
    (
        "phone",
        re.compile(
            r"(?:联系|咨询|办公)?电话\s*(?:[:：]|为)?\s*(?P<v>[0-9０-９（）()][0-9０-９\-－—（）() 、/转]{5,40}\d)"
        ),
    ),
)


def read_opening(text: str, result: Imported) -> None:
    """Where to download the report and whom to ask, from the paragraph that says so."""
    if "site" not in result.download and (match := _DOWNLOAD.search(text)):
        site = match["site"].strip(' “”"')
        url = match["url"] or ""
        if not url and (inside := re.search(_URL, site)):
            url = inside.group()
            site = (site[: inside.start()] + site[inside.end() :]).strip(' （）()：:“”"')
        result.download = {"site": re.sub(r"^(?:在|从)", "", site).strip(), "url": url.strip()}
    if "office" not in result.contact and (match := _OFFICE.search(text)):
        result.contact["office"] = (match["office"] or match["named"]).strip(' “”"')
    for name, pattern in _FIELDS:
        if name not in result.contact and (match := pattern.search(text)):
            result.contact[name] = (
                re.sub(r"\s+", "", match["v"]).strip("，,；;") if name != "address" else match["v"].strip()
            )
