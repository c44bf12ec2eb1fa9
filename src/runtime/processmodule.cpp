// `process`: process.exit(code), with which Havel's scripts end on a failure.
#include "moduleutil.h"

#include <vmhost.h>

namespace havel::script::modules {

void installProcess(Vm &vm)
{
    // process.exit(code) is exit(code): it ends the run at once, from anywhere.
    ModuleBuilder process(vm, QStringLiteral("process"));
    process.function(QStringLiteral("exit"), [](Vm &vm, std::vector<Value> &args, int line) -> Value {
        Builtins::expectArgs(args, 0, 1, QStringLiteral("process.exit"), line);
        qint64 code = 0;
        if (!args.empty()) {
            if (!args.front().isInt() || args.front().asInt() < 0 || args.front().asInt() > 255)
                fail(line, QStringLiteral("process.exit: code must be an integer from 0 to 255"));
            code = args.front().asInt();
        }
        vm.host().requestExit(int(code));
        throw StopUnwind{};
    });
    process.install();
}

} // namespace havel::script::modules
