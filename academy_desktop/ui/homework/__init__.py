"""Homework in the window: the sidebar section, the assignment page, the cards.

* :mod:`.sidebar_section` - the assignments under the exams, "New homework…", Edit;
* :mod:`.new_homework_dialog` - create or edit an assignment (validated inline);
* :mod:`.page` - the selected assignment: header, drop zone, batch, filter bar, cards;
* :mod:`.batch_panel` - analysing dropped files on the "work" lane, with progress;
* :mod:`.card` - one submission: verdict, chart, key frames, OCR text, decisions;
* :mod:`.timeline_chart` - the writing timeline (QPainter, on :mod:`ui.charts`);
* :mod:`.frames_view` - key-frame thumbnails, loaded off the UI thread, and the large view;
* :mod:`.verdicts` - the verdicts' names, colours and drawn icons;
* :mod:`.sync_actions` - "Send to server" through the window's sync controller.

Everything reads and writes through :mod:`academy_desktop.store.homework`,
:mod:`academy_desktop.store.homework_batch` and :mod:`academy_desktop.store.review`
(the CLI's ``main.py assignment ...`` does the same).
"""
