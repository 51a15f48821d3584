from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linfen_admin.forms import GuidedFormMixin, add_service_errors
from linfen_admin.scoping import regions_for

from . import selectors
from .models import Application, Call, Category, Document, IndicatorType, ReviewCommittee
from .rules.eligibility import PROJECT_CATEGORIES
from .selectors import calls_visible_to
from .services.applications import EDITABLE_FIELDS

# Which control names the scheme of each category that has schemes (the rule book's ``scheme``), and its label.
SCHEME_FIELDS = {
    Category.RECOGNITION: ("kind", _("认定称号类别")),
    Category.CERTIFICATION: ("certification", _("认证类别")),
    Category.REVENUE: ("revenue_scheme", _("收入类别")),
}
# Fields of the award parameters shown for one category only (the scheme and grade fields come from the rules).
CATEGORY_FIELDS = {
    Category.MATCHING: ("support_wan",),
    Category.INVESTMENT: ("investment_wan", "little_giant"),
    Category.REVENUE: ("previous_revenue_wan",),
}


def _show_when(name: str, values) -> str:
    return f"{name}={','.join(values)}"


class AwardParamsMixin:
    """The award parameters of 第七条 as choices read in words, built from the rule book the seed loads: the
    category as radio buttons, then for the chosen category only its own fields — a select of its schemes
    (the rules' names) and, for a graded scheme, its grades (the tiers' labels). The codes stay the values.

    One grade control per graded scheme (``level_<scheme>``, ``previous_level_<scheme>``), each shown while its
    scheme is chosen, inside the category's group (``groups()``), which is shown while its category is chosen.
    ``award_params()`` folds them back into ``scheme``/``kind``, ``level`` and ``previous_level``."""

    def __init__(self, *args, book=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = book if book is not None else selectors.rule_book()
        category = self.fields["category"]
        category.choices = list(Category.choices)
        category.widget = forms.RadioSelect(choices=category.choices)
        self.graded: dict[str, list[str]] = {}  # category → graded schemes, in the rules' order
        for cat, (name, label) in SCHEME_FIELDS.items():
            rules = [rule for rule in self.book.rules.values() if rule.category == cat and rule.scheme]
            self.fields[name] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "---------")] + [(rule.scheme, rule.name) for rule in rules],
            )
            self.fields[name].show_when = _show_when("category", [cat])
            for rule in rules:
                if rule.method != "grade":
                    continue
                self.graded.setdefault(cat, []).append(rule.scheme)
                grades = [(tier.grade, tier.label) for tier in sorted(rule.tiers, key=lambda t: -t.rank)]
                level = forms.ChoiceField(
                    label=_("等次"), required=False, choices=grades, widget=forms.RadioSelect
                )
                previous = forms.ChoiceField(
                    label=_("已奖励等次"),
                    required=False,
                    choices=[("", _("无(首次获得)"))] + grades,
                    widget=forms.RadioSelect,
                    help_text=_("由低等次升级的,只奖励差额部分"),
                )
                level.show_when = previous.show_when = _show_when(name, [rule.scheme])
                self.fields[f"level_{rule.scheme}"] = level
                self.fields[f"previous_level_{rule.scheme}"] = previous
        for cat, names in CATEGORY_FIELDS.items():
            for field_name in names:
                if field_name in self.fields:
                    self.fields[field_name].show_when = _show_when("category", [cat])

    # --- reading the choices back -------------------------------------------------------------------------

    def _value(self, name):
        return self.cleaned_data.get(name) or ""

    def chosen_scheme(self) -> str:
        category = self.cleaned_data.get("category")
        name = SCHEME_FIELDS.get(category, (None,))[0]
        return self._value(name) if name else ""

    def award_params(self) -> dict:
        """``scheme``, ``level`` and ``previous_level`` of the chosen category ("" where it has none)."""
        scheme = self.chosen_scheme()
        graded = scheme in self.graded.get(self.cleaned_data.get("category"), [])
        return {
            "scheme": scheme,
            "level": self._value(f"level_{scheme}") if graded else "",
            "previous_level": self._value(f"previous_level_{scheme}") if graded else "",
        }

    def guided_names(self) -> list[str]:
        return [name for name, _label in SCHEME_FIELDS.values()] + [
            name for name in self.fields if name.startswith(("level_", "previous_level_"))
        ]

    def control_for(self, key: str) -> str | None:
        """The control that shows a parameter the rules or the services name (``scheme``, ``kind``, ``level`` …)."""
        category = self.data.get(self.add_prefix("category")) or self.initial.get("category")
        scheme_field = SCHEME_FIELDS.get(category, (None,))[0]
        if key in ("scheme", "kind"):
            return scheme_field
        if key in ("level", "previous_level"):
            scheme = self.data.get(self.add_prefix(scheme_field)) if scheme_field else None
            name = f"{key}_{scheme}"
            return name if name in self.fields else scheme_field
        return key if key in self.fields else None

    def add_service_errors(self, exc: ValidationError) -> None:
        """A refusal of the rules or the services, each message beside the control the user sees; a grade
        missing while no scheme is chosen is left to the scheme's own message."""
        if not hasattr(exc, "error_dict"):
            add_service_errors(self, exc)
            return
        for key, errors in exc.error_dict.items():
            name = self.control_for(key)
            if name is not None and name in self.errors and key in ("level", "previous_level"):
                continue
            self.add_error(name, errors)

    # --- layout -------------------------------------------------------------------------------------------

    def category_groups(self) -> list[dict]:
        """One group per category: its legend, its ``data-show-when`` and its fields, in the page's order."""
        groups = []
        for value, label in Category.choices:
            names = []
            if value in SCHEME_FIELDS:
                scheme_field = SCHEME_FIELDS[value][0]
                names.append(scheme_field)
                for scheme in self.graded.get(value, []):
                    names += [f"level_{scheme}", f"previous_level_{scheme}"]
            names += [name for name in CATEGORY_FIELDS.get(value, ()) if name in self.fields]
            if names:
                groups.append(
                    {
                        "legend": label,
                        "show_when": _show_when("category", [value]),
                        "fields": [self[name] for name in names],
                    }
                )
        return groups


class AwardQuoteForm(GuidedFormMixin, AwardParamsMixin, forms.Form):
    category = forms.ChoiceField(label=_("奖励类别"), choices=Category.choices)
    support_wan = forms.DecimalField(
        label=_("上年度国、省资金支持额(万元)"), required=False, min_value=0, decimal_places=2
    )
    investment_wan = forms.DecimalField(
        label=_("固定资产实际投资(万元)"), required=False, min_value=0, decimal_places=2
    )
    little_giant = forms.BooleanField(label=_("专精特新“小巨人”企业"), required=False)
    revenue_wan = forms.DecimalField(
        label=_("上年度主营业务收入(万元)"), required=False, min_value=0, decimal_places=2
    )
    previous_revenue_wan = forms.DecimalField(
        label=_("已奖励时的主营业务收入(万元)"), required=False, min_value=0, decimal_places=2
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        required=False,
        max_length=32,
        help_text=_("填写后按本系统中已奖励的等次核对“首次”和补差"),
    )
    call = forms.ModelChoiceField(
        label=_("申报通知"),
        queryset=Call.objects.none(),
        required=False,
        help_text=_("选择后核对奖励规则的有效期(第十五条)"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revenue_wan"].show_when = _show_when("category", [Category.REVENUE])
        if user is not None:
            self.fields["call"].queryset = selectors.calls_visible_to(user)

    def groups(self) -> list[dict]:
        groups = self.category_groups()
        for group in groups:
            if group["show_when"] == _show_when("category", [Category.REVENUE]):
                group["fields"].insert(1, self["revenue_wan"])
        return [
            {"legend": _("申报的奖励"), "fields": [self["category"], self["credit_code"], self["call"]]},
            *groups,
        ]

    def params(self) -> dict:
        """The calculator's parameters, shaped like ``Application.quote_params()``."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in self.guided_names() and value not in (None, "")
        }
        chosen = self.award_params()
        if data.get("category") == Category.RECOGNITION:
            data["kind"] = chosen["scheme"]
        elif chosen["scheme"]:
            data["scheme"] = chosen["scheme"]
        data.update({key: chosen[key] for key in ("level", "previous_level") if chosen[key]})
        return {key: value for key, value in data.items() if value not in (None, "")}


class ApplicationForm(GuidedFormMixin, AwardParamsMixin, forms.ModelForm):
    """The county's entry of an application: the services' EDITABLE_FIELDS, with the award parameters guided."""

    GENERAL = ("call", "region", "enterprise_name", "credit_code", "project_name")
    FACTS = ("revenue_wan", "above_scale", "investment_progress", "completed_on", "prior_city_funding")
    COMMITMENTS = ("indicator_type", "expected_new_tax_wan", "expected_targets", "return_undertaking")

    class Meta:
        model = Application
        fields = list(EDITABLE_FIELDS)  # what the county may enter: the services' own list
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("scheme", "level", "previous_level"):  # entered through the guided controls
            del self.fields[name]
        self.fields["call"].queryset = calls_visible_to(user)
        self.fields["region"].queryset = regions_for(user)
        if not self.instance.pk:  # a county clerk files for their own region: preselected
            regions = list(self.fields["region"].queryset[:2])
            if len(regions) == 1:
                self.initial.setdefault("region", regions[0].pk)
        projects = sorted(PROJECT_CATEGORIES, key=Category.values.index)
        for name in ("investment_progress", "completed_on"):  # 第八条(二) concerns projects only
            self.fields[name].show_when = _show_when("category", projects)
        # 第十条 commitments of a project award: the indicator type decides which expectation is stated.
        self.projects = projects
        indicator = self.fields["indicator_type"]
        indicator.choices = list(IndicatorType.choices)
        indicator.widget = forms.RadioSelect(choices=indicator.choices)
        self.fields["expected_new_tax_wan"].show_when = _show_when("indicator_type", [IndicatorType.ECONOMIC])
        self.fields["expected_targets"].show_when = _show_when("indicator_type", [IndicatorType.TECHNICAL])
        self.fields["expected_targets"].widget = forms.Textarea(attrs={"rows": 2})
        instance = self.instance
        if instance.pk and instance.category in SCHEME_FIELDS:
            self.initial[SCHEME_FIELDS[instance.category][0]] = instance.scheme
            if f"level_{instance.scheme}" in self.fields:
                self.initial[f"level_{instance.scheme}"] = instance.level
                self.initial[f"previous_level_{instance.scheme}"] = instance.previous_level

    def groups(self) -> list[dict]:
        return [
            {"legend": _("申报企业与项目"), "fields": [self[name] for name in self.GENERAL], "columns": True},
            {"legend": _("申报的奖励"), "fields": [self["category"]]},
            *self.category_groups(),
            {
                "legend": _("申报条件(第五、八条)"),
                "fields": [self[name] for name in self.FACTS],
                "columns": True,
            },
            {
                "legend": _("预期指标与承诺(第十条)"),
                "show_when": _show_when("category", self.projects),
                "fields": [self[name] for name in self.COMMITMENTS],
            },
        ]

    def service_kwargs(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key not in self.guided_names()}
        return {**data, **self.award_params()}


class TransitionForm(GuidedFormMixin, forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document_no = forms.CharField(label=_("文号"), required=False)
    inspection_opinion = forms.CharField(
        label=_("现场核查意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # 第十条 真实性、完整性、合规性、一致性, confirmed one by one, and the site inspection's date.
    authenticity = forms.BooleanField(label=_("真实性审核"), required=False)
    completeness = forms.BooleanField(label=_("完整性审核"), required=False)
    compliance = forms.BooleanField(label=_("合规性审核"), required=False)
    consistency = forms.BooleanField(label=_("一致性审核"), required=False)
    inspected_on = forms.DateField(
        label=_("现场核查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    committee = forms.ModelChoiceField(
        label=_("评审委员会"), required=False, queryset=ReviewCommittee.objects.none()
    )
    planned_wan = forms.DecimalField(label=_("拟支持金额(万元)"), required=False, decimal_places=2)
    indicator_type = forms.ChoiceField(
        label=_("预期指标类型"), required=False, choices=[("", "---------"), *IndicatorType.choices]
    )
    completed_on = forms.DateField(
        label=_("完工日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    evaluation_agency = forms.CharField(label=_("第三方评价机构"), required=False)
    targets_met = forms.NullBooleanField(label=_("达到预期指标"), required=False)
    cumulative_new_tax_wan = forms.DecimalField(
        label=_("累计新增税收(万元)"), required=False, decimal_places=2
    )
    recovered_wan = forms.DecimalField(label=_("收回金额(万元)"), required=False, decimal_places=2)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:  # the committees of the application's call (第八条(三))
            self.fields["committee"].queryset = ReviewCommittee.objects.filter(call_id=application.call_id)

    def data_for_service(self, names=None) -> dict:
        """The step's data: the fields ``names`` the action shows (all of them when not given)."""
        data = {
            key: value
            for key, value in self.cleaned_data.items()
            if key not in ("action", "version", "comment")
            and value not in (None, "")
            and (names is None or key in names)
        }
        if "committee" in data:
            data["committee"] = data["committee"].pk
        return data


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("评分(0–100)"), min_value=0, max_value=100, decimal_places=2)
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("文件(PDF、JPG、PNG、DOCX、XLSX)"))
    kind = forms.ChoiceField(label=_("材料类别"), choices=Document.Kind.choices)


# --- 评审委员会 and 资金分配方案 (第八条(三)(四)) -----------------------------------------------------------


class CommitteeForm(GuidedFormMixin, forms.Form):
    round = forms.IntegerField(label=_("评审批次"), min_value=1, initial=1)
    formed_on = forms.DateField(label=_("组建日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CommitteeMemberForm(GuidedFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    discipline_inspector = forms.BooleanField(label=_("驻局纪检组成员"), required=False)
    expert = forms.ModelChoiceField(
        label=_("评审专家账号"), required=False, queryset=None, help_text=_("有账号的成员在系统中评分")
    )

    def __init__(self, *args, **kwargs):
        from linfen_admin.roles import Role
        from linfen_admin.selectors import users_with_role

        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = users_with_role(Role.EXPERT)


CommitteeMemberFormSet = forms.formset_factory(CommitteeMemberForm, extra=4, max_num=30)


class PlanForm(GuidedFormMixin, forms.Form):
    """A draft allocation plan: its title, and for each application 拟支持 of the call whether it is listed and
    its amount (the planned amount to start with)."""

    title = forms.CharField(label=_("方案名称"), max_length=200)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for application in self.candidates:
            self.fields[f"include_{application.pk}"] = forms.BooleanField(
                label=_("列入 %(ref)s %(name)s")
                % {"ref": application.reference, "name": application.enterprise_name},
                required=False,
                initial=True,
            )
            self.fields[f"amount_{application.pk}"] = forms.DecimalField(
                label=_("%(ref)s 分配金额(万元)") % {"ref": application.reference},
                required=False,
                decimal_places=2,
                min_value=0,
                initial=application.planned_wan or application.award_wan,
            )

    def rows(self):
        return [(a, self[f"include_{a.pk}"], self[f"amount_{a.pk}"]) for a in self.candidates]

    def lines(self) -> list[tuple[int, object]]:
        return [
            (a.pk, self.cleaned_data.get(f"amount_{a.pk}") or 0)
            for a in self.candidates
            if self.cleaned_data.get(f"include_{a.pk}")
        ]


class PlanApproveForm(GuidedFormMixin, forms.Form):
    document_no = forms.CharField(label=_("市政府审定文号"), max_length=64)
    approved_on = forms.DateField(label=_("市政府审定日期"), widget=forms.DateInput(attrs={"type": "date"}))


class PlanFinanceCopyForm(GuidedFormMixin, forms.Form):
    copied_on = forms.DateField(label=_("抄送财政局日期"), widget=forms.DateInput(attrs={"type": "date"}))
    recipient = forms.CharField(label=_("财政局接收人"), max_length=60)
