"""Developer machine: SQLite by default. DEBUG stays off unless DEBUG=1 is set (the README's run command sets it)."""

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

if not SECRET_KEY:
    # No secret lives in the repository: a local key is generated once and kept outside git.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()
