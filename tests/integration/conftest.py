"""Makes the repository's ``examples`` package importable, however pytest was started."""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# `python -m pytest` from the repository root puts it on sys.path already; a bare `pytest` or a run
# from another directory does not.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
