"""A message that says what is wrong, then what to do about it ("hmm too orange, try olive green", 草地太黄了，绿一点,
"the road looks boring, make it cobblestone"): the request it comes down to, planned anew by the caller's `replan`."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..base import PlanContext
from .draft import Draft
from .history import last_steps
from .labels import names_of, resolve_thing
from .tokens import tokenize


def after_complaint(t: str, labels: list[str], zh: bool, ctx: PlanContext,
                    replan: Callable[[str], list[Draft]]) -> list[Draft] | None:
    """The request after what the message says is wrong: "hmm too orange, try olive green" (the colour), 草地太黄了，绿一点
    (the grass greener), "the road looks boring, make it cobblestone" (the road), "the lighting is way too dark
    overall, can you fix that" (what the complaint asks for); None when the message is not one of these."""
    too = (_TOO_THEN_COLOUR_ZH if zh else _TOO_THEN_COLOUR).match(t)
    ask = too.group("ask") if too else ""
    if too and any(x.cat == "color" for x in tokenize(ask, labels)):
        said = too.groupdict().get("s") or ""
        if any(x.cat == "thing" for x in tokenize(said, labels)) and not any(x.cat == "thing" for x in tokenize(ask, labels)):
            ask = said + ask
        asked = replan(ask)
        if asked[0].ins.get("operation") != "clarify":
            return asked
    done = {x for step in last_steps(ctx) for x in step.get("targets") or []}
    word = re.search(r"\btoo (bright|dark|saturated|vivid|warm|orange|yellow|light)\b", t)
    if too and word and done and not any((x.get("mask") or {}).get("invert") for x in last_steps(ctx)) and re.fullmatch(r"tone (?:it|that|this) down(?: a (?:bit|little|touch|tad))?", ask):
        told = [x for x in done if x in labels]  # "lol too bright, tone it down" right after a blonde: the hair less bright
        return replan(f"make the {names_of(told, False)} less {word.group(1)}")
    said = _COMPLAINT_THEN_ASK.match(t)
    if not said:
        return None
    named = [y for x in tokenize(said.group("s"), labels) if x.cat == "thing" for y in resolve_thing(x.value, labels)[0]]
    if re.fullmatch(r"tone (?:it|that|this) down(?: a (?:bit|little|touch|tad))?", said.group("ask")) and named and \
            set(named) <= done:  # "the grass looks fake now, tone it down" after greening it (and the sky)
        return replan(f"a bit less on the {names_of(named, False)}")
    too = re.search(r"\btoo (saturated|bright|colou?rful|vivid|warm|orange|yellow|contrasty|sharp)\b", t[:said.start("ask")])
    if too and re.fullmatch(r"(?:tone|pull|dial|bring) (?:(?:it|that|this|them) (?:down|back)|down (?:just |only )?(?:it|that|this|them|the [a-z ]+))(?: a (?:bit|little|touch|tad))?",
                            said.group("ask")):  # "the mat is way too saturated, can you tone down just the mat"
        return replan(f"make {said.group('s')} less {too.group(1)}")
    if re.fullmatch(r"(?:fix|correct|sort out|sort|tone) (?:it|that|this)(?: out| down)?(?: for me)?", said.group("ask")):
        told = replan(t[:said.start("ask")].rstrip(" ,;.!").removeprefix("also "))
        return told if told[0].ins.get("operation") == "adjust" else None
    subject = said.group("s")
    whole = re.search(r"\b(?:picture|photo|image|shot|pic|photograph)\b", subject)  # "this picture of my daughter"
    ask = said.group("ask") if subject in ("it", "this", "that") or whole else \
        re.sub(r"\b(?:it|this|that|him|her|them)\b|\b(?<=in )there\b", subject, said.group("ask"), count=1)  # "sharpen just him": the dog
    asked = replan(ask)
    first = asked[0].ins
    if len(asked) == 1 and first.get("operation") in ("adjust", "recolor") and not first.get("targets") and named and \
            not whole and not any(x.cat == "thing" or (x.cat == "whole" and not re.fullmatch(r"colou?rs?|tones?", x.text))
                                  for x in tokenize(ask, labels)):
        first["targets"] = named  # "the sushi looks a bit dull, make the colours richer": the sushi's colours
    return asked if first.get("operation") != "clarify" else None


_COMPLAINT_THEN_ASK = re.compile(
    r"^(?:(?:ok|okay|and|now|also|oh)[\s,]+)*(?P<s>(?:(?:the|this|that|her|his|my|their) )?[a-z' ]+?) "
    r"(?:is|are|looks?|seems?|feels?|came out|turned out|got) "
    r"[a-z' /-]+?\s*[,;.!]\s*"
    r"(?:(?:so|please|pls|plz|can you|could you|can u|could u|would you|just|maybe|then) )*(?P<ask>(?:make|turn|change|give|add|remove|replace|fix|"
    r"bump|crank|lift|raise|lower|drop|knock|pump|get rid|lose|ditch|delete|take|hide|censor|up|pull|dial|"
    r"use|try|put|paint|colou?r|blur|brighten|darken|swap|switch|smooth|soften|sharpen|lighten|warm|cool|tone|"
    r"crop|rotate|flip|erase|clean|pixelate|desaturate|saturate|boost|reduce|increase|decrease)\b.+)$")


# "hmm thats too bright, more of a dark olive green pls": the colour asked for; the complaint says why
_TOO_THEN_COLOUR = re.compile(r"^(?:(?:hmm+|that is|it is|this is|thats|its|a bit|bit|way|kinda|a little|a tad|still|"
                              r"(?:that|the|this) \w+ (?:is|looks|seems))[\s,]+)*(?:too \w+|[a-z]+ (?:is|looks|seems) "
                              r"(?:a bit much|a lot|too much|way too much|overkill))\s*[,.;!-]+\s*(?P<ask>.+)$")  # "pink is a lot, ..."
_TOO_THEN_COLOUR_ZH = re.compile(r"^(?P<s>[^，,。\s]{0,8}?)(?:有点|有些)?太(?:[^，,。\s]{1,3}?)了?[，,。\s]+(?P<ask>[^，,。]+)$")
