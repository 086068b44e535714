"""The front doors: the JSON API (api.py), the standalone app (standalone.py) and the command line (cli.py).
They translate input and output and call `EditService`; nothing here decides an edit."""
