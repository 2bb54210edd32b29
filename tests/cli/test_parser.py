"""labkit.cli.parser: `lab VERB ...` builds that verb only, and parses as the whole parser does."""

from __future__ import annotations

import argparse
import importlib

import pytest

from labkit.cli.parser import VERB_MODULES, Common, build_parser


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("module", VERB_MODULES)
def test_each_module_registers_the_verbs_the_table_names(module):
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(f"labkit.cli.{module}").register(sub, Common())
    assert tuple(sub.choices) == VERB_MODULES[module]


def test_without_a_verb_every_verb_is_there_in_order():
    every = [verb for verbs in VERB_MODULES.values() for verb in verbs]
    for argv in (None, [], ["--help"], ["--version"], ["no-such-verb"]):
        assert list(_choices(build_parser(argv))) == every


@pytest.mark.parametrize("verb", [v for verbs in VERB_MODULES.values() for v in verbs])
def test_a_verb_alone_parses_and_helps_as_the_whole_parser_does(verb, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    whole, alone = _choices(build_parser())[verb], _choices(build_parser([verb]))[verb]
    assert alone.format_help() == whole.format_help()
    assert alone.format_usage() == whole.format_usage()


@pytest.mark.parametrize("argv", [
    ["status", "--json"], ["deploy", "1.2.3"], ["artifacts", "prune", "--keep", "5"],
    ["list", "--lang", "es"], ["stop"], ["record", "38-01"], ["artifacts", "list", "--json"],
])
def test_the_same_arguments_come_out(argv):
    def parsed(parser):
        return {k: v for k, v in vars(parser.parse_args(argv)).items() if k != "run"}

    assert parsed(build_parser(argv)) == parsed(build_parser())
    assert build_parser(argv).parse_args(argv).run == build_parser().parse_args(argv).run
