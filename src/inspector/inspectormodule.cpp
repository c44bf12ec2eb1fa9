#include "inspectormodule.h"

#include <QtQml/QQmlEngine>

namespace havel {

void addInspectorModule(QQmlEngine *engine)
{
    // Qt 6.4 does not search the resource import path that qt_add_qml_module uses by default.
    // The module's plugin is registered when this library loads (inspectorwindow.cpp).
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
}

} // namespace havel
