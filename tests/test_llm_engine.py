"""The LLM engine against a real OpenAI-compatible HTTP server on loopback, and its fallback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from supportgraph.graph.context import Context
from supportgraph.graph.models import Ticket
from supportgraph.tools.triage.engines import engine_for


class ScriptedModel(BaseHTTPRequestHandler):
    """Answers chat completions with whatever the test put in ``server.answer``."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)  # type: ignore[attr-defined]
        status, content = self.server.answer  # type: ignore[attr-defined]
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        data = json.dumps(payload if status == 200 else {"error": {"message": "boom"}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def model_server() -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedModel)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _engine(server: Any) -> Any:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    return engine_for(Context(engine="llm", model="local/scripted", base_url=url))


def test_llm_answer_is_used_when_valid(model_server: Any, samples: dict[str, Ticket]) -> None:
    answer = {
        "category": "billing",
        "priority": "High",
        "confidence": 0.83,
        "reason": "double charge hurts",
    }
    model_server.answer = (200, json.dumps(answer))
    result = _engine(model_server).triage(samples["SUPPORT-004"])
    assert (result.category, result.priority, result.confidence, result.engine) == (
        "billing",
        "High",
        0.83,
        "llm:scripted",
    )
    request = model_server.requests[0]
    assert request["model"] == "scripted"
    assert "charged twice" in request["messages"][0]["content"]


@pytest.mark.parametrize(
    "answer",
    [
        (500, ""),
        (200, "not json at all"),
        (
            200,
            json.dumps(
                {"category": "astrology", "priority": "Low", "confidence": 1, "reason": "x"}
            ),
        ),
    ],
    ids=["server-error", "unparseable", "outside-taxonomy"],
)
def test_llm_failure_falls_back_to_the_embedded_engine(
    model_server: Any, samples: dict[str, Ticket], answer: tuple[int, str]
) -> None:
    model_server.answer = answer
    result = _engine(model_server).triage(samples["SUPPORT-004"])
    assert result.engine == "embedded (llm fallback)"
    assert (result.category, result.priority) == ("billing", "Medium")
