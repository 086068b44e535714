"""The built-in offline planner: English and Chinese requests to edit plans, no model needed.

A message is read in stages, each a module of its own:
- `planner`: the message as a whole (`chat`: not an edit; `history`: undo/redo; an answer to a question asked
  back), then `clauses`: its self-corrections and the edits it asks for, in order;
- one clause: `typos` and `tokens` (the text spelt right and cut into known words), `geometry` (crop, rotate,
  flip, resize), `parse` (its shape: remove X / replace X with Y / change X to Y / add Y to X / make X Y),
  `select` and `labels` (the labels it means: instances by position, the painted mask, a grounded phrase;
  `pronouns`: who "her" or "them" is),
  `decide` (the instruction for a clause with a shape), `followup` ("more", "again", "the lips too" against
  the edit before it, and clauses with no shape), `amounts`, `prompts`;
- `exclude`: "everything except X" read on the whole picture, then inverted;
- `build`: one instruction or `{"steps": [...]}`, each checked by `finish`, with a reply (`reply`) and how sure
  the planner is (`confidence`: from what the stages read; `PlanResult.confidence`).
A thing that is not in the picture, or a message with nothing to act on, becomes a question.
"""

from .followup import bare_followup
from .labels import resolve_thing
from .planner import OfflinePlanner
from .positions import pick_faces
from .tokens import tokenize
from .typos import fix_typos, typo_readings, typo_vocabulary

__all__ = ["OfflinePlanner", "bare_followup", "fix_typos", "pick_faces", "resolve_thing", "tokenize", "typo_readings", "typo_vocabulary"]
