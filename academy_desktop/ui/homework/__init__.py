"""Homework in the window: the sidebar section, the assignment page, the cards.

* :mod:`.sidebar_section` - the assignments under the exams, "New homework…", Edit;
* :mod:`.new_homework_dialog` - create or edit an assignment (validated inline);
* :mod:`.page` - the selected assignment: composes the parts below and wires them;
* :mod:`.page_header` - its title, counts, who has not handed in, buttons, filter bar;
* :mod:`.drop_area` - the drop zone, "Add files…" and the file-name pattern;
* :mod:`.card_list` - the cards, built a few at a time, pictures loaded lazily, keys;
* :mod:`.decisions` - confirm, change, undo, pick the student (audited, db lane);
* :mod:`.class_list` - who of the class has not handed in, "Export class list…";
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
