"""Extracting the instruction from whatever a model wrote: syntax is repaired, meaning is not."""

import pytest

from lib_imgedit.planner.extract import NoInstruction, extract_instruction, extract_list, normalize_punctuation

RECOLOR = {"operation": "recolor", "targets": ["hair"], "color": "red"}


@pytest.mark.parametrize("reply", [
    '{"operation": "recolor", "targets": ["hair"], "color": "red"}',
    'Sure! Here is the plan:\n```json\n{"operation": "recolor", "targets": ["hair"], "color": "red"}\n```\nEnjoy.',
    '```\n{"operation": "recolor", "targets": ["hair"], "color": "red"}\n```',
    'I will recolor the hair. {"operation": "recolor", "targets": ["hair"], "color": "red"} Let me know!',
    "{'operation': 'recolor', 'targets': ['hair'], 'color': 'red'}",
    '{"operation": "recolor", "targets": ["hair",], "color": "red",}',
    '｛“operation”：“recolor”，“targets”：［“hair”］，“color”：“red”｝',
    '{"operation"："recolor"，"targets"：["hair"]，"color"："red"}',
    '<think>The user wants {"operation": "remove"}? No.</think>{"operation": "recolor", "targets": ["hair"], "color": "red"}',
    '{"instruction": {"operation": "recolor", "targets": ["hair"], "color": "red"}}',
    '[{"operation": "recolor", "targets": ["hair"], "color": "red"}]',
    '{"name": "edit_image", "arguments": "{\\"operation\\": \\"recolor\\", \\"targets\\": [\\"hair\\"], \\"color\\": \\"red\\"}"}',
    'First {"note": 1}, then {"operation": "recolor", "targets": ["hair"], "color": "red"}',
])
def test_reply_shapes(reply):
    assert extract_instruction(reply) == RECOLOR


def test_chinese_text_inside_strings_is_kept():
    got = extract_instruction('｛“operation”：“recolor”，“color”：“red”，“reply”：“好的，把头发：变红”｝')
    assert got["reply"] == "好的，把头发：变红"
    assert normalize_punctuation('{"a": "x，y"}') == '{"a": "x，y"}'


@pytest.mark.parametrize("reply, why", [
    ("", "empty"),
    ("   ", "empty"),
    ("I cannot help with that.", "no JSON"),
    ('{"op": "recolor"}', '"operation"'),
])
def test_no_instruction_says_why(reply, why):
    with pytest.raises(NoInstruction, match=why):
        extract_instruction(reply)


def test_semantics_are_not_repaired():
    """A wrong type stays wrong: validation, not extraction, must reject it and tell the model."""
    assert extract_instruction('{"operation": "recolor", "targets": "hair"}')["targets"] == "hair"


def test_suggestion_lists():
    items = [{"text": "a", "instruction": RECOLOR}]
    assert extract_list('{"suggestions": [{"text": "a", "instruction": ' + str(RECOLOR).replace("'", '"') + "}]}",
                        "suggestions") == items
    assert extract_list("```json\n[{'text': 'a', 'instruction': " + str(RECOLOR) + "}]\n```", "suggestions") == items
    assert extract_list("nothing here", "suggestions") == []
