"""Everything that touches the outside: settings, CLI, channels, workers."""
