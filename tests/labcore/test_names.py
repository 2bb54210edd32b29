"""labcore.names: the rules for names the kit turns into paths."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labcore.names import SIMPLE_NAME, VERSION, is_simple_name, is_version


@pytest.mark.parametrize("name", ["ana", "a", "0", "ana-maria", "ana_2", "x" * 64, "9lives"])
def test_simple_names_that_pass(name):
    assert is_simple_name(name)


@pytest.mark.parametrize("name", [
    "", "Ana", "-ana", "_ana", "ana/b", "../evil", "..", ".", "a.b", "ana\n", "ana/", "\nana",
    "ana ", " ana", "x" * 65, "ana\x00", "añа",
])
def test_simple_names_that_fail(name):
    assert not is_simple_name(name)


@pytest.mark.parametrize("value", [None, 1, b"ana", ["ana"]])
def test_only_strings_are_names_or_versions(value):
    assert not is_simple_name(value)
    assert not is_version(value)


@pytest.mark.parametrize("version", ["1.2.3", "2.0.0-rc1", "1.0.0+build.5", "v1", "0", "a" * 64])
def test_versions_that_pass(version):
    assert is_version(version)


@pytest.mark.parametrize("version", [
    "", "1.2.3\n", "1.2.3/", "/1.2.3", "../1.2.3", "1..2", "..", ".1", "-1", "1 2", "1.2.3 ",
    "a" * 65, "1.2.3\x00",
])
def test_versions_that_fail(version):
    assert not is_version(version)


@given(st.text(max_size=80))
def test_whatever_passes_is_one_safe_path_component(text):
    if is_simple_name(text):
        assert SIMPLE_NAME.fullmatch(text) and "/" not in text and "\n" not in text
        assert text not in (".", "..")
    if is_version(text):
        assert VERSION.fullmatch(text) and "/" not in text and "\n" not in text
        assert ".." not in text and not text.startswith(".")


@given(st.from_regex(SIMPLE_NAME, fullmatch=True), st.sampled_from(["\n", "/", "/x", "\n\n"]))
def test_a_trailing_newline_or_slash_never_passes(name, tail):
    assert is_simple_name(name)
    assert not is_simple_name(name + tail)
    if is_version(name):
        assert not is_version(name + tail)
