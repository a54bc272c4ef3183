"""The command line's own words (help layout, usage errors) in Vietnamese, or English.

Typer and click write "Usage:", "Options", "Missing argument 'value'." in
English. This module is the one place that words them for us, through hook
points the libraries offer: typer's rich help reads its panel titles and
markers from public constants of ``typer.rich_utils``; a command's usage line
and its --help option come from methods our command classes override; a usage
error is an exception whose fields (kind, parameter, option name) we word here.

Vietnamese by default; English with ``--lang en`` on the command line (the
commands that print diagnostics have that option) or ``LICHTHIDUA_LANG=en``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# click's UsageError as typer vendors it: the base class of the public typer.BadParameter.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]

RICH_TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "ARGUMENTS_PANEL_TITLE": "Đối số",
        "OPTIONS_PANEL_TITLE": "Tùy chọn",
        "COMMANDS_PANEL_TITLE": "Lệnh",
        "ERRORS_PANEL_TITLE": "Lỗi",
        "DEFAULT_STRING": "[mặc định: {}]",
        "ENVVAR_STRING": "[biến môi trường: {}]",
        "REQUIRED_LONG_STRING": "[bắt buộc]",
        "DEPRECATED_STRING": "(không dùng nữa) ",
        "ABORTED_TEXT": "Đã dừng.",
        "RICH_HELP": "Xem [blue]'{command_path} {help_option}'[/] để được hướng dẫn.",
    },
    "en": {},  # typer's own texts, kept when they are first replaced (see _word_rich_texts)
}
USAGE_PREFIX = {"vi": "Cách dùng: ", "en": "Usage: "}
USAGE_PIECES = {
    "[OPTIONS]": {"vi": "[TÙY_CHỌN]", "en": "[OPTIONS]"},
    "COMMAND [ARGS]...": {"vi": "LỆNH [ĐỐI_SỐ]...", "en": "COMMAND [ARGS]..."},
}
HELP_OPTION_TEXT = {"vi": "Hiện hướng dẫn này rồi thoát.", "en": "Show this message and exit."}
ERROR_WORD = {"vi": "Lỗi", "en": "Error"}
SEE_HELP = {"vi": "Xem", "en": "See"}

_lang = "vi"


def current() -> str:
    return _lang


def choose(args: Sequence[str], environ: dict[str, str] | None = None) -> str:
    """The language of this run: ``--lang en`` among the arguments, else LICHTHIDUA_LANG, else vi."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1] == "en" else "vi"
        if arg.startswith("--lang="):
            return "en" if arg.partition("=")[2] == "en" else "vi"
    env = os.environ if environ is None else environ
    return "en" if env.get("LICHTHIDUA_LANG", "").strip().lower() == "en" else "vi"


def use(lang: str) -> None:
    """Word the help and usage errors of this process in ``lang`` ("vi" or "en")."""
    global _lang
    _lang = lang if lang in RICH_TEXTS else "vi"
    if "typer.rich_utils" in sys.modules:  # else worded when help is first formatted
        _word_rich_texts()


def _word_rich_texts() -> None:
    """Put the current language's texts into typer's help renderer.

    typer.rich_utils (rich, markdown-it: a third of the CLI's start-up) is imported only
    here, when help is shown: `lichthidua lunar` and `check FILE` never pay for it.
    """
    import typer.rich_utils as rich_utils

    english = RICH_TEXTS["en"]
    if not english:
        english.update((name, getattr(rich_utils, name)) for name in RICH_TEXTS["vi"])
    for name, text in RICH_TEXTS[_lang].items():
        setattr(rich_utils, name, text)
    _word_types()


def _param_label(exc: Any) -> str:
    param = getattr(exc, "param", None)
    opts = getattr(param, "opts", None)
    if param is not None and getattr(param, "param_type_name", "") == "option" and opts:
        return "/".join(opts)
    return str(getattr(param, "metavar", None) or getattr(param, "name", None) or "?")


# What an argument stands for, as usage lines and errors name it (never typer's `{new_id}` or `[paths]`).
ARGUMENT_NAMES = {
    "paths": "ĐƯỜNG_DẪN", "calendar": "LỊCH", "value": "NGÀY", "new_id": "MÃ_MỚI", "plan": "KẾ_HOẠCH",
}
# What a value is, in the help's type column: Vietnamese words, not Python's <str> <int> <list[Path]>.
TYPE_WORDS = {
    "vi": {"str": "chữ", "int": "số", "float": "số", "Path": "đường_dẫn", "path": "đường_dẫn", "file": "tệp",
           "directory": "thư_mục", "datetime": "thời_điểm"},
    "en": {"str": "text", "int": "integer", "float": "number", "Path": "path", "path": "path", "file": "file",
           "directory": "directory", "datetime": "datetime"},
}


def _display_type(self: Any, ctx: Any) -> str | None:
    """typer's type column, worded: flags show none (their name says it), lists end in '...'."""
    desc = self.type_descriptor
    if desc.is_choice:
        return str(_typer_display_type(self, ctx))  # the choices themselves: <vi|en>
    if getattr(self, "is_flag", False) or desc.annotation is bool:
        return None
    label = _typer_display_type(self, ctx).strip("<>")
    many = label.startswith("list[")
    label = label.removeprefix("list[").removesuffix("]")
    word = TYPE_WORDS[_lang].get(label, label)
    return f"<{word}>" + ("..." if many else "")


def _typer_display_type(self: Any, ctx: Any) -> str:
    return str(_ORIGINAL_DISPLAY_TYPE(self, ctx))


_ORIGINAL_DISPLAY_TYPE: Any = None


def _word_types() -> None:
    """Install the worded type column on typer's parameters (once, when help is first shown)."""
    global _ORIGINAL_DISPLAY_TYPE
    import typer.core

    base: Any = typer.core.TyperArgument.__mro__[1]  # typer's parameter base class, which words the type
    if _ORIGINAL_DISPLAY_TYPE is None:
        _ORIGINAL_DISPLAY_TYPE = base.display_type
        base.display_type = _display_type


_BAD_VALUE = [
    (re.compile(r"'(?P<value>[^']*)' is not one of (?P<choices>.*?)\.?$"),
     {"vi": "'{value}' không phải một trong {choices}", "en": "'{value}' is not one of {choices}"}),
    (re.compile(r"valid integer"), {"vi": "cần một số nguyên", "en": "expected an integer"}),
    (re.compile(r"does not exist"), {"vi": "không tồn tại", "en": "does not exist"}),
]
_GENERIC = [
    (re.compile(r"No such command '(?P<x>.*)'\."), {"vi": "không có lệnh '{x}'", "en": "no such command '{x}'"}),
    (re.compile(r"Missing command\."), {"vi": "thiếu lệnh", "en": "missing command"}),
    (re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<x>.*)\)"),
     {"vi": "thừa đối số: {x}", "en": "unexpected extra argument(s): {x}"}),
    (re.compile(r"Option '(?P<x>.*)' requires an argument\."),
     {"vi": "tùy chọn '{x}' cần một giá trị", "en": "option '{x}' requires a value"}),
    (re.compile(r"Option '(?P<x>.*)' does not take a value\."),
     {"vi": "tùy chọn '{x}' không nhận giá trị", "en": "option '{x}' does not take a value"}),
]


def usage_message(exc: Exception) -> str:
    """A usage error in the current language, with where to look for help."""
    lang = _lang
    kind = type(exc).__name__
    if kind == "NoSuchOption":
        name = getattr(exc, "option_name", "?")
        what = {"vi": f"không có tùy chọn {name}", "en": f"no such option {name}"}[lang]
        possible = sorted(getattr(exc, "possibilities", None) or [])
        if possible:
            what += {"vi": " (có phải ý bạn là: ", "en": " (did you mean: "}[lang] + ", ".join(possible) + ")"
    elif kind == "MissingParameter":
        label = _param_label(exc)
        is_option = getattr(getattr(exc, "param", None), "param_type_name", "") == "option"
        what = {
            "vi": f"thiếu {'tùy chọn' if is_option else 'đối số'} '{label}'",
            "en": f"missing {'option' if is_option else 'argument'} '{label}'",
        }[lang]
    elif isinstance(exc, typer.BadParameter):
        label = _param_label(exc)
        what = {"vi": f"giá trị không hợp lệ cho {label}", "en": f"invalid value for {label}"}[lang]
        text = str(getattr(exc, "message", "") or "")
        for pattern, words in _BAD_VALUE:
            m = pattern.search(text)
            if m:
                what += ": " + words[lang].format(**m.groupdict())
                break
    else:
        text = getattr(exc, "message", None) or str(exc)
        what = {"vi": "lệnh hoặc tham số không hợp lệ", "en": text}[lang]
        for pattern, words in _GENERIC:
            m = pattern.fullmatch(text.strip())
            if m:
                what = words[lang].format(**m.groupdict())
                break
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "lichthidua"
    return f"{ERROR_WORD[lang]}: {what}.\n{SEE_HELP[lang]}: {command} --help"


class _Worded:
    """Usage line and --help text in the current language (mixed into our command classes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in getattr(self, "params", ()):
            if getattr(param, "param_type_name", "") == "argument" and param.metavar is None:
                param.metavar = ARGUMENT_NAMES.get(param.name, param.name.upper())

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _word_rich_texts()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        for english, words in USAGE_PIECES.items():
            pieces = pieces.replace(english, words[_lang])
        pieces = re.sub(r"\{([^{}]+)\}", r"\1", pieces)  # typer's {NAME} for a required argument: NAME
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE_PREFIX[_lang])

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT[_lang]
        return option


class WordedCommand(_Worded, TyperCommand):
    """Every `lichthidua` command: pass as ``cls=`` to ``@app.command``."""


class WordedGroup(_Worded, TyperGroup):
    """Every `lichthidua` command group."""


use("vi")
