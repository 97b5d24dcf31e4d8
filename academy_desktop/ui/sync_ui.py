"""Sync with the academy server, in the window: the controller, the status-bar
indicator and the "needs attention" dialog.

* :class:`SyncController` owns one :class:`~academy_desktop.sync.runner.SyncRunner`,
  running on the op runner's ``"sync"`` lane (one thread of its own, so a long sync
  never blocks grading or picture loading). It starts when a server address is set
  and a token is in the keyring, restarts when the sync settings change or someone
  signs in, and stops with the window. It polls ``runner.status()`` once a second.
* :class:`SyncIndicator` is the status-bar button: "Offline", "Syncing n/m",
  "All sent", "Needs attention n"; a click opens the attention list (or the sign-in
  dialog when a sign-in is needed).
* :class:`AttentionDialog` lists the sheets the server refused, that ran out of
  attempts, that failed on the server, or that are held, with the server's messages;
  "Send again" requeues, "Retry on server" asks the server to process a sheet again.

Everything that touches the network or the workspace runs off the UI thread
(:class:`~academy_desktop.ui.ops.BackgroundOp`); the sync package is Qt-free and the
command line (``main.py sync``) does the same things.

The pieces live in :mod:`~academy_desktop.ui.sync_controller`,
:mod:`~academy_desktop.ui.sync_indicator` and :mod:`~academy_desktop.ui.attention_dialog`;
this module gathers their public names.
"""

from __future__ import annotations

from academy_desktop.ui.attention_dialog import AttentionDialog
from academy_desktop.ui.sync_controller import SyncController
from academy_desktop.ui.sync_indicator import IndicatorState, SyncIndicator

__all__ = ["AttentionDialog", "IndicatorState", "SyncController", "SyncIndicator"]
