// `havel --inspect` in a build without the inspector (HAVEL_BUILD_INSPECTOR OFF): the option
// is still recognised, so that the user gets a clear message instead of "unknown option".
#include "invocation.h"

#include <scripthost.h>

namespace havel::app {

QString takeInspectOption(QStringList *arguments, Invocation *)
{
    for (qsizetype i = 1; i < arguments->size(); ++i) {
        const QString &argument = arguments->at(i);
        if (argument == QLatin1String("--"))
            break;
        if (argument == QLatin1String("--inspect") || argument.startsWith(QLatin1String("--inspect=")))
            return QStringLiteral("--inspect: this havel was built without the inspector "
                                  "(HAVEL_BUILD_INSPECTOR=OFF)");
    }
    return {};
}

std::unique_ptr<QObject> publishIfAsked(const Invocation &, script::ScriptHost &, QString *)
{
    return nullptr;
}

} // namespace havel::app
