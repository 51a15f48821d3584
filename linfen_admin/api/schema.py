"""The API's OpenAPI description states the refusals each operation can answer, not only its success.

drf-spectacular documents what a view returns when it succeeds; every refusal of this API goes through
``exceptions.exception_handler`` and has one body (``ErrorSerializer``). ``AutoSchema`` adds those answers to each
operation from what the operation itself declares — its parameters, its request body, its security, its throttles —
so a client generated from the schema knows a 403 or a 409 is part of the contract, and the conformance test
(``tests/linfen_admin/test_api_conformance.py``) holds the server to it. A response an operation declares itself
(e.g. an import's 400 listing the bad rows) is kept.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Plain strings, not gettext: the schema is documentation for integrators, as the views' docstrings it shows are.
BAD_REQUEST = "提交的数据或查询参数有误:errors 逐项列出字段和原因。"
NOT_AUTHENTICATED = "未登录或令牌无效:请发送 Authorization: Token …"
FORBIDDEN = "无权执行此操作(角色、辖区或字段不允许),errors 指明字段。"
NOT_FOUND = "未找到,或无权查看(另一辖区的对象同样答 404)。"
CONFLICT = "当前状态不允许此操作,或版本号已过期(他人已修改)。"
THROTTLED = "请求过于频繁,或登录失败次数过多已被暂时锁定。"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers of ``exceptions.exception_handler``."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for status_code, description in self._error_statuses(operation):
            operation["responses"].setdefault(
                status_code,
                self._get_response_for_code(OpenApiResponse(ErrorSerializer, description), status_code),
            )
        return operation

    def _error_statuses(self, operation) -> list[tuple[str, str]]:
        """Which refusals this operation can answer, read off the operation and its view."""
        parameters = operation.get("parameters", [])
        signed_in = self._requires_sign_in(operation)
        statuses = []
        # A field, a filter or a date that does not parse — wherever the client sends a body or a query string.
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            statuses.append(("400", BAD_REQUEST))
        if signed_in:
            statuses += [("401", NOT_AUTHENTICATED), ("403", FORBIDDEN)]
        if parameters:
            statuses.append(("404", NOT_FOUND))  # an unknown or out-of-scope object, a page past the end
        if signed_in and self.method in WRITE_METHODS:
            statuses.append(("409", CONFLICT))  # services refuse a stale version or a step the state forbids
        if self.view.get_throttles():
            statuses.append(("429", THROTTLED))
        return statuses

    @staticmethod
    def _requires_sign_in(operation) -> bool:
        """A secured operation that does not also list the empty requirement ``{}`` refuses anonymous callers."""
        security = operation.get("security", [])
        return bool(security) and {} not in security
