"""Where an HTTP channel may POST: the endpoint in a recipients file and the deployment's host policy.

An absolute ``https://`` URL with a valid host and port, no spaces; ``http://`` only
to a host the deployment lists in ``webhook_allowed_hosts``; loopback, private,
link-local and reserved addresses (written in the URL, or what a name resolves to
when sending) only when listed. ``check`` refuses the others with file and line.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from pydantic import Field

from scheduler.core.model import Strict

_LOCAL_NAMES = ("localhost", "localhost.localdomain")


class EndpointModel(Strict):
    """What every per-unit endpoint in a recipients file has: where to POST."""

    url: str = Field(description="Địa chỉ nhận, https://... (http:// chỉ tới máy có trong webhook_allowed_hosts)")
    connect_timeout_seconds: float | None = Field(
        None, gt=0, le=120, description="Thời gian chờ kết nối tới điểm nhận này (giây); mặc định theo cài đặt "
        "webhook_connect_timeout_seconds")
    timeout_seconds: float | None = Field(
        None, gt=0, le=600, description="Thời gian tối đa cho một lần gửi tới điểm nhận này (giây); mặc định theo "
        "cài đặt webhook_timeout_seconds")


# --- URLs ----------------------------------------------------------------------------


def is_internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """This machine or a private network (anything not on the public internet): what a deployment must list."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """Which hosts an endpoint may be on: ``allowed`` (names, addresses, networks) may be internal or plain http."""

    allowed: tuple[str, ...] = ()

    def allows(self, host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None) -> bool:
        """Whether ``host`` (or the address it resolved to) is listed."""
        host = host.lower().rstrip(".")
        ip = ip if ip is not None else literal_ip(host)
        for entry in self.allowed:
            entry = entry.strip().lower().rstrip(".")
            if not entry:
                continue
            if entry == host:
                return True
            if ip is not None and ("/" in entry or literal_ip(entry) is not None):
                try:
                    if ip in ipaddress.ip_network(entry, strict=False):
                        return True
                except ValueError:
                    continue
        return False

    def url_problem(self, url: str) -> str | None:
        """Why ``url`` cannot be an endpoint (Vietnamese), or None. Never raises."""
        problem, _ = self.parse(url)
        return problem

    def parse(self, url: str) -> tuple[str | None, SplitResult | None]:
        """(why it is refused, None) or (None, its parts, host and port valid)."""
        if not isinstance(url, str) or not url:
            return "địa chỉ trống", None
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
            return "có khoảng trắng hoặc ký tự điều khiển (mã hóa thành %20 nếu thật sự cần)", None
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port
        except ValueError as exc:
            detail = "cổng phải là số từ 1 đến 65535" if "port" in str(exc).lower() else "sai cú pháp địa chỉ"
            return f"{detail}", None
        if parts.scheme not in ("https", "http"):
            return "cần địa chỉ đầy đủ bắt đầu bằng https://", None
        if not host:
            return "thiếu tên máy sau https://", None
        if port == 0:
            return "cổng phải là số từ 1 đến 65535", None
        ip = literal_ip(host)
        if ip is None:
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return f"tên máy '{host}' không hợp lệ", None
            if not all(label and len(label) <= 63 and all(c.isalnum() or c in "-_" for c in label)
                       for label in ascii_host.rstrip(".").split(".")):
                return f"tên máy '{host}' không hợp lệ", None
        listed = self.allows(host, ip)
        if parts.scheme == "http" and not listed:
            return (f"cần địa chỉ https:// (http:// chỉ dùng cho máy có tên trong cài đặt webhook_allowed_hosts; "
                    f"'{host}' chưa có)"), None
        if not listed and ((ip is not None and is_internal(ip)) or host in _LOCAL_NAMES or host.endswith(".localhost")):
            return (f"'{host}' là máy này hoặc mạng nội bộ: chỉ gửi tới đó khi có tên trong cài đặt "
                    "webhook_allowed_hosts"), None
        return None, parts
