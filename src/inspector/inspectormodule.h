// addInspectorModule: the Havel.Inspector QML module in an embedder's own Qt Quick scene.
//
// libhavel-inspector carries the module compiled in (its types, its QML files under
// qrc:/qt/qml/Havel/Inspector/). A host that shows InspectorView as a panel of its own window,
// rather than InspectorWindow, calls this once per engine before loading QML that does
// `import Havel.Inspector`. The call also makes the program link libhavel-inspector: a linker
// that drops unreferenced libraries (--as-needed) would otherwise drop the module with it.
#pragma once

#include <QtCore/qglobal.h>

QT_BEGIN_NAMESPACE
class QQmlEngine;
QT_END_NAMESPACE

namespace havel {

//! Makes `import Havel.Inspector` resolve in @p engine. Thread: @p engine's thread.
void addInspectorModule(QQmlEngine *engine);

} // namespace havel
