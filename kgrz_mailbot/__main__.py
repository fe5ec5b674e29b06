"""``python -m kgrz_mailbot`` runs the command line."""

import sys

from kgrz_mailbot.cli.main import main

sys.exit(main())
