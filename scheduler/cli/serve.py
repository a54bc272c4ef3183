"""`lichthidua serve`: the web service (pages, ICS feeds) on uvicorn."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scheduler.cli.language import WordedCommand
from scheduler.cli.output import run_command
from scheduler.cli.root import app

if TYPE_CHECKING:  # imported when `serve` runs: other commands must start without pydantic
    from scheduler.settings import Settings

LEVEL_NAMES = {"DEBUG": "gỡ lỗi", "INFO": "thông tin", "WARNING": "cảnh báo", "ERROR": "lỗi", "CRITICAL": "nghiêm trọng"}


LOG_ZONE = "Asia/Ho_Chi_Minh"  # the time /admin shows: log lines say it (+07)
# Libraries whose INFO lines are English chatter an admin cannot act on ("2 changes detected",
# Alembic's "Context impl SQLiteImpl."): their warnings and errors only, unless log_level is debug.
CHATTY_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "watchfiles", "alembic", "apscheduler")


class VietnameseFormatter(logging.Formatter):
    """Log lines an admin reads: Vietnam time with its offset, level in Vietnamese, message."""

    def __init__(self, fmt: str) -> None:
        from zoneinfo import ZoneInfo

        super().__init__(fmt)
        self.zone = ZoneInfo(LOG_ZONE)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        from datetime import datetime

        at = datetime.fromtimestamp(record.created, self.zone)
        offset = at.strftime("%z")  # +0700
        return f"{at:%Y-%m-%d %H:%M:%S}{offset[:3]}{'' if offset.endswith('00') else ':' + offset[3:]}"

    def format(self, record: logging.LogRecord) -> str:
        record.levelname_vi = LEVEL_NAMES.get(record.levelname, record.levelname)
        return super().format(record)


class CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes, not to the stream it was made with (a
    command run in-process, as tests run them, closes its captured stream when it ends)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str) -> None:
    handler = CurrentStderr()
    handler.setFormatter(VietnameseFormatter("%(asctime)s %(levelname_vi)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet = logging.DEBUG if level == "debug" else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)


def check_port_free(host: str, port: int) -> None:
    """Bind and release the port before anything loads: a port in use is a message naming it, not
    uvicorn's English [Errno 98] after the calendars, database and reminders have started."""
    import errno
    import socket

    from scheduler.errors import EnvironmentFault

    how = "--port hoặc thiết lập port (biến môi trường LICHTHIDUA_PORT)"
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise EnvironmentFault(f"Không dùng được địa chỉ lắng nghe {host!r} ({exc.strerror}). Sửa --host hoặc "
                               "thiết lập host (biến môi trường LICHTHIDUA_HOST).") from None
    for family, kind, proto, _, address in infos[:1]:
        probe = socket.socket(family, kind, proto)
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise EnvironmentFault(f"Cổng {port} trên {host} đang được một chương trình khác dùng (có thể là một "
                                       f"lichthidua serve khác). Dừng chương trình đó, hoặc chọn cổng khác: {how}.") from None
            if exc.errno == errno.EACCES:
                raise EnvironmentFault(f"Không được mở cổng {port} trên {host} (cổng dưới 1024 cần quyền quản trị). "
                                       f"Chọn cổng từ 1024 trở lên: {how}, rồi đặt nginx phía trước.") from None
            raise EnvironmentFault(f"Không mở được cổng {port} trên {host} ({exc.strerror}). Sửa {how}, hoặc --host "
                                   "(thiết lập host).") from None
        finally:
            probe.close()


def public_base_url(settings: Settings) -> str:
    """The base URL for links: the configured one, or where this process listens."""
    from scheduler.settings import Settings

    if settings.base_url != Settings.model_fields["base_url"].default:
        return settings.base_url
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _get_once(settings: Settings, target: str) -> None:
    """`--get`: body to stdout; exit 1 with the status on stderr when it is not a success."""
    import asyncio

    from scheduler.web.app import create_app
    from scheduler.web.offline import get

    configure_logging("warning")  # stdout is the answer; keep start-up chatter out
    # No extensions: a check must not start the reminder scheduler (it could send email).
    app = create_app(settings, extensions=[], watch=False)
    status, _headers, body = asyncio.run(get(app, target))
    sys.stdout.buffer.write(body)
    sys.stdout.flush()
    if status >= 400:
        print(f"HTTP {status} cho {target}", file=sys.stderr)
        raise typer.Exit(1)


@app.command(cls=WordedCommand)
def serve(
    host: Annotated[str | None, typer.Option(help="Địa chỉ lắng nghe (mặc định theo cấu hình: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (mặc định theo cấu hình: 8000).")] = None,
    calendars: Annotated[
        Path | None, typer.Option("--calendars", help="Thư mục lịch YAML (mặc định: calendars).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Địa chỉ công khai dùng trong liên kết đăng ký lịch.")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Tệp cấu hình TOML (mặc định: config/lichthidua.toml).")
    ] = None,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Tự nạp lại khi tệp lịch thay đổi.")
    ] = True,
    get: Annotated[
        str | None,
        typer.Option(
            "--get",
            metavar="ĐƯỜNG_DẪN",
            help="Không mở cổng: in ra câu trả lời cho một yêu cầu GET, ví dụ --get /feeds/kon-tum-2024.ics",
        ),
    ] = None,
) -> None:
    """Chạy dịch vụ web: trang lịch và nguồn lịch ICS để đăng ký trong Outlook, Google Calendar."""
    import uvicorn

    from scheduler.settings import load_settings
    from scheduler.web.app import create_app

    settings = run_command(
        lambda: load_settings(
            config_file=config, host=host, port=port, calendars_dir=calendars, base_url=base_url
        )
    )
    settings = settings.model_copy(update={"base_url": public_base_url(settings)})
    if get is None:
        run_command(lambda: check_port_free(settings.host, settings.port))
    # The data folder, the database (schema upgraded, under its lock) and the outbox, before anything starts:
    # a fault there is a Vietnamese message and exit 78 or 75, not a traceback from inside the server.
    from scheduler.store.faults import preflight  # SQLAlchemy: imported when serve runs

    run_command(lambda: preflight(settings, outbox=get is None))  # --get sends nothing: no outbox
    if get is not None:
        _get_once(settings, get)
        return
    configure_logging(settings.log_level)
    log = logging.getLogger("lichthidua.web")
    if not settings.calendars_dir.is_dir():
        log.warning("Không thấy thư mục lịch %s: chưa có lịch nào để phục vụ.", settings.calendars_dir)
    log.info("Thư mục lịch: %s; CSDL: %s", settings.calendars_dir, settings.resolved_database_url())
    web = create_app(settings, watch=reload)
    repository = web.state.repository
    if not repository.parse_cache_file.exists():  # a fresh data folder: parse before the server's threads start
        from scheduler.live.catalog import prime

        prime(repository.parse_cache, settings.calendars_dir)
    class Server(uvicorn.Server):
        async def startup(self, sockets: list | None = None) -> None:  # type: ignore[type-arg]
            await super().startup(sockets)
            if self.started:  # the socket is bound: say where, in Vietnamese
                log.info("Đang phục vụ tại http://%s:%d (địa chỉ công khai: %s). Bấm Ctrl+C để dừng.",
                         settings.host, settings.port, settings.base_url)

    from scheduler.web.server import raise_file_limit, uvicorn_options

    raise_file_limit(settings)
    server = Server(
        uvicorn.Config(
            web,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=settings.log_level == "debug",
            proxy_headers=True,
            server_header=False,
            **uvicorn_options(settings),  # idle and half-open connections closed, their number bounded
        )
    )
    server.run()
    if not server.started:
        log.error("Không khởi động được máy chủ trên %s:%d (cổng đã bị dùng?). Chọn cổng khác: --port hoặc thiết "
                  "lập port (biến môi trường LICHTHIDUA_PORT).", settings.host, settings.port)
        raise typer.Exit(78)
    log.info("Đã dừng máy chủ.")


@app.command(name="admin-password", cls=WordedCommand)
def admin_password() -> None:
    """Tạo mã băm mật khẩu cho trang quản trị /admin (ghi vào thiết lập admin_password_hash)."""
    from scheduler.passwords import hash_password

    password = typer.prompt("Mật khẩu quản trị", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    if len(password) < 12:
        print("Lỗi: mật khẩu cần ít nhất 12 ký tự.", file=sys.stderr)
        raise typer.Exit(64)
    print(hash_password(password))
    print("Ghi dòng trên vào admin_password_hash (tệp cấu hình) hoặc LICHTHIDUA_ADMIN_PASSWORD_HASH.", file=sys.stderr)
