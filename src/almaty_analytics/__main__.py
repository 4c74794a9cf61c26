"""``python -m almaty_analytics``: the same command as ``almaty-analytics``."""

import sys

from .cli import main

sys.exit(main())
