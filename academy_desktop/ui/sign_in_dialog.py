"""Sign in to the academy server: a user name and password, or a pasted API token.

The tokens go to the OS keyring only (:mod:`academy_desktop.sync.auth`); the server
address is saved in the settings. Signing in talks to the server, so it runs off the
UI thread (the ``"work"`` lane). ``main.py login`` does the same from the command line.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from academy_desktop.sync.auth import (
    AuthState,
    Credentials,
    TokenStore,
    sign_in_with_password,
    sign_in_with_token,
    sign_out,
)
from academy_desktop.sync.config import SyncConfig, normalize_server_url
from academy_desktop.sync.errors import LoginFailed, Offline, SyncError
from academy_desktop.ui.context import AppContext
from academy_desktop.ui.ops import BackgroundOp, OpState
from academy_desktop.ui.text import localized


class SignInDialog(QDialog):
    """Server address plus either a user name and password or an API token."""

    signed_in = Signal(str)  # the server address signed in to
    signed_out = Signal()

    TAB_PASSWORD, TAB_TOKEN = range(2)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.ctx = ctx
        self.busy = False
        self.setMinimumWidth(420)
        self.url_edit = QLineEdit(ctx.settings.server_url, self)
        self.url_edit.setPlaceholderText("https://academy.example.com")
        self.url_label = QLabel(self)
        self.url_label.setBuddy(self.url_edit)
        top = QFormLayout()
        top.addRow(self.url_label, self.url_edit)

        self.user_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_label = QLabel(self)
        self.password_label = QLabel(self)
        password_page = QWidget(self)
        form = QFormLayout(password_page)
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.password_label, self.password_edit)

        self.token_edit = QLineEdit(self)
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_label = QLabel(self)
        self.token_hint = QLabel(self)
        self.token_hint.setWordWrap(True)
        token_page = QWidget(self)
        token_form = QFormLayout(token_page)
        token_form.addRow(self.token_label, self.token_edit)
        token_form.addRow(self.token_hint)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(password_page, "")
        self.tabs.addTab(token_page, "")

        self.state_label = QLabel(self)
        self.state_label.setObjectName("signInState")
        self.state_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("signInError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_out_button = QPushButton(self)
        self.buttons.addButton(self.sign_out_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        self.sign_out_button.clicked.connect(self.sign_out)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._show_current()
        (self.user_edit if self.url_edit.text() else self.url_edit).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sign in to the academy server"))
        self.url_label.setText(self.tr("Server address:"))
        self.user_label.setText(self.tr("User name:"))
        self.password_label.setText(self.tr("Password:"))
        self.token_label.setText(self.tr("API token:"))
        self.token_hint.setText(
            self.tr(
                "Paste the token the server's staff gave you. It is kept in the system keyring."
            )
        )
        self.tabs.setTabText(self.TAB_PASSWORD, self.tr("User name and password"))
        self.tabs.setTabText(self.TAB_TOKEN, self.tr("API token"))
        self.ok_button.setText(self.tr("Sign in"))
        self.sign_out_button.setText(self.tr("Sign out"))

    def _config(self, url: str) -> SyncConfig:
        return SyncConfig.from_settings(self.ctx.settings, server_url=url)

    def _show_current(self) -> None:
        """Who is signed in to the saved address (read from the keyring)."""
        self.sign_out_button.setEnabled(False)
        self.state_label.setText("")
        if not self.ctx.settings.server_url:
            return
        try:
            auth = AuthState.load(self._config(self.ctx.settings.server_url))
        except SyncError:
            return
        if auth.signed_in:
            who = auth.username
            self.state_label.setText(
                self.tr("Signed in as {user}.").format(user=who)
                if who
                else self.tr("Signed in with an API token.")
            )
            self.sign_out_button.setEnabled(True)
            if who and not self.user_edit.text():
                self.user_edit.setText(who)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.ok_button, self.url_edit, self.tabs):
            w.setEnabled(not busy)
        if busy:
            self.state_label.setText(self.tr("Signing in…"))

    def sign_in(self) -> None:
        if self.busy:
            return
        try:
            url = normalize_server_url(self.url_edit.text())
            config = self._config(url)
        except SyncError as exc:
            self.show_error(localized(str(exc)))
            return
        use_token = self.tabs.currentIndex() == self.TAB_TOKEN
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        token = self.token_edit.text().strip()
        if use_token and not token:
            self.show_error(self.tr("Paste the API token first."))
            return
        if not use_token and (not user or not password):
            self.show_error(self.tr("Enter your user name and password."))
            return
        self.show_error("")
        self._set_busy(True)

        def work(_state: OpState) -> Credentials:
            store = TokenStore(config.server_url)
            if use_token:
                return sign_in_with_token(token, store)
            return sign_in_with_password(config, user, password, store)

        BackgroundOp(self, work, lambda _c: self._succeeded(url)).failure(
            self._failed
        ).run_in_background(self.ctx.runner, "work")

    def _succeeded(self, url: str) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self.token_edit.clear()
        if url != self.ctx.settings.server_url:
            self.ctx.save_settings(dataclasses.replace(self.ctx.settings, server_url=url))
        self.signed_in.emit(url)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_current()
        if isinstance(exc, LoginFailed):
            text = self.tr("The server did not accept the sign-in.") + "\n" + localized(str(exc))
        elif isinstance(exc, Offline):
            text = (
                self.tr("The server cannot be reached. Check the address and the network.")
                + "\n"
                + localized(str(exc))
            )
        elif isinstance(exc, SyncError):
            text = localized(str(exc))
        else:  # never show the exception's text: it might hold what was typed
            text = self.tr("Signing in failed ({error}).").format(error=type(exc).__name__)
        self.show_error(text)

    def sign_out(self) -> None:
        url = self.ctx.settings.server_url
        if not url:
            return
        try:
            sign_out(self._config(url))
        except SyncError as exc:
            self.show_error(localized(str(exc)))
            return
        self.user_edit.clear()
        self._show_current()
        self.state_label.setText(self.tr("Signed out."))
        self.signed_out.emit()
