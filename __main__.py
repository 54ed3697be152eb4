"""Pulumi entry point: read the stack's typed config, build the environment."""

import gc

import pulumi

import stacks
from pilothouse.errors import InvalidValueError
from stacks.config import load

# A Pulumi program is a one-shot process whose objects (each resource's outputs, futures and tasks)
# live until it ends, so the cyclic collector only re-walks a growing heap: about 45% of the time
# of a 6 000-object program, and what made its time grow faster than linearly (README, Performance).
gc.disable()

try:
    stacks.build(load())
except InvalidValueError as error:
    # One line naming the key and value, instead of a traceback from deep inside a provider.
    raise pulumi.RunError(f"invalid stack config: {error}") from None
