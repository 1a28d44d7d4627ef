"""The `codify` command line: code, eval, train, serve, tokens."""
