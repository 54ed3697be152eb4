"""The fast type predicates of ``pilothouse.typed`` agree with typeguard, the checker they stand in for.

Every construction checks every field (``make bench``: 24 checked objects per benchmark app), so the forms the
public classes use have a hand-written predicate; anything else goes to typeguard's ``check_type``. Each
predicate is compared here with typeguard on a panel of values, for every field of every public class.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable
from typing import Any

import pulumi
import pytest
from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

from pilothouse.kubernetes import Port
from pilothouse.kubernetes.pod_spec import AccountRef
from pilothouse.typed import _is_protocol, _predicate, field_types
from tests.components.test_constructors import CLASSES


class _Account:
    """Meets :class:`AccountRef` (and a pull secret's protocol) the way a ServiceAccount of the program does."""

    name = "web"
    namespace_name = "shop"
    pod_labels: typing.ClassVar[dict[str, str]] = {}
    secret_type = "kubernetes.io/dockerconfigjson"


PANEL: list[Any] = [None, "web", "", 3, -1, 10**30, 2.5, True, b"x", ["a"], ("a",), ("a", "b"), ("a", 1),
                    (("a", "b"),), (("a", 1),), (("a", "b", "c"),), [("a", "b")], (), {"a": "b"}, {"a": 1},
                    {1: "a"}, {"a": ["b"]}, object(), _Account(), Port.http(), (Port.http(),), [Port.http()]]


def _typeguard_fits(value: Any, hint: Any) -> bool:
    try:
        check_type(value, hint, collection_check_strategy=CollectionCheckStrategy.ALL_ITEMS)
    except TypeCheckError:
        return False
    return True


def _names_a_protocol(hint: Any) -> bool:
    return _is_protocol(hint) or any(_names_a_protocol(arg) for arg in typing.get_args(hint))


def _hints() -> list[Any]:
    """Every field's annotation and a factory's (ConfigMap entries as pairs); not those naming a Protocol, which
    typeguard 4 takes any object for, where the fast check is ``isinstance`` (mypy's reading)."""
    found = {hint for cls in CLASSES for _, hint in field_types(cls)}
    found.add(tuple[tuple[str, str | Awaitable[str] | pulumi.Output[Any]], ...])
    return sorted((hint for hint in found if not _names_a_protocol(hint)), key=repr)


def test_every_field_of_a_public_class_has_a_fast_check() -> None:
    slow = sorted(f"{cls.__name__}.{name}: {hint}" for cls in CLASSES for name, hint in field_types(cls)
                  if _predicate(hint) is None)
    assert slow == []


@pytest.mark.parametrize("hint", _hints(), ids=repr)
def test_the_fast_check_agrees_with_typeguard(hint: Any) -> None:
    fast = _predicate(hint)
    assert fast is not None
    disagreements = [value for value in PANEL if fast(value) != _typeguard_fits(value, hint)]
    assert disagreements == []


def test_a_tuple_of_fixed_length_is_checked_item_by_item() -> None:
    pair = _predicate(tuple[str, int])
    assert pair is not None
    assert [pair(value) for value in (("a", 1), ("a", "b"), ("a",), ("a", 1, 2), ["a", 1])] == [
        True, False, False, False, False]


def test_a_union_naming_a_protocol_checks_it_last_with_the_same_result() -> None:
    account = _predicate(AccountRef | str | None)
    assert account is not None
    assert [account(value) for value in (None, "web", _Account(), 3, Port.http(), ("web",))] == [
        True, True, True, False, False, False]


def test_a_tuple_is_checked_by_what_it_iterates() -> None:
    class MisreportedLength(tuple[Any, ...]):
        def __len__(self) -> int:
            return 2

    pair = _predicate(tuple[str, int])
    assert pair is not None
    assert [pair(MisreportedLength(items)) for items in (("a", 1, 2), ("a", 1))] == [False, True]
