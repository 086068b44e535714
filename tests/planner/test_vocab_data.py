"""The offline planner's word tables as data: `defaults/words/*.json`, loaded and checked by `planner/vocab.py`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from lib_imgedit.planner import vocab

WORDS = Path(vocab.__file__).resolve().parents[1] / "defaults" / "words"
PACKAGE = Path(vocab.__file__).resolve().parents[1]


def _files() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted(WORDS.glob("*.json"))}


def test_files_load_and_validate() -> None:
    tables = vocab.load_words(WORDS)
    assert tables and all(getattr(vocab, name) == value for name, value in tables.items())
    assert isinstance(vocab.CONCEPTS["person"][2][0], tuple) and isinstance(vocab.PERSON_PART_LABELS, set)
    assert isinstance(vocab.AMOUNT_EN["much"], float) and isinstance(vocab.TYPO_SAFE_EN, str)


def test_every_file_documents_its_tables() -> None:
    for name, data in _files().items():
        assert next(iter(data)) == "_about", name  # the first key
        assert set(data["_about"]) - {"this file"} == set(data) - {"_about"}, name


def test_no_data_key_is_left_unloaded() -> None:
    tables = vocab.load_words(WORDS)
    for name, data in _files().items():
        for key in set(data) - {"_about"}:
            assert key in tables and hasattr(vocab, key), f"{name}: {key} is not loaded"


def test_every_table_is_used_by_the_package() -> None:
    sources = [p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if p.resolve() != Path(vocab.__file__).resolve()]
    text = "\n".join(sources)
    imported = set()
    for names in re.findall(r"from \S*vocab import (\([^)]*\)|[^\n]*)", text):
        imported |= set(re.findall(r"\w+", names))
    unused = [key for data in _files().values() for key in data if key != "_about"
              and key not in imported and not re.search(rf"\b(V|vocab)\.{key}\b|\[\"{key}\"\]", text)]  # or read from the file
    assert unused == []


@pytest.mark.parametrize(("table", "path", "bad", "message"), [
    ("CONCEPTS", ("hair", 0), 3, "things.json: CONCEPTS['hair'][0]: expected a list, got 3"),
    ("CONCEPTS", ("hair", 2, 0), "hair", "things.json: CONCEPTS['hair'][2][0]: expected a list"),
    ("PLACEMENT", ("hat", 1), 7, "things.json: PLACEMENT['hat'][1]: expected a string, got 7"),
    ("STYLES", ("lego",), [["lego"], ["乐高"]], "operations.json: STYLES['lego']: expected a list of 3 entries"),
    ("AMOUNT_EN", ("much",), "lots", "amounts.json: AMOUNT_EN['much']: expected a number"),
    ("NUMBERS_EN", ("two",), 2.5, "amounts.json: NUMBERS_EN['two']: expected a whole number"),
    ("TYPO_SAFE_EN", (), "abby able", "typos.json: TYPO_SAFE_EN: expected a list"),
])
def test_a_broken_file_names_the_file_and_the_entry(tmp_path: Path, table: str, path: tuple, bad: object,
                                                    message: str) -> None:
    shutil.copytree(WORDS, tmp_path, dirs_exist_ok=True)
    file = next(p for p in tmp_path.glob("*.json") if table in json.loads(p.read_text("utf-8")))
    data = json.loads(file.read_text("utf-8"))
    if path:
        node = data[table]
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = bad
    else:
        data[table] = bad
    file.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(vocab.WordsError, match=re.escape(message)):
        vocab.load_words(tmp_path)


def test_unknown_missing_or_unreadable_tables_are_errors(tmp_path: Path) -> None:
    shutil.copytree(WORDS, tmp_path, dirs_exist_ok=True)
    things = tmp_path / "things.json"
    data = json.loads(things.read_text("utf-8"))
    data["CONCEPT"] = data.pop("CONCEPTS")
    things.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(vocab.WordsError, match=r"things\.json: unknown tables \['CONCEPT'\], missing tables "
                                               r"\['CONCEPTS'\]"):
        vocab.load_words(tmp_path)
    things.write_text("{not json", "utf-8")
    with pytest.raises(vocab.WordsError, match=r"things\.json"):
        vocab.load_words(tmp_path)
    things.unlink()
    with pytest.raises(vocab.WordsError, match=r"things\.json"):
        vocab.load_words(tmp_path)
