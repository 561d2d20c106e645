; Evidence Desk for Windows: a per-user installer (no administrator rights) for the frozen folder.
;
;   makensis /DVERSION=0.1.0 /DSOURCE_DIR=dist\evidence-desk /DICON=build\package\generated\icons\evidence-desk.ico
;            /DOUTFILE=dist\evidence-desk-0.1.0-setup.exe installer\windows\evidence-desk.nsi
;
; VERSION comes from desktop_app/__init__.py (packaging/build.py and installer/README.md pass it);
; the script refuses to compile without it. /DNO_COMPRESSION stores files uncompressed: used on
; Linux only to prove that the script compiles, where LZMA over 350 MB would take minutes.
;
; Installs into %LOCALAPPDATA%\Programs\Evidence Desk, adds a Start-menu entry and an entry in
; Settings > Apps. The uninstaller removes the program and leaves the reviewer's workspaces,
; settings and logs (%LOCALAPPDATA%\EvidenceDesk) in place unless the reviewer ticks the box that
; asks for them to go, and confirms.

Unicode true
!ifndef VERSION
  !error "VERSION is not defined: pass /DVERSION=x.y.z (from desktop_app/__init__.py)"
!endif
!ifndef SOURCE_DIR
  !error "SOURCE_DIR is not defined: pass /DSOURCE_DIR=<the frozen evidence-desk folder>"
!endif
!ifndef OUTFILE
  !define OUTFILE "evidence-desk-${VERSION}-setup.exe"
!endif

!define APP_NAME "Evidence Desk"
!define APP_ID "EvidenceDesk"
!define PUBLISHER "Evidence Desk"
!define GUI_EXE "evidence-desk-gui.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
; Where platformdirs puts the app's data, settings and logs on Windows (core/platform/paths.py).
!define DATA_DIR "$LOCALAPPDATA\EvidenceDesk"

!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
!ifdef NO_COMPRESSION
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.KeepDataPage un.KeepDataLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Var RemoveData
Var RemoveDataBox

Section "Install"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An update replaces the program folder whole, so no file of an older version lingers.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; The uninstaller's one question: the reviewer's data stays unless they ask for it to go.
Function un.KeepDataPage
  !insertmacro MUI_HEADER_TEXT "Your workspaces" "Evidence, custody logs and settings are kept unless you ask."
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 40u "Your workspaces, settings and logs in ${DATA_DIR} are kept, so that a later installation opens them again. They hold preserved evidence and its custody log: delete them only if your retention obligations allow it."
  Pop $0
  ${NSD_CreateCheckbox} 0 48u 100% 12u "&Also delete my workspaces, settings and logs (cannot be undone)"
  Pop $RemoveDataBox
  ${NSD_Uncheck} $RemoveDataBox
  nsDialogs::Show
FunctionEnd

Function un.KeepDataLeave
  ${NSD_GetState} $RemoveDataBox $RemoveData
  ${If} $RemoveData == ${BST_CHECKED}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
      "Delete every workspace in ${DATA_DIR}, with its evidence and custody log? This cannot be undone." \
      IDYES +2
    StrCpy $RemoveData ${BST_UNCHECKED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\evidence-desk.exe"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; A silent uninstall (/S) never shows the page above, so it always keeps the data.
  ${If} $RemoveData == ${BST_CHECKED}
    RMDir /r "${DATA_DIR}"
  ${EndIf}
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
SectionEnd
