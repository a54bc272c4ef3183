"""The reminder service's channels by name, each made when a wave first has a row for it.

A wave of emails reads no recipients list: the webhook or chat channel, which needs the units'
endpoints, is made only when one of its rows is due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from notifiers.delivery import Channel


class LazyChannels(Mapping[str, Channel]):
    """``make(name)`` gives the channel of that name (None: there is none); ``names()`` the names there may be."""

    def __init__(self, make: Callable[[str], Channel | None], names: Callable[[], Iterable[str]]) -> None:
        self.make = make
        self.names = names
        self.made: dict[str, Channel | None] = {}

    def __getitem__(self, name: str) -> Channel:
        if name not in self.made:
            self.made[name] = self.make(name)
        found = self.made[name]
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self.names()))

    def __len__(self) -> int:
        return len(list(iter(self)))
