"""A chat channel: the reminder's text as ``{"text": ...}`` POSTed to a chat bot's incoming URL.

What chat tools' bots and incoming webhooks take (a Zalo OA bridge, a
Telegram-like bot, a team chat's incoming hook): one JSON object with the
message text, and for bots that post to several chats, the chat's id. In a
recipients file:

    chat: {url: "https://bot.example.vn/hooks/abc", chat_id: "-1001", token_env: LICHTHIDUA_CHAT_TOKEN}

``chat_id`` and ``token_env`` are optional; the token (sent as
``Authorization: Bearer ...``) is read from the environment, never the YAML.
This module is the whole channel: its field, its body; the rest is every
endpoint's (:mod:`notifiers.endpoints`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import Field

from notifiers.channels import ChannelKind
from notifiers.delivery import Notice
from notifiers.endpoint_urls import EndpointModel
from notifiers.endpoints import HttpChannel, text

NAME = "chat"


class ChatModel(EndpointModel):
    """Nhóm chat của đơn vị: lời nhắc được POST dạng {"text": "..."} tới bot của nhóm."""

    chat_id: str | None = Field(None, description="Mã cuộc trò chuyện, khi bot gửi tới nhiều nhóm")
    token_env: str | None = Field(None, pattern=r"^[A-Z_][A-Z0-9_]*$",
                                  description="Tên biến môi trường chứa mã truy cập của bot (gửi dạng Bearer)")


class ChatChannel(HttpChannel):
    name = NAME

    def request(self, notice: Notice, endpoint: Any, now: datetime) -> tuple[bytes, dict[str, str]]:
        body: dict[str, Any] = {"text": text(notice.content)}
        if endpoint.chat_id:
            body["chat_id"] = endpoint.chat_id
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "lichthidua-chat/1"}
        if endpoint.token_env:
            token = self.environ.get(endpoint.token_env, "")
            if not token:
                raise ValueError(f"Thiếu mã truy cập của bot: biến môi trường {endpoint.token_env} chưa được đặt")
            headers["Authorization"] = f"Bearer {token}"
        return json.dumps(body, ensure_ascii=False).encode("utf-8"), headers


KIND = ChannelKind(NAME, ChatModel, "Gửi lời nhắc dạng văn bản tới nhóm chat của đơn vị (bot nhận {\"text\": ...})",
                   ChatChannel)
