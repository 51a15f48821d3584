import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services
from approvals.models import Case, CreditBlacklist, HandoverChecklist, LicensedEntity
from approvals.rules.workdays import CalendarUnknown
from linfen_admin.audit import history_for
from linfen_admin.roles import Role

from .conftest import make_code

D = datetime.date


@pytest.mark.django_db
class TestCaseDeadlines:
    def test_statutory_limit_counts_from_the_day_after_acceptance(self, new_case):
        case = new_case(accepted_on=D(2022, 9, 26))
        assert case.statutory_due_on == case.due_on == D(2022, 10, 27)
        assert case.department.code == "141002-approval-service"

    def test_promised_limit_shortens_the_deadline(self, new_case):
        case = new_case(accepted_on=D(2022, 9, 26), promised_days=5)
        # 9/27, 9/28, 9/29, 9/30, (10/1–10/7 off), 10/8*
        assert case.due_on == D(2022, 10, 8)
        assert case.statutory_due_on == D(2022, 10, 27)

    @pytest.mark.parametrize("days", [0, 21])
    def test_promised_limit_may_not_exceed_the_statutory_one(self, new_case, days):
        with pytest.raises(ValidationError):
            new_case(promised_days=days)

    def test_one_extension_of_ten_working_days_with_reason(self, new_case, users):
        case = new_case(accepted_on=D(2022, 9, 26))
        with pytest.raises(ValidationError):
            services.case_extend(actor=users["yaodu_approval"], case=case, reason="  ")
        case = services.case_extend(actor=users["yaodu_approval"], case=case, reason="需现场核查")
        assert case.due_on == D(2022, 11, 10)
        with pytest.raises(services.CaseConflict):
            services.case_extend(actor=users["yaodu_approval"], case=case, reason="再次延期")
        assert Case.objects.get(pk=case.pk).due_on == D(2022, 11, 10)

    def test_unknown_calendar_year_is_refused(self, new_case):
        with pytest.raises(CalendarUnknown, match="2027"):
            new_case(accepted_on=D(2026, 12, 20))
        assert not Case.objects.exists()

    def test_bad_credit_code_is_refused(self, new_case):
        with pytest.raises(ValidationError) as caught:
            new_case(applicant_credit_code="91350200776049653B")
        assert "applicant_credit_code" in caught.value.message_dict


@pytest.mark.django_db
class TestRegionAndDepartment:
    def test_city_item_is_filed_under_city_level(self, new_case):
        case = new_case(number=15, region=None, actor="root")
        assert case.region.name == "市本级" and case.department.code == "city-transport"

    def test_city_item_refuses_a_county(self, new_case):
        with pytest.raises(ValidationError):
            new_case(number=1, region="尧都区", actor="admin")

    def test_county_item_needs_a_county(self, new_case):
        with pytest.raises(ValidationError):
            new_case(number=5, region=None, actor="admin")
        with pytest.raises(ValidationError):
            new_case(number=5, region="市本级", actor="admin")

    def test_agriculture_items_go_to_the_county_agriculture_bureau(self, new_case):
        assert new_case(number=7, actor="root").department.code == "141002-agriculture"

    def test_only_the_receiving_department_may_register(self, new_case, users):
        with pytest.raises(PermissionDenied, match="尧都区行政审批服务管理局"):
            new_case(number=5, region="尧都区", actor=users["hongdong_approval"])
        with pytest.raises(PermissionDenied):
            new_case(number=5, region="尧都区", actor=users["city_approval"])
        with pytest.raises(PermissionDenied, match="市交通运输局"):
            new_case(number=15, region=None, actor=users["city_approval"])


@pytest.mark.django_db
class TestDecision:
    def test_decision_creates_licensee_marks_first_case_and_audits(self, new_case, users):
        case = new_case(accepted_on=D(2022, 9, 26))
        officer = users["yaodu_approval"]
        services.case_decide(actor=officer, case=case, decision="approved", decided_on=D(2022, 10, 20))
        case.refresh_from_db()
        assert case.status == "approved" and not case.decided_late
        entity = LicensedEntity.objects.get(case=case)
        assert entity.department == case.department and entity.region == case.region
        checklist = HandoverChecklist.objects.get(item=case.item, department=case.department)
        assert checklist.first_case_on == D(2022, 10, 20)
        assert [e.action for e in history_for(checklist)] == ["update"]  # seeded by load_seed; first case set
        assert [e.action for e in history_for(case)] == ["transition", "create"]
        with pytest.raises(services.CaseConflict):
            services.case_decide(actor=officer, case=case, decision="denied", decided_on=D(2022, 10, 21))

    def test_a_missing_handover_record_is_created_with_an_audit_row(self, new_case, users):
        case = new_case(accepted_on=D(2022, 9, 26))
        HandoverChecklist.objects.filter(item=case.item, department=case.department).delete()
        services.case_decide(
            actor=users["yaodu_approval"], case=case, decision="approved", decided_on=D(2022, 10, 20)
        )
        checklist = HandoverChecklist.objects.get(item=case.item, department=case.department)
        assert [e.action for e in history_for(checklist)] == ["update", "create"]

    def test_late_decision_is_flagged_and_denial_licenses_nobody(self, new_case, users):
        case = new_case(accepted_on=D(2022, 9, 26))
        services.case_decide(
            actor=users["yaodu_approval"], case=case, decision="denied", decided_on=D(2022, 10, 28)
        )
        case.refresh_from_db()
        assert case.decided_late
        assert not LicensedEntity.objects.exists()
        assert HandoverChecklist.objects.get(item=case.item, department=case.department).first_case_on == D(
            2022, 10, 28
        )

    def test_other_department_cannot_decide(self, new_case, users):
        case = new_case()
        with pytest.raises(PermissionDenied):
            services.case_decide(
                actor=users["hongdong_approval"], case=case, decision="approved", decided_on=D(2022, 10, 1)
            )
        with pytest.raises(PermissionDenied):
            services.case_decide(
                actor=users["leader"], case=case, decision="approved", decided_on=D(2022, 10, 1)
            )


@pytest.fixture
def licensees(items, regions, users, make_user):
    """Ten 农药经营许可 holders in 尧都区, licensed by 141002-approval-service, one of them blacklisted."""
    entities = [
        services.entity_create(
            actor=users["admin"],
            item=items[5],
            region=regions["尧都区"],
            name=f"农资店{i}",
            credit_code=make_code(serial=100 + i),
            licensed_on=D(2022, 6, 1),
        )
        for i in range(10)
    ]
    services.blacklist_add(
        actor=users["admin"], entity=entities[3], reason="销售假农药", listed_on=D(2022, 8, 1)
    )
    # Inspectors: two in the licensing department itself, two elsewhere.
    make_user("insp_own1", Role.INSPECTOR, region="尧都区", department="141002-approval-service")
    make_user("insp_own2", Role.INSPECTOR, region="尧都区", department="141002-approval-service")
    make_user("insp_market", Role.INSPECTOR, region="尧都区", department="141002-market")
    return entities


@pytest.mark.django_db
class TestDraw:
    def test_reproducible_from_stored_seed_and_snapshot(self, items, regions, users, licensees):
        from approvals.selectors import replay_draw
        from approvals.services import _run

        the_draw = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="0.3",
            drawn_on=D(2022, 9, 1),
        )
        assert len(the_draw.seed) == 32  # generated with secrets
        assert the_draw.candidate_entity_ids == sorted(e.pk for e in licensees)
        assert replay_draw(the_draw)
        stored = sorted(the_draw.drawn.values_list("entity_id", flat=True))
        # new licensees after the draw do not change its replay: the snapshot is stored
        services.entity_create(
            actor=users["admin"],
            item=items[5],
            region=regions["尧都区"],
            name="后来者",
            licensed_on=D(2022, 9, 2),
        )
        the_draw.refresh_from_db()
        assert _run(the_draw).entity_ids == stored
        assert replay_draw(the_draw)

    def test_same_seed_same_result(self, items, regions, users, licensees):
        first = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="0.3",
            seed="公开种子-1",
            drawn_on=D(2022, 9, 1),
        )
        second = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="0.3",
            seed="公开种子-1",
            drawn_on=D(2022, 9, 1),
        )

        def snapshot(d):
            return [
                (row.entity_id, sorted(row.inspectors.values_list("pk", flat=True))) for row in d.drawn.all()
            ]

        assert snapshot(first) == snapshot(second)

    def test_blacklisted_always_included(self, items, regions, users, licensees):
        for i in range(8):
            the_draw = services.draw_create(
                actor=users["inspector1"],
                item=items[5],
                region=regions["尧都区"],
                ratio="0.1",
                seed=f"s{i}",
                drawn_on=D(2022, 9, 1),
            )
            row = the_draw.drawn.get(entity=licensees[3])
            assert row.blacklisted
            # 9 non-blacklisted × 0.1 → 1, plus the blacklisted one
            assert the_draw.drawn.count() == 2

    def test_lifted_or_future_blacklisting_is_not_forced(self, items, regions, users, licensees):
        CreditBlacklist.objects.filter(entity=licensees[3]).update(lifted_on=D(2022, 8, 20))
        the_draw = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="0.1",
            seed="s",
            drawn_on=D(2022, 9, 1),
        )
        assert the_draw.blacklisted_entity_ids == []

    def test_no_inspector_from_the_licensing_department(self, items, regions, users, licensees):
        own = {
            u.pk for u in users["yaodu_approval"].__class__.objects.filter(username__startswith="insp_own")
        }
        for i in range(5):
            the_draw = services.draw_create(
                actor=users["inspector1"],
                item=items[5],
                region=regions["尧都区"],
                ratio="1",
                seed=f"o{i}",
                drawn_on=D(2022, 9, 1),
            )
            assert set(the_draw.drawn.values_list("inspectors", flat=True)).isdisjoint(own)
            assert the_draw.inspector_pool  # the pool did contain them: the rule, not the pool, excluded them
            assert own <= {pk for pk, _dept in the_draw.inspector_pool}

    def test_ratio_from_risk_level_table(self, items, regions, users, licensees):
        from approvals.models import RiskLevel

        high = RiskLevel.objects.get(code="high")
        the_draw = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            risk_level=high,
            drawn_on=D(2022, 9, 1),
        )
        assert the_draw.ratio == high.ratio == 1
        assert the_draw.drawn.count() == 10

    def test_only_drawn_inspectors_record_results(self, items, regions, users, licensees):
        the_draw = services.draw_create(
            actor=users["inspector1"],
            item=items[5],
            region=regions["尧都区"],
            ratio="0.1",
            seed="r",
            drawn_on=D(2022, 9, 1),
        )
        row = the_draw.drawn.first()
        assigned = row.inspectors.first()
        outsider = next(
            u
            for u in users["inspector1"].__class__.objects.filter(username__startswith="insp")
            if not row.inspectors.filter(pk=u.pk).exists()
        )
        with pytest.raises(PermissionDenied):
            services.result_record(actor=outsider, drawn=row, result="compliant", checked_on=D(2022, 9, 5))
        services.result_record(
            actor=assigned, drawn=row, result="rectify", checked_on=D(2022, 9, 5), note="标签不规范"
        )
        row.refresh_from_db()
        assert row.result == "rectify"
