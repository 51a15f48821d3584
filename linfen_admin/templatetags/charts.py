from django import template

register = template.Library()


@register.inclusion_tag("linfen_admin/_chart.html")
def chart(chart):
    """``{% chart chart %}``: the figure, its data for the project script (json_script) and its table."""
    return {"chart": chart, "spec_id": f"{chart.key}-spec"}


@register.inclusion_tag("linfen_admin/_chart_scripts.html")
def chart_scripts():
    """The vendored ECharts and the project's chart script, once per page that shows charts."""
    return {}
