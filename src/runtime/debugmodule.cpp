// The `debug` module: Havel's switches for verbose hotkey logging. This host has no hotkeys,
// so the switches only keep their state (scripts toggle and read them) and say what they did
// in the havel.script logging category; they never change what a script prints.
#include "moduleutil.h"

#include <scriptlogging.h>

namespace havel::script::modules {

void installDebug(Vm &vm)
{
    ModuleBuilder debug(vm, QStringLiteral("debug"));
    // Shared by the toggles and the getters; one pair per interpreter (the module object).
    auto state = std::make_shared<std::pair<bool, bool>>(false, false); // key, condition
    const std::pair<const char *, bool std::pair<bool, bool>::*> switches[] = {
        {"VerboseKeyLogging", &std::pair<bool, bool>::first},
        {"VerboseConditionLogging", &std::pair<bool, bool>::second},
    };
    for (const auto &entry : switches) {
        const QString name = QLatin1String(entry.first);
        const auto member = entry.second;
        debug.function(QStringLiteral("toggle") + name, [state, member, name](Vm &, std::vector<Value> &args, int line) {
            Builtins::expectArgs(args, 0, 0, QStringLiteral("debug.toggle") + name, line);
            (*state).*member = !((*state).*member);
            qCInfo(lcScript, "debug: %s %s", qPrintable(name), (*state).*member ? "on" : "off");
            return Value((*state).*member);
        });
        debug.function(QStringLiteral("is") + name, [state, member, name](Vm &, std::vector<Value> &args, int line) {
            Builtins::expectArgs(args, 0, 0, QStringLiteral("debug.is") + name, line);
            return Value((*state).*member);
        });
    }
    debug.install();
}

} // namespace havel::script::modules
