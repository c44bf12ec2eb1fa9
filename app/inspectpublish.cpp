// `havel --inspect[=NAME] script.hv`: the run publishes its timers to havel-inspector --attach.
// Built into both havel and havel-inspector; the run itself is unchanged.
#include "invocation.h"

#include <inspectendpoint.h>
#include <inspectorpublisher.h>
#include <scripthost.h>

#include <atomic>

namespace havel::app {

QString takeInspectOption(QStringList *arguments, Invocation *invocation)
{
    const QString prefix = QStringLiteral("--inspect=");
    for (qsizetype i = 1; i < arguments->size(); ++i) {
        QString &argument = (*arguments)[i];
        if (argument == QLatin1String("--"))
            break;
        if (argument == QLatin1String("--inspect")) {
            invocation->inspect = true;
        } else if (argument.startsWith(prefix)) {
            const QString name = argument.mid(prefix.size());
            if (const QString problem = InspectEndpoint::nameProblem(name); !problem.isEmpty())
                return QStringLiteral("--inspect=NAME: %1").arg(problem);
            invocation->inspect = true;
            invocation->inspectName = name;
            argument = QStringLiteral("--inspect");
        }
    }
    return {};
}

std::unique_ptr<QObject> publishIfAsked(const Invocation &invocation, script::ScriptHost &host,
                                        QString *error)
{
    if (!invocation.inspect)
        return nullptr;
    const script::ScriptProbe &probe = host.probe();
    const QString scriptName = invocation.scriptName;
    auto publisher = std::make_unique<InspectorPublisher>(host.timerManager(), [&probe, scriptName] {
        return InterpreterActivity{probe.busySinceNs.load(std::memory_order_relaxed),
                                   probe.line.load(std::memory_order_relaxed), scriptName};
    });
    const QString name = invocation.inspectName.isEmpty() ? scriptName : invocation.inspectName;
    if (!publisher->start(name, scriptName, error))
        return nullptr;
    // Pauses and stops from an inspector reach the script as the local window's do.
    QObject::connect(publisher.get(), &InspectorPublisher::timersControlled, &host,
                     &script::ScriptHost::timersChangedElsewhere);
    QObject::connect(&host, &script::ScriptHost::finished, publisher.get(),
                     &InspectorPublisher::runFinished);
    return publisher;
}

} // namespace havel::app
