"""kgrz-mailbot: the status-report cycle of the KGRZ Koblenz, run through its mailbox."""

__version__ = "0.1.0"
