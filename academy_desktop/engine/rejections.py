"""Why a page could not be graded: stable codes with Korean and English messages.

The seed server's codes (``RESOLUTION_TOO_LOW``, ``TOO_DARK``, ``BLUR_OR_SHAKE``,
``INVALID_FORMAT``, ``FILE_TOO_LARGE``, ``VIDEO_TOO_LONG``) keep the server's Korean
wording. Codes the server does not have are added here; every message tells staff what to do next.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    RESOLUTION_TOO_LOW = "RESOLUTION_TOO_LOW"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    VIDEO_TOO_LONG = "VIDEO_TOO_LONG"
    BLUR_OR_SHAKE = "BLUR_OR_SHAKE"
    TOO_DARK = "TOO_DARK"
    INVALID_FORMAT = "INVALID_FORMAT"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    FILE_UNREADABLE = "FILE_UNREADABLE"
    IMAGE_DAMAGED = "IMAGE_DAMAGED"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    BLANK_PAGE = "BLANK_PAGE"
    NOT_A_SHEET = "NOT_A_SHEET"
    ALIGNMENT_FAILED = "ALIGNMENT_FAILED"
    WRONG_TEMPLATE = "WRONG_TEMPLATE"
    TEMPLATE_INVALID = "TEMPLATE_INVALID"
    KEY_INVALID = "KEY_INVALID"
    INTERNAL_ERROR = "INTERNAL_ERROR"


# (Korean, English). The first six Korean texts are the seed server's own.
MESSAGES: dict[Code, tuple[str, str]] = {
    Code.RESOLUTION_TOO_LOW: (
        "해상도가 낮습니다. 더 선명하게 촬영해 주세요.",
        "The resolution is too low. Scan at 200 dpi or more, or take a sharper photo.",
    ),
    Code.FILE_TOO_LARGE: (
        "파일 크기가 제한을 초과했습니다.",
        "The file is larger than the limit. Scan at a lower resolution or split the file.",
    ),
    Code.VIDEO_TOO_LONG: (
        "동영상 길이 제한을 초과했습니다.",
        "The video is longer than the limit (10 minutes). Trim it or split it and add it again.",
    ),
    Code.BLUR_OR_SHAKE: (
        "흔들리거나 흐릿합니다. 고정해서 다시 촬영해 주세요.",
        "The image is blurred or shaken. Hold the camera still and take it again.",
    ),
    Code.TOO_DARK: (
        "너무 어둡습니다. 밝은 곳에서 촬영해 주세요.",
        "The image is too dark. Take it again in a brighter place.",
    ),
    Code.INVALID_FORMAT: (
        "지원하지 않는 파일 형식입니다.",
        "This file format is not supported, or the file is damaged. Answer sheets: PDF, "
        "JPEG, PNG, BMP, WebP or TIFF; homework videos: MP4 or MOV.",
    ),
    Code.IMAGE_TOO_LARGE: (
        "이미지의 픽셀 수가 너무 많습니다(1억 화소 초과). 스캐너 해상도를 낮춰 다시 스캔해 주세요.",
        "The image has too many pixels (over 100 megapixels). Scan again at a lower resolution.",
    ),
    Code.FILE_UNREADABLE: (
        "파일이 손상되었거나 비어 있어 읽을 수 없습니다. 원본을 다시 저장하거나 스캔해 주세요.",
        "The file is damaged or empty and cannot be read. Save or scan the original again.",
    ),
    Code.IMAGE_DAMAGED: (
        "이미지 일부가 한 가지 색의 띠로 비어 있습니다. 파일이 손상되었거나 전송 중 잘린 "
        "것 같습니다. 원본을 다시 저장하거나 다시 스캔해 주세요.",
        "Part of the image is missing (a band of one flat colour): the file is damaged or "
        "was cut short. Save or scan the original again.",
    ),
    Code.PDF_ENCRYPTED: (
        "암호가 걸린 PDF입니다. 암호를 해제한 뒤 다시 넣어 주세요.",
        "The PDF is password-protected. Remove the password and add it again.",
    ),
    Code.BLANK_PAGE: (
        "빈 페이지입니다. 답안지가 아니라면 무시해도 됩니다.",
        "The page is blank. If it is not an answer sheet you can ignore it.",
    ),
    Code.NOT_A_SHEET: (
        "답안지를 찾지 못했습니다. "
        "선택한 답안지 양식이 맞는지, 종이 전체가 보이는지 확인해 주세요.",
        "No answer sheet was found. Check that the right sheet layout is selected and the "
        "whole page is visible.",
    ),
    Code.ALIGNMENT_FAILED: (
        "답안지의 위치를 정확히 맞추지 못했습니다. "
        "네 모서리 표시가 모두 보이게 다시 스캔해 주세요.",
        "The sheet could not be aligned reliably. Scan it again with all four corner marks "
        "visible.",
    ),
    Code.WRONG_TEMPLATE: (
        "답안지는 찾았지만 선택한 양식과 배치가 다릅니다. "
        "이 시험에 맞는 양식을 골라 다시 채점해 주세요.",
        "A sheet was found, but its layout differs from the selected template. Choose the "
        "template this exam used and grade it again.",
    ),
    Code.TEMPLATE_INVALID: (
        "이 폴더의 답안지 양식(template.json)이 없거나 잘못되어 채점하지 않았습니다. "
        "양식 파일을 고치거나 --template 으로 지정한 뒤 다시 채점해 주세요.",
        "This folder's sheet template (template.json) is missing or invalid, so its pages "
        "were not graded. Fix the template (or give one with --template) and grade them again.",
    ),
    Code.KEY_INVALID: (
        "이 폴더의 정답 파일(evaluation.json)이 답안지 양식과 맞지 않거나 잘못되어 채점하지 "
        "않았습니다. 정답 파일을 고친 뒤 다시 채점해 주세요.",
        "This folder's answer key (evaluation.json) is invalid or does not fit the sheet, so "
        "its pages were not graded. Fix the answer key and grade them again.",
    ),
    Code.INTERNAL_ERROR: (
        "처리 중 예기치 못한 오류가 발생했습니다. 이 페이지만 건너뛰었습니다.",
        "An unexpected error occurred while reading this page. Only this page was skipped.",
    ),
}


class Rejection(Exception):
    """A page (or file) that cannot be graded, with a reason staff can act on."""

    def __init__(self, code: Code, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail

    @property
    def message_ko(self) -> str:
        return MESSAGES[self.code][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]

    @property
    def message(self) -> str:
        """Bilingual message: Korean first, then English, then any technical detail."""
        text = f"{self.message_ko} / {self.message_en}"
        return f"{text} ({self.detail})" if self.detail else text

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
