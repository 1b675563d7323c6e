"""The data loader every sched session shares: botocore's, looking for each kind of model once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from scheduler.aws.clients import _OneListingAtATime, new_session


class _CountedWalks(_OneListingAtATime):
    """Counts the walks of botocore's service folders (each walk starts at the search path)."""

    def __init__(self) -> None:
        super().__init__()
        self.walks = 0

    def _potential_locations(self, *args: object, **kwargs: object) -> Iterator[str]:
        self.walks += 1
        yield from super()._potential_locations(*args, **kwargs)  # type: ignore[arg-type]


def test_threads_asking_at_once_for_a_kind_of_model_walk_the_folders_once() -> None:
    loader = _CountedWalks()
    start = threading.Barrier(8)
    found: list[list[str]] = []

    def first_paginator() -> None:
        start.wait()
        found.append(loader.list_available_services("paginators-1"))

    threads = [threading.Thread(target=first_paginator) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert loader.walks == 1
    assert len(found) == 8
    assert all(services == found[0] for services in found)
    assert {"lambda", "events", "iam", "scheduler"} <= set(found[0])


def test_sessions_share_the_loader_and_it_finds_what_botocore_finds() -> None:
    from botocore.loaders import create_loader

    first, second = new_session(region_name="us-east-1"), new_session(region_name="eu-west-1")
    shared = first._session.get_component("data_loader")

    assert second._session.get_component("data_loader") is shared
    assert isinstance(shared, _OneListingAtATime)
    assert shared.list_available_services("service-2") == create_loader().list_available_services(
        "service-2"
    )
