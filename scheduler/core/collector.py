"""The cyclic garbage collector paused while a country's worth of objects is made.

Reading 200,000 units, or planning a reminder for each, makes millions of objects, none of them garbage in
cycles; each of the collector's passes over them costs more the more there are (a third of the time at
200,000 units). Reference counting still frees everything as usual meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside (also as a decorator, ``@paused()``); as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
