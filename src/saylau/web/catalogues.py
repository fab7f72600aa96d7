"""Keeping the site's message catalogues current and complete.

Messages are extracted from the templates and Python modules of ``saylau.web`` with the
mapping in ``babel.cfg``, and from the outcome engine's sentences
(``saylau.outcome.sentences``, which the site tells in the reader's language);
:func:`update` merges them into ``messages.pot`` and each language's ``messages.po``
keeping the translations, and :func:`problems` names whatever would leave a page partly in
English or break its formatting: a message with no entry, a Kazakh or Russian entry that is
empty or fuzzy, or placeholders that differ from the msgid.
Entries whose message left the code are harmless (a template edited in another branch may
bring it back) and go at the next update.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from saylau import __version__
from saylau.web.i18n import LANGUAGES, LOCALE_DIR

WEB = Path(__file__).parent
MAPPING = WEB / "babel.cfg"
#: Python modules outside ``saylau.web`` whose ``N_`` messages the site shows (the outcome
#: engine's sentences and the registering side's refusals).
OTHERS = (
    WEB.parent / "outcome" / "sentences.py",
    WEB.parent / "register" / "messages.py",
    WEB.parent / "petitions" / "messages.py",
    WEB.parent / "assemblies" / "messages.py",
    WEB.parent / "pki" / "messages.py",
)
TEMPLATE = LOCALE_DIR / "messages.pot"
#: Languages every message must be translated into (English is the source language).
TRANSLATED = ("kk", "ru")
#: Lines that change on every extraction; files differing only there are left alone.
DATE_HEADERS = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
#: A %-conversion as Python (and Jinja's newstyle gettext, which applies ``%`` to every
#: message) reads it.
CONVERSION = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)

Key = str | Sequence[str]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def display(path: Path) -> str:
    """``path`` as the person at the terminal would type it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def header(language: str | None) -> str:
    what = f"{Locale.parse(language).english_name} translations" if language else "Template"
    return (
        f"# {what} of the Saylau results site.\n"
        "# Kept current by `saylau i18n update`; checked by `saylau i18n check`.\n"
        "# Translate msgstr only; keep every %(name)s placeholder.\n#"
    )


def new_catalog(language: str | None) -> Catalog:
    team = Locale.parse(language).english_name if language else None
    return Catalog(
        locale=language,
        header_comment=header(language),
        project="Saylau",
        version=__version__,
        msgid_bugs_address="",
        last_translator="Saylau contributors",
        language_team=team,
        charset="utf-8",
        fuzzy=False,
    )


def extract() -> Catalog:
    """Every message the site's code and templates ask to translate, fresh from the sources."""
    with MAPPING.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, str(MAPPING))  # type: ignore[no-untyped-call]
    catalog = new_catalog(None)
    found = extract_from_dir(
        WEB,
        method_map,
        options_map,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(
            message,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    for path in OTHERS:
        where = Path("..", path.relative_to(WEB.parent)).as_posix()
        for lineno, message, comments, context in extract_from_file(
            "python", str(path), comment_tags=("Translators:",), strip_comment_tags=True
        ):
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def rendered(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        ignore_obsolete=True,
        include_lineno=False,  # templates move often; the file names are enough
    )
    return buffer.getvalue()


def undated(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith(DATE_HEADERS)]


def save(path: Path, catalog: Catalog) -> bool:
    """Write ``catalog`` unless the file already says the same apart from its dates."""
    text = rendered(catalog)
    if path.exists() and undated(path.read_bytes()) == undated(text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True


def update() -> list[Path]:
    """Extract the messages, then merge them into every catalogue; return the files written.

    Translations are kept; a changed msgid gets its nearest old translation marked fuzzy,
    which :func:`problems` reports until a translator confirms it.
    """
    template = extract()
    written = [TEMPLATE] if save(TEMPLATE, template) else []
    for language in LANGUAGES:
        path = po_path(language)
        catalog = read(path, language) if path.exists() else new_catalog(language)
        catalog.update(template)
        if save(path, catalog):
            written.append(path)
    return written


def conversions(text: str) -> tuple[list[str], bool]:
    """The %-conversions of ``text`` in a comparable form, and whether a stray ``%`` remains."""
    found = sorted(match.group(0) for match in CONVERSION.finditer(text))
    return found, "%" in CONVERSION.sub("", text)


def shown(key: Key) -> str:
    text = key if isinstance(key, str) else key[0]
    return repr(text if len(text) <= 60 else text[:57] + "...")


def forms(value: Key | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def entry_problem(message: Message, entry: Message | None, language: str) -> str | None:
    """What is wrong with ``language``'s entry for ``message``, if anything."""
    name = f"{language}: {shown(message.id)}"
    if entry is None:
        return f"{name} has no entry in {display(po_path(language))} (run 'saylau i18n update')"
    texts = forms(entry.string)
    if not any(texts):
        return f"{name} is not translated" if language in TRANSLATED else None
    if not all(texts):
        return f"{name} lacks a plural form"
    if entry.fuzzy:
        return f"{name} is marked fuzzy: check the translation, then remove the flag"
    ids = forms(message.id)
    for index, text in enumerate(texts):
        expected, _stray = conversions(ids[min(index, len(ids) - 1)])
        got, stray = conversions(text)
        if got != expected:
            return f"{name} has placeholders {got} where the msgid has {expected}"
        if stray:
            return f"{name} has a lone '%' (write '%%' for a percent sign)"
    return None


def keys(catalog: Iterable[Message]) -> set[tuple[str, str | None]]:
    return {
        (message.id if isinstance(message.id, str) else message.id[0], message.context)
        for message in catalog
        if message.id
    }


def problems() -> list[str]:
    """Everything in the catalogues that would show the code's messages wrongly, one line each."""
    template = extract()
    wanted = keys(template)
    found: list[str] = []
    if not TEMPLATE.exists() or not wanted <= keys(read(TEMPLATE)):
        found.append(f"{display(TEMPLATE)} lacks messages of the code (run 'saylau i18n update')")
    for language in LANGUAGES:
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no {display(path)} (run 'saylau i18n update')")
            continue
        catalog = read(path, language)
        for message in template:
            if not message.id:
                continue
            problem = entry_problem(message, catalog.get(message.id, message.context), language)
            if problem:
                found.append(problem)
    return found
