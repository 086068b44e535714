"""The built-in offline planner: English and Chinese requests to edit plans, no model needed.

A request is read in stages, each a module of its own:
- `typos`, `tokens`: the text spelt right and cut into known words (things, colours, styles, adjust words ...);
- `history`: undo/redo and the conversation's last edit; `parse`: the shape of one clause (remove X / replace
  X with Y / change X to Y / add Y to X / make X Y / X is Y);
- `select`: the labels a clause means; `decide`: the instruction for a clause with a shape; `followup`: "more",
  "again", "the lips too" against the current edit, and clauses with no shape;
- `finish`: values clamped to the rules and the plan validated; `reply`: what is said back.
A thing that is not in the picture, or a request with nothing to act on, becomes a question.
"""


from .labels import resolve_thing
from .planner import OfflinePlanner
from .positions import pick_faces
from .tokens import tokenize
from .typos import fix_typos, typo_readings, typo_vocabulary

__all__ = ["OfflinePlanner", "fix_typos", "pick_faces", "resolve_thing", "tokenize", "typo_readings", "typo_vocabulary"]
