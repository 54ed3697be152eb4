"""``python -m pilothouse``: the ``pilothouse`` command."""

from pilothouse.cli import run

if __name__ == "__main__":
    run()
