"""Where a catalogue's local data is: the file beside it and the folder its `{file: PATH}` objects
are read from. A leaf, so that `sched validate` of a catalogue without the file imports nothing
else of `local_data`.
"""

from __future__ import annotations

from pathlib import Path

LOCAL_DATA_FILE = "local-data.yaml"
LOCAL_DATA_FOLDER = "local-data"
"""The folder beside the file that `{file: PATH}` objects are read from."""


def data_file_beside(catalogue_path: Path) -> Path:
    """Where the local data of the catalogue at `catalogue_path` is declared."""
    return catalogue_path.parent / LOCAL_DATA_FILE
