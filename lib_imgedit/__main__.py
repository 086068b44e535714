"""`python -m lib_imgedit ...`: the command line (`app/cli.py`)."""

import sys

from .app.cli import main

sys.exit(main())
