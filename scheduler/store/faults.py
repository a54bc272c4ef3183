"""Faults of the machine, said as an admin can act on them: which path or setting, and an exit code.

A read-only or full data folder, a database that cannot be reached or
refuses us, an outbox folder that is missing: `translate` turns the
exception (OSError, SQLAlchemy's DBAPI errors) into an
:class:`~scheduler.errors.EnvironmentFault` (exit 78: fix a path, a
permission or a setting) or a :class:`~scheduler.errors.TemporaryFault`
(exit 75: try again when it ends; nothing was lost), in Vietnamese and
naming the path or setting. `preflight` checks what `serve` and the reminder
commands need before they start, so they stop with that message instead of
a traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from scheduler.errors import EnvironmentFault, LichThiDuaError, TemporaryFault
from scheduler.settings import Settings

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EROFS, errno.EACCES, errno.EPERM}


def database_label(settings: Settings) -> str:
    """The database as the admin configured it, password hidden."""
    url = make_url(settings.resolved_database_url())
    if url.get_backend_name() == "sqlite":
        return f"tệp SQLite {url.database} (thư mục dữ liệu data_dir = {settings.data_dir})"
    return f"{url.render_as_string(hide_password=True)} (thiết lập database_url)"


def translate(exc: BaseException, settings: Settings) -> LichThiDuaError | None:
    """Our error for a fault of the machine, or None for anything else (a bug: let it show)."""
    if isinstance(exc, LichThiDuaError):
        return exc
    if isinstance(exc, OSError):
        where = exc.filename or settings.data_dir
        if exc.errno in _FULL:
            return TemporaryFault(f"Hết chỗ ghi ở {where} (thư mục dữ liệu data_dir = {settings.data_dir}): "
                                  f"{exc.strerror}. Giải phóng dung lượng rồi chạy lại; dữ liệu đã ghi không mất.")
        if exc.errno in _DENIED:
            return EnvironmentFault(f"Không ghi được vào {where} ({exc.strerror}). Cho người dùng chạy dịch vụ quyền "
                                    f"ghi, hoặc đặt data_dir (hiện là {settings.data_dir}) sang thư mục khác.")
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # a file where a folder must be
            blocking = Path(where)
            while not blocking.exists() and blocking != blocking.parent:
                blocking = blocking.parent
            return EnvironmentFault(f"{blocking} là một tệp, không phải thư mục (thư mục dữ liệu data_dir = "
                                    f"{settings.data_dir}, biến môi trường LICHTHIDUA_DATA_DIR). Đặt data_dir là "
                                    "một thư mục, hoặc chuyển tệp đó đi.")
        if exc.errno == errno.ENOENT:
            return EnvironmentFault(f"Không có thư mục {where} ({exc.strerror}). Tạo thư mục hoặc sửa thiết lập.")
        return None
    if isinstance(exc, DBAPIError) or isinstance(exc, SQLAlchemyError):
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        lower = text.lower()
        label = database_label(settings)
        if "readonly" in lower or "read-only" in lower or "unable to open database" in lower:
            return EnvironmentFault(f"CSDL {label} không ghi được ({text}). Cho người dùng chạy dịch vụ quyền ghi "
                                    "vào thư mục dữ liệu, hoặc đặt data_dir sang thư mục khác.")
        if "disk is full" in lower or "disk i/o error" in lower:
            return TemporaryFault(f"CSDL {label} không ghi được: đĩa đầy hoặc lỗi ghi ({text}). Giải phóng dung lượng "
                                  "rồi chạy lại; các lời nhắc chưa gửi vẫn còn nguyên.")
        if any(w in lower for w in ("password authentication", "does not exist", "permission denied", "no pg_hba")):
            return EnvironmentFault(f"CSDL {label} từ chối kết nối: {text}. Sửa thiết lập database_url.")
        if getattr(exc, "connection_invalidated", False) or any(w in lower for w in (
                "connection", "could not connect", "timeout", "timed out", "server closed", "terminating",
                "unreachable", "name or service", "temporary failure", "locked")):
            return TemporaryFault(f"Không kết nối được CSDL {label}: {text}. Kiểm tra máy chủ CSDL; khi nó hoạt động "
                                  "trở lại, chạy lại lệnh (hoặc dịch vụ tự tiếp tục): không lời nhắc nào bị mất.")
        return None
    return None


@contextmanager
def guarded(settings: Settings) -> Iterator[None]:
    """Faults of the machine inside become our errors (message, exit code); bugs pass through."""
    try:
        yield
    except Exception as exc:
        fault = translate(exc, settings)
        if fault is None or fault is exc:
            raise
        raise fault from None


def outbox_folder(settings: Settings) -> Path | None:
    """Where emails are written when no SMTP server is set (None: SMTP is used)."""
    if settings.smtp_host.strip():
        return None
    default = Settings.model_fields["outbox_dir"].default
    if settings.outbox_dir == default and settings.data_dir != Settings.model_fields["data_dir"].default:
        return Path(settings.data_dir) / "outbox"  # a deployment that moved its data folder keeps its outbox there
    return Path(settings.outbox_dir)


def check_outbox(settings: Settings) -> None:
    """The outbox folder exists or can be made inside an existing folder, and takes files."""
    folder = outbox_folder(settings)
    if folder is None:
        return
    if not folder.parent.is_dir():
        raise EnvironmentFault(f"Không có thư mục {folder.parent}, nơi đặt hộp thư đi {folder} (thiết lập outbox_dir). "
                               "Tạo thư mục đó (hoặc gắn ổ đĩa), hoặc sửa outbox_dir, hoặc cấu hình smtp_host.")
    try:
        folder.mkdir(exist_ok=True)
        probe = folder / ".lichthidua-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        fault = translate(exc, settings)
        raise (fault or EnvironmentFault(f"Hộp thư đi {folder} (thiết lập outbox_dir) không dùng được: {exc}")) from None


def check_database_url(settings: Settings) -> None:
    """``database_url`` names a database we can open (SQLite, or PostgreSQL through psycopg); else exit 78."""
    raw = settings.resolved_database_url()
    scheme = raw.partition("://")[0] if "://" in raw else raw[:20]
    usage = ("Dạng đúng: postgresql+psycopg://người_dùng@máy_chủ:5432/tên_csdl, hoặc để trống để dùng SQLite "
             "trong thư mục dữ liệu data_dir.")
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise EnvironmentFault(f"Thiết lập database_url không phải một URL CSDL (bắt đầu bằng {scheme!r}). {usage}") from None
    except NoSuchModuleError:
        raise EnvironmentFault(f"Thiết lập database_url dùng loại CSDL {scheme!r}, không có: chỉ hỗ trợ SQLite và "
                               f"PostgreSQL (qua psycopg). {usage}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "postgresql" and driver not in ("", "psycopg") or backend not in ("sqlite", "postgresql"):
        raise EnvironmentFault(f"Thiết lập database_url dùng loại CSDL {url.drivername!r}, chưa được hỗ trợ: chỉ SQLite "
                               f"và PostgreSQL (qua psycopg). {usage}")
    try:
        url.get_dialect()
    except (NoSuchModuleError, ImportError) as exc:
        raise EnvironmentFault(f"Thiết lập database_url: không nạp được trình điều khiển {url.drivername!r} ({exc}). "
                               f"{usage}") from None


def preflight(settings: Settings, *, outbox: bool = True) -> None:
    """What `serve` and the reminder commands need, checked before they start; raises our errors only.

    ``outbox=False`` for commands that send nothing (`remind preview`, `remind status`): they leave no folder behind.
    """
    from scheduler.store.database import create_tables, engine_from_settings
    from scheduler.store.secret import load_or_create_secret

    check_database_url(settings)
    with guarded(settings):
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        engine = engine_from_settings(settings)
        try:
            create_tables(engine)
        finally:
            engine.dispose()
        load_or_create_secret(settings)
        if outbox:
            check_outbox(settings)
