"""The award calculator and the application form guide: Chinese labels for every choice (codes stay the values),
grades as choices from the rules' tiers, only the chosen category's fields shown, errors beside the fields with
the summary and the input kept."""

import time_machine
from django.urls import reverse

from subsidies import selectors
from subsidies.models import Application, Category

from .conftest import CallFactory, linfen_code
from .html import form_html, read

PAGES = ("subsidies:award-quote", "subsidies:application-create")


def _codes():
    """Every code of the rule book and of the categories that a user must never read."""
    book = selectors.rule_book()
    codes = set(Category.values) | {rule.scheme for rule in book.rules.values() if rule.scheme}
    codes |= {tier.grade for rule in book.rules.values() for tier in rule.tiers if tier.grade.islower()}
    return codes


def test_no_code_is_visible_text_in_either_form(client, users, subsidies_seed):
    client.force_login(users["yaodu_industry"])
    codes = _codes()
    assert {"tech_center", "cmmi", "software", "national"} <= codes
    for page in PAGES:
        reader = read(form_html(client.get(reverse(page)).content))
        text = " ".join(reader.text)
        assert not [code for code in codes if code in text], page
        labels = [label for choices in reader.values.values() for _value, label in choices]
        assert "企业技术中心" in labels and "CMMI 认证" in labels and "国家级" in labels
        assert not set(labels) & codes
        # The codes stay the values.
        assert ("tech_center", "企业技术中心") in reader.values["kind"]
        assert ("national", "国家级") in reader.values["level_tech_center"]
        assert [label for _v, label in reader.values["level_cmmi"]] == ["CMMI 5 级", "CMMI 4 级", "CMMI 3 级"]


def test_grades_come_from_the_rules_tiers(client, users, subsidies_seed):
    from subsidies.models import AwardTier

    AwardTier.objects.filter(rule__code="recognition.tech_center", grade="municipal").update(
        label="市级(测试)"
    )
    client.force_login(users["yaodu_industry"])
    reader = read(form_html(client.get(reverse("subsidies:award-quote")).content))
    assert ("municipal", "市级(测试)") in reader.values["level_tech_center"]
    assert "municipal" not in dict(reader.values["level_innovation_center"])  # 制造业创新中心 has no 市级


def test_a_level_chosen_as_guojiaji_is_accepted(client, users, subsidies_seed):
    client.force_login(users["yaodu_industry"])
    reader = read(form_html(client.get(reverse("subsidies:award-quote")).content))
    national = next(value for value, label in reader.values["level_tech_center"] if label == "国家级")
    response = client.post(
        reverse("subsidies:award-quote"),
        {"category": "recognition", "kind": "tech_center", "level_tech_center": national},
    )
    assert not response.context["form"].errors
    assert response.context["quote"].eligible and response.context["quote"].award_wan == 50
    # An upgrade of 两化融合 from A 级 to AAA 级 pays the difference.
    response = client.post(
        reverse("subsidies:award-quote"),
        {
            "category": "certification",
            "certification": "it_integration",
            "level_it_integration": "AAA",
            "previous_level_it_integration": "A",
        },
    )
    assert response.context["quote"].award_wan == 30

    call = CallFactory()
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"),
            {
                "call": call.pk,
                "region": users["yaodu_industry"].region_id,
                "enterprise_name": "临汾装备",
                "credit_code": linfen_code(61),
                "project_name": "国家级企业技术中心",
                "category": "recognition",
                "kind": "tech_center",
                "level_tech_center": national,
                "revenue_wan": "9000",
                "above_scale": "on",
            },
        )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.scheme, application.level, application.award_wan) == ("tech_center", "national", 50)
    # Editing shows the stored choices back.
    edit = client.get(reverse("subsidies:application-edit", args=[application.pk]))
    form = edit.context["form"]
    assert form["kind"].value() == "tech_center" and form["level_tech_center"].value() == "national"
    assert 'value="national" id="id_level_tech_center_0" checked' in edit.content.decode()


def test_category_fields_carry_show_when(client, users, subsidies_seed):
    client.force_login(users["yaodu_industry"])
    reader = read(form_html(client.get(reverse("subsidies:application-create")).content))
    shown = reader.conditions
    assert shown["category"] == [] and shown["enterprise_name"] == [] and shown["above_scale"] == []
    assert "category=matching" in shown["support_wan"]
    assert "category=investment" in shown["investment_wan"] and "category=investment" in shown["little_giant"]
    assert "category=matching,investment" in shown["investment_progress"]
    assert "category=matching,investment" in shown["completed_on"]
    assert "category=recognition" in shown["kind"]
    assert shown["level_tech_center"] == ["category=recognition", "kind=tech_center"]
    assert shown["previous_level_green"] == ["category=recognition", "kind=green"]
    assert shown["level_cmmi"] == ["category=certification", "certification=cmmi"]
    assert "category=certification" in shown["certification"]
    assert (
        "category=revenue" in shown["revenue_scheme"] and "category=revenue" in shown["previous_revenue_wan"]
    )
    assert not any(name.startswith("level_") and "software" in name for name in shown)  # revenue: no grades
    quote = read(form_html(client.get(reverse("subsidies:award-quote")).content)).conditions
    assert "category=revenue" in quote["revenue_wan"]
    assert quote["level_itss"] == ["category=certification", "certification=itss"]


def test_a_refused_submission_keeps_input_and_shows_errors(client, users, subsidies_seed):
    call = CallFactory()
    client.force_login(users["yaodu_industry"])
    with time_machine.travel("2026-05-20 09:00", tick=False):
        response = client.post(
            reverse("subsidies:application-create"),
            {
                "call": call.pk,
                "region": users["yaodu_industry"].region_id,
                "enterprise_name": "临汾软件",
                "credit_code": linfen_code(62),
                "project_name": "CMMI 认证",
                "category": "certification",
                "certification": "cmmi",
                "revenue_wan": "9000",
            },
        )
    assert response.status_code == 200 and not Application.objects.exists()
    content = response.content.decode()
    assert set(response.context["form"].errors) == {"level_cmmi"}
    summary = content[
        content.index('class="error-summary"') : content.index("</div>", content.index("error-summary"))
    ]
    assert "等次:此类别必须填写此项" in summary
    assert 'id="id_level_cmmi_error"' in content and "has-error" in content
    # The input is kept.
    assert 'value="临汾软件"' in content and '<option value="cmmi" selected>' in content
    assert 'value="certification" required id="id_category_3" checked' in content
    # The calculator too.
    response = client.post(
        reverse("subsidies:award-quote"),
        {"category": "certification", "certification": "cmmi", "level_cmmi": "9"},
    )
    assert response.context["quote"] is None
    assert "level_cmmi" in response.context["form"].errors
    assert '<option value="cmmi" selected>' in response.content.decode()
