"""Doubles of the A1111 WebUI's `modules` package (1.10): the names and signatures Chat Edit's host
adapters use, with the behaviour that matters to them (script argument slices, setup on assignment,
the runner's callback cache, queue_lock, shared.state, Interrupt), and a fake generation. Installed
into sys.modules only by tests/host/webui.py, for the tests that need it."""
