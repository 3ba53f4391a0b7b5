"""The only I/O a certification workflow does: append its events, deliver notifications."""
