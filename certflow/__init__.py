"""The application shell: settings, logging, the Temporal connection, the CLI and the dev runner."""
