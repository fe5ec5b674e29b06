"""Protocol-level EWS test server and the Exchange transport tests that run against it."""
