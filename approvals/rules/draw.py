"""双随机、一公开: the random draw of entities and inspectors, as a pure, replayable function.

Everything the draw depends on is passed in (and stored on the draw): the seed, the ordered candidate ids,
the blacklisted ids, each candidate's licensing department, and the inspector pool with each inspector's
department. Re-running ``draw`` with the stored inputs gives exactly the stored result.

- Blacklisted entities (失信惩戒) are always inspected, on top of the sample.
- The sample is ceil(ratio × number of non-blacklisted candidates) of them, drawn with ``random.Random(seed)``.
- Each drawn entity gets ``inspectors_per_entity`` inspectors, never one from the department that licensed it.
"""

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal


class DrawImpossible(ValueError):
    """Not enough eligible inspectors for some entity."""


@dataclass(frozen=True)
class DrawResult:
    entity_ids: list[int]
    assignments: dict[int, list[int]] = field(default_factory=dict)  # entity id → inspector ids


def sample_size(ratio: Decimal, population: int) -> int:
    if population <= 0 or ratio <= 0:
        return 0
    return min(population, math.ceil(Decimal(population) * ratio))


def draw(
    *,
    seed: str,
    candidate_ids: list[int],
    blacklisted_ids: list[int],
    ratio: Decimal,
    entity_departments: dict[int, int | None],
    inspectors: list[tuple[int, int | None]],
    inspectors_per_entity: int,
) -> DrawResult:
    rng = random.Random(str(seed))
    candidates = sorted(set(candidate_ids))
    blacklisted = sorted(set(blacklisted_ids) & set(candidates))
    rest = [pk for pk in candidates if pk not in set(blacklisted)]
    sampled = sorted(rng.sample(rest, sample_size(Decimal(ratio), len(rest))))
    entity_ids = sorted(set(blacklisted) | set(sampled))
    pool = sorted(inspectors)
    assignments: dict[int, list[int]] = {}
    for entity_id in entity_ids:
        licensing_department = entity_departments.get(entity_id)
        eligible = [
            pk
            for pk, department in pool
            if licensing_department is None or department != licensing_department
        ]
        if len(eligible) < inspectors_per_entity:
            raise DrawImpossible(entity_id)
        assignments[entity_id] = sorted(rng.sample(eligible, inspectors_per_entity))
    return DrawResult(entity_ids=entity_ids, assignments=assignments)
