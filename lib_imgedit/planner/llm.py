"""The LLM planner: any OpenAI-compatible chat-completions server, through the `openai` 1.x client.

One plan:
0. the mode (`modes.py`) decides whether the model is asked at all (`offline-first` answers what the
   offline planner reads with confidence) and whether its plan is checked against that reading;
1. the prompt: the template's system prompt (operations, labels with shares, faces, the current
   instruction, the JSON schema), its few-shot examples and the most similar solved requests from the
   example bank (`examples.py`), this session's earlier turns, the request (with the downscaled
   picture for a vision profile; in `offline-first` and `checked` with the offline reading as a
   candidate and, when it is unsure, the words it did not read);
2. one request; the `openai` client retries 429 (honouring Retry-After), 5xx, timeouts and refused
   connections `max_retries` times with backoff; JSON mode, a tool call or streaming as the profile says;
3. the plan is extracted from the reply (`extract`) and validated against the rules and labels;
   an empty, cut-off or invalid reply goes back to the model with the precise error, at most
   `MAX_REPAIRS` times; a `clarify` that only repeats that error, or claims a listed label is missing,
   is not an answer;
4. when the server cannot be reached or the plan is still invalid, the offline planner plans instead,
   and the notes (shown in the reply) say so. A server that could not be reached is skipped for
   `COOLDOWN_S`, so one outage does not cost every later turn (and its suggestions) a full timeout.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..core.errors import ImgEditError, InvalidInstruction
from ..core.instruction import build_plan_schema, build_schema, plan_steps, validate_plan
from ..core.lang import is_zh
from .base import PlanContext, Planner, PlanResult
from .examples import example_bank
from .extract import NoInstruction, extract_instruction
from .modes import MODES, added_steps, against_reading, confident, contradiction
from .offline.confidence import prompt_unread
from .profiles import ModelProfile
from .templates import Template, load_template, placeholder_names, render

log = logging.getLogger("imgedit")

MAX_REPAIRS = 2  # retries with the validation error after the first answer
COOLDOWN_S = 30.0
IMAGE_SIDE = 512  # longest side of the picture a vision model gets
TOOL_NAME = "edit_image"


class LLMUnavailable(Exception):
    """The server could not be reached or answered with an error, after the client's retries."""


@dataclass
class Reply:
    text: str  # the content, or a tool call's arguments (then the content after them)
    finish_reason: str = ""


# ------------------------------------------------------------------------------------------------ prompt
def prompt_values(ctx: PlanContext, rules: dict[str, Any], done: list[dict[str, Any]] | None = None,
                  n: int = 3, zh: bool | None = None) -> dict[str, Any]:
    """The `{{placeholders}}` of a template for this request (see templates.PLACEHOLDERS)."""
    schema = answer_schema(rules, ctx.labels)
    short = json.loads(json.dumps(schema), object_hook=lambda d: {k: v for k, v in d.items() if k != "description"})
    ops = []
    for name, op in rules["operations"].items():
        if op.get("enabled", True) and name in schema["properties"]["operation"]["enum"]:
            needs = ", ".join(op.get("needs", [])) or "nothing else"
            strength = f"; strength {op['strength'][0]}-{op['strength'][1]}" if "strength" in op else ""
            ops.append(f"- {name}: needs {needs}{strength}")
    labels = sorted(ctx.labels, key=lambda x: -ctx.shares.get(x, 0))
    with_shares = ", ".join(f"{x} ({ctx.shares[x]:.0%})" if x in ctx.shares else x for x in labels)
    zh = is_zh(ctx.text) if zh is None else zh
    return {
        "operations": "\n".join(ops),
        "schema": json.dumps(schema, ensure_ascii=False, separators=(",", ":")),
        "schema_short": json.dumps(short, ensure_ascii=False, separators=(",", ":")),
        "labels": with_shares or "none (edits apply to the whole picture)",
        "label_names": ", ".join(labels) or "none",
        "faces": ctx.faces,
        "current": json.dumps(ctx.current, ensure_ascii=False) if ctx.current else "none (the picture as uploaded)",
        "language": "Chinese (中文)" if zh else "English",
        "done": "; ".join(json.dumps(d, ensure_ascii=False) for d in (done or [])) or "nothing yet",
        "n": n,
    }


def instruction_schema(rules: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The schema of one instruction (for suggestions): no meta keys."""
    schema = build_schema(rules, labels)
    schema.pop("$schema", None)
    schema.pop("title", None)
    return schema


def answer_schema(rules: dict[str, Any], labels: list[str], one_of: bool = False) -> dict[str, Any]:
    """The schema a plan must follow: one instruction, or {"steps": [...]} for several edits.
    `one_of` keeps the exact two-way choice (for llama.cpp grammars); otherwise one object that may hold
    either, since function parameters and structured outputs must have an object at the root (the
    plan is validated exactly afterwards)."""
    plan = build_plan_schema(rules, labels)
    if one_of:
        plan.pop("$schema", None)
        return plan
    one = instruction_schema(rules, labels)
    steps = plan["oneOf"][1]["properties"]["steps"]
    return {**one, "properties": {**one["properties"], "steps": steps}, "required": []}


def image_data_url(png: bytes, side: int = IMAGE_SIDE) -> str:
    """The picture as a small JPEG data URL (what vision chat APIs take in an image_url part)."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    img.thumbnail((side, side))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def user_content(text: str, image_png: bytes | None) -> str | list[dict[str, Any]]:
    if image_png is None:
        return text
    return [{"type": "text", "text": text}, {"type": "image_url", "image_url": {"url": image_data_url(image_png)}}]


def history_messages(ctx: PlanContext) -> list[dict[str, Any]]:
    """This session's earlier turns: the user's words, and each answer as the instruction it became."""
    out: list[dict[str, Any]] = []
    asked: dict[str, Any] | None = None
    for turn in ctx.history:
        if turn.role == "user":
            out.append({"role": "user", "content": turn.text})
            asked = turn.instruction
        else:
            instruction = turn.instruction or asked
            out.append({"role": "assistant",
                        "content": json.dumps(instruction, ensure_ascii=False) if instruction else turn.text})
            asked = None
    return out


def planning_messages(template: Template, ctx: PlanContext, rules: dict[str, Any], with_image: bool = False,
                      examples: int = 0, data_dir: str | None = None,
                      candidate: dict[str, Any] | None = None, unread: list[str] | None = None,
                      doubts: list[str] | None = None) -> list[dict[str, Any]]:
    """The chat for one plan, ordered for a server's prefix cache from what never changes to what each turn
    brings: the system prompt (rules, operations, schema, then the session's labels), the template's
    examples, then the `examples` most similar solved requests from the bank, the session's turns, and the
    request with the current image's instruction (with `candidate`, a reading the model may take or
    correct, `unread`, the words that reading did not understand, and `doubts`, why it may be wrong). Within a session everything up to the
    bank's examples is the same text turn after turn."""
    values = prompt_values(ctx, rules)
    messages: list[dict[str, Any]] = [{"role": "system", "content": render(template.system, values)}]
    shots = [(ex.labels, ex.user, ex.assistant) for ex in template.examples]
    shots += [(", ".join(ex.labels), ex.text, json.dumps(ex.instruction, ensure_ascii=False))
              for ex in example_bank(data_dir).nearest(ctx.text, examples, exclude=ctx.text)]
    for labels, user, answer in shots:
        messages.append({"role": "user", "content": f"Labels: {labels}\nRequest: {user}"})
        messages.append({"role": "assistant", "content": answer})
    messages += history_messages(ctx)
    request = f"Labels: {values['labels']}\nRequest: {ctx.text}"
    if "current" not in placeholder_names(template.system):  # a turn's own: after everything a session keeps
        request = f"Current image made by: {values['current']}\n{request}"
    if candidate is not None:
        request += ("\nA rule-based reading of this request (use it if it is right, correct it if not): "
                    + json.dumps(candidate, ensure_ascii=False))
    if unread:
        words = ", ".join(json.dumps(w, ensure_ascii=False) for w in unread)
        request += f"\nWords a rule-based reader did not understand: {words} (the edit must cover what they mean)"
    if doubts:
        request += "\nWhy that reading may be wrong: " + "; ".join(doubts)
    messages.append({"role": "user", "content": user_content(request, ctx.image_png if with_image else None)})
    return messages


# ------------------------------------------------------------------------------------------------ planner
class LLMPlanner(Planner):
    def __init__(self, profile: ModelProfile, rules: dict[str, Any], offline: Planner, data_dir: str | None = None,
                 default_template: str = "default", default_mode: str = "model"):
        self.profile = profile
        self.name = profile.name
        self.rules = rules
        self.offline = offline
        self.data_dir = data_dir
        self.template_name = profile.template or default_template or "default"
        self.mode = profile.mode or default_mode or "model"
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {', '.join(MODES)}")
        self._client: Any = None
        self._client_lock = threading.Lock()
        self._down_until = 0.0

    @property
    def vision(self) -> bool:
        return self.profile.vision

    def template(self) -> Template:
        return load_template(self.template_name, self.data_dir)

    # -- transport -------------------------------------------------------------------------------
    def client(self) -> Any:
        with self._client_lock:
            if self._client is None:
                from openai import OpenAI

                p = self.profile
                # the key is always passed explicitly: the client must never pick up OPENAI_API_KEY by itself
                self._client = OpenAI(base_url=p.base_url, api_key=p.key() or "none", timeout=p.timeout,
                                      max_retries=p.max_retries, default_headers=p.resolved_headers() or None)
            return self._client

    def scrub(self, text: str) -> str:
        for secret in self.profile.secrets():
            text = text.replace(secret, "***")
        return text

    def chat(self, messages: list[dict[str, Any]], schema: dict[str, Any] | None = None, tool: bool = False) -> Reply:
        """One chat completion (with the client's retries); LLMUnavailable when it cannot be had.
        `schema` is what the answer must follow: sent as structured output or a llama.cpp grammar when the
        profile's json_mode says so, and as the function's parameters when `tool` and the profile has tools."""
        import httpx
        import openai

        if time.monotonic() < self._down_until:
            raise LLMUnavailable(f"{self.name} could not be reached a moment ago; trying again in a while")
        p = self.profile
        kwargs: dict[str, Any] = {"model": p.model, "messages": messages, "max_tokens": p.max_tokens,
                                  "temperature": p.temperature}
        if p.json_mode == "object" or (p.json_mode and schema is None):
            kwargs["response_format"] = {"type": "json_object"}
        elif p.json_mode == "schema":
            kwargs["response_format"] = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}}
        elif p.json_mode == "object+schema":
            kwargs["response_format"] = {"type": "json_object", "schema": schema}
        if tool and p.tools and schema is not None:
            kwargs["tools"] = [{"type": "function", "function": {"name": TOOL_NAME, "parameters": schema,
                                                                 "description": "Apply one edit to the picture"}}]
            kwargs["tool_choice"] = "auto"  # the one value every compatible server accepts; content is read too
        try:
            if p.stream:
                return _assemble(self.client().chat.completions.create(stream=True, **kwargs))
            completion = self.client().chat.completions.create(**kwargs)
            if not hasattr(completion, "choices"):  # the client hands back a non-JSON body as text
                raise LLMUnavailable(self._not_completion(_what(completion)))
            return _reply(completion)
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            self._down_until = time.monotonic() + COOLDOWN_S
            what = f"timed out after {p.timeout:g} s" if isinstance(exc, openai.APITimeoutError) else "could not be reached"
            raise LLMUnavailable(f"{self.name} {what} ({p.max_retries + 1} tries)") from None
        except openai.APIStatusError as exc:
            raise LLMUnavailable(self.scrub(f"{self.name} answered HTTP {exc.status_code}: {_short(exc.message)}")) from None
        except json.JSONDecodeError:
            raise LLMUnavailable(self._not_completion("a body that is not JSON")) from None
        except (openai.APIError, httpx.HTTPError, AttributeError, IndexError, TypeError, ValueError) as exc:
            raise LLMUnavailable(self.scrub(f"{self.name} sent something that is not a chat completion: {_short(str(exc))}")) from None

    def _not_completion(self, what: str) -> str:
        return self.scrub(f"{self.name} answered with {what}, not a chat completion: is the base URL "
                          f"{self.profile.public()['base_url']} right (it usually ends in /v1)?")

    # -- planning ----------------------------------------------------------------------------------
    def check(self, reply: Reply, ctx: PlanContext, problem: str = "") -> tuple[dict[str, Any] | None, str]:
        """(the valid plan, "") or (None, what to tell the model). `problem` is what the model was
        last told: a `clarify` that only repeats it is not an answer."""
        if reply.finish_reason == "length":
            return None, f"the reply was cut off at {self.profile.max_tokens} tokens; answer with a shorter JSON object"
        try:
            data = extract_instruction(reply.text)
            validate_plan(data, self.rules, ctx.labels)
        except NoInstruction as exc:
            return None, str(exc)
        except InvalidInstruction as exc:
            return None, "; ".join(f"{d['path']}: {d['message']}" for d in exc.details) or exc.message
        return data, _bad_clarify(data, ctx.labels, problem)

    def plan(self, ctx: PlanContext) -> PlanResult:
        reading = None if self.mode == "model" else self.offline.plan(ctx)
        if self.mode == "offline-first" and confident(reading):
            log.info("%s: offline-first: the offline planner read it (confidence %.2f)", self.name, reading.confidence)
            return reading
        try:
            template = self.template()
        except (ImgEditError, ValueError) as exc:
            return self._fallback(ctx, f"{self.name}: template problem ({getattr(exc, 'message', exc)})", 0, reading)
        candidate, unread = _candidate(reading)
        messages = planning_messages(template, ctx, self.rules, self.profile.vision, self.profile.examples,
                                     self.data_dir, candidate, unread, reading.doubts if candidate and reading else None)
        schema = answer_schema(self.rules, ctx.labels, one_of=self.profile.json_mode == "object+schema")
        problem = last = ""
        for attempt in range(1, MAX_REPAIRS + 2):
            try:
                reply = self.chat(messages, schema, tool=True)
            except LLMUnavailable as exc:
                log.warning("%s", exc)
                return self._fallback(ctx, f"{exc}; used the offline planner", attempt, reading)
            last = problem
            plan, problem = self.check(reply, ctx, problem)
            if plan is not None and not problem:
                problem = added_steps(plan, reading)
            if not problem and plan is not None:
                # a repair is a visible step: one note naming what had to be corrected
                notes = [f"{self.name} corrected its plan after: {_short(last, 160)}"] if attempt > 1 else []
                return self._checked(PlanResult(plan, self.name, attempt, notes), reading)
            log.info("%s: plan %d rejected: %s", self.name, attempt, problem)
            messages = messages + [
                {"role": "assistant", "content": reply.text or "(empty reply)"},
                {"role": "user", "content": f"That is not a valid answer: {problem}. "
                                            "Answer with the corrected JSON object only."},
            ]
        return self._fallback(ctx, f"{self.name} gave no valid plan in {MAX_REPAIRS + 1} tries (last: {_short(problem, 120)}); "
                              "used the offline planner", MAX_REPAIRS + 1, reading)

    def _checked(self, result: PlanResult, reading: PlanResult | None) -> PlanResult:
        """The model's plan unless it contradicts the request's explicit words: in `checked` mode what a sure
        reading says, in both `checked` and `offline-first` what an unsure reading did read (`against_reading`)."""
        if reading is None:
            return result
        why = contradiction(result.instruction, reading.instruction) if confident(reading) else \
            against_reading(result.instruction, reading)
        if not why:
            return result
        log.info("%s: %s: %s", self.name, self.mode, why)
        reading.attempts += result.attempts
        reading.notes = [f"{self.name}'s plan was replaced: {why}"] + reading.notes
        return reading

    def _fallback(self, ctx: PlanContext, note: str, attempts: int, reading: PlanResult | None = None) -> PlanResult:
        result = reading if reading is not None else self.offline.plan(ctx)
        result.attempts += attempts
        result.notes = [note] + result.notes
        return result


def _candidate(reading: PlanResult | None) -> tuple[dict[str, Any] | None, list[str]]:
    """What the model gets of the offline reading: the plan (without its reply, which is for the user), unless
    it is an unsure guess (a question, or a prompt made of the words it could not read: nothing was understood
    to correct), and the words it did not read."""
    if reading is None:
        return None, []
    sure = confident(reading)
    unread = [] if sure else list(reading.unread)
    steps = plan_steps(reading.instruction)
    if not sure and any(s.get("operation") == "clarify" or prompt_unread(s, unread) for s in steps):
        return None, unread
    plan = reading.instruction
    if "steps" in plan:
        return {"steps": [{k: v for k, v in s.items() if k != "reply"} for s in plan["steps"]]}, unread
    return {k: v for k, v in plan.items() if k != "reply"}, unread


def _bad_clarify(plan: dict[str, Any], labels: list[str], problem: str) -> str:
    """Why a `clarify` is no answer: it repeats the validation error the model was just sent, or it says
    a label that is in the picture is missing. "" for every other plan."""
    if plan.get("operation") != "clarify":
        return ""
    question = str(plan.get("question") or plan.get("reply") or "").lower()
    if problem:
        echoed = {w for w in re.findall(r"[a-z0-9_.]{3,}", problem.lower()) if not w.isalpha() or len(w) > 5}
        if len(echoed & set(re.findall(r"[a-z0-9_.]{3,}", question))) >= 2:
            return "do not ask the user about the error: correct the JSON instead"
    for label in labels:
        name = label.replace("_", " ")
        if re.search(rf"\b(no|not any|can't see|cannot see|can't find|cannot find)\s+(an?\s+|the\s+)?{re.escape(name)}\b", question) \
                or f"没有{name}" in question:
            return f"'{label}' IS in the picture (it is one of the labels): plan the edit on it"
    return ""


def _what(body: Any) -> str:
    text = str(body).lstrip()[:200].lower()
    if text.startswith("<!doctype html") or text.startswith("<html") or "<body" in text:
        return "an HTML page"
    return f"text ({_short(str(body), 60)!r})" if text else "an empty body"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _reply(completion: Any) -> Reply:
    choice = completion.choices[0]
    message = choice.message
    calls = [c.function.arguments or "" for c in (message.tool_calls or []) if getattr(c, "function", None)]
    return Reply("\n".join(x for x in [*calls, message.content or ""] if x), choice.finish_reason or "")


def _assemble(stream: Any) -> Reply:
    """A streamed reply put back together: content deltas, tool-call argument deltas by index."""
    content: list[str] = []
    calls: dict[int, list[str]] = {}
    finish = ""
    for chunk in stream:
        for choice in chunk.choices or []:
            delta = choice.delta
            if delta is not None and delta.content:
                content.append(delta.content)
            for call in (delta.tool_calls or []) if delta is not None else []:
                if call.function is not None and call.function.arguments:
                    calls.setdefault(call.index, []).append(call.function.arguments)
            finish = choice.finish_reason or finish
    parts = ["".join(calls[i]) for i in sorted(calls)] + ["".join(content)]
    return Reply("\n".join(x for x in parts if x), finish)
