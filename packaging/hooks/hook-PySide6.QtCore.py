# Replaces PyInstaller's own hook for this PySide6 module: the same collection, then
# only the Qt plugins and translations listed in packaging/buildinfo.py are kept, so
# the dependencies of unused plugins (GTK, Wayland, EGL, Qt Quick...) never reach
# the bundle. Used through hookspath in packaging/academy_desktop.spec.
import buildinfo
from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = buildinfo.trim_qt_hook(*add_qt6_dependencies(__file__))
