"""Close readings asked back with both one click away, and the constructions read in issue 18's last round:
"brighter" after a recolour, "it ... instead" after an undo, "在X上/旁边加Y", "but not", "not too much", aspect
ratios said as such; each as a first request and as a follow-up, in English and Chinese."""

import io

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import plan_steps
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.engine.service import EditService
from lib_imgedit.planner.modes import CONFIDENT
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.scoring import DialogueState

OFFLINE = OfflinePlanner(load_rules())
PETS = ["dog", "cat", "grass", "sky", "fence"]
PORTRAIT = ["person", "hair", "face", "skin", "clothes", "upper_clothes", "background"]
HOUSE = ["sky", "house", "roof", "chimney", "grass", "dog"]
STREET = ["sky", "tree", "grass", "building", "road", "car", "person"]


def talk(labels: list[str], *texts: str):
    """Plan each message after the ones before it (as the service keeps them); the last message's result."""
    state = DialogueState(list(labels))
    for text in texts:
        result = OFFLINE.plan(state.context(text))
        state.apply(text, result.instruction)
    return result


def bare(ins: dict) -> dict:
    return {k: v for k, v in ins.items() if k not in ("reply", "question")}


def test_brighter_after_a_mid_tone_recolour_asks_which_of_the_two_readings():
    result = talk(STREET, "make the car red", "a bit brighter")
    assert result.instruction["operation"] == "clarify" and result.confidence < CONFIDENT
    lighter, picture = (o["instruction"] for o in result.options)
    assert bare(lighter) == {"operation": "recolor", "targets": ["car"], "color": "light red"}
    assert picture["operation"] == "adjust" and picture["targets"] == [] and picture["adjust"]["brightness"] > 0
    assert [o["text"] for o in result.options] == ["Recolour the car light red", "Apply brightness +15% to the whole image"]
    assert result.instruction["question"].startswith("Did you mean: recolour the car light red, or apply brightness")
    named = talk(STREET, "make the car red", "make the car a bit brighter").instruction  # says which: no question
    assert bare(named) == {"operation": "recolor", "targets": ["car"], "color": "light red"}


def test_the_question_is_asked_in_chinese():
    result = talk(PORTRAIT, "把衣服变成蓝色", "亮一点")
    assert result.instruction["operation"] == "clarify" and "还是" in result.instruction["question"]
    assert [bare(o["instruction"])["operation"] for o in result.options] == ["recolor", "adjust"]
    assert result.options[0]["text"] == "把衣服的颜色改成浅蓝色"


@pytest.mark.parametrize("first, then, expected", [
    ("make the clothes navy", "a bit brighter", {"operation": "recolor", "targets": ["clothes"], "color": "light navy"}),
    ("把衣服变成黑色", "亮一点", {"operation": "recolor", "targets": ["clothes"], "color": "dark grey"}),
    ("make the clothes green", "a little darker", {"operation": "recolor", "targets": ["clothes"], "color": "dark green"}),
])
def test_a_dark_colour_made_brighter_or_any_colour_darker_is_its_shade(first, then, expected):
    assert bare(talk(PORTRAIT, first, then).instruction) == expected


@pytest.mark.parametrize("first", ["make the hair blonde", "make the cat ginger", "make her shirt green", "把背景变成灰色"])
def test_a_light_or_middling_colour_made_brighter_is_the_picture(first):
    ins = talk(PORTRAIT + PETS, first, "a bit brighter" if "make" in first else "亮一点").instruction
    assert ins["operation"] == "adjust" and not ins.get("targets") and ins["adjust"]["brightness"] > 0


@pytest.mark.parametrize("texts, expected", [
    (("censor the car", "undo that", "remove it instead"), {"operation": "remove", "targets": ["car"]}),
    (("make the car red", "undo", "make it blue instead"), {"operation": "recolor", "targets": ["car"], "color": "blue"}),
    (("把车变成红色", "撤销", "换成蓝色"), {"operation": "recolor", "targets": ["car"], "color": "blue"}),
])
def test_it_after_an_undo_is_what_the_undo_took_back(texts, expected):
    result = talk(STREET, *texts)
    assert bare(result.instruction) == expected and result.confidence >= CONFIDENT


def test_it_after_two_undos_is_not_guessed_from_the_older_edit():
    ins = talk(STREET, "make the car red", "blur the sky", "undo", "undo", "remove it instead").instruction
    assert ins.get("targets") != ["car"]


@pytest.mark.parametrize("text, labels, target, around", [
    ("在烟囱上加一些烟", HOUSE, "chimney", False),
    ("在屋顶上放一只猫", HOUSE, "roof", False),
    ("在狗旁边加一只猫", HOUSE, "grass", False),  # next to it: on the ground it stands on
    ("add a cat next to the dog", HOUSE, "grass", False),
    ("add a bird above the roof", HOUSE, "sky", False),  # above it: the sky
    ("put a rug under the table", ["wall", "floor", "table", "cup"], "floor", False),
    ("在桌子下面放一只猫", ["wall", "floor", "table", "cup"], "floor", False),
    ("put a croissant next to her cup", ["wall", "floor", "table", "cup"], "table", False),  # a cup stands on a table
    ("park a motorbike next to the car", ["sky", "grass", "road", "car"], "road", False),
    ("hang a painting on the wall above the sofa", ["wall", "floor", "sofa", "sky"], "wall", False),  # said where
    ("add smoke coming out of the chimney", HOUSE, "chimney", True),  # out of it: around it
    ("add a cat next to the dog", ["dog", "sky"], "dog", True),  # nothing to stand on: around it
])
def test_add_x_on_or_next_to_y_paints_where_x_goes(text, labels, target, around):
    result = OFFLINE.plan(DialogueState(labels).context(text))
    ins = result.instruction
    assert ins["operation"] == "inpaint" and ins["targets"] == [target], ins
    assert bool((ins.get("mask") or {}).get("dilate")) == around


def test_a_place_that_is_not_in_the_picture_is_not_sure():
    for text in ("在灯塔上加一些烟", "add smoke above the lighthouse"):
        assert OFFLINE.plan(DialogueState(HOUSE).context(text)).confidence < CONFIDENT, text


def test_a_chinese_label_name_names_the_label_as_a_follow_up_too():
    assert bare(talk(HOUSE, "make the sky blue", "把烟囱去掉").instruction) == {"operation": "remove", "targets": ["chimney"]}


@pytest.mark.parametrize("text, labels, kept", [
    ("everything else gray but not the person", ["person", "hair", "grass", "sky"], ["person"]),
    ("make all of it sepia but not the cat", PETS, ["cat"]),
])
def test_but_not_after_everything_is_an_exclusion(text, labels, kept):
    ins = OFFLINE.plan(DialogueState(labels).context(text)).instruction
    assert ins["targets"] == kept and ins["mask"]["invert"] is True


@pytest.mark.parametrize("text, amount", [("brighter but not too much", 0.15), ("blur it but not too much", 0.25)])
def test_not_too_much_is_a_little_and_no_exclusion(text, amount):
    ins = OFFLINE.plan(DialogueState(PETS).context(text)).instruction
    assert not ins.get("mask") and list(ins["adjust"].values()) == [amount]


@pytest.mark.parametrize("text, aspect", [
    ("change the aspect ratio to 9:16", "9:16"), ("set the ratio to 4:3", "4:3"), ("改成正方形", "1:1"),
    ("把比例改成16:9", "16:9"), ("make the format portrait", "4:5"),
])
def test_an_aspect_ratio_said_as_such_is_a_crop(text, aspect):
    for result in (OFFLINE.plan(DialogueState(PETS).context(text)), talk(PETS, "make the cat ginger", text)):
        assert bare(result.instruction) == {"operation": "crop", "targets": [], "aspect": aspect}


def test_a_pattern_on_the_clothes_is_no_crop():
    assert OFFLINE.plan(DialogueState(PORTRAIT).context("把衣服改成方形图案")).instruction["operation"] != "crop"


def test_the_service_offers_both_readings_and_one_click_runs_one(settings):
    """The question's two answers are the session's one-click choices; accepting the first runs it as the edit."""
    service = EditService(settings.update({"suggestions": False, "turns_per_minute": 10000}))
    sid = service.create_session("me").id
    cat = np.zeros((48, 64), bool)
    cat[10:30, 20:40] = True
    buf = io.BytesIO()
    Image.fromarray(np.full((48, 64, 3), 120, np.uint8)).save(buf, format="PNG")
    service.upload(sid, "me", buf.getvalue(), label_map=LabelMap(64, 48, {"car": cat, "road": ~cat}))
    service.message(sid, "me", "make the car red")
    asked = service.message(sid, "me", "a bit brighter")
    steps = len(service.store.nodes(sid))
    assert asked.instruction["operation"] == "clarify" and len(asked.suggestions) == 2
    assert all(s["answer"] for s in asked.suggestions)
    assert service.session_view(sid, "me")["suggestions"] == asked.suggestions
    picked = service.accept_suggestion(sid, "me", 1)["instruction"]
    done = service.run_instruction(sid, "me", picked, asked.suggestions[1]["text"])
    assert len(service.store.nodes(sid)) == steps + 1
    assert [s["operation"] for s in plan_steps(done.instruction)] == ["adjust"]


def test_one_of_several_named_alone_is_asked_about_and_the_answer_picks_it():
    two = ["person 1", "person 2", "face 1", "face 2", "background"]
    for first, answer in (("remove the person", "the one on the right"), ("get rid of that guy", "the right one"),
                          ("把那个人去掉", "右边的")):
        asked = talk(two, first)
        assert asked.instruction["operation"] == "clarify" and asked.confidence >= CONFIDENT, first
        assert [o["instruction"]["targets"] for o in asked.options] == [["person 1"], ["person 2"]]
        assert asked.options[0]["text"] in ("Remove the person on the left", "去掉左边的人物")
        assert bare(talk(two, first, answer).instruction) == {"operation": "remove", "targets": ["person 2"]}
    for text in ("remove both people", "blur the faces", "remove the person on the left", "remove everyone"):
        assert talk(two, text).instruction["operation"] != "clarify", text


@pytest.mark.parametrize("texts, expected", [
    (("blur the backdrop", "ok thats too much, dial it back"),
     {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.25}, "replace": True}),
    (("blur the backdrop", "hmm a touch less blurry"),
     {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.25}, "replace": True}),
    (("把背景模糊一下", "太糊了"), {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.25}, "replace": True}),
])
def test_less_blur_is_the_blur_again_weaker_in_its_place(texts, expected):
    result = talk(PORTRAIT, *texts)
    assert bare(result.instruction) == expected
    assert "in place of the last edit" in result.instruction["reply"] or "替换上一步" in result.instruction["reply"]


@pytest.mark.parametrize("texts, expected", [
    (("give me red hair", "hmm not that bright"), {"operation": "recolor", "targets": ["hair"], "color": "dark red"}),
    (("give me red hair", "and the lips to match"), {"operation": "recolor", "targets": ["lips"], "color": "red"}),
    (("把屋顶改成蓝色", "还是绿色吧", "窗户也改成同样的颜色"), {"operation": "recolor", "targets": ["window"], "color": "green"}),
    (("erase the cup", "wait no, put it back"), {"operation": "undo"}),
    (("把杯子去掉", "还是放回去吧"), {"operation": "undo"}),
    (("erase the cup", "undo", "put it back"), {"operation": "redo"}),
    (("rotate 90 clockwise", "oops, other way"), {"operation": "rotate", "targets": [], "angle": 180}),
    (("crop to 16:9", "actually make it 4:3"), {"operation": "crop", "targets": [], "aspect": "4:3"}),
    (("裁成9比16", "不对，要4比5的"), {"operation": "crop", "targets": [], "aspect": "4:5"}),
    (("在沙发上放个抱枕", "换成红色的"), {"operation": "inpaint", "targets": ["sofa"], "prompt": "a red pillow, 抱枕"}),
])
def test_follow_ups_of_this_round(texts, expected):
    labels = ["person", "hair", "face", "lips", "sofa", "cup", "roof", "window", "sky", "background"]
    got = bare(talk(labels, *texts).instruction)
    assert {k: v for k, v in got.items() if k != "targets" or "targets" in expected} == expected


@pytest.mark.parametrize("text, labels, expected", [
    ("can you blur all of it apart from the two of us", ["person 1", "person 2", "background"], ["person 1", "person 2"]),
    ("desaturate the whole thing except for her dress", ["hair", "face", "dress", "background"], ["dress"]),
    ("除了那只狗之外，其他的全部变成黑白的", PETS, ["dog"]),
    ("除了这两只猫，都模糊", ["dog", "cat 1", "cat 2", "grass"], ["cat 1", "cat 2"]),
    ("everything exept the cat in black and white", PETS, ["cat"]),
])
def test_exclusions_of_this_round(text, labels, expected):
    ins = OFFLINE.plan(DialogueState(labels).context(text)).instruction
    assert ins["targets"] == expected and ins["mask"]["invert"] is True


@pytest.mark.parametrize("text, labels, expected", [
    ("pop a party hat on the dog lol", PETS, {"operation": "inpaint", "targets": ["dog"]}),
    ("blot out the car so nobody can tell whose it is", STREET, {"operation": "adjust", "targets": ["car"]}),
    ("make the cat unrecognisable", PETS, {"operation": "adjust", "targets": ["cat"]}),
    ("pixelate the ppl on the beach", ["sky", "sea", "sand", "person"], {"operation": "adjust", "targets": ["person"]}),
    ("put a helmet on the cyclist", STREET, {"operation": "inpaint", "targets": ["person"]}),
    ("make it portrait, 4:5 for insta", PETS, {"operation": "crop", "targets": []}),
])
def test_words_of_this_round(text, labels, expected):
    ins = OFFLINE.plan(DialogueState(labels).context(text)).instruction
    assert {k: ins.get(k) for k in expected} == expected


def test_a_replacing_edit_runs_on_the_picture_before_the_last_edit(settings):
    """'a touch less blurry' after a blur: the blur again, weaker, on the picture before it (a new branch, so
    undo goes back to the photo), never a weaker blur stacked on the strong one."""
    service = EditService(settings.update({"suggestions": False, "turns_per_minute": 10000}))
    sid = service.create_session("me").id
    sky = np.zeros((48, 64), bool)
    sky[:24] = True
    photo = np.random.default_rng(1).integers(0, 255, (48, 64, 3)).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="PNG")
    up = service.upload(sid, "me", buf.getvalue(), label_map=LabelMap(64, 48, {"sky": sky, "ground": ~sky}))
    strong = service.message(sid, "me", "blur the sky")
    weaker = service.message(sid, "me", "hmm a touch less blurry")
    assert weaker.instruction.get("replace") is True
    assert service.store.get_node(sid, weaker.node_id).parent == up.node_id
    def decode_png(png: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def roughness(png: bytes) -> float:
        return float(np.abs(np.diff(decode_png(png)[:20].astype(int), axis=1)).mean())

    assert roughness(strong.image_png) < roughness(weaker.image_png) < roughness(up.image_png)
    assert (decode_png(weaker.image_png)[30:] == photo[30:]).all()  # the ground stays the user's
    back = service.undo(sid, "me")
    assert back.node_id == up.node_id


def test_replace_is_only_a_first_step_and_never_a_history_move():
    from lib_imgedit.core.errors import InvalidInstruction
    from lib_imgedit.core.instruction import validate_plan

    rules = load_rules()
    blur = {"operation": "adjust", "adjust": {"blur": 0.3}}
    assert validate_plan({**blur, "replace": True}, rules).steps[0].replace is True
    for bad in ({"steps": [blur, {**blur, "replace": True}]}, {"operation": "undo", "replace": True},
                {**blur, "replace": "yes"}):
        with pytest.raises(InvalidInstruction):
            validate_plan(bad, rules)


ROOM = ["wall", "floor", "sofa", "table", "cup", "window", "plant"]
SCENE = ["sky", "tree", "building", "road", "car", "person"]


@pytest.mark.parametrize("texts, labels, expected", [
    (("crop to the person on the left",), ["person 1", "person 2", "background"], {"operation": "crop", "targets": ["person 1"]}),
    (("add a red ball on the grass", "make it blue instead"), ["dog", "grass", "sky"],
     {"operation": "inpaint", "targets": ["grass"], "prompt": "a blue ball, on the grass"}),
    (("把那个路人去掉", "有点糊，再来一次"), SCENE, {"operation": "remove", "targets": ["person"]}),
    (("remove the car", "that looks weird, try again"), SCENE, {"operation": "remove", "targets": ["car"]}),
    (("paint the roof red", "and the house white", "undo both", "redo the roof one"), ["sky", "house", "roof"],
     {"operation": "redo"}),
    (("照片有点灰蒙蒙的，让它更通透一点",), ROOM, {"operation": "adjust", "targets": [], "adjust": {"contrast": 0.18}}),
    (("除了车和人，其他都变黑白", "其他部分再加点模糊"), SCENE,
     {"operation": "adjust", "targets": ["car", "person"], "adjust": {"blur": 0.5}, "mask": {"invert": True}}),
    (("make everything but the car black and white", "blur the rest a bit"), SCENE,
     {"operation": "adjust", "targets": ["car"], "adjust": {"blur": 0.25}, "mask": {"invert": True}}),
    (("leave the sky alone and make the rest a bit warmer",), ["sky", "mountain", "water"],
     {"operation": "adjust", "targets": ["sky"], "adjust": {"warmth": 0.15}, "mask": {"invert": True}}),
    (("在她头上加一顶草帽",), PORTRAIT, {"operation": "inpaint", "targets": ["hair"]}),
    (("把天空换成晚霞", "撤销", "还是晚霞好看，恢复回来吧"), ["sky", "house"], {"operation": "redo"}),
    (("give her a pixie cut",), PORTRAIT, {"operation": "inpaint", "targets": ["hair"], "prompt": "a pixie cut"}),
    (("pic is way too crunchy, smooth it out a lil",), ROOM, {"operation": "adjust", "targets": [], "adjust": {"blur": 0.1}}),
    (("can we go widescreen? 16 by 9",), SCENE, {"operation": "crop", "targets": [], "aspect": "16:9"}),
    (("Would you mind adding a sleeping cat next to the dog? Thnak you!",), ["dog", "grass", "sky"],
     {"operation": "inpaint", "targets": ["grass"]}),
    (("Could you please blur everything other than the coffee cup? I'd like it to really stand out.",), ROOM,
     {"operation": "adjust", "targets": ["cup"], "mask": {"invert": True}}),
])
def test_requests_of_round_three(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


SHOP = ["bottle", "label", "table", "background"]
FAMILY = ["person 1", "person 2", "person 3", "person 4", "face 1", "face 2", "face 3", "face 4", "background"]


@pytest.mark.parametrize("texts, labels, expected", [
    (("把背景模湖一下",), PORTRAIT, {"operation": "adjust", "targets": ["background"]}),  # 模湖: 模糊 by sound
    (("给脸打个马塞克",), PORTRAIT, {"operation": "adjust", "targets": ["face"]}),
    (("把那只猫去调",), PETS, {"operation": "remove", "targets": ["cat"]}),
    (("把右边两个路人的脸摸糊掉",), FAMILY, {"operation": "adjust", "targets": ["face 3", "face 4"]}),
    (("pixelate the two guests' faces on the right, the couple on the left stays as is",), FAMILY,
     {"operation": "adjust", "targets": ["face 3", "face 4"]}),
    (("can u censor the guy on the rights face, he doesnt want to be posted",), ["person 1", "person 2", "face 1", "face 2"],
     {"operation": "adjust", "targets": ["face 2"]}),
    (("hide the old price sticker on the box",), ["box", "price tag", "table"], {"operation": "adjust", "targets": ["price tag"]}),
    (("Good afternoon. Could you kindly make everything blurry other than my three grandchildren, so they stand out. "
      "Many thanks, Joan",), ["person 1", "person 2", "person 3", "dog", "grass"],
     {"operation": "adjust", "targets": ["person 1", "person 2", "person 3"], "mask": {"invert": True}}),
    (("blur evrything except me lol",), PORTRAIT, {"operation": "adjust", "targets": ["person"], "mask": {"invert": True}}),
    (("除了我的脸 其他都模糊掉",), PORTRAIT, {"operation": "adjust", "targets": ["face"], "mask": {"invert": True}}),
    (("Could you please make the picture smaller, about 800 pixels across, so I can send it by email to my sister.",),
     PORTRAIT, {"operation": "resize", "width": 800}),
    (("can you do 1080 by 1080 for etsy",), SHOP, {"operation": "resize", "width": 1080, "height": 1080}),
    (("need this square for the shop listing",), SHOP, {"operation": "crop", "aspect": "1:1"}),
    (("add fairy lights in the tree behind them",), ["person 1", "person 2", "tree", "grass"], {"operation": "inpaint", "targets": ["tree"]}),
    (("瓶子下面垫个木托盘",), SHOP, {"operation": "inpaint", "targets": ["table"]}),
    (("把沙发换成深蓝色", "还是换成深灰色吧"), ROOM, {"operation": "recolor", "targets": ["sofa"], "color": "dark gray"}),
    (("brighten everything except the window, it's blown out already",), ROOM,
     {"operation": "adjust", "targets": ["window"], "mask": {"invert": True}}),
    (("Convert everything except the cup to B&W please, classic selective colour look",), ROOM,
     {"operation": "adjust", "targets": ["cup"], "adjust": {"grayscale": True}}),
    (("lawn's patchy, can you make it look lush?",), ["sky", "house", "lawn", "driveway"], {"operation": "inpaint", "targets": ["lawn"]}),
    (("make it look like a watercolour painting", "hmm undo that and try oil painting instead"), PORTRAIT,
     {"operation": "restyle", "replace": True}),
    (("add a big round mirror on the wall above the sofa", "again, that one looks weird"), ROOM,
     {"operation": "inpaint", "targets": ["wall"]}),
    (("put a red bow on the dog", "undo it", "Let us try a blue one instead please."), PETS,
     {"operation": "inpaint", "targets": ["dog"], "prompt": "a blue bow, on the dog"}),
    (("把瓶子上的标签模糊掉", "不对，是换成空白标签"), SHOP, {"operation": "inpaint", "targets": ["label"]}),
    (("把她的头发改成金色",), ["person 1", "person 2", "hair 1", "hair 2"], {"operation": "clarify"}),
])
def test_requests_of_round_four(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


def test_chinese_typos_by_sound_leave_real_words_alone():
    """Every Chinese request of our own sets reads as before: only pieces no word reads are spelt by sound."""
    import glob
    import json
    import re

    from lib_imgedit.planner.offline.typos import fix_zh_typos

    changed = {}
    for path in glob.glob("tests/data/*planner*.jsonl") + glob.glob("tests/data/dialogues*.jsonl"):
        if "heldout" in path and not any(f"heldout{n}_" in path for n in ("", "2", "3", "4")):
            continue  # the latest held-out round is not read
        for line in open(path, encoding="utf-8"):
            case = json.loads(line) if line.strip() else {}
            for text in [case.get("instruction", "")] + [t["text"] for t in case.get("turns", [])]:
                if text and re.search(r"[\u3400-\u9fff]", text) and fix_zh_typos(text, case.get("labels", [])) != text:
                    changed[text] = fix_zh_typos(text, case.get("labels", []))
    assert changed == {"把背景模湖一下": "把背景模糊一下", "把那只猫去调": "把那只猫去掉", "把汽车改成红涩的": "把汽车改成红色的",
                       "把右边两个路人的脸摸糊掉": "把右边两个路人的脸模糊掉"}
    assert fix_zh_typos("旋转两度", []) == "旋转两度"  # a number is never a slip of sound


BEACH = ["sky", "sea", "beach", "person", "umbrella", "boat"]
PET_ROOM = ["dog", "blanket", "floor", "sofa", "toy", "wall"]


@pytest.mark.parametrize("texts, labels, expected", [
    (("make everything except the boat black & white",), BEACH,
     {"operation": "adjust", "targets": ["boat"], "adjust": {"grayscale": True}}),
    (("弄成竖版的九比十六",), BEACH, {"operation": "crop", "aspect": "9:16"}),
    (("put a beach towel under the umbrella",), BEACH, {"operation": "inpaint", "targets": ["beach"]}),
    (("add bunny ears to her",), PORTRAIT, {"operation": "inpaint", "targets": ["hair"]}),
    (("blur the background behind my dog", "more"), PET_ROOM,
     {"operation": "adjust", "targets": ["dog"], "mask": {"invert": True}}),
    (("blur the license plate", "hmm pixelate it instead"), ["road", "car", "license plate"],
     {"operation": "adjust", "targets": ["license plate"], "adjust": {"pixelate": 0.5}, "replace": True}),
])
def test_requests_of_round_five(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


def test_read_and_left_out_or_only_known_as_content_is_not_sure():
    """A colour read and then not used ("black & white ... want it to pop" planned as saturation) and a thing
    known only as something to paint (气球, no balloon label) asked about: acted on or asked, never sure."""
    from lib_imgedit.planner.offline.confidence import unused

    assert unused("make it black and white", {"operation": "adjust", "adjust": {"saturation": 0.3}}, BEACH) == ["black and white"]
    assert unused("make it black and white", {"operation": "adjust", "adjust": {"grayscale": True}}, BEACH) == []
    assert unused("make the boat red", {"operation": "recolor", "targets": ["boat"], "color": "red"}, BEACH) == []
    balloon = OFFLINE.plan(DialogueState(["person 1", "person 2", "cake"]).context("把气球都换成粉色"))
    assert balloon.instruction["operation"] == "clarify" and balloon.confidence < CONFIDENT
    horse = OFFLINE.plan(DialogueState(["person", "grass"]).context("make the horse white"))
    assert horse.instruction["operation"] == "clarify" and horse.confidence >= CONFIDENT  # a known thing, not there


@pytest.mark.parametrize("texts, labels, expected", [
    (("crop it three by four, portrait",), BEACH, {"operation": "crop", "aspect": "3:4"}),
    (("add a rainbow over the lake",), ["sky", "lake", "tree"], {"operation": "inpaint", "targets": ["sky"]}),
    (("put a blanket over the sofa",), ROOM, {"operation": "inpaint", "targets": ["sofa"]}),
    (("在山顶上面加一轮月亮",), ["sky", "mountain", "lake"], {"operation": "inpaint", "targets": ["sky"]}),
    (("make everything except the person black and white", "keep the lake in colour as well"), ["sky", "lake", "person"],
     {"operation": "adjust", "targets": ["person", "lake"], "replace": True}),
    (("除了人，其他都变黑白", "树也保留颜色"), ["sky", "tree", "person"], {"targets": ["person", "tree"], "replace": True}),
    (("Would you kindly make the whole picture softer, but please leave the dog as it is.",), ["sky", "grass", "dog"],
     {"operation": "adjust", "targets": ["dog"], "mask": {"invert": True}}),
    (("For privacy, I would like the faces of the children to be blurred out, if that is possible.",),
     ["person 1", "person 2", "face 1", "face 2"], {"operation": "adjust", "targets": ["face 1", "face 2"]}),
    (("all except the cat should be slightly blurred, like portrait mode on my phone",), PETS,
     {"operation": "adjust", "targets": ["cat"], "mask": {"invert": True}}),
    (("make it black and white", "On second thought, please bring the colour back."), PETS, {"operation": "undo"}),
    (("remove the dog", "undo", "actually I liked it, put it back"), PETS, {"operation": "redo"}),
    (("Could you make the colours a bit stronger, they look rather faded to me.",), PETS,
     {"operation": "adjust", "adjust": {"saturation": 0.15}}),
    (("make the rims gunmetal",), ["car", "wheel", "road"], {"operation": "recolor", "targets": ["wheel"], "color": "gunmetal"}),
    (("轮毂改成金色",), ["car", "wheel", "road"], {"operation": "recolor", "targets": ["wheel"], "color": "gold"}),
    (("把头发染成金色",), PORTRAIT, {"operation": "recolor", "targets": ["hair"], "color": "blonde"}),
    (("高度改为720像素",), PETS, {"operation": "resize", "height": 720}),
])
def test_requests_of_round_six(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


GRADS = ["person 1", "person 2", "person 3", "face 1", "face 2", "face 3", "gown", "building", "sky"]


@pytest.mark.parametrize("texts, labels, expected", [
    (("drop the saturation on everything except the fish",), ["boat", "sea", "sky", "fish"],
     {"operation": "adjust", "targets": ["fish"], "adjust": {"saturation": -0.3}}),
    (("make it look like an oil painting", "less intense"), BEACH, {"operation": "restyle", "strength": 0.35, "replace": True}),
    (("add some clouds to the sky", "too much, dial it back"), BEACH, {"operation": "inpaint", "targets": ["sky"], "replace": True}),
    (("在沙发上放个抱枕", "再加一个"), ROOM, {"operation": "inpaint", "targets": ["sofa"], "prompt": "pillow, 抱枕"}),
    (("在天上加几只海鸥", "再多加几只"), BEACH, {"operation": "inpaint", "targets": ["sky"]}),
    (("add a seagull in the sky", "add another one"), BEACH, {"operation": "inpaint", "targets": ["sky"]}),
    (("make it black and white", "还是保留捧花的颜色吧"), ["person", "bouquet", "dress"],
     {"operation": "adjust", "targets": ["bouquet"], "mask": {"invert": True}, "replace": True}),
    (("make it black and white", "keep the bouquet in colour"), ["person", "bouquet", "dress"],
     {"targets": ["bouquet"], "mask": {"invert": True}}),
    (("blur everyone apart from the one in the middle", "the other way round"), GRADS,
     {"operation": "adjust", "targets": ["person 2"], "replace": True}),
    (("blur the background", "the other way round"), ["person", "sky", "grass"],
     {"operation": "adjust", "targets": ["person"], "replace": True}),
    (("blur everyone apart from the middle grad",), GRADS, {"operation": "adjust", "targets": ["person 1", "person 3"]}),
    (("paint the wall grey", "hmm, actually go with off-white"), ROOM, {"operation": "recolor", "color": "off-white"}),
    (("把墙刷成蓝色", "算了，还是换回去吧"), ROOM, {"operation": "undo"}),
    (("now 1280x720 for youtube",), GRADS, {"operation": "resize", "width": 1280, "height": 720}),
    (("rotate it a couple of degrees clockwise, the building looks tilted",), GRADS, {"operation": "rotate", "angle": 2}),
    (("hide the groom's face, he's the one on the right",), GRADS, {"operation": "adjust", "targets": ["face 3"]}),
    (("把学士服换成酒红色",), GRADS, {"operation": "recolor", "targets": ["gown"]}),
])
def test_requests_of_round_seven(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


@pytest.mark.parametrize("texts, labels, expected", [
    (("everything except the sofa in black and white pls, I want the couch to pop",), ROOM,
     {"operation": "adjust", "targets": ["sofa"], "mask": {"invert": True}}),
    (("nah, take that back",), ROOM, {"operation": "undo"}),
    (("sepia-fy the whole thing",), ROOM, {"operation": "adjust", "adjust": {"stylize": "sepia"}}),
    (("除了中间那位同学，其他人的脸都打上马赛克",), GRADS, {"operation": "adjust", "targets": ["face 1", "face 3"]}),
    (("人脸全部模胡一下，要发网上",), GRADS, {"operation": "adjust", "targets": ["face 1", "face 2", "face 3"]}),
    (("把沙发换成兰色的",), ROOM, {"operation": "recolor", "targets": ["sofa"], "color": "blue"}),
    (("天空灰蒙蒙的，给我整成蓝天白云",), BEACH, {"operation": "inpaint", "targets": ["sky"]}),
    (("censor the fish, my wife can't stand looking at it",), ["boat", "sea", "fish", "person"],
     {"operation": "adjust", "targets": ["fish"]}),
])
def test_single_requests_of_round_seven(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got


def test_a_chinese_word_read_as_two_things_is_not_sure():
    """花盆 (a flower pot) read as 花 + 盆, 婴儿床 (a crib) as 婴儿 + 床: acted on or asked, never sure."""
    from lib_imgedit.planner.offline.confidence import compound

    garden = ["sky", "tree", "grass", "flower", "plant", "pot"]
    assert compound("除了花盆之外，其他的都调成黑白", garden) and not compound("把花变成红色", garden)
    assert OFFLINE.plan(DialogueState(garden).context("除了花盆之外，其他的都调成黑白")).confidence < CONFIDENT
    assert OFFLINE.plan(DialogueState(garden).context("把花变成红色")).confidence >= CONFIDENT


CLASS = ["person 1", "person 2", "person 3", "face 1", "face 2", "face 3", "board", "wall", "desk"]


@pytest.mark.parametrize("texts, labels, expected", [
    (("paint the pot terracotta orange", "hmm, actually more of a deep blue"), ["grass", "flower", "pot"],
     {"operation": "recolor", "targets": ["pot"]}),
    (("make the wall behind them a pale mint", "hmm, a touch less saturated"), CLASS,
     {"operation": "adjust", "targets": ["wall"], "adjust": {"saturation": -0.15}}),
    (("把玩具去掉", "撤回", "还是把它变成蓝色吧"), ["person", "crib", "toy", "wall"],
     {"operation": "recolor", "targets": ["toy"], "color": "blue"}),
    (("把黑板模糊掉", "再模湖一点"), CLASS, {"operation": "adjust", "targets": ["board"]}),
])
def test_follow_ups_of_round_eight(texts, labels, expected):
    got = bare(talk(labels, *texts).instruction)
    assert {k: got.get(k) for k in expected} == expected, got
