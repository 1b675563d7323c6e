"""`quick_init`: a frozen slotted dataclass built at a plain one's cost, still frozen.

dataclasses gives a frozen class an `__init__` that stores each field through
`object.__setattr__` (its own `__setattr__` refuses); that costs twice what storing through the
field's slot descriptor does, which is what this `__init__` does instead. Same parameters,
defaults and result. For types made once per run of a history (100,000 in bench_history).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_T = TypeVar("_T")


def quick_init(cls: type[_T]) -> type[_T]:
    """`cls` (a `@dataclass(frozen=True, slots=True)` with plain defaults) with the quicker
    `__init__`; any other dataclass is refused, so the shortcut never changes a meaning."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    namespace: dict[str, Any] = {}
    params_src, body = [], []
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not field.init or field.default_factory is not dataclasses.MISSING or field.kw_only:
            raise TypeError(f"{cls.__name__}.{field.name} is not a plain field")
        namespace[f"_set_{field.name}"] = cls.__dict__[field.name].__set__
        if field.default is dataclasses.MISSING:
            params_src.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            params_src.append(f"{field.name}=_default_{field.name}")
        body.append(f"    _set_{field.name}(self, {field.name})")
    source = f"def __init__(self, {', '.join(params_src)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)  # as dataclasses itself writes __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)  # noqa: B010 (mypy refuses assigning a method)
    return cls
