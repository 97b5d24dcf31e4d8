# Install Academy Desktop silently, check what the installer did, upgrade over it, and
# uninstall it twice (keeping, then deleting the user's data). Run by
# .github/workflows/windows.yml on a throw-away Windows runner; see docs/packaging.md.
#
#   ./packaging/windows-install-check.ps1 -Installer dist\AcademyDesktop-0.1.0-setup.exe -Version 0.1.0
param(
    [Parameter(Mandatory = $true)] [string] $Installer,
    [Parameter(Mandatory = $true)] [string] $Version
)
$ErrorActionPreference = "Stop"

$dir = Join-Path $env:LOCALAPPDATA "Programs\AcademyDesktop"
$exe = Join-Path $dir "AcademyDesktop.exe"
$uninstaller = Join-Path $dir "uninstall.exe"
$uninstKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\AcademyDesktop"
$verb = "HKCU:\Software\Classes\SystemFileAssociations\.pdf\shell\AcademyDesktop\command"
$startMenu = Join-Path $env:APPDATA "Microsoft\Windows\Start Menu\Programs\Academy Desktop.lnk"
$settingsDir = Join-Path $env:LOCALAPPDATA "AcademyDesktop"
$marker = Join-Path $settingsDir "install-check.txt"

function Check([bool] $Condition, [string] $Message) {
    if (-not $Condition) { throw "install check: $Message" }
}

function Invoke-Waited([string] $File, [string[]] $Arguments) {
    $p = Start-Process -FilePath $File -ArgumentList $Arguments -Wait -PassThru
    Check ($p.ExitCode -eq 0) "$File $Arguments exited with $($p.ExitCode)"
}

# 1. install
Invoke-Waited $Installer @("/S")
Check (Test-Path $exe) "AcademyDesktop.exe is not in $dir"
Check ((Get-ItemProperty $uninstKey).DisplayVersion -eq $Version) "Add/Remove Programs shows another version"
Check (Test-Path $startMenu) "no Start-menu shortcut"
Check ((Get-ItemProperty $verb)."(default)" -like '*--open "%1"') "no 'Open with Academy Desktop' for PDF files"

# 2. the installed app passes its self-test (it has no console: the report goes to a file)
$report = Join-Path $env:RUNNER_TEMP "installed-self-test.txt"
$p = Start-Process -FilePath $exe -ArgumentList @("--self-test", $report) -Wait -PassThru
Get-Content $report
Check ($p.ExitCode -eq 0) "the installed app's self-test failed"
Check ((Get-Content $report -Raw) -match "ok   ocr +bundled") "the bundled Tesseract was not used"

# 3. an upgrade over it keeps the user's settings
New-Item -ItemType Directory -Force $settingsDir | Out-Null
Set-Content $marker "user data"
Invoke-Waited $Installer @("/S")
Check (Test-Path $exe) "the upgrade removed the app"
Check (Test-Path $marker) "the upgrade removed the user's settings"

# 4. uninstall keeps the data unless asked ("_?=" runs the uninstaller in place, so it can
#    be waited for; it cannot delete itself then)
Invoke-Waited $uninstaller @("/S", "_?=$dir")
Check (-not (Test-Path (Join-Path $dir "_internal"))) "program files left after uninstalling"
Check (-not (Test-Path $exe)) "AcademyDesktop.exe left after uninstalling"
Check (-not (Test-Path $uninstKey)) "the Add/Remove Programs entry is left"
Check (-not (Test-Path $verb)) "the 'Open with' verb is left"
Check (-not (Test-Path $startMenu)) "the Start-menu shortcut is left"
Check (Test-Path $marker) "uninstalling removed the user's settings without being asked"

# 5. ... and removes it when asked
Invoke-Waited $Installer @("/S")
Invoke-Waited $uninstaller @("/S", "/DELETEDATA", "_?=$dir")
Check (-not (Test-Path $settingsDir)) "uninstall /DELETEDATA kept the settings"
Remove-Item -Recurse -Force $dir
Write-Host "install check: passed"
