"""``python -m corsware``: the same command as ``corsware``."""

from corsware.cli import main

raise SystemExit(main())
