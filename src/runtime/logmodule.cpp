// The `log` module (Havel's smoke suite log_*.hv): log.debug/info/warn/error/critical write
// "[LEVEL] message" to stderr and return null; log.history() gives the recent lines.
#include "moduleutil.h"

#include <vmhost.h>

#include <QtCore/QStringList>

namespace havel::script::modules {

void installLog(Vm &vm)
{
    ModuleBuilder log(vm, QStringLiteral("log"));
    // The last kHistory lines, oldest first. Owned by the module's functions.
    constexpr qsizetype kHistory = 1000;
    auto history = std::make_shared<QStringList>();
    for (const char *level : {"debug", "info", "warn", "error", "critical"}) {
        const QString tag = QStringLiteral("[%1] ").arg(QString::fromLatin1(level).toUpper());
        log.function(QLatin1String(level), [tag, history](Vm &vm, std::vector<Value> &args, int) {
            QStringList parts;
            for (const Value &arg : args)
                parts.append(vm.toText(arg));
            const QString line = tag + parts.join(u' ');
            vm.host().printError(line + u'\n');
            history->append(line);
            if (history->size() > kHistory)
                history->removeFirst();
            return Value();
        });
    }
    log.function(QStringLiteral("history"), [history](Vm &vm, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 0, 0, QStringLiteral("log.history"), line);
        std::vector<Value> lines;
        for (const QString &entry : *history)
            lines.emplace_back(entry);
        return makeArray(vm, std::move(lines));
    });
    log.install();
}

} // namespace havel::script::modules
