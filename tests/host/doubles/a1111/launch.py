"""Double of the WebUI's `launch` module as install.py sees it."""

import argparse

args = argparse.Namespace(skip_install=False)
installed = {}  # distribution -> version; the test fills it
pip_calls = []
pip_fails = set()  # requirements whose install fails


def is_installed(package):
    return package in installed


def run_pip(command, desc=None, live=False):
    if args.skip_install:
        return
    pip_calls.append(command)
    if any(bad in command for bad in pip_fails):
        raise RuntimeError(f"Couldn't install {desc}")
