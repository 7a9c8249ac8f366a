"""``python -m mock_ortto`` = ``mock-ortto``."""

from __future__ import annotations

import sys

from mock_ortto.cli import main

if __name__ == "__main__":
    sys.exit(main())
