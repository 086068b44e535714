import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib_imgedit.core.errors import InvalidInstruction
from lib_imgedit.core.instruction import OPERATIONS, EditInstruction, build_schema, validate_instruction

LABELS = ["hair", "face", "background"]


def errors_of(data, rules, labels=LABELS):
    with pytest.raises(InvalidInstruction) as info:
        validate_instruction(data, rules, labels)
    return info.value.details


def test_valid_recolor_round_trips(rules):
    instr = validate_instruction({"operation": "recolor", "targets": ["hair"], "color": "blonde"}, rules, LABELS)
    assert isinstance(instr, EditInstruction)
    assert instr.to_dict() == {"operation": "recolor", "targets": ["hair"], "color": "blonde"}
    assert validate_instruction(instr.to_dict(), rules, LABELS) == instr


def test_label_not_in_picture_names_the_labels_present(rules):
    (err,) = errors_of({"operation": "recolor", "targets": ["horse"], "color": "red"}, rules)
    assert err["path"] == "targets.0"
    assert "'horse' is not in the picture" in err["message"] and "background, face, hair" in err["message"]


def test_out_of_range_and_unknown_fields_are_all_reported(rules):
    errs = errors_of({"operation": "adjust", "adjust": {"brightness": 3, "wobble": 1}, "extra": True}, rules)
    paths = {e["path"] for e in errs}
    assert {"adjust", "adjust.brightness", "(root)"} <= paths


@pytest.mark.parametrize("data,path", [
    ({"operation": "inpaint", "targets": ["hair"]}, "prompt"),
    ({"operation": "recolor", "targets": ["hair"]}, "color"),
    ({"operation": "recolor", "targets": ["hair"], "color": "blurple"}, "color"),
    ({"operation": "clarify"}, "question"),
    ({"operation": "adjust"}, "adjust"),
    ({"operation": "adjust", "adjust": {"brightness": 0}}, "adjust"),
    ({"operation": "restyle", "prompt": "anime", "strength": 0.99}, "strength"),
    ({"operation": "undo", "count": 0}, "count"),
    ({"operation": "teleport"}, "operation"),
])
def test_cross_field_rules(rules, data, path):
    assert path in {e["path"] for e in errors_of(data, rules)}


def test_disabled_operation_is_rejected(rules):
    rules["operations"]["face_swap"]["enabled"] = False
    (err,) = errors_of({"operation": "face_swap", "targets": ["face"]}, rules)
    assert err["path"] == "operation" and "not allowed" in err["message"]


def test_schema_lists_every_instruction_field(rules):
    props = build_schema(rules)["properties"]
    assert set(props) == set(EditInstruction.__dataclass_fields__)
    assert set(props["operation"]["enum"]) == set(OPERATIONS)
    assert all(props[k].get("description") for k in props)


def test_no_labels_means_no_targets(rules):
    assert errors_of({"operation": "recolor", "targets": ["hair"], "color": "red"}, rules, labels=[])


def test_not_an_object(rules):
    assert errors_of(["operation"], rules)[0]["path"] == "(root)"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["operation", "targets", "prompt", "color", "adjust", "strength", "mask", "x"]),
                       st.one_of(st.none(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=5),
                                 st.lists(st.text(max_size=4), max_size=3), st.dictionaries(st.text(max_size=6), st.integers(-3, 3)))))
def test_arbitrary_input_is_either_valid_or_a_clean_error(data):
    from lib_imgedit.core.config import load_rules

    try:
        instr = validate_instruction(data, load_rules(), LABELS)
    except InvalidInstruction as exc:
        assert exc.details and all(d["path"] and d["message"] for d in exc.details)
    else:
        assert instr.operation in OPERATIONS and set(instr.targets) <= set(LABELS)


def test_compact_form_keeps_zero_mask_values(rules):
    data = {"operation": "adjust", "adjust": {"blur": 0.5}, "mask": {"feather": 0, "dilate": 0}}
    compact = validate_instruction(data, rules, LABELS).to_dict()
    assert compact["mask"] == {"feather": 0, "dilate": 0}
    assert validate_instruction(compact, rules, LABELS).mask.feather == 0
