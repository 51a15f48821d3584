from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")
application_list = dashboard = award_quote = application_create = application_detail = application_edit = _todo
application_transition = expert_score = document_upload = document_download = call_plan = _todo
