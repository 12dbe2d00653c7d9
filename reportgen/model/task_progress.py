"""A year's task table (任务分解表) counted by status: what the annual report's section 六
and the work summary say about it."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.model import DONE, Task

ONGOING = "推进中"
NOT_STARTED = "未启动"


@dataclass(frozen=True)
class Progress:
    """The year's tasks counted by status."""

    tasks: tuple[Task, ...]

    @property
    def total(self) -> int:
        return len(self.tasks)

    @property
    def done(self) -> int:
        return sum(1 for t in self.tasks if t.status == DONE)

    @property
    def ongoing(self) -> int:
        return sum(1 for t in self.tasks if t.status == ONGOING)

    @property
    def not_started(self) -> int:
        return sum(1 for t in self.tasks if t.status == NOT_STARTED)

    @property
    def unstated(self) -> int:
        return sum(1 for t in self.tasks if not t.status)

    @property
    def unfinished(self) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.status and t.status != DONE)

    def summary(self) -> str:
        """“全年31项任务已完成29项，正在推进2项。”"""
        text = f"全年{self.total}项任务已完成{self.done}项"
        if self.done == self.total:
            text = f"全年{self.total}项任务已全部完成"
        parts = [
            f"正在推进{self.ongoing}项" if self.ongoing else "",
            f"尚未启动{self.not_started}项" if self.not_started else "",
            f"{self.unstated}项未填写落实情况" if self.unstated else "",
        ]
        return text + "".join(f"，{p}" for p in parts if p) + "。"

    def unfinished_lines(self) -> list[str]:
        """One sentence per task not completed, with its reason."""
        lines = []
        for task in self.unfinished:
            reason = task.progress.rstrip("。；;") if task.progress else "未说明原因"
            lines.append(f"任务{task.number}“{task.task.rstrip('。')}”{task.status}：{reason}。")
        return lines
