"""Organisation (regions, departments, users), the audit trail and the in-app inbox."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import GROUP_NAMES, ROLE_BY_GROUP_NAME, Role


class Region(models.Model):
    """One of the 19 units of 附件 2: 市本级, 临汾开发区 and the 17 counties, cities and districts."""

    class Kind(models.TextChoices):
        CITY = "city", _("市本级")
        ZONE = "zone", _("开发区")
        COUNTY = "county", _("县(市、区)")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices, default=Kind.COUNTY)
    order = models.PositiveSmallIntegerField(_("排序"), unique=True)

    scope_region_field = "pk"  # a region's own scope is itself

    class Meta:
        ordering = ["order"]
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")

    def __str__(self):
        return self.name

    @staticmethod
    def normalise_name(raw: str) -> str:
        """The gazette pads short names with full-width spaces ("古　 县"); all whitespace goes."""
        return "".join(str(raw or "").split())


class Department(models.Model):
    """A bureau: city-level when ``region`` is empty, otherwise a county's own bureau."""

    class Kind(models.TextChoices):
        LAND = "land", _("自然资源")
        INDUSTRY = "industry", _("工业和信息化")
        ENERGY = "energy", _("能源")
        FINANCE = "finance", _("财政")
        APPROVAL_SERVICE = "approval_service", _("行政审批服务管理")
        AGRICULTURE = "agriculture", _("农业农村")
        TRANSPORT = "transport", _("交通运输")
        HEALTH = "health", _("卫生健康")
        MARKET = "market", _("市场监管")
        ECOLOGY = "ecology", _("生态环境")
        WATER = "water", _("水利")
        GOVERNMENT = "government", _("人民政府")
        OTHER = "other", _("其他")

    code = models.SlugField(_("编码"), max_length=48, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("职能"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("留空表示市级部门"),
    )

    class Meta:
        ordering = ["region__order", "kind", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(fields=["kind", "region"], name="department_one_kind_per_region"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(region__isnull=True), name="department_one_city_kind"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_city_level(self) -> bool:
        return self.region_id is None


class User(AbstractUser):
    """A person who signs in. Role = Django group; scope = region and/or department."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    is_demo = models.BooleanField(
        _("演示账号"),
        default=False,
        editable=False,
        help_text=_("由 seed_demo 创建;部署检查(check --deploy)拒绝任何仍然有效的演示账号"),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("县级用户只能查看和修改本区域的数据;市级用户留空"),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    email_notifications = models.BooleanField(_("接收邮件提醒"), default=True)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员创建账号或重设密码后为是;本人修改密码后自动取消"),
    )
    sessions_version = models.PositiveIntegerField(
        _("会话版本"), default=0, editable=False, help_text=_("“退出所有设备”时加一,之前的会话全部失效")
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("assign_roles", _("分配角色、授予后台访问")),
            ("reset_two_factor", _("重置他人的双因素认证")),
        ]

    def __str__(self):
        return self.full_name or self.username

    def _get_session_auth_hash(self, secret=None):
        """Django keeps a session only while this hash matches the one stored at sign-in; it depends on the
        password and, here, on ``sessions_version``, so "退出所有设备" ends every session by bumping it."""
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "linfen_admin.User.get_session_auth_hash",
            f"{self.password}:{self.sessions_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def can_reach_admin_site(self) -> bool:
        """Whether the person can open 系统管理 (the Django admin): these accounts need a second factor."""
        return self.is_active and (self.is_staff or self.is_superuser)

    @cached_property
    def roles(self) -> frozenset[str]:
        names = self.groups.values_list("name", flat=True) if self.pk else []
        return frozenset(ROLE_BY_GROUP_NAME[name] for name in names if name in ROLE_BY_GROUP_NAME)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in Role if role in self.roles]

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def role_group_name(role: str) -> str:
    return GROUP_NAMES[Role(role)]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加,不能修改")

    def delete(self):
        raise PermissionError("审计记录只能追加,不能删除")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )


class AuditEvent(models.Model):
    """One change: who, when, what, before and after. Append-only, enforced in Python and by database triggers."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        TRANSITION = "transition", _("流转")
        IMPORT = "import", _("导入")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        EXPORT = "export", _("导出")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(
        _("变更内容"), default=dict, blank=True, help_text=_("{字段: [修改前, 修改后]}")
    )
    comment = models.TextField(_("说明"), blank=True)

    objects = AuditEventQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        permissions = [("review_auditevent", _("查阅、筛选和导出全部审计记录"))]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加,不能删除")


class Notification(models.Model):
    """An in-app inbox item. At most one per (rule, object, period, recipient): the reminder engine relies on it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notification_inbox_idx (recipient, read_at) serves it: one index less to write per notice
    )
    rule = models.CharField(_("提醒规则"), max_length=64)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE)
    object_id = models.CharField(_("对象编号"), max_length=64)
    period = models.CharField(_("周期"), max_length=32, help_text=_("同一规则同一对象在一个周期内只提醒一次"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内提醒")
        verbose_name_plural = _("站内提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "period", "recipient"], name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailOutbox(models.Model):
    """One e-mail digest per person per day. The day's new reminders join it (``OutboxItem``) while it is still
    pending; the flush renders, sends and marks it. SMTP failures put it back to pending with a backoff, and after
    ``REMINDER_EMAIL_MAX_ATTEMPTS`` attempts it stops as failed, visible to administrators (retry action)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="email_digests",
    )
    digest_date = models.DateField(_("摘要日期"))
    to_address = models.EmailField(_("收件地址"), blank=True, help_text=_("发送时取用户当时的邮箱"))
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    body = models.TextField(_("正文"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-digest_date", "recipient_id"]
        verbose_name = _("邮件摘要")
        verbose_name_plural = _("邮件摘要")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_date"], name="email_outbox_one_digest_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sending", "sent", "failed"]),
                name="email_outbox_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="email_outbox_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "digest_date"], name="email_outbox_due_idx")]

    def __str__(self):
        return f"{self.recipient} {self.digest_date:%Y-%m-%d} {self.get_status_display()}"


class OutboxItem(models.Model):
    """A notification carried by a digest. One notification travels in at most one digest (never mailed twice)."""

    outbox = models.ForeignKey(
        EmailOutbox, verbose_name=_("邮件摘要"), on_delete=models.CASCADE, related_name="items"
    )
    notification = models.OneToOneField(
        Notification, verbose_name=_("站内提醒"), on_delete=models.CASCADE, related_name="outbox_item"
    )

    class Meta:
        ordering = ["outbox_id", "notification_id"]
        verbose_name = _("摘要条目")
        verbose_name_plural = _("摘要条目")

    def __str__(self):
        return str(self.notification_id)


class SweepRun(models.Model):
    """One reminder sweep that really ran (not a dry run): ``/healthz/`` reads the last one to tell that beat is
    alive."""

    as_of = models.DateField(_("提醒日期"))
    finished_at = models.DateTimeField(_("完成时间"), auto_now_add=True, db_index=True)
    created = models.PositiveIntegerField(_("新增提醒"), default=0)
    emails = models.PositiveIntegerField(_("加入邮件摘要"), default=0)
    errors = models.JSONField(_("出错规则"), default=dict, blank=True)

    class Meta:
        ordering = ["-finished_at", "-id"]
        verbose_name = _("提醒扫描记录")
        verbose_name_plural = _("提醒扫描记录")

    def __str__(self):
        return f"{self.as_of:%Y-%m-%d} {self.created}"


class Job(models.Model):
    """A long import, export or sweep run in the background (a Celery task, or a thread without a broker).

    The row is the job's state and result; its progress while it runs is kept in the cache (``jobs.progress``),
    because the work itself may run in one transaction that nobody else can see into until it commits."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("任务类型"), max_length=64)
    label = models.CharField(_("任务"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("提交人")
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(_("已处理"), default=0)
    total = models.PositiveBigIntegerField(_("总数"), default=0)
    message = models.TextField(_("结果"), blank=True)
    details = models.JSONField(_("详情"), default=list, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_path = models.CharField(_("文件位置"), max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return f"{self.label} · {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
