"""``import aslrun`` exposes the documented public names only."""

from __future__ import annotations

import types

import aslrun


def test_dir_lists_exactly_the_public_names() -> None:
    assert sorted(n for n in dir(aslrun) if not n.startswith("_")) == sorted(aslrun.__all__)


def test_no_other_name_is_bound_in_the_package() -> None:
    """Besides its subpackages (attributes any imported submodule becomes), the package binds
    nothing public outside ``__all__``: ``dir`` is not hiding a leak."""
    bound = {
        name
        for name, value in vars(aslrun).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert bound == set(aslrun.__all__)


def test_every_public_name_resolves() -> None:
    for name in aslrun.__all__:
        assert getattr(aslrun, name) is not None
