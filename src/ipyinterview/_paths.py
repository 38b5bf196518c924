"""Where ipyinterview keeps its local files (no imports beyond the standard library).

The client and the local service both use :func:`home`; it lives here so the
client can find it without importing the server package.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "IPYINTERVIEW_HOME"


def home() -> Path:
    """Return ipyinterview's folder, creating it if needed.

    ``IPYINTERVIEW_HOME`` sets it; the default is ``~/.ipyinterview``. A
    folder created here is its owner's only (0700): it keeps the service's
    database (user tokens) and API key.
    """
    folder = Path(os.environ.get(ENV_HOME, "~/.ipyinterview")).expanduser()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder
