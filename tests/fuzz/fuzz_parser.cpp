// libFuzzer target for the whole script pipeline: any byte string must either give one syntax
// error or compile, and the compiled script must run (under a step budget, so that every
// input ends) to an ending, a runtime error or the budget: never a crash, a hang, undefined
// behaviour or a leak. Built only with -DHAVEL_BUILD_FUZZER=ON (the "fuzz" preset), seeded
// with tests/scripts. Timers are left out (they need the timer thread): a timer block or
// handle method is a runtime error here.
#include <builtins.h>
#include <compiler.h>
#include <lexer.h>
#include <parser.h>
#include <scriptobjects.h>
#include <vm.h>
#include <vmhost.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <cstddef>
#include <cstdint>

namespace {

using namespace havel::script;

//! What the VM asks of a host, without timers or output. Thread: the fuzzer's.
class FuzzHost final : public VmHost
{
public:
    void print(const QString &) override { }
    void printError(const QString &) override { }
    void requestExit(int) override { m_exit = true; }
    bool stopRequested() override { return m_exit; }
    Value createTimerBlock(bool, const Value &, const Value &, int line) override
    {
        fail(line, QStringLiteral("no timers in the fuzzer"));
    }
    void stopTimer(quint64) override { }
    Value handleMember(const Ref<const TimerHandle> &, const QString &, int line) override
    {
        fail(line, QStringLiteral("no timers in the fuzzer"));
    }
    Value callHandleMethod(const Ref<const TimerHandle> &, const QString &,
                           std::vector<Value> &, int line) override
    {
        fail(line, QStringLiteral("no timers in the fuzzer"));
    }
    QString describeHandle(const TimerHandle &) override { return QString(); }
    Value awaitTimer(quint64, int) override { return Value(); }
    void tasksChanged() override { }

private:
    bool m_exit = false;
};

void run(const Program &program)
{
    QObject context;
    FuzzHost host;
    Vm vm(host, &context);
    vm.setStepLimit(200'000);
    vm.setHeapLimit(qint64(256) << 20);
    Builtins::install(vm);
    SyntaxError error;
    const std::shared_ptr<const FunctionProto> body = Compiler::compile(program, vm, &error);
    if (!body) {
        // Only a limit of the compiler (too many locals, a script too large) may refuse a
        // program the parser took.
        if (error.message.isEmpty())
            __builtin_trap();
        return;
    }
    auto fiber = vm.spawn(Value(makeRef<Closure>(&vm.heap(), body)), nullptr);
    vm.runNow(fiber);
    // Preempted fibers (and tasks they started) run on; sleeping ones stay parked.
    while (vm.runQueued()) { }
    vm.halt();
    vm.dropAllFibers();
    vm.clearGlobals();
    vm.heap().clearAll();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_parser";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // for the QTimer of sleep()

    const QString source = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    // The lexer alone: every token list ends with EndOfFile or a single Error.
    const QList<havel::script::Token> tokens = havel::script::Lexer(source).tokenize();
    if (tokens.isEmpty())
        __builtin_trap();
    const havel::script::TokenType last = tokens.last().type;
    if (last != havel::script::TokenType::EndOfFile && last != havel::script::TokenType::Error)
        __builtin_trap();

    // The parser: a program, or an error with a line inside the source.
    havel::script::SyntaxError error;
    const auto program = havel::script::Parser::parse(source, &error);
    if (!program && (error.line < 1 || error.message.isEmpty()))
        __builtin_trap();
    // The compiler and the VM.
    if (program)
        run(*program);
    return 0;
}
