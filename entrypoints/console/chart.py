"""Geometry of the dashboard's server-rendered SVG chart (received and completed per hour)."""

from __future__ import annotations

from dataclasses import dataclass

from application.console.views import HourBucket

WIDTH = 960
HEIGHT = 200
PAD_LEFT = 40
PAD_BOTTOM = 24
PAD_TOP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    received: list[Bar]
    completed_points: str
    max_value: int
    ticks: list[tuple[float, str]]
    baseline: float


def build_chart(hours: list[HourBucket]) -> Chart:
    plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
    plot_width = WIDTH - PAD_LEFT
    peak = max([1] + [max(h.received, h.completed) for h in hours])
    slot = plot_width / max(len(hours), 1)
    baseline = PAD_TOP + plot_height

    def y(value: int) -> float:
        return round(baseline - plot_height * value / peak, 1)

    bars = []
    points = []
    ticks = []
    for i, hour in enumerate(hours):
        x = PAD_LEFT + i * slot
        label = (
            f"{hour.start:%d.%m. %H} Uhr: {hour.received} eingegangen, {hour.completed} erledigt"
        )
        bars.append(
            Bar(
                round(x + 1, 1),
                y(hour.received),
                round(slot - 2, 1),
                round(baseline - y(hour.received), 1),
                label,
            )
        )
        points.append(f"{round(x + slot / 2, 1)},{y(hour.completed)}")
        if hour.start.hour % 6 == 0:
            ticks.append((round(x, 1), f"{hour.start:%H}:00"))
    return Chart(WIDTH, HEIGHT, bars, " ".join(points), peak, ticks, baseline)
