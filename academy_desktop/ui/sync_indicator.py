"""The status-bar sync indicator: what it shows (:class:`IndicatorState`, worked out
from the :class:`~academy_desktop.ui.sync_controller.SyncController` by
:func:`indicator_state`) and the button itself (:class:`SyncIndicator`): "Offline",
"Syncing n/m", "All sent", "Needs attention n"; a click opens the attention list (or
the sign-in dialog when a sign-in is needed).

The texts keep the translation context ``SyncController`` they always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QToolButton, QWidget

from academy_desktop.sync.runner import Phase
from academy_desktop.ui.text import localized

if TYPE_CHECKING:
    from academy_desktop.ui.sync_controller import SyncController


def _offline() -> str:
    # the catalogue has had this under "MainWindow" since the window's first version
    return QCoreApplication.translate("MainWindow", "Offline")


@dataclass(frozen=True)
class IndicatorState:
    """What the status-bar indicator shows.

    ``kind``: ``not_set_up``, ``sign_in``, ``offline``, ``syncing``, ``attention``,
    ``all_sent``, ``held``, ``idle`` or ``starting``."""

    kind: str
    text: str
    tooltip: str
    attention: int = 0


def indicator_state(controller: SyncController) -> IndicatorState:
    """What the indicator of ``controller`` shows now."""
    status = controller.status()
    if status is None or not controller.running:
        if not controller.ctx.settings.server_url.strip():
            return IndicatorState(
                "not_set_up",
                _offline(),
                QCoreApplication.translate(
                    "MainWindow", "Sync with the academy server is not set up"
                ),
            )
        if controller.config_error:
            return IndicatorState(
                "not_set_up",
                _offline(),
                localized(controller.config_error),
            )
        if controller.auth is None or not controller.auth.signed_in:
            return IndicatorState(
                "sign_in",
                QCoreApplication.translate("SyncController", "Sign in"),
                QCoreApplication.translate(
                    "SyncController", "Not signed in to the academy server. Click to sign in."
                ),
            )
        return IndicatorState(
            "starting", _offline(), QCoreApplication.translate("SyncController", "Sync is stopped")
        )
    counts = status.counts
    attention = counts.needs_attention
    if status.phase == Phase.SIGN_IN:
        return IndicatorState(
            "sign_in",
            QCoreApplication.translate("SyncController", "Sign in again"),
            localized(status.message)
            or QCoreApplication.translate("SyncController", "Please sign in to the server again."),
            attention,
        )
    if status.phase == Phase.OFFLINE:
        tip = QCoreApplication.translate(
            "SyncController", "The server cannot be reached. Sheets wait and are sent later."
        )
        if status.message:
            tip += "\n" + localized(status.message)
        return IndicatorState("offline", _offline(), tip, attention)
    if counts.pending:
        n, m = status.progress
        tip = QCoreApplication.translate(
            "SyncController", "{n} of {m} sheets sent; {left} waiting"
        ).format(n=n, m=m, left=counts.pending)
        if attention:
            tip += "\n" + QCoreApplication.translate(
                "SyncController", "{n} sheets need attention"
            ).format(n=attention)
        return IndicatorState(
            "syncing",
            QCoreApplication.translate("SyncController", "Syncing {n}/{m}").format(n=n, m=m),
            tip,
            attention,
        )
    server_tip = QCoreApplication.translate(
        "SyncController",
        "On the server: {sent} (done {done}, processing {processing}, failed {failed})",
    ).format(
        sent=counts.sent,
        done=counts.server_done,
        processing=counts.server_processing,
        failed=counts.server_failed,
    )
    if attention:
        return IndicatorState(
            "attention",
            QCoreApplication.translate("SyncController", "Needs attention {n}").format(n=attention),
            QCoreApplication.translate(
                "SyncController", "{n} sheets need attention. Click to see the server's messages."
            ).format(n=attention)
            + "\n"
            + server_tip,
            attention,
        )
    if counts.all_sent:
        return IndicatorState(
            "all_sent", QCoreApplication.translate("SyncController", "All sent"), server_tip
        )
    if counts.held:
        return IndicatorState(
            "held",
            QCoreApplication.translate("SyncController", "{n} held").format(n=counts.held),
            QCoreApplication.translate(
                "SyncController",
                "{n} sheets wait for a server mapping or a review. Click to see why.",
            ).format(n=counts.held)
            + "\n"
            + server_tip,
        )
    return IndicatorState(
        "idle", QCoreApplication.translate("SyncController", "Nothing to send"), server_tip
    )


class SyncIndicator(QToolButton):
    """The status-bar indicator; a click opens the attention list or the sign-in."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("syncState")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.state: IndicatorState | None = None
        self.clicked.connect(controller.indicator_clicked)
        controller.status_changed.connect(self.refresh)
        self.refresh()

    def retranslate(self) -> None:
        self.controller.retranslate()
        self.refresh()

    def refresh(self) -> None:
        state = self.controller.indicator()
        self.state = state
        self.setText(state.text)
        self.setToolTip(state.tooltip)
        self.setAccessibleName(state.text)
        self.setProperty("syncKind", state.kind)
        font = self.font()
        font.setBold(state.kind in ("attention", "sign_in"))
        self.setFont(font)
