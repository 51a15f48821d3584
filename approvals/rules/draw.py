"""双随机、一公开: the random draw of entities and inspectors, as a pure, replayable function.

Everything the draw depends on is passed in (and stored on the draw): the seed, the ordered candidate ids,
the blacklisted ids, each candidate's licensing department, each candidate's credit level with the level's
ratio, each candidate's supervising departments, and the inspector pool with each inspector's department.
Re-running ``draw`` with the stored inputs gives exactly the stored result.

- Blacklisted entities (失信惩戒) are always inspected, on top of the sample.
- The sample follows each entity's credit level (临政发〔2022〕5 号 第 2、3 项: "根据风险程度、信用水平,合理确定
  抽查比例"): the non-blacklisted candidates of each level, taken level by level in the order of the level
  codes, give ceil(level ratio × their number) drawn with one ``random.Random(seed)``. A ``ratio`` given with
  the levels is a floor: a level whose ratio is lower is sampled at ``ratio``. Without levels (draws made before
  they were stored) ``ratio`` applies to all, as then.
- Each drawn entity gets ``inspectors_per_entity`` inspectors, never one from the department that licensed it,
  and — when the item's 备注 names its supervisors (``entity_supervisors``) — only from those departments.
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


def level_ratio(level_ratio: Decimal, floor: Decimal | None) -> Decimal:
    """The ratio a level is sampled at: its own, or the draw's floor when that is higher."""
    return max(level_ratio, floor) if floor is not None else level_ratio


def draw(
    *,
    seed: str,
    candidate_ids: list[int],
    blacklisted_ids: list[int],
    ratio: Decimal | None,
    entity_departments: dict[int, int | None],
    inspectors: list[tuple[int, int | None]],
    inspectors_per_entity: int,
    entity_levels: dict[int, str] | None = None,
    level_ratios: dict[str, Decimal] | None = None,
    entity_supervisors: dict[int, list[int]] | None = None,
) -> DrawResult:
    rng = random.Random(str(seed))
    candidates = sorted(set(candidate_ids))
    blacklisted = sorted(set(blacklisted_ids) & set(candidates))
    rest = [pk for pk in candidates if pk not in set(blacklisted)]
    if level_ratios:
        floor = Decimal(ratio) if ratio is not None else None
        strata: dict[str, list[int]] = {}
        for pk in rest:
            strata.setdefault(entity_levels[pk], []).append(pk)
        sampled = []
        for level in sorted(strata):
            share = level_ratio(Decimal(level_ratios[level]), floor)
            sampled += rng.sample(strata[level], sample_size(share, len(strata[level])))
        sampled.sort()
    else:
        share = Decimal(ratio) if ratio is not None else Decimal("0")
        sampled = sorted(rng.sample(rest, sample_size(share, len(rest))))
    entity_ids = sorted(set(blacklisted) | set(sampled))
    pool = sorted(inspectors)
    assignments: dict[int, list[int]] = {}
    for entity_id in entity_ids:
        licensing_department = entity_departments.get(entity_id)
        supervisors = set(entity_supervisors[entity_id]) if entity_supervisors else None
        eligible = [
            pk
            for pk, department in pool
            if (licensing_department is None or department != licensing_department)
            and (supervisors is None or department in supervisors)
        ]
        if len(eligible) < inspectors_per_entity:
            raise DrawImpossible(entity_id)
        assignments[entity_id] = sorted(rng.sample(eligible, inspectors_per_entity))
    return DrawResult(entity_ids=entity_ids, assignments=assignments)
