"""A Streamlit session without a browser, for the load benchmark (pipelines/bench/load.py `--client ws`).

It speaks the protocol the front end speaks to `streamlit run` (Streamlit 1.67, read from the
installed package: streamlit/web/server/starlette/starlette_websocket.py, runtime/app_session.py,
runtime/state/session_state.py; the protobuf messages of `streamlit.proto`):

- a WebSocket on `/_stcore/stream`, subprotocol `streamlit`, one binary frame per message;
- nothing runs until the client sends a `BackMsg.rerun_script` (a `ClientState`): the first one
  names the page by its URL path (`page_name`, empty `page_script_hash`) and carries the query
  string, as the front end does for a deep link; later ones name the page by the hash the server
  sent (`navigation.page_script_hash`) and carry the widget values that changed;
- the server answers with `ForwardMsg`s (new_session, navigation, deltas, page_info_changed when
  the script writes st.query_params...) and ends each run with `script_finished`. A run interrupted
  by a newer request or by st.rerun ends with FINISHED_EARLY_FOR_RERUN: the client waits on.
- large element messages (`metadata.cacheable`) are remembered by hash and listed in
  `cached_message_hashes` of the next requests, as the front end's message cache does, so the
  server may send a reference instead of the element again.

A filter change is what a click on a sidebar option sends: the widget's new value (a selectbox:
its option's shown label, `WidgetState.string_value`) under the widget id the server gave it
(`…-<key>`: the widget's user key is the id's suffix), with the query string as the server last
set it. The time of an action is from the message sent to `script_finished` received: every delta
of the run has arrived by then (they travel in order on one connection); the browser's drawing is
not in it.
"""
from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
TIMEZONE, LOCALE = "Europe/Paris", "fr-FR"


class RunFailed(Exception):
    """The run did not finish normally (compile error, page not found, connection closed)."""


class Session:
    """One Streamlit session over one WebSocket: `await open()`, `await select(key, label)`, `await close()`."""

    def __init__(self, base: str, path: str, query: str = "", timeout: float = 90):
        self.base, self.path, self.query, self.timeout = base.rstrip("/"), path.strip("/"), query, timeout
        self.page_hash = ""
        # user key -> (widget id, option labels, default option, query parameter it is bound to)
        self.selects: dict[str, tuple[str, list[str], int, str]] = {}
        self.errors: list[str] = []  # exceptions shown by the app (st.exception / uncaught)
        self.buttons: list[str] = []  # labels of the buttons drawn by the last run
        self.texts: list[str] = []  # Markdown bodies (st.markdown, st.caption...) drawn by the last run
        self.n_messages = self.n_bytes = self.n_refs = 0
        self._cached: set[str] = set()
        self._ws = None

    # --- protocol ---------------------------------------------------------------------------

    def _client_state(self, msg: BackMsg, widgets: list[WidgetState] | None) -> None:
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page_hash:
            cs.page_script_hash = self.page_hash
        else:  # first run of a deep link: the page by its URL path, as the front end sends it
            cs.page_name = self.path
        if widgets:
            cs.widget_states.widgets.extend(widgets)
        cs.cached_message_hashes.extend(sorted(self._cached))
        ctx = cs.context_info
        ctx.timezone, ctx.locale = TIMEZONE, LOCALE
        ctx.url = f"{self.base}/{self.path}" + (f"?{self.query}" if self.query else "")

    def _take(self, fm: ForwardMsg) -> int | None:
        """Read one message; the run's status when it is `script_finished`."""
        kind = fm.WhichOneof("type")
        if fm.metadata.cacheable and fm.hash:
            self._cached.add(fm.hash)
        if kind == "new_session":  # every run starts with one
            self.buttons, self.texts = [], []
        elif kind == "ref_hash":
            self.n_refs += 1
        elif kind == "navigation":
            self.page_hash = fm.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        elif kind == "page_not_found":
            self.errors.append(f"/{self.path}: page not found")
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            el = fm.delta.new_element
            which = el.WhichOneof("type")
            if which == "selectbox":
                wid = el.selectbox.id
                sb = el.selectbox
                self.selects[wid.rsplit("-", 1)[-1]] = (wid, list(sb.options), sb.default, sb.query_param_key)
            elif which == "markdown":
                self.texts.append(el.markdown.body)
            elif which == "button":
                self.buttons.append(el.button.label)
            elif which == "exception":
                self.errors.append(f"/{self.path}: {el.exception.type}: {el.exception.message[:160]}")
        elif kind == "script_finished":
            return fm.script_finished
        return None

    async def _run(self, widgets: list[WidgetState] | None = None) -> float:
        """Send a rerun request; seconds until its run finished."""
        msg = BackMsg()
        self._client_state(msg, widgets)
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        deadline = started + self.timeout
        while True:
            try:
                data = await asyncio.wait_for(self._ws.recv(), max(0.01, deadline - time.perf_counter()))
            except asyncio.TimeoutError:
                raise TimeoutError(f"/{self.path}: no script_finished within {self.timeout:.0f} s") from None
            except Exception as exc:  # the server closed the connection
                raise RunFailed(f"/{self.path}: connection closed ({type(exc).__name__}: {exc})") from exc
            self.n_messages += 1
            self.n_bytes += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            status = self._take(fm)
            if status in FINISHED:
                return time.perf_counter() - started
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RunFailed(f"/{self.path}: the script did not compile")
            # FINISHED_EARLY_FOR_RERUN: a newer run (ours, st.rerun, a page switch) follows

    # --- what a user does -------------------------------------------------------------------

    async def open(self) -> float:
        """Connect and run the page (a fresh page load's session); seconds to its finished run."""
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        ws_url = "ws" + self.base[len("http"):] + "/_stcore/stream"
        self._ws = await asyncio.wait_for(
            connect(ws_url, subprotocols=["streamlit"], origin=self.base, max_size=None, open_timeout=self.timeout),
            self.timeout)
        await self._run()
        return time.perf_counter() - started

    async def select(self, key: str, label: str) -> float:
        """Choose `label` in the selectbox of user key `key` (a click on an option); seconds to the
        finished run."""
        if key not in self.selects:
            raise RunFailed(f"/{self.path}: no selectbox « {key} » on the page")
        wid, options, default, url_key = self.selects[key]
        if label not in options:
            raise RunFailed(f"/{self.path}: « {label} » is not an option of « {key} »")
        if url_key:  # a widget bound to the URL (bind="query-params"): the front end rewrites the address
            params = [(k, v) for k, v in parse_qsl(self.query, keep_blank_values=True) if k != url_key]
            if options.index(label) != default:
                params.append((url_key, label))
            self.query = urlencode(params)
        return await self._run([WidgetState(id=wid, string_value=label)])

    def options(self, key: str) -> list[str]:
        return list(self.selects[key][1]) if key in self.selects else []

    async def close(self) -> None:
        if self._ws is not None:
            try:
                await asyncio.wait_for(self._ws.close(), 5)
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self._ws = None

