"""The turn engine: one turn goes context -> plan -> masks -> execution -> store -> reply.
`EditService` (service.py) is the one object the front doors call. May import core/ and the parts under it
(planner/, segment/, executors/, store/, models/), never ui/, app/ or host/."""
