"""The product's form renderer writes selects itself (a region choice at province scale has 1,000 options, each of
which Django's templates write with two includes): the HTML must be exactly what Django's templates write."""

import datetime

from django import forms
from django.forms.renderers import DjangoTemplates

from linfen_admin.forms import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "请选择"), ("a", '甲 <乙> & "丙"'), (3, 2022)])
    grouped = forms.ChoiceField(
        choices=[
            ("县", [("141002", "尧都区"), ("141024", "洪洞县")]),
            ("市", [("city", "市本级")]),
            ("x", "其他"),
        ],
        widget=forms.Select(
            attrs={"class": "wide", "data-show": "kind=idle", "disabled": False, "required": True}
        ),
    )
    several = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二"), ("3", "三")])
    day = forms.ChoiceField(choices=[(datetime.date(2022, 9, 30), datetime.date(2022, 9, 30))])


def test_selects_are_written_exactly_as_djangos_templates_write_them():
    form = Sample(data={"plain": "a", "grouped": "141024", "several": ["1", "3"], "day": "2022-09-30"})
    for name in form.fields:
        ours = form[name].as_widget()
        form.renderer = DjangoTemplates()
        theirs = form[name].as_widget()
        form.renderer = FormRenderer()
        assert ours == theirs, name
    assert "<select" in ours and 'value="a" selected' in form["plain"].as_widget()


def test_the_renderer_is_the_products():
    form = Sample()
    assert isinstance(form.renderer, FormRenderer)


def test_a_select_of_a_thousand_options_reads_no_template(monkeypatch):
    asked = []
    get_template = DjangoTemplates.get_template
    monkeypatch.setattr(
        DjangoTemplates, "get_template", lambda self, name: asked.append(name) or get_template(self, name)
    )
    field = forms.ChoiceField(choices=[(str(n), f"区域{n}") for n in range(1000)])
    html = field.widget.render("region", "7", renderer=FormRenderer())
    assert html.count("<option") == 1000 and '<option value="7" selected>区域7</option>' in html
    assert asked == []
