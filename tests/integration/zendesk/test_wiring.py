"""What the Zendesk settings switch on: nothing without credentials; tasks and hooks with."""

from __future__ import annotations

from huey import SqliteHuey

from adapters.huey.memory import MemoryGuard
from adapters.huey.tasks import HueyTasks
from domain.events import JobCompleted
from domain.values import Outcome


def registered(huey) -> set[str]:
    return {key.rsplit(".", 1)[-1] for key in huey._registry._registry}


def test_without_credentials_none_of_it_runs(make_container, tmp_path, queue):
    container = make_container(
        zendesk_email=None,
        zendesk_api_token=None,
        zendesk_write_back=True,
        huey_sqlite_path=str(tmp_path / "h.db"),
    )
    assert container.zendesk_api() is None and container.read_attachments() is None
    names = registered(container.huey_tasks().huey)
    assert not names & {"poll_zendesk", "write_back_to_zendesk"}
    container.dispatcher().dispatch([JobCompleted("j-1", Outcome.MATCHED)])
    assert queue.named("write_back") == []


def test_with_credentials_the_poller_and_write_back_are_scheduled(make_container, tmp_path):
    container = make_container(zendesk_write_back=True, huey_sqlite_path=str(tmp_path / "h.db"))
    huey = container.huey_tasks().huey
    periodic = {task.__name__ for task in huey._registry._periodic_tasks}
    assert {"poll_zendesk", "write_back_to_zendesk"} <= registered(huey)
    assert "poll_zendesk" in periodic
    no_poll = make_container(
        zendesk_poll_interval_seconds=0, huey_sqlite_path=str(tmp_path / "n.db")
    )
    assert "poll_zendesk" not in registered(no_poll.huey_tasks().huey)


def test_the_periodic_poll_runs_once_at_a_time(tmp_path):
    runs = []

    class UseCases:
        def poll_zendesk(self):
            return lambda: runs.append("polled")

    huey = SqliteHuey("poll", filename=str(tmp_path / "p.db"), results=False, utc=True)
    huey.immediate = True
    tasks = HueyTasks(huey, UseCases(), MemoryGuard(10**6, stop=lambda: None), zendesk_poll=True)
    tasks.poll_zendesk()
    with huey.lock_task("poll_zendesk"):  # another consumer is polling
        tasks.poll_zendesk()
    assert runs == ["polled"]
