"""第八条(三) 驻局纪检组及相关专家组成评审委员会: the city bureau forms the committee of one review round of a call."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linfen_admin import audit
from linfen_admin.roles import Role
from linfen_admin.writes import require_perm

from ..models import Call, CommitteeMember, ReviewCommittee, bureau_domains


def require_bureau(actor, call: Call) -> None:
    """Committees and plans of a call are the business of the city bureau of its domain (第八条(三))."""
    if call.domain not in bureau_domains(actor):
        raise PermissionDenied(_("只有本领域的市级主管部门可以办理"))


@transaction.atomic
def committee_create(
    *, actor, call: Call, round: int, formed_on: datetime.date, members: list[dict]
) -> ReviewCommittee:
    """Form the committee of round ``round`` of ``call``: each member with name and unit, the 驻局纪检组 member
    flagged, an expert's account where the member scores in the system. A committee without its 驻局纪检组
    member may be recorded, but cannot start scoring (the ``committee_ready`` guard of 提交专家评审)."""
    require_perm(actor, ReviewCommittee, "add")
    require_bureau(actor, call)
    if not members:
        raise ValidationError({"members": _("请填写评审委员会成员")})
    committee = ReviewCommittee(call=call, round=round, formed_on=formed_on, created_by=actor)
    committee.full_clean()
    committee.save()
    errors = []
    rows = []
    for number, data in enumerate(members, start=1):
        expert = data.get("expert")
        if expert is not None and not expert.has_role(Role.EXPERT):
            errors.append(_("第 %(n)s 名成员:所选账号不是评审专家") % {"n": number})
            continue
        member = CommitteeMember(
            committee=committee,
            name=(data.get("name") or "").strip(),
            unit=(data.get("unit") or "").strip(),
            discipline_inspector=bool(data.get("discipline_inspector")),
            expert=expert,
        )
        try:
            member.full_clean(exclude=["committee"])
        except ValidationError as exc:
            errors.extend(
                _("第 %(n)s 名成员:%(message)s") % {"n": number, "message": message}
                for messages in exc.message_dict.values()
                for message in messages
            )
            continue
        rows.append(member)
    experts = [m.expert_id for m in rows if m.expert_id]
    if len(experts) != len(set(experts)):
        errors.append(_("同一专家账号只能列入一次"))
    if errors:
        raise ValidationError({"members": errors})
    for member in rows:
        member.save()
    audit.record_created(
        actor=actor,
        obj=committee,
        comment=_("成员:%(names)s") % {"names": "、".join(str(m) for m in rows)},
    )
    return committee
