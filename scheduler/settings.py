"""One settings schema: defaults, types, environment variables and docs.

Every setting is a field of :class:`Settings`. Values come, lowest priority
first, from the field default, ``config/lichthidua.toml`` (or the file named by
``LICHTHIDUA_CONFIG``), then ``LICHTHIDUA_<FIELD>`` environment variables.
Settings are an object passed in; nothing reads them at import time.
``lichthidua settings`` prints this table; a test checks that the README
documents every field.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scheduler.core.bounds import DEFAULT_LIMITS, Limits
from scheduler.document_limits import DEFAULT_DOCUMENT_LIMITS as DOC
from scheduler.document_limits import DocumentLimits
from scheduler.errors import SettingsError

ENV_PREFIX = "LICHTHIDUA_"
DEFAULT_CONFIG_FILE = Path("config/lichthidua.toml")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- service -------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Địa chỉ lắng nghe của máy chủ web.")
    port: int = Field(8000, ge=1, le=65535, description="Cổng của máy chủ web.")
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Địa chỉ công khai của dịch vụ, dùng trong liên kết đăng ký lịch và email.",
    )
    calendars_dir: Path = Field(Path("calendars"), description="Thư mục chứa các lịch YAML.")
    data_dir: Path = Field(Path("var"), description="Thư mục dữ liệu (CSDL SQLite, hộp thư đi).")
    database_url: str = Field(
        "",
        description="URL CSDL SQLAlchemy; để trống là SQLite trong data_dir "
        "(ví dụ postgresql+psycopg://user@localhost/lichthidua).",
    )
    database_timeout_seconds: float = Field(
        15.0, ge=1, le=600,
        description="Thời gian tối đa chờ CSDL PostgreSQL cho một thao tác (giây): kết nối, một câu lệnh, "
        "lấy kết nối từ pool. Quá hạn thì kết nối bị coi là mất: dịch vụ báo lỗi một lần, thử lại, tự tiếp tục.",
    )
    watch_interval_seconds: float = Field(
        2.0, gt=0, description="Chu kỳ kiểm tra thay đổi trong thư mục lịch (giây)."
    )
    watch_polling: bool = Field(
        False,
        description="Quét thư mục lịch mỗi watch_interval_seconds thay vì nhận thông báo thay đổi của hệ điều hành "
        "(bật cho ổ mạng, thư mục gắn từ máy khác).",
    )
    secret_key: str = Field(
        "",
        description="Khóa ký các liên kết trong email (xác nhận, hủy đăng ký, đã nộp); "
        "để trống thì tự tạo và lưu trong data_dir.",
    )
    admin_password_hash: str = Field(
        "",
        description="Mã băm mật khẩu (hoặc token) của trang quản trị /admin, tạo bằng `lichthidua admin-password`; "
        "để trống thì /admin chỉ mở được từ chính máy chủ (localhost).",
    )
    http_idle_timeout_seconds: float = Field(
        10.0, gt=0, le=300,
        description="Kết nối HTTP phải gửi xong tiêu đề yêu cầu (và thân biểu mẫu) trong bao nhiêu giây kể từ khi mở, "
        "nếu không sẽ bị đóng; kết nối rảnh giữa hai yêu cầu đóng sau 5 giây.",
    )
    http_max_connections: int = Field(
        2000, ge=10, description="Số kết nối HTTP mở cùng lúc tối đa; kết nối vượt quá bị đóng ngay.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Mức ghi nhật ký."
    )

    # --- bounds on one file (calendar or recipients) ----------------------------
    max_file_bytes: int = Field(
        DEFAULT_LIMITS.file_bytes, ge=1024, description="Kích thước tối đa của một tệp lịch (byte); "
        "tệp lớn hơn bị từ chối trước khi đọc YAML.",
    )
    max_depth: int = Field(
        DEFAULT_LIMITS.depth, ge=4, le=200, description="Số cấp lồng nhau tối đa trong một tệp YAML (danh sách, bảng khóa).",
    )
    max_items: int = Field(
        DEFAULT_LIMITS.items, ge=10, description="Số phần tử danh sách tối đa trong một tệp lịch (hạn chót, ngày kỷ niệm, ...).",
    )
    max_recipients_file_bytes: int = Field(
        DEFAULT_LIMITS.recipients_file_bytes, ge=1024, description="Kích thước tối đa của một tệp người nhận (byte): "
        "danh sách của một tỉnh dài tự nhiên (khoảng 180 byte một đơn vị), nên có giới hạn riêng, lớn hơn tệp lịch.",
    )
    max_extends: int = Field(
        DEFAULT_LIMITS.extends, ge=1, le=1000, description="Số lịch cha tối đa trong 'extends' của một tệp lịch.",
    )

    # --- bounds on one received document (lichthidua import, lint-plan, uploads) ----
    plan_max_bytes: int = Field(
        DOC.bytes, ge=1024, description="Kích thước tối đa của một văn bản nhận được (kế hoạch, tệp đính kèm; byte).",
    )
    plan_max_inflated_bytes: int = Field(
        DOC.inflated_bytes, ge=1024, description="Tổng dung lượng tối đa các phần của một tệp .docx sau khi giải nén "
        "(byte), kiểm tra theo mục lục của tệp nén và khi giải nén thật.",
    )
    plan_max_zip_ratio: int = Field(
        DOC.zip_ratio, ge=2, description="Tỉ lệ nén tối đa (dung lượng giải nén / dung lượng nén) của một phần lớn hơn "
        "1 MB trong tệp .docx (chống “bom nén”).",
    )
    plan_max_parts: int = Field(DOC.parts, ge=10, description="Số phần tối đa trong một tệp .docx.")
    plan_max_paragraphs: int = Field(
        DOC.paragraphs, ge=100, description="Số đoạn văn (Word) hoặc dòng (văn bản, PDF) tối đa của một văn bản.",
    )
    plan_max_characters: int = Field(
        DOC.characters, ge=10_000, description="Số ký tự tối đa của văn bản đọc được từ một tệp.",
    )
    plan_max_pages: int = Field(DOC.pages, ge=1, description="Số trang tối đa của một tệp PDF.")
    plan_max_pixels: int = Field(
        DOC.pixels, ge=1_000_000, description="Số điểm ảnh tối đa (rộng × cao) của một ảnh quét cần nhận dạng chữ.",
    )
    plan_max_memory_bytes: int = Field(
        DOC.memory_bytes, ge=128 * 1024 * 1024, description="Bộ nhớ tối đa (byte, không gian địa chỉ) của tiến trình "
        "đọc văn bản và của mỗi chương trình chuyển đổi (LibreOffice, Tesseract, pdftoppm).",
    )
    plan_max_seconds: float = Field(
        DOC.seconds, gt=0, le=3600, description="Thời gian tối đa (giây) để đọc một văn bản, kể cả chuyển đổi và nhận "
        "dạng chữ; quá hạn thì mọi tiến trình đọc bị dừng.",
    )

    # --- feeds ---------------------------------------------------------------
    refresh_interval_hours: int = Field(
        6, ge=1, le=168, description="Gợi ý cho ứng dụng lịch: tải lại nguồn ICS sau bao nhiêu giờ."
    )
    alarm_days: tuple[int, ...] = Field(
        (7, 1), description="VALARM trên hạn chót: nhắc trước bao nhiêu ngày (trong tệp ICS)."
    )
    alarm_hour: int = Field(8, ge=0, le=23, description="Giờ địa phương của VALARM.")
    cancelled_retention_days: int = Field(
        30, ge=0, description="Sự kiện bị xóa vẫn được phát dưới dạng đã hủy trong bao nhiêu ngày."
    )

    # --- reminders -----------------------------------------------------------
    remind_days: tuple[int, ...] = Field(
        (14, 7, 3, 1, 0), description="Mặc định: gửi email nhắc trước hạn chót bao nhiêu ngày (0 là ngày hết hạn)."
    )
    remind_hour: int = Field(8, ge=0, le=23, description="Giờ địa phương gửi email nhắc.")
    remind_digest: bool = Field(False, description="Gộp mọi lời nhắc trong ngày của một người vào một email.")
    tick_seconds: int = Field(60, ge=1, description="Chu kỳ gửi các lời nhắc đến hạn (giây).")
    admin_emails: tuple[str, ...] = Field((), description="Email quản trị viên nhận báo cáo tổng hợp và lỗi gửi.")

    subscribe_per_address: int = Field(
        3, ge=1, description="Số yêu cầu đăng ký nhận email tối đa cho một địa chỉ email trong 24 giờ "
        "(chống dùng dịch vụ để gửi thư rác tới người khác).",
    )
    subscribe_per_client: int = Field(
        20, ge=1, description="Số yêu cầu đăng ký nhận email tối đa từ một máy (địa chỉ IP) trong một giờ.",
    )

    # --- the deadline board: files units attach to "Đã nộp" ---------------------
    submission_file_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, description="Dung lượng tối đa (byte) của một tệp đơn vị đính kèm khi báo "
        "\"Đã nộp\" (PDF, DOCX, XLSX, ODT).",
    )
    submission_files_max: int = Field(
        5, ge=0, description="Số tệp tối đa một đơn vị đính kèm cho một hạn chót (0: không nhận tệp).",
    )

    # --- email ---------------------------------------------------------------
    smtp_host: str = Field("", description="Máy chủ SMTP; để trống thì ghi email vào outbox_dir.")
    smtp_port: int = Field(587, ge=1, le=65535, description="Cổng SMTP.")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls, tls (TLS ngay từ đầu, cổng 465) hoặc none."
    )
    smtp_username: str = Field("", description="Tên đăng nhập SMTP.")
    smtp_password: str = Field("", description="Mật khẩu SMTP.")
    smtp_timeout_seconds: float = Field(30.0, gt=0, description="Thời gian chờ SMTP (giây).")
    smtp_concurrency: int = Field(8, ge=1, le=64, description="Số kết nối SMTP song song tối đa.")
    smtp_validate_certs: bool = Field(True, description="Kiểm tra chứng chỉ TLS của máy chủ SMTP.")
    mail_from: str = Field(
        "Lịch thi đua <lichthidua@localhost>", description="Địa chỉ người gửi email nhắc."
    )
    outbox_dir: Path = Field(Path("var/outbox"), description="Thư mục ghi tệp .eml khi chưa cấu hình SMTP.")
    templates_dir: Path | None = Field(
        None, description="Thư mục mẫu email do quản trị viên ghi đè (jinja2)."
    )

    # --- webhook and chat channels (every endpoint of a unit) ------------------
    webhook_allowed_hosts: tuple[str, ...] = Field(
        (), description="Máy trên chính máy chủ này hoặc trong mạng nội bộ mà webhook được gửi tới (tên, địa chỉ IP "
        "hoặc mạng như 10.0.0.0/8); ngoài danh sách này chỉ gửi https:// tới máy ngoài Internet.",
    )
    webhook_connect_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="Thời gian chờ kết nối (kể cả TLS) tới một điểm nhận webhook (giây).")
    webhook_timeout_seconds: float = Field(
        10.0, gt=0, le=600, description="Thời gian tối đa cho một lần gửi tới một điểm nhận webhook (giây).")
    webhook_breaker_seconds: float = Field(
        300.0, gt=0, description="Điểm nhận lỗi sau mọi lần thử thì tạm ngừng gửi tới nó trong chừng này giây "
        "(gấp đôi mỗi lần còn lỗi, tối đa một giờ).",
    )

    @field_validator("admin_password_hash")
    @classmethod
    def _a_hash_not_a_password(cls, value: str) -> str:
        from scheduler.passwords import is_hash

        if value and not is_hash(value):
            raise ValueError("phải là mã băm do `lichthidua admin-password` tạo, không phải mật khẩu")
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lichthidua.sqlite3'}"

    def limits(self) -> Limits:
        """What one calendar or recipients file may cost, as the core takes it."""
        return Limits(self.max_file_bytes, self.max_depth, self.max_items, self.max_extends,
                      self.max_recipients_file_bytes)

    def document_limits(self) -> DocumentLimits:
        """What reading one received document may cost (scheduler.document_limits)."""
        return DocumentLimits(
            bytes=self.plan_max_bytes,
            inflated_bytes=self.plan_max_inflated_bytes,
            zip_ratio=self.plan_max_zip_ratio,
            parts=self.plan_max_parts,
            paragraphs=self.plan_max_paragraphs,
            characters=self.plan_max_characters,
            pages=self.plan_max_pages,
            pixels=self.plan_max_pixels,
            memory_bytes=self.plan_max_memory_bytes,
            seconds=self.plan_max_seconds,
        )


YES_NO = {"có": True, "không": False}


def shown_default(default: object) -> str:
    """A default as a person reads it: có/không, not True/False; a list as the variable takes it."""
    if isinstance(default, bool):
        return "có" if default else "không"
    if default is None or default == "":
        return "(để trống)"
    if isinstance(default, tuple):
        return ",".join(str(x) for x in default)
    return str(default)


def settings_table() -> list[tuple[str, str, str, str]]:
    """(name, env var, default, description) for every setting: CLI help and README."""
    rows = []
    for name, f in Settings.model_fields.items():
        rows.append((name, ENV_PREFIX + name.upper(), shown_default(f.default), f.description or ""))
    return rows


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, f in Settings.model_fields.items():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        if "tuple" in str(f.annotation):
            values[name] = tuple(x.strip() for x in raw.split(",") if x.strip())
        elif f.annotation is bool and raw.strip().lower() in YES_NO:
            values[name] = YES_NO[raw.strip().lower()]  # the words `lichthidua settings` shows
        else:
            values[name] = raw
    return values


def load_settings(
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings from file, environment and explicit overrides (highest)."""
    env = os.environ if environ is None else environ
    path = config_file or Path(env.get(ENV_PREFIX + "CONFIG", DEFAULT_CONFIG_FILE))
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: tệp cấu hình không hợp lệ: {exc}") from exc
    values.update(_from_env(env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            hint = f" (biến môi trường {ENV_PREFIX}{name.upper()})" if name in Settings.model_fields else ""
            if err["type"] == "extra_forbidden":
                lines.append(f"{path}: thiết lập không tồn tại: {name}")
            else:
                lines.append(f"thiết lập {name}{hint}: {err['msg']} (giá trị: {err.get('input')!r})")
        raise SettingsError("\n".join(lines)) from exc
