"""Pulumi entry point: read the stack's typed config, build the environment."""

import pulumi

import stacks
from components.errors import InvalidValueError
from stacks.config import load

try:
    stacks.build(load())
except InvalidValueError as error:
    # One line naming the key and value, instead of a traceback from deep inside a provider.
    raise pulumi.RunError(f"invalid stack config: {error}") from None
