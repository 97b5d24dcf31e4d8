"""Result writers: ``results.jsonl`` (one page per line) and ``results.xlsx`` for staff.

Both stream: a result is written as soon as it arrives and nothing keeps the whole
batch in memory, so a batch of 100 000 pages needs no more memory than one of ten.
"""

from academy_desktop.output.jsonl import JsonlWriter, dumps_result
from academy_desktop.output.xlsx import XlsxWriter

__all__ = ["JsonlWriter", "XlsxWriter", "dumps_result"]
