; Academy Desktop: the per-user Windows installer (NSIS 3, Unicode, no elevation).
;
; Built by packaging/build.py, which passes the version from pyproject.toml:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVERSION_QUAD=0.1.0.0
;            -DSRC_DIR=dist\AcademyDesktop -DOUT_FILE=dist\AcademyDesktop-0.1.0-setup.exe
;            [-DCOMPRESSION=lzma|zlib|none] packaging\installer.nsi
; SRC_DIR is the PyInstaller one-folder bundle (with the tesseract folder when one was
; bundled). The file is UTF-8 (Korean strings): keep -INPUTCHARSET UTF8.
;
; What it does (docs/packaging.md):
; * installs for the current user into %LOCALAPPDATA%\Programs\AcademyDesktop;
; * Korean and English pages (the language is asked once and remembered);
; * a Start-menu shortcut, an optional desktop shortcut;
; * "Academy Desktop로 열기 / Open with Academy Desktop" for PDF and image files (HKCU);
; * an entry in Add/Remove Programs (HKCU);
; * upgrades in place: the old program files are replaced, settings and workspaces
;   (which live in other folders) stay;
; * the uninstaller keeps the workspaces and settings unless the user ticks a box
;   (or passes /DELETEDATA to a silent uninstall).

Unicode true
ManifestDPIAware true

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "nsDialogs.nsh"

!ifndef VERSION
  !error "pass the version from pyproject.toml: makensis -DVERSION=x.y.z (packaging/build.py does)"
!endif
!ifndef VERSION_QUAD
  !error "pass the four-part version: -DVERSION_QUAD=x.y.z.0"
!endif
!ifndef SRC_DIR
  !error "pass the PyInstaller bundle folder: -DSRC_DIR=dist\AcademyDesktop"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "AcademyDesktop-${VERSION}-setup.exe"
!endif
!ifndef COMPRESSION
  !define COMPRESSION "lzma"
!endif

!define APP_NAME "AcademyDesktop"
!define DISPLAY_NAME "Academy Desktop"
!define PUBLISHER "Academy Desktop"
!define EXE "AcademyDesktop.exe"
!define PROGID "AcademyDesktop.Scan"
!define VERB "AcademyDesktop"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define APP_KEY "Software\${APP_NAME}"
!define ICON_FILE "${__FILEDIR__}\icon\academy-desktop.ico"
; where the app keeps its data (platformdirs on Windows, see academy_desktop/settings.py
; and academy_desktop/store/database.py); tests/test_packaging.py checks they agree
!define SETTINGS_DIR "$LOCALAPPDATA\AcademyDesktop"
!define WORKSPACE_PARENT "$LOCALAPPDATA\Academy"
!define WORKSPACE_DIR "$LOCALAPPDATA\Academy\AcademyDesktop"

!if "${COMPRESSION}" == "none"
  SetCompress off
!else
  SetCompressor /SOLID ${COMPRESSION}
!endif

Name "${DISPLAY_NAME} ${VERSION}"
OutFile "${OUT_FILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${DISPLAY_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

Var DeleteData
Var DeleteDataBox

; --- pages ------------------------------------------------------------------------

!define MUI_ICON "${ICON_FILE}"
!define MUI_UNICON "${ICON_FILE}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_REGISTRY_ROOT "HKCU"
!define MUI_LANGDLL_REGISTRY_KEY "${APP_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.DataPageShow un.DataPageLeave
!insertmacro MUI_UNPAGE_INSTFILES

; the first language is the default
!insertmacro MUI_LANGUAGE "Korean"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SEC_APP ${LANG_KOREAN} "Academy Desktop (필수)"
LangString SEC_APP ${LANG_ENGLISH} "Academy Desktop (required)"
LangString SEC_DESKTOP ${LANG_KOREAN} "바탕 화면 바로 가기"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Desktop shortcut"
LangString SEC_OPENWITH ${LANG_KOREAN} "PDF와 이미지 파일에 'Academy Desktop로 열기' 추가"
LangString SEC_OPENWITH ${LANG_ENGLISH} "'Open with Academy Desktop' for PDF and image files"
LangString OPENWITH_VERB ${LANG_KOREAN} "Academy Desktop로 열기"
LangString OPENWITH_VERB ${LANG_ENGLISH} "Open with Academy Desktop"
LangString OPENWITH_TYPE ${LANG_KOREAN} "답안지 스캔"
LangString OPENWITH_TYPE ${LANG_ENGLISH} "Answer sheet scan"
LangString APP_RUNNING ${LANG_KOREAN} "Academy Desktop이 실행 중입니다. 프로그램을 닫은 뒤 [다시 시도]를 누르세요."
LangString APP_RUNNING ${LANG_ENGLISH} "Academy Desktop is running. Close it, then press Retry."
LangString DATA_TITLE ${LANG_KOREAN} "작업 공간과 설정"
LangString DATA_TITLE ${LANG_ENGLISH} "Workspaces and settings"
LangString DATA_SUBTITLE ${LANG_KOREAN} "채점 결과를 남길지 선택하세요."
LangString DATA_SUBTITLE ${LANG_ENGLISH} "Choose whether to keep the grading results."
LangString DATA_TEXT ${LANG_KOREAN} "작업 공간(채점 결과, 스캔 사본)과 설정은 기본적으로 남겨 두므로, 다시 설치하면 그대로 이어서 쓸 수 있습니다.$\r$\n$\r$\n직접 고른 다른 폴더의 작업 공간은 지우지 않습니다."
LangString DATA_TEXT ${LANG_ENGLISH} "Your workspaces (grading results, copies of the scans) and settings are kept by default, so a new installation carries on where this one stopped.$\r$\n$\r$\nWorkspaces in other folders you chose yourself are never deleted."
LangString DATA_CHECK ${LANG_KOREAN} "기본 작업 공간과 설정도 삭제 (되돌릴 수 없음)"
LangString DATA_CHECK ${LANG_ENGLISH} "Also delete the default workspace and the settings (cannot be undone)"

VIProductVersion "${VERSION_QUAD}"
VIFileVersion "${VERSION_QUAD}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${DISPLAY_NAME}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${DISPLAY_NAME} ${VERSION} setup"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "${PUBLISHER}"

; --- helpers ----------------------------------------------------------------------

; Wait until the app is closed: a running .exe cannot be opened for writing.
!macro WAIT_FOR_APP_CLOSED
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    ${Do}
      ClearErrors
      FileOpen $0 "$INSTDIR\${EXE}" a
      ${IfNot} ${Errors}
        FileClose $0
        ${Break}
      ${EndIf}
      ${IfCmd} MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(APP_RUNNING)" /SD IDCANCEL IDCANCEL ${||} Abort ${|}
    ${Loop}
  ${EndIf}
!macroend

!macro OPEN_WITH EXT
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\SupportedTypes" "${EXT}" ""
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\${VERB}" "" "$(OPENWITH_VERB)"
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\${VERB}" "Icon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\${VERB}\command" "" '"$INSTDIR\${EXE}" --open "%1"'
!macroend

!macro REMOVE_OPEN_WITH EXT
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\${VERB}"
  DeleteRegKey /ifempty HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell"
  DeleteRegKey /ifempty HKCU "Software\Classes\SystemFileAssociations\${EXT}"
!macroend

!macro FOR_EACH_SCAN_TYPE MACRO
  !insertmacro ${MACRO} ".pdf"
  !insertmacro ${MACRO} ".jpg"
  !insertmacro ${MACRO} ".jpeg"
  !insertmacro ${MACRO} ".png"
  !insertmacro ${MACRO} ".bmp"
  !insertmacro ${MACRO} ".tif"
  !insertmacro ${MACRO} ".tiff"
  !insertmacro ${MACRO} ".webp"
!macroend

; --- install ----------------------------------------------------------------------

Function .onInit
  SetShellVarContext current
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Section "!$(SEC_APP)" SecApp
  SectionIn RO
  SetShellVarContext current
  !insertmacro WAIT_FOR_APP_CLOSED
  ; An upgrade replaces the previous version's program files only: settings and
  ; workspaces live in other folders and are left alone.
  RMDir /r "$INSTDIR\_internal"
  RMDir /r "$INSTDIR\tesseract"
  SetOutPath "$INSTDIR"
  File /r "${SRC_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${DISPLAY_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${DISPLAY_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SEC_DESKTOP)" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${DISPLAY_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
SectionEnd

Section "$(SEC_OPENWITH)" SecOpenWith
  ; a ProgID for the "Open with" list, the app's own entry, and a context-menu verb
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(OPENWITH_TYPE)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open" "FriendlyAppName" "${DISPLAY_NAME}"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" --open "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}" "FriendlyAppName" "${DISPLAY_NAME}"
  WriteRegStr HKCU "Software\Classes\Applications\${EXE}\shell\open\command" "" '"$INSTDIR\${EXE}" --open "%1"'
  !insertmacro FOR_EACH_SCAN_TYPE OPEN_WITH
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

; --- uninstall --------------------------------------------------------------------

Function un.onInit
  SetShellVarContext current
  !insertmacro MUI_UNGETLANGUAGE
  StrCpy $DeleteData ${BST_UNCHECKED}
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/DELETEDATA" $1
  ${IfNot} ${Errors}
    StrCpy $DeleteData ${BST_CHECKED}
  ${EndIf}
FunctionEnd

Function un.DataPageShow
  !insertmacro MUI_HEADER_TEXT "$(DATA_TITLE)" "$(DATA_SUBTITLE)"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0 100% 60u "$(DATA_TEXT)"
  Pop $0
  ${NSD_CreateCheckbox} 0 70u 100% 14u "$(DATA_CHECK)"
  Pop $DeleteDataBox
  ${NSD_SetState} $DeleteDataBox $DeleteData
  nsDialogs::Show
FunctionEnd

Function un.DataPageLeave
  ${NSD_GetState} $DeleteDataBox $DeleteData
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro WAIT_FOR_APP_CLOSED

  Delete "$SMPROGRAMS\${DISPLAY_NAME}.lnk"
  Delete "$DESKTOP\${DISPLAY_NAME}.lnk"

  ; the program files only (known names: never a recursive delete of $INSTDIR itself)
  RMDir /r "$INSTDIR\_internal"
  RMDir /r "$INSTDIR\tesseract"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\${EXE}"
  !insertmacro FOR_EACH_SCAN_TYPE REMOVE_OPEN_WITH
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "${APP_KEY}"

  ${If} $DeleteData == ${BST_CHECKED}
    RMDir /r "${WORKSPACE_DIR}"
    RMDir "${WORKSPACE_PARENT}"
    RMDir /r "${SETTINGS_DIR}"
  ${EndIf}
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
