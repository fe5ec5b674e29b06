"""Microsoft Graph: a protocol-level test server and the Graph transport tests."""
