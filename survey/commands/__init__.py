"""The work behind each ``survey`` subcommand, callable without the CLI."""
