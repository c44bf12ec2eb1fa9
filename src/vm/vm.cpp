#include "vm.h"

#include "scriptlogging.h"
#include "vmhost.h"

#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HAVEL_SANITIZER_ALLOCATOR 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HAVEL_SANITIZER_ALLOCATOR 1
#endif
#ifdef HAVEL_SANITIZER_ALLOCATOR
#include <sanitizer/allocator_interface.h>
#endif

namespace havel::script {

namespace {

//! A slice: how long one fiber runs before the scheduler lets the event loop in.
constexpr qint64 kSliceNs = 2'000'000;
//! How many backward jumps and calls pass between two looks at the clock.
constexpr int kBudgetCheckEvery = 256;
constexpr int kMaxPrintDepth = 64;
//! How far past its end an array may be assigned to (the gap fills with null).
constexpr qint64 kMaxIndexGap = 1 << 20;

//! How many allocations pass between two measurements of the heap.
constexpr int kAllocationsPerHeapCheck = 1024;
//! A string or array result this large is checked against the limit before it is made.
constexpr qint64 kLargeAllocation = qint64(1) << 20;

//! Bytes the process's allocator has handed out and not yet taken back: the heap as the
//! limit sees it (script objects, strings and the host's own few megabytes).
qint64 heapInUse()
{
#ifdef HAVEL_SANITIZER_ALLOCATOR
    return qint64(__sanitizer_get_current_allocated_bytes());
#else
    const struct mallinfo2 info = ::mallinfo2();
    return qint64(info.uordblks + info.hblkhd);
#endif
}

QString formatBytes(qint64 bytes)
{
    if (bytes % (qint64(1) << 30) == 0)
        return QStringLiteral("%1 GB").arg(bytes >> 30);
    if (bytes % (qint64(1) << 20) == 0)
        return QStringLiteral("%1 MB").arg(bytes >> 20);
    return QStringLiteral("%1 bytes").arg(bytes);
}

//! Integer arithmetic that becomes float arithmetic instead of overflowing.
Value addInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_add_overflow(a, b, &r))
        return double(a) + double(b);
    return r;
}

Value subInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_sub_overflow(a, b, &r))
        return double(a) - double(b);
    return r;
}

Value mulInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_mul_overflow(a, b, &r))
        return double(a) * double(b);
    return r;
}

//! The operator's text in error messages; @p compound for `-=` and friends.
QString opText(Op op, bool compound)
{
    QString text;
    switch (op) {
    case Op::Add: text = QStringLiteral("+"); break;
    case Op::Sub: text = QStringLiteral("-"); break;
    case Op::Mul: text = QStringLiteral("*"); break;
    case Op::Div: text = QStringLiteral("/"); break;
    case Op::Mod: text = QStringLiteral("%"); break;
    case Op::Pow: text = QStringLiteral("**"); break;
    case Op::Less: text = QStringLiteral("<"); break;
    case Op::LessEqual: text = QStringLiteral("<="); break;
    case Op::Greater: text = QStringLiteral(">"); break;
    case Op::GreaterEqual: text = QStringLiteral(">="); break;
    default: text = QStringLiteral("?"); break;
    }
    return compound ? text + u'=' : text;
}

//! - * / % ** on numbers; line -1: the VM fills in the instruction's line.
Value arithmetic(Op op, const Value &left, const Value &right, bool compound)
{
    // "ha" * 3 repeats the string (Havel's string_repeat); so does 3 * "ha".
    if (op == Op::Mul && (left.isString() || right.isString()) && (left.isInt() || right.isInt())) {
        const QString &text = left.isString() ? left.asString() : right.asString();
        const qint64 times = left.isInt() ? left.asInt() : right.asInt();
        if (times < 0)
            fail(-1, QStringLiteral("Cannot repeat a string a negative number of times (%1).").arg(times));
        if (text.size() > 0 && times > (qint64(1) << 28) / text.size())
            fail(-1, QStringLiteral("OutOfMemory: \"...\" * %1 is too long a string.").arg(times));
        return text.repeated(qsizetype(times));
    }
    if (!left.isNumber() || !right.isNumber())
        fail(-1, QStringLiteral("Operands of '%1' must be numbers, not %2 and %3.")
                         .arg(opText(op, compound), left.typeName(), right.typeName()));
    const bool ints = left.isInt() && right.isInt();
    switch (op) {
    case Op::Sub:
        return ints ? subInts(left.asInt(), right.asInt()) : Value(left.asNumber() - right.asNumber());
    case Op::Mul:
        return ints ? mulInts(left.asInt(), right.asInt()) : Value(left.asNumber() * right.asNumber());
    case Op::Div:
        if (ints) {
            const qint64 a = left.asInt(), b = right.asInt();
            if (b == 0)
                fail(-1, QStringLiteral("Division by zero."));
            // Exact when it divides evenly, else a float: 10 / 4 is 2.5, 10 / 5 is 2. The
            // overflow check comes first: min % -1 traps (SIGFPE) just as min / -1 does.
            if (!(a == std::numeric_limits<qint64>::min() && b == -1) && a % b == 0)
                return a / b;
            return double(a) / double(b);
        }
        return left.asNumber() / right.asNumber();
    case Op::Mod:
        if (ints) {
            if (right.asInt() == 0)
                fail(-1, QStringLiteral("Division by zero."));
            if (right.asInt() == -1)
                return qint64(0);
            return left.asInt() % right.asInt();
        }
        return std::fmod(left.asNumber(), right.asNumber());
    case Op::Pow: {
        if (ints && right.asInt() >= 0) {
            qint64 result = 1, base = left.asInt();
            qint64 exponent = right.asInt();
            bool overflow = false;
            while (exponent > 0 && !overflow) {
                if (exponent & 1)
                    overflow |= __builtin_mul_overflow(result, base, &result);
                exponent >>= 1;
                if (exponent > 0)
                    overflow |= __builtin_mul_overflow(base, base, &base);
            }
            if (!overflow)
                return result;
        }
        return std::pow(left.asNumber(), right.asNumber());
    }
    default:
        fail(-1, QStringLiteral("Unknown operator."));
    }
}

//! & | ^ << >> on integers (a float with an integral value counts as one, as Havel's numbers
//! are doubles); >> is arithmetic. Shifts by 64 or more give 0 (or -1), never UB.
Value bitwise(Op op, const Value &left, const Value &right)
{
    auto integer = [op](const Value &v, qint64 &out) {
        if (v.isInt()) {
            out = v.asInt();
            return true;
        }
        if (v.isFloat() && std::trunc(v.asFloat()) == v.asFloat() && std::fabs(v.asFloat()) < 9.2e18) {
            out = qint64(v.asFloat());
            return true;
        }
        Q_UNUSED(op);
        return false;
    };
    qint64 a = 0, b = 0;
    if (!integer(left, a) || !integer(right, b)) {
        const char *text = op == Op::BitAnd ? "&" : op == Op::BitOr ? "|" : op == Op::BitXor ? "^"
                         : op == Op::ShiftLeft ? "<<" : ">>";
        fail(-1, QStringLiteral("Operands of '%1' must be integers, not %2 and %3.")
                         .arg(QLatin1String(text), left.typeName(), right.typeName()));
    }
    switch (op) {
    case Op::BitAnd: return a & b;
    case Op::BitOr: return a | b;
    case Op::BitXor: return a ^ b;
    case Op::ShiftLeft:
        if (b < 0)
            fail(-1, QStringLiteral("Negative shift count."));
        return b >= 64 ? qint64(0) : qint64(quint64(a) << b);
    default:
        if (b < 0)
            fail(-1, QStringLiteral("Negative shift count."));
        return b >= 64 ? qint64(a < 0 ? -1 : 0) : qint64(a >> b);
    }
}

//! `#x`: the length of a string (code points), an array or an object (its keys).
Value lengthOf(const Value &v)
{
    if (v.isString())
        return qint64(v.asString().toUcs4().size());
    if (v.isArray())
        return qint64(v.asArray()->items.size());
    if (v.isObject())
        return qint64(v.asObject()->size());
    fail(-1, QStringLiteral("Operand of '#' must be a string, array or object, not %1.").arg(v.typeName()));
}

bool compare(Op op, const Value &left, const Value &right)
{
    int order = 0;
    if (left.isInt() && right.isInt()) {
        order = left.asInt() < right.asInt() ? -1 : left.asInt() > right.asInt() ? 1 : 0;
    } else if (left.isNumber() && right.isNumber()) {
        const double a = left.asNumber(), b = right.asNumber();
        if (std::isnan(a) || std::isnan(b))
            return false;
        order = a < b ? -1 : a > b ? 1 : 0;
    } else if (left.isString() && right.isString()) {
        order = left.asString().compare(right.asString());
    } else {
        fail(-1, QStringLiteral("Operands of '%1' must be two numbers or two strings, not %2 and %3.")
                         .arg(opText(op, false), left.typeName(), right.typeName()));
    }
    switch (op) {
    case Op::Less: return order < 0;
    case Op::LessEqual: return order <= 0;
    case Op::Greater: return order > 0;
    default: return order >= 0;
    }
}

} // namespace

Fiber::~Fiber()
{
    for (const auto &upvalue : openUpvalues) {
        if (upvalue->slot < stack.size())
            upvalue->closed = std::move(stack[upvalue->slot]);
        upvalue->fiber = nullptr;
    }
}

Vm::Vm(VmHost &host, QObject *context) : m_host(host), m_context(context) { }

Vm::~Vm()
{
    dropAllFibers();
    m_globals.clear();
}

int Vm::globalIndex(const QString &name)
{
    const auto it = m_globalIndex.constFind(name);
    if (it != m_globalIndex.cend())
        return it.value();
    const int index = int(m_globals.size());
    m_globals.push_back(Value::undefined());
    m_declared.push_back(false);
    m_globalNames.append(name);
    m_globalIndex.insert(name, index);
    return index;
}

bool Vm::isDeclaredGlobal(const QString &name) const
{
    const auto it = m_globalIndex.constFind(name);
    return it != m_globalIndex.cend() && m_declared[std::size_t(it.value())];
}

void Vm::defineGlobal(const QString &name, Value value)
{
    const int index = globalIndex(name);
    m_declared[std::size_t(index)] = true;
    m_globals[std::size_t(index)] = std::move(value);
}

void Vm::clearGlobals()
{
    for (Value &value : m_globals)
        value = Value::undefined();
    for (auto &methods : m_scriptMethods)
        methods.clear();
}

void Vm::setMethods(Value::Type type, QHash<QString, Method> methods)
{
    m_methods[std::size_t(type)] = std::move(methods);
}

void Vm::setScriptMethod(Value::Type type, const QString &name, Value function)
{
    m_scriptMethods[std::size_t(type)].insert(name, std::move(function));
}

void Vm::callScriptMethod(Fiber &fiber, const Value &function, std::size_t receiverIndex, int argc, int line)
{
    fiber.stack.insert(fiber.stack.begin() + std::ptrdiff_t(receiverIndex), function);
    callValue(fiber, receiverIndex, argc + 1, line);
}

int Vm::userLine(const Fiber &fiber)
{
    for (auto frame = fiber.frames.rbegin(); frame != fiber.frames.rend(); ++frame) {
        const FunctionProto &proto = *frame->closure->proto;
        if (proto.library)
            continue;
        const std::size_t at = std::size_t(frame->ip - proto.chunk.code.data());
        return at > 0 && at <= proto.chunk.lines.size() ? proto.chunk.lines[at - 1] : proto.line;
    }
    return 0;
}

// --- fibers and the scheduler ------------------------------------------------------------

std::shared_ptr<Fiber> Vm::spawn(const Value &callable, Fiber::Done onDone, quint64 timerId)
{
    auto fiber = std::make_shared<Fiber>();
    fiber->stack.reserve(16);
    fiber->stack.push_back(callable);
    fiber->onDone = std::move(onDone);
    fiber->timerId = timerId;
    fiber->state = Fiber::State::Parked; // not queued until schedule()/runNow()
    m_fibers.emplace(fiber.get(), fiber);
    return fiber;
}

void Vm::schedule(const std::shared_ptr<Fiber> &fiber)
{
    if (m_halted || fiber->state == Fiber::State::Done)
        return;
    fiber->state = Fiber::State::Runnable;
    m_runQueue.push_back(fiber);
    postRun();
}

void Vm::runNow(const std::shared_ptr<Fiber> &fiber)
{
    if (m_current || m_halted) {
        schedule(fiber);
        return;
    }
    fiber->state = Fiber::State::Runnable;
    runChain(fiber);
}

bool Vm::runChain(std::shared_ptr<Fiber> fiber)
{
    bool preempted = false;
    while (fiber) {
        execute(*fiber);
        // Between fibers too, not only at budget checks: short callbacks (a timer tick that
        // makes a closure) may never reach one, and their garbage would pile up for one long
        // pause. Here no fiber is running, so no C++ frame holds an uncounted pointer.
        if (!m_current && m_heap.collectionDue())
            m_heap.collectDue();
        if (fiber->state == Fiber::State::Runnable) {
            preempted = true;
            m_runQueue.push_back(fiber);
            postRun();
        }
        fiber = std::move(m_switchTo);
        m_switchTo.reset();
        if (m_halted)
            break;
    }
    return preempted;
}

void Vm::postRun()
{
    if (m_runPosted || m_halted)
        return;
    m_runPosted = true;
    QMetaObject::invokeMethod(
            m_context,
            [this] {
                m_runPosted = false;
                runQueue();
            },
            Qt::QueuedConnection);
}

void Vm::runQueue()
{
    // Run what is queued now; a fiber that was preempted sends us back to the event loop, so
    // that timer deliveries queued meanwhile come first.
    std::size_t count = m_runQueue.size();
    while (count-- > 0 && !m_runQueue.empty() && !m_halted) {
        std::shared_ptr<Fiber> fiber = std::move(m_runQueue.front());
        m_runQueue.pop_front();
        if (fiber->state != Fiber::State::Runnable)
            continue;
        if (runChain(std::move(fiber)))
            break;
    }
    if (!m_runQueue.empty())
        postRun();
}

quint64 Vm::parkCurrent(bool blocking)
{
    Q_ASSERT(m_current);
    if (m_current->atomicDepth > 0)
        fail(-1, QStringLiteral("Cannot wait inside atomic(): no other task could run to end the wait."));
    m_current->state = Fiber::State::Parked;
    m_current->parkToken = m_nextParkToken++;
    if (blocking && !m_current->blocked) {
        m_current->blocked = true;
        if (m_fibers.count(m_current))
            ++m_blocked;
        m_host.tasksChanged();
    }
    return m_current->parkToken;
}

std::weak_ptr<Fiber> Vm::currentFiberRef() const
{
    if (!m_current)
        return {};
    const auto it = m_fibers.find(m_current);
    return it == m_fibers.end() ? std::weak_ptr<Fiber>() : std::weak_ptr<Fiber>(it->second);
}

void Vm::wake(const std::weak_ptr<Fiber> &weak, quint64 token)
{
    const std::shared_ptr<Fiber> fiber = weak.lock();
    if (!fiber || fiber->state != Fiber::State::Parked || fiber->parkToken != token)
        return;
    unblock(*fiber);
    schedule(fiber);
}

bool Vm::wakeWith(const Waiting &waiting, Value value)
{
    const std::shared_ptr<Fiber> fiber = waiting.fiber.lock();
    if (!fiber || fiber->state != Fiber::State::Parked || fiber->parkToken != waiting.token)
        return false;
    if (!fiber->stack.empty())
        fiber->stack.back() = std::move(value);
    unblock(*fiber);
    schedule(fiber);
    return true;
}

void Vm::unblock(Fiber &fiber)
{
    if (!fiber.blocked)
        return;
    fiber.blocked = false;
    if (m_fibers.count(&fiber))
        --m_blocked;
}

Waiting Vm::waitingFor(Fiber &fiber)
{
    const auto it = m_fibers.find(&fiber);
    Waiting waiting;
    if (it != m_fibers.end())
        waiting.fiber = it->second;
    waiting.token = fiber.parkToken;
    return waiting;
}

void Vm::sleepCurrent(qint64 ms)
{
    const std::weak_ptr<Fiber> fiber = currentFiberRef();
    const quint64 token = parkCurrent();
    const int delay = int(std::min<qint64>(ms, std::numeric_limits<int>::max()));
    QTimer::singleShot(delay, Qt::PreciseTimer, m_context, [this, fiber, token] { wake(fiber, token); });
}

void Vm::halt()
{
    m_halted = true;
    m_runQueue.clear();
}

void Vm::dropAllFibers()
{
    m_runQueue.clear();
    m_switchTo.reset();
    m_blocked = 0;
    auto fibers = std::move(m_fibers);
    m_fibers.clear();
    for (auto &[raw, fiber] : fibers) {
        closeUpvalues(*fiber, 0);
        fiber->state = Fiber::State::Done;
        fiber->stack.clear();
        fiber->frames.clear();
        fiber->handlers.clear();
        fiber->onDone = nullptr;
        fiber->result = Value();
        fiber->pendingError.reset();
    }
}

void Vm::finish(Fiber &fiber, const RuntimeError *error)
{
    unblock(fiber);
    closeUpvalues(fiber, 0);
    fiber.state = Fiber::State::Done;
    fiber.stack.clear();
    fiber.frames.clear();
    fiber.handlers.clear();
    // Keep the fiber alive while its completion runs: it may be the last owner.
    const auto it = m_fibers.find(&fiber);
    std::shared_ptr<Fiber> keep;
    if (it != m_fibers.end()) {
        keep = std::move(it->second);
        m_fibers.erase(it);
    }
    if (Fiber::Done done = std::move(fiber.onDone))
        done(fiber, error);
}

void Vm::checkHeap(qint64 extra, int line)
{
    if (m_heapLimit <= 0)
        return;
    m_allocations = 0;
    m_heapClock.start();
    if (heapInUse() + extra <= m_heapLimit)
        return;
    m_heap.collect();
    if (heapInUse() + extra <= m_heapLimit)
        return;
    fail(line, QStringLiteral("OutOfMemory: the script needs more than its heap limit of %1 "
                              "(havel --max-heap SIZE)").arg(formatBytes(m_heapLimit)));
}

bool Vm::runQueued()
{
    m_runPosted = false;
    runQueue();
    return !m_runQueue.empty();
}

bool Vm::budgetExpired(int line)
{
    m_budget = kBudgetCheckEvery;
    m_host.atLine(line); // every kBudgetCheckEvery instructions: cheap enough for a probe
    m_steps += kBudgetCheckEvery;
    if (m_stepLimit > 0 && m_steps > m_stepLimit)
        throw StopUnwind{};
    // Built-ins allocate too (xs.push in a loop): measure now and then, by time.
    if (m_heapLimit > 0 && (!m_heapClock.isValid() || m_heapClock.nsecsElapsed() > 1'000'000))
        checkHeap(0, -1);
    if (m_host.stopRequested())
        throw StopUnwind{};
    if (m_heap.collectionDue())
        m_heap.collectDue();
    // Inside atomic(fn) the fiber keeps running: that is the critical section's promise.
    return m_current->atomicDepth == 0 && m_sliceClock.nsecsElapsed() > kSliceNs;
}

// --- upvalues ------------------------------------------------------------------------------

Ref<Upvalue> Vm::captureUpvalue(Fiber &fiber, std::size_t slot)
{
    auto &open = fiber.openUpvalues;
    auto it = open.end();
    while (it != open.begin() && (*(it - 1))->slot >= slot) {
        if ((*(it - 1))->slot == slot)
            return *(it - 1);
        --it;
    }
    auto upvalue = makeRef<Upvalue>(&m_heap, &fiber, slot);
    open.insert(it, upvalue);
    return upvalue;
}

void Vm::closeUpvalues(Fiber &fiber, std::size_t fromSlot)
{
    auto &open = fiber.openUpvalues;
    while (!open.empty() && open.back()->slot >= fromSlot) {
        Upvalue &upvalue = *open.back();
        if (upvalue.slot < fiber.stack.size())
            upvalue.closed = fiber.stack[upvalue.slot];
        upvalue.fiber = nullptr;
        open.pop_back();
    }
}

Value &Vm::upvalueRef(Upvalue &upvalue)
{
    return upvalue.fiber ? upvalue.fiber->stack[upvalue.slot] : upvalue.closed;
}

// --- calls ---------------------------------------------------------------------------------

void Vm::callValue(Fiber &fiber, std::size_t calleeIndex, int argc, int line)
{
    const Value &callee = fiber.stack[calleeIndex];
    switch (callee.type()) {
    case Value::Type::Closure: {
        Closure *closure = callee.asClosure();
        if (int(fiber.frames.size()) >= m_maxCallDepth)
            fail(line, QStringLiteral("Stack overflow."));
        const FunctionProto &proto = *closure->proto;
        const int arity = int(proto.params.size());
        if (proto.variadic) {
            // `fn f(a, ...rest)`: the arguments past the fixed ones become one array.
            const int fixed = arity - 1;
            std::vector<Value> extra;
            if (argc > fixed) {
                extra.assign(std::make_move_iterator(fiber.stack.end() - (argc - fixed)),
                             std::make_move_iterator(fiber.stack.end()));
                fiber.stack.resize(fiber.stack.size() - std::size_t(argc - fixed));
            }
            for (int i = argc; i < fixed; ++i)
                fiber.stack.emplace_back();
            fiber.stack.emplace_back(makeRef<Array>(&m_heap, std::move(extra)));
        } else if (argc < arity) {
            for (int i = argc; i < arity; ++i)
                fiber.stack.emplace_back();
        } else if (argc > arity) {
            fiber.stack.resize(calleeIndex + 1 + std::size_t(arity));
        }
        if (proto.isGenerator) {
            // A generator's call makes a coroutine: a fiber of its own, suspended before its
            // first instruction until something resumes it.
            auto coroutine = std::make_shared<Fiber>();
            coroutine->stack.assign(std::make_move_iterator(fiber.stack.begin() + std::ptrdiff_t(calleeIndex)),
                                    std::make_move_iterator(fiber.stack.end()));
            fiber.stack.resize(calleeIndex);
            coroutine->frames.push_back({closure, proto.chunk.code.data(), 0});
            coroutine->isCoroutine = true;
            coroutine->state = Fiber::State::Parked;
            auto task = makeRef<Task>(&m_heap, Task::Kind::Coroutine, coroutine);
            coroutine->onDone = [this](Fiber &ended, const RuntimeError *error) { coroutineEnded(ended, error); };
            fiber.stack.emplace_back(std::move(task));
            return;
        }
        fiber.frames.push_back({closure, proto.chunk.code.data(), calleeIndex});
        return;
    }
    case Value::Type::Task: {
        // `c()` resumes a coroutine, as `<- c` does.
        const Ref<Task> task = callee.asTask();
        if (task->kind != Task::Kind::Coroutine)
            fail(line, QStringLiteral("Can only call functions, not %1.").arg(callee.typeName()));
        fiber.stack.resize(calleeIndex);
        resume(fiber, task);
        return;
    }
    case Value::Type::Native: {
        const Ref<NativeFunction> native = callee.asNative();
        if (native->intrinsic == NativeFunction::Intrinsic::Atomic) {
            if (argc != 1 || !fiber.stack.back().isCallable())
                fail(line, QStringLiteral("atomic: expected one function, as in atomic(() => { ... })"));
            fiber.stack[calleeIndex] = std::move(fiber.stack.back());
            fiber.stack.pop_back();
            const std::size_t frames = fiber.frames.size();
            callValue(fiber, calleeIndex, 0, line);
            if (fiber.frames.size() > frames) {
                fiber.frames.back().atomic = true;
                ++fiber.atomicDepth;
            }
            return;
        }
        if (native->intrinsic == NativeFunction::Intrinsic::Apply) {
            if (argc != 2 || !fiber.stack.back().isArray())
                fail(line, QStringLiteral("apply: expected a function and an array of arguments"));
            const Value list = std::move(fiber.stack.back());
            fiber.stack.pop_back();
            fiber.stack[calleeIndex] = std::move(fiber.stack.back());
            fiber.stack.pop_back();
            const auto &items = list.asArray()->items;
            if (items.size() > 0xFFFF)
                fail(line, QStringLiteral("apply: too many arguments (%1)").arg(items.size()));
            fiber.stack.insert(fiber.stack.end(), items.begin(), items.end());
            callValue(fiber, calleeIndex, int(items.size()), line);
            return;
        }
        Value result = callNative(fiber, *native, calleeIndex, argc, line);
        fiber.stack.resize(calleeIndex);
        fiber.stack.push_back(std::move(result));
        return;
    }
    case Value::Type::BoundMethod: {
        const Ref<BoundMethod> bound = callee.asBoundMethod();
        fiber.stack[calleeIndex] = bound->receiver;
        invoke(fiber, calleeIndex, bound->name, argc, line);
        return;
    }
    default:
        fail(line, QStringLiteral("Can only call functions, not %1.").arg(callee.typeName()));
    }
}

Value Vm::callNative(Fiber &fiber, const NativeFunction &native, std::size_t calleeIndex, int argc,
                     int line)
{
    std::vector<Value> args(std::make_move_iterator(fiber.stack.end() - argc),
                            std::make_move_iterator(fiber.stack.end()));
    fiber.stack.resize(calleeIndex + 1);
    return native.function(*this, args, line);
}

void Vm::invoke(Fiber &fiber, std::size_t receiverIndex, const QString &name, int argc, int line)
{
    const Value receiver = fiber.stack[receiverIndex];
    if (argc == 0 && (name == QLatin1String("__callable") || name == QLatin1String("__isArray"))) {
        // Type tests for the prelude (src/runtime/prelude.cpp), on every value.
        const bool answer = name == QLatin1String("__callable") ? receiver.isCallable() : receiver.isArray();
        fiber.stack.resize(receiverIndex);
        fiber.stack.emplace_back(answer);
        return;
    }
    switch (receiver.type()) {
    case Value::Type::Object: {
        const Value *property = receiver.asObject()->get(name);
        if (!property) {
            const auto &scripted = m_scriptMethods[std::size_t(Value::Type::Object)];
            if (const auto found = scripted.constFind(name); found != scripted.cend()) {
                callScriptMethod(fiber, found.value(), receiverIndex, argc, line);
                return;
            }
            // Havel's object methods (`o.has(k)`, `o.keys()`), unless a key of that name
            // shadows them.
            const auto &methods = m_methods[std::size_t(Value::Type::Object)];
            const auto it = methods.constFind(name);
            if (it == methods.cend())
                fail(line, QStringLiteral("Object has no method '%1'.").arg(name));
            std::vector<Value> args(std::make_move_iterator(fiber.stack.end() - argc),
                                    std::make_move_iterator(fiber.stack.end()));
            fiber.stack.resize(receiverIndex + 1);
            Value result = it.value()(*this, receiver, args, line);
            fiber.stack.resize(receiverIndex);
            fiber.stack.push_back(std::move(result));
            return;
        }
        fiber.stack[receiverIndex] = *property;
        callValue(fiber, receiverIndex, argc, line);
        return;
    }
    case Value::Type::Native:
        fiber.stack[receiverIndex] = getMember(receiver, name, line);
        callValue(fiber, receiverIndex, argc, line);
        return;
    case Value::Type::Handle: {
        std::vector<Value> args(std::make_move_iterator(fiber.stack.end() - argc),
                                std::make_move_iterator(fiber.stack.end()));
        fiber.stack.resize(receiverIndex + 1);
        Value result = m_host.callHandleMethod(receiver.asHandle(), name, args, line);
        fiber.stack.resize(receiverIndex);
        fiber.stack.push_back(std::move(result));
        return;
    }
    default: {
        const auto &scripted = m_scriptMethods[std::size_t(receiver.type())];
        if (const auto found = scripted.constFind(name); found != scripted.cend()) {
            callScriptMethod(fiber, found.value(), receiverIndex, argc, line);
            return;
        }
        const auto &methods = m_methods[std::size_t(receiver.type())];
        const auto it = methods.constFind(name);
        if (it == methods.cend() && name == QLatin1String("is_nil") && argc == 0) {
            // Havel's `v.is_nil()`, on every value.
            fiber.stack.resize(receiverIndex);
            fiber.stack.emplace_back(receiver.isNull());
            return;
        }
        if (it == methods.cend())
            fail(line, QStringLiteral("%1 has no method '%2'.").arg(receiver.typeName(), name));
        std::vector<Value> args(std::make_move_iterator(fiber.stack.end() - argc),
                                std::make_move_iterator(fiber.stack.end()));
        fiber.stack.resize(receiverIndex + 1);
        Value result = it.value()(*this, receiver, args, line);
        fiber.stack.resize(receiverIndex);
        fiber.stack.push_back(std::move(result));
        return;
    }
    }
}

// --- the dispatch loop ----------------------------------------------------------------------

void Vm::execute(Fiber &fiber)
{
    Fiber *const previous = m_current;
    m_current = &fiber;
    fiber.state = Fiber::State::Running;
    m_sliceClock.start();
    m_budget = kBudgetCheckEvery;
    // The outermost slice is where the thread leaves its event loop (nested ones run from a
    // built-in inside a slice). Busy lasts until no fiber is left to run: a fiber preempted by
    // its budget (it goes back to the run queue) keeps the VM busy, so a spinning callback
    // shows as busy for as long as it spins, not for one slice.
    if (!previous)
        m_host.busyStarted();
    m_host.atLine(lineOf(fiber));
    struct Restore
    {
        Vm *vm;
        Fiber *fiber;
        Fiber *previous;
        ~Restore()
        {
            vm->m_current = previous;
            if (!previous && fiber->state != Fiber::State::Runnable && vm->m_runQueue.empty())
                vm->m_host.busyEnded();
        }
    } restore{this, &fiber, previous};

    std::vector<Value> &stack = fiber.stack;
    Value tailCaller; // see Op::TailCall
    const std::uint8_t *ip = nullptr;
    const std::uint8_t *opStart = nullptr;
    Fiber::Frame *frame = nullptr;
    const FunctionProto *proto = nullptr;

    auto lineAt = [&](const std::uint8_t *at) {
        if (!proto || !at)
            return 0;
        return proto->chunk.lines[std::size_t(at - proto->chunk.code.data())];
    };
    auto load = [&] {
        frame = &fiber.frames.back();
        ip = frame->ip;
        proto = frame->closure->proto.get();
    };

    // A fresh fiber: call its callable with the arguments above it (a built-in ends right
    // there).
    if (fiber.frames.empty()) {
        try {
            callValue(fiber, 0, int(fiber.stack.size()) - 1, 0);
        } catch (RuntimeError &error) {
            finish(fiber, &error);
            return;
        } catch (const StopUnwind &) {
            finish(fiber, nullptr);
            return;
        }
        if (fiber.frames.empty()) {
            if (fiber.state == Fiber::State::Running)
                finish(fiber, nullptr);
            return;
        }
    }
    load();

    //! Sends @p error to the innermost handler of this fiber; false when there is none and
    //! the fiber has ended with it.
    auto unwind = [&](RuntimeError &error) {
        if (error.line < 0)
            error.line = lineAt(opStart);
        if (proto && proto->library) // the prelude's own code: point at the script's call
            error.line = userLine(fiber);
        if (fiber.handlers.empty()) {
            finish(fiber, &error);
            return false;
        }
        const Fiber::Handler handler = fiber.handlers.back();
        fiber.handlers.pop_back();
        fiber.frames.resize(handler.frames);
        if (fiber.atomicDepth > 0)
            fiber.atomicDepth = int(std::count_if(fiber.frames.begin(), fiber.frames.end(),
                                                  [](const Fiber::Frame &f) { return f.atomic; }));
        closeUpvalues(fiber, handler.stack);
        stack.resize(handler.stack);
        stack.push_back(error.isThrow ? error.thrown : Value(error.message));
        stack.emplace_back(qint64(error.line) * 2 + (error.isThrow ? 1 : 0));
        load();
        ip = handler.target;
        return true;
    };

#define READ_U8() (*ip++)
#define READ_U16() (ip += 2, std::uint16_t(ip[-2] | (ip[-1] << 8)))
#define READ_U32() (ip += 4, std::uint32_t(ip[-4] | (ip[-3] << 8) | (ip[-2] << 16) | (std::uint32_t(ip[-1]) << 24)))
#define LOCAL(n) stack[frame->base + (n)]
#define SAVE_IP() (frame->ip = ip)
#define NOTE_ALLOCATION() \
    if (++m_allocations >= kAllocationsPerHeapCheck) \
        checkHeap(0, -1)
// At a backward jump and after a call returns: a fiber past its budget goes back to the run
// queue (it stays Runnable), so due timer callbacks run before it goes on.
#define YIELD_IF_SLICE_SPENT() \
    if (--m_budget <= 0 && budgetExpired(lineAt(ip))) { \
        SAVE_IP(); \
        fiber.state = Fiber::State::Runnable; \
        return; \
    }

    for (;;) {
        try {
            if (fiber.pendingError) {
                RuntimeError error = std::move(*fiber.pendingError);
                fiber.pendingError.reset();
                throw error;
            }
            for (;;) {
                opStart = ip;
                switch (Op(READ_U8())) {
                case Op::Constant:
                    stack.push_back(proto->chunk.constants[READ_U32()]);
                    break;
                case Op::Null: stack.emplace_back(); break;
                case Op::True: stack.emplace_back(true); break;
                case Op::False: stack.emplace_back(false); break;
                case Op::Undefined: stack.push_back(Value::undefined()); break;
                case Op::Pop: stack.pop_back(); break;
                case Op::PopN: {
                    const std::uint16_t n = READ_U16();
                    stack.resize(stack.size() - n);
                    break;
                }
                case Op::PopUnder: {
                    const std::uint16_t n = READ_U16();
                    Value top = std::move(stack.back());
                    stack.resize(stack.size() - 1 - n);
                    stack.push_back(std::move(top));
                    break;
                }
                case Op::Dup: stack.push_back(stack.back()); break;
                case Op::Dup2: {
                    const std::size_t size = stack.size();
                    stack.push_back(stack[size - 2]);
                    stack.push_back(stack[size - 1]);
                    break;
                }
                case Op::GetLocal:
                    stack.push_back(LOCAL(READ_U16()));
                    break;
                case Op::GetLocalChecked: {
                    const std::uint16_t slot = READ_U16();
                    const std::uint32_t name = READ_U32();
                    if (LOCAL(slot).isUndefined())
                        fail(-1, QStringLiteral("Undefined variable '%1'.").arg(proto->chunk.names.at(name)));
                    stack.push_back(LOCAL(slot));
                    break;
                }
                case Op::SetLocal:
                    LOCAL(READ_U16()) = stack.back();
                    break;
                case Op::GetUpvalue: {
                    const std::uint16_t index = READ_U16();
                    const Value &value = upvalueRef(*frame->closure->upvalues[index]);
                    if (value.isUndefined())
                        fail(-1, QStringLiteral("Undefined variable '%1'.").arg(proto->upvalueNames.at(index)));
                    stack.push_back(value);
                    break;
                }
                case Op::SetUpvalue:
                    upvalueRef(*frame->closure->upvalues[READ_U16()]) = stack.back();
                    break;
                case Op::GetGlobal: {
                    const std::uint32_t index = READ_U32();
                    const Value &value = m_globals[index];
                    if (value.isUndefined())
                        fail(-1, QStringLiteral("Undefined variable '%1'.").arg(m_globalNames.at(int(index))));
                    stack.push_back(value);
                    break;
                }
                case Op::SetGlobal:
                    m_globals[READ_U32()] = stack.back();
                    break;
                case Op::AppendLocal:
                case Op::AppendUpvalue:
                case Op::AppendGlobal: {
                    // `x += v`: a string nothing else shares grows in place, so that building
                    // a string in a loop is linear, not quadratic.
                    const Op op = Op(*opStart);
                    Value *target;
                    if (op == Op::AppendLocal) {
                        target = &LOCAL(READ_U16());
                    } else if (op == Op::AppendUpvalue) {
                        const std::uint16_t index = READ_U16();
                        target = &upvalueRef(*frame->closure->upvalues[index]);
                        if (target->isUndefined())
                            fail(-1, QStringLiteral("Undefined variable '%1'.").arg(proto->upvalueNames.at(index)));
                    } else {
                        const std::uint32_t index = READ_U32();
                        target = &m_globals[index];
                        if (target->isUndefined())
                            fail(-1, QStringLiteral("Undefined variable '%1'.").arg(m_globalNames.at(int(index))));
                    }
                    Value &right = stack.back();
                    NOTE_ALLOCATION();
                    if (right.isString() && target->isString()
                        && qint64(target->asString().size() + right.asString().size()) * 2 > kLargeAllocation)
                        checkHeap(qint64(right.asString().size()) * 2, -1);
                    if (QString *text = target->mutableString()) {
                        if (right.isString())
                            text->append(right.asString());
                        else
                            text->append(toText(right));
                        right = *target;
                    } else if (target->isInt() && right.isInt()) {
                        *target = addInts(target->asInt(), right.asInt());
                        right = *target;
                    } else if (right.isString()) {
                        *target = toText(*target) + right.asString();
                        right = *target;
                    } else if (target->isNumber() && right.isNumber()) {
                        *target = target->asNumber() + right.asNumber();
                        right = *target;
                    } else if (target->isArray() && right.isArray()) {
                        std::vector<Value> items = target->asArray()->items;
                        items.insert(items.end(), right.asArray()->items.begin(), right.asArray()->items.end());
                        *target = Value(makeRef<Array>(&m_heap, std::move(items)));
                        right = *target;
                    } else {
                        fail(-1, QStringLiteral("Operands of '+' must be numbers or strings, not %1 and %2.")
                                         .arg(target->typeName(), right.typeName()));
                    }
                    break;
                }
                case Op::GetMember: {
                    const QString &name = proto->chunk.names.at(READ_U32());
                    SAVE_IP();
                    Value result = getMember(stack.back(), name, lineAt(opStart));
                    stack.back() = std::move(result);
                    break;
                }
                case Op::SetMember: {
                    const QString &name = proto->chunk.names.at(READ_U32());
                    Value value = std::move(stack.back());
                    stack.pop_back();
                    setMember(stack.back(), name, value, -1);
                    stack.back() = std::move(value);
                    break;
                }
                case Op::GetIndex: {
                    Value index = std::move(stack.back());
                    stack.pop_back();
                    Value result = getIndex(stack.back(), index, -1);
                    stack.back() = std::move(result);
                    break;
                }
                case Op::SetIndex: {
                    const std::size_t size = stack.size();
                    setIndex(stack[size - 3], stack[size - 2], stack[size - 1], -1);
                    Value value = std::move(stack.back());
                    stack.resize(size - 3);
                    stack.push_back(std::move(value));
                    break;
                }
                case Op::IncDec: {
                    const bool increment = READ_U8();
                    stack.back() = incDec(stack.back(), increment, -1);
                    break;
                }
                case Op::IncDecMember: {
                    const QString &name = proto->chunk.names.at(READ_U32());
                    const bool increment = READ_U8();
                    const Value object = stack.back();
                    Value current = getMember(object, name, lineAt(opStart));
                    setMember(object, name, incDec(current, increment, -1), -1);
                    stack.back() = std::move(current);
                    break;
                }
                case Op::IncDecIndex: {
                    const bool increment = READ_U8();
                    const std::size_t size = stack.size();
                    Value current = getIndex(stack[size - 2], stack[size - 1], -1);
                    setIndex(stack[size - 2], stack[size - 1], incDec(current, increment, -1), -1);
                    stack.resize(size - 2);
                    stack.push_back(std::move(current));
                    break;
                }
                case Op::Add: {
                    Value &left = stack[stack.size() - 2];
                    const Value &right = stack.back();
                    if (left.isInt() && right.isInt()) {
                        left = addInts(left.asInt(), right.asInt());
                    } else if (left.isString() || right.isString()) {
                        NOTE_ALLOCATION();
                        QString text = toText(left);
                        const QString tail = toText(right);
                        if (qint64(text.size() + tail.size()) * 2 > kLargeAllocation)
                            checkHeap(qint64(text.size() + tail.size()) * 2, -1);
                        text += tail;
                        left = std::move(text);
                    } else if (left.isNumber() && right.isNumber()) {
                        left = left.asNumber() + right.asNumber();
                    } else if (left.isArray() && right.isArray()) {
                        std::vector<Value> items = left.asArray()->items;
                        items.insert(items.end(), right.asArray()->items.begin(), right.asArray()->items.end());
                        left = Value(makeRef<Array>(&m_heap, std::move(items)));
                    } else {
                        fail(-1, QStringLiteral("Operands of '+' must be numbers or strings, not %1 and %2.")
                                         .arg(left.typeName(), right.typeName()));
                    }
                    stack.pop_back();
                    break;
                }
                case Op::Sub:
                case Op::Mul:
                case Op::Div:
                case Op::Mod:
                case Op::Pow: {
                    const Op op = Op(*opStart);
                    const bool compound = READ_U8();
                    Value &left = stack[stack.size() - 2];
                    const Value &right = stack.back();
                    if (op == Op::Sub && left.isInt() && right.isInt())
                        left = subInts(left.asInt(), right.asInt());
                    else if (op == Op::Mul && left.isInt() && right.isInt())
                        left = mulInts(left.asInt(), right.asInt());
                    else
                        left = arithmetic(op, left, right, compound);
                    stack.pop_back();
                    break;
                }
                case Op::Equal:
                case Op::NotEqual: {
                    const bool equal = stack[stack.size() - 2].equals(stack.back());
                    stack.pop_back();
                    stack.back() = Op(*opStart) == Op::Equal ? equal : !equal;
                    break;
                }
                case Op::Less:
                case Op::LessEqual:
                case Op::Greater:
                case Op::GreaterEqual: {
                    Value &left = stack[stack.size() - 2];
                    const Value &right = stack.back();
                    bool result;
                    if (left.isInt() && right.isInt()) {
                        const qint64 a = left.asInt(), b = right.asInt();
                        switch (Op(*opStart)) {
                        case Op::Less: result = a < b; break;
                        case Op::LessEqual: result = a <= b; break;
                        case Op::Greater: result = a > b; break;
                        default: result = a >= b; break;
                        }
                    } else {
                        result = compare(Op(*opStart), left, right);
                    }
                    left = result;
                    stack.pop_back();
                    break;
                }
                case Op::Range: {
                    const Value &left = stack[stack.size() - 2];
                    const Value &right = stack.back();
                    if (!left.isInt() || !right.isInt())
                        fail(-1, QStringLiteral("Range bounds must be integers."));
                    const qint64 from = left.asInt(), to = right.asInt();
                    if (to >= from && (to - from) > 10'000'000)
                        fail(-1, QStringLiteral("Range %1..%2 is too large.").arg(from).arg(to));
                    std::vector<Value> items;
                    if (to >= from) {
                        checkHeap((to - from + 1) * qint64(sizeof(Value)), -1);
                        items.reserve(std::size_t(to - from + 1));
                    }
                    for (qint64 i = from; i <= to; ++i) {
                        items.emplace_back(i);
                        if (i == std::numeric_limits<qint64>::max())
                            break;
                    }
                    stack.pop_back();
                    stack.back() = Value(makeRef<Array>(&m_heap, std::move(items)));
                    break;
                }
                case Op::Not:
                    stack.back() = !stack.back().isTruthy();
                    break;
                case Op::BitAnd:
                case Op::BitOr:
                case Op::BitXor:
                case Op::ShiftLeft:
                case Op::ShiftRight:
                    stack[stack.size() - 2] = bitwise(Op(*opStart), stack[stack.size() - 2], stack.back());
                    stack.pop_back();
                    break;
                case Op::BitNot:
                    if (!stack.back().isInt())
                        fail(-1, QStringLiteral("Operand of '~' must be an integer, not %1.").arg(stack.back().typeName()));
                    stack.back() = ~stack.back().asInt();
                    break;
                case Op::Length:
                    stack.back() = lengthOf(stack.back());
                    break;
                case Op::Negate: {
                    Value &operand = stack.back();
                    if (operand.isInt())
                        operand = operand.asInt() == std::numeric_limits<qint64>::min()
                                ? Value(-double(operand.asInt())) : Value(-operand.asInt());
                    else if (operand.isFloat())
                        operand = -operand.asFloat();
                    else
                        fail(-1, QStringLiteral("Operand of '-' must be a number, not %1.").arg(operand.typeName()));
                    break;
                }
                case Op::Interpolate: {
                    NOTE_ALLOCATION();
                    const std::uint32_t count = READ_U32();
                    QString text;
                    const std::size_t first = stack.size() - count;
                    for (std::size_t i = first; i < stack.size(); ++i)
                        text += stack[i].isString() ? stack[i].asString() : toText(stack[i]);
                    stack.resize(first);
                    stack.emplace_back(std::move(text));
                    break;
                }
                case Op::Jump: {
                    const std::uint32_t target = READ_U32();
                    ip = proto->chunk.code.data() + target;
                    break;
                }
                case Op::JumpIfFalse: {
                    const std::uint32_t target = READ_U32();
                    if (!stack.back().isTruthy())
                        ip = proto->chunk.code.data() + target;
                    stack.pop_back();
                    break;
                }
                case Op::JumpIfTrueKeep:
                case Op::JumpIfFalseKeep:
                case Op::JumpIfNotNullKeep: {
                    const std::uint32_t target = READ_U32();
                    const Value &value = stack.back();
                    const Op op = Op(*opStart);
                    const bool jump = op == Op::JumpIfTrueKeep ? value.isTruthy()
                            : op == Op::JumpIfFalseKeep ? !value.isTruthy()
                                                        : !value.isNull();
                    if (jump)
                        ip = proto->chunk.code.data() + target;
                    else
                        stack.pop_back();
                    break;
                }
                case Op::Loop: {
                    const std::uint32_t target = READ_U32();
                    ip = proto->chunk.code.data() + target;
                    YIELD_IF_SLICE_SPENT();
                    break;
                }
                case Op::RangeIterInit: {
                    const std::size_t size = stack.size();
                    if (!stack[size - 2].isInt() || !stack[size - 1].isInt())
                        fail(-1, QStringLiteral("Range bounds must be integers."));
                    break;
                }
                case Op::RangeIterNext: {
                    const std::uint16_t slot = READ_U16();
                    const std::uint32_t exit = READ_U32();
                    Value &current = LOCAL(slot);
                    if (current.isNull() || current.asInt() > LOCAL(slot + 1).asInt()) {
                        ip = proto->chunk.code.data() + exit;
                        break;
                    }
                    const qint64 i = current.asInt();
                    stack.emplace_back(i);
                    current = i == std::numeric_limits<qint64>::max() ? Value() : Value(i + 1);
                    break;
                }
                case Op::IterInit: {
                    Value iterable = std::move(stack.back());
                    stack.pop_back();
                    if (iterable.isArray()) {
                        stack.push_back(std::move(iterable)); // by index: the body may grow it
                    } else if (iterable.isObject()) {
                        std::vector<Value> keys;
                        for (const QString &key : iterable.asObject()->keys())
                            keys.emplace_back(key);
                        stack.emplace_back(makeRef<Array>(&m_heap, std::move(keys)));
                    } else if (iterable.isString()) {
                        std::vector<Value> chars;
                        for (const uint cp : iterable.asString().toUcs4()) {
                            const char32_t c = char32_t(cp);
                            chars.emplace_back(QString::fromUcs4(&c, 1));
                        }
                        stack.emplace_back(makeRef<Array>(&m_heap, std::move(chars)));
                    } else {
                        fail(-1, QStringLiteral("Can only iterate over a range, array, object or string, not %1.")
                                         .arg(iterable.typeName()));
                    }
                    stack.emplace_back(qint64(0));
                    break;
                }
                case Op::IterNext: {
                    const std::uint16_t slot = READ_U16();
                    const std::uint32_t exit = READ_U32();
                    const auto &items = LOCAL(slot).asArray()->items;
                    const qint64 index = LOCAL(slot + 1).asInt();
                    if (index >= qint64(items.size())) {
                        ip = proto->chunk.code.data() + exit;
                        break;
                    }
                    Value item = items[std::size_t(index)];
                    LOCAL(slot + 1) = index + 1;
                    stack.push_back(std::move(item));
                    break;
                }
                case Op::Call:
                case Op::Invoke: {
                    const bool isInvoke = Op(*opStart) == Op::Invoke;
                    const QString *name = isInvoke ? &proto->chunk.names.at(READ_U32()) : nullptr;
                    const int argc = READ_U16();
                    SAVE_IP();
                    const std::size_t calleeIndex = stack.size() - std::size_t(argc) - 1;
                    const std::size_t frames = fiber.frames.size();
                    const int line = lineAt(opStart);
                    if (isInvoke)
                        invoke(fiber, calleeIndex, *name, argc, line);
                    else
                        callValue(fiber, calleeIndex, argc, line);
                    if (fiber.state != Fiber::State::Running) // a built-in parked it
                        return;
                    if (fiber.frames.size() != frames) {
                        load();
                        YIELD_IF_SLICE_SPENT();
                    }
                    break;
                }
                case Op::TailCall: {
                    const int argc = READ_U16();
                    SAVE_IP();
                    std::size_t calleeIndex = stack.size() - std::size_t(argc) - 1;
                    const std::size_t frames = fiber.frames.size();
                    const Value &callee = stack[calleeIndex];
                    bool replaced = false;
                    if (callee.type() == Value::Type::Closure && !callee.asClosure()->proto->isGenerator
                        && !frame->atomic) {
                        // The callee takes this frame's place: its slots move down to our base.
                        // The function we leave stays alive until the call is made (proto
                        // points into it, and an error in the call reads its lines).
                        const std::size_t base = frame->base;
                        tailCaller = stack[base];
                        replaced = true;
                        closeUpvalues(fiber, base);
                        std::move(stack.begin() + std::ptrdiff_t(calleeIndex), stack.end(),
                                  stack.begin() + std::ptrdiff_t(base));
                        stack.resize(base + std::size_t(argc) + 1);
                        fiber.frames.pop_back();
                        calleeIndex = base;
                    }
                    callValue(fiber, calleeIndex, argc, lineAt(opStart));
                    if (fiber.state != Fiber::State::Running)
                        return;
                    if (replaced || fiber.frames.size() != frames) {
                        load();
                        YIELD_IF_SLICE_SPENT();
                    }
                    break;
                }
                case Op::Closure: {
                    NOTE_ALLOCATION();
                    const auto &function = proto->chunk.functions[READ_U32()];
                    auto closure = makeRef<Closure>(&m_heap, function);
                    closure->upvalues.reserve(function->upvalues.size());
                    for (const auto &source : function->upvalues) {
                        if (source.fromLocal)
                            closure->upvalues.push_back(captureUpvalue(fiber, frame->base + source.index));
                        else
                            closure->upvalues.push_back(frame->closure->upvalues[source.index]);
                    }
                    stack.emplace_back(std::move(closure));
                    break;
                }
                case Op::CloseUpvalues:
                    closeUpvalues(fiber, frame->base + READ_U16());
                    break;
                case Op::Return: {
                    Value result = std::move(stack.back());
                    const std::size_t base = frame->base;
                    closeUpvalues(fiber, base);
                    while (!fiber.handlers.empty() && fiber.handlers.back().frames >= fiber.frames.size())
                        fiber.handlers.pop_back();
                    if (frame->atomic)
                        --fiber.atomicDepth;
                    fiber.frames.pop_back();
                    stack.resize(base);
                    if (fiber.frames.empty()) {
                        fiber.result = std::move(result);
                        finish(fiber, nullptr);
                        return;
                    }
                    stack.push_back(std::move(result));
                    load();
                    break;
                }
                case Op::Array: {
                    NOTE_ALLOCATION();
                    const std::uint32_t count = READ_U32();
                    const std::size_t first = stack.size() - count;
                    std::vector<Value> items(std::make_move_iterator(stack.begin() + std::ptrdiff_t(first)),
                                             std::make_move_iterator(stack.end()));
                    stack.resize(first);
                    stack.emplace_back(makeRef<Array>(&m_heap, std::move(items)));
                    break;
                }
                case Op::Object: {
                    NOTE_ALLOCATION();
                    const std::uint32_t count = READ_U32();
                    const std::uint32_t firstName = READ_U32();
                    const std::size_t first = stack.size() - count;
                    auto object = makeRef<Object>(&m_heap);
                    for (std::uint32_t i = 0; i < count; ++i)
                        object->set(proto->chunk.names.at(firstName + i), std::move(stack[first + i]));
                    stack.resize(first);
                    stack.emplace_back(std::move(object));
                    break;
                }
                case Op::TryBegin: {
                    const std::uint32_t target = READ_U32();
                    fiber.handlers.push_back({fiber.frames.size(), stack.size(),
                                              proto->chunk.code.data() + target});
                    break;
                }
                case Op::TryEnd:
                    fiber.handlers.pop_back();
                    break;
                case Op::Throw: {
                    RuntimeError error;
                    error.line = lineAt(opStart);
                    error.thrown = std::move(stack.back());
                    stack.pop_back();
                    error.message = toText(error.thrown);
                    error.isThrow = true;
                    throw error;
                }
                case Op::Rethrow: {
                    const qint64 info = stack.back().asInt();
                    stack.pop_back();
                    RuntimeError error;
                    error.line = int(info >> 1);
                    error.isThrow = info & 1;
                    if (error.isThrow) {
                        error.thrown = std::move(stack.back());
                        error.message = toText(error.thrown);
                    } else {
                        error.message = stack.back().asString();
                    }
                    stack.pop_back();
                    throw error;
                }
                case Op::TimerBlock: {
                    const bool isInterval = READ_U8();
                    SAVE_IP();
                    const std::size_t size = stack.size();
                    Value handle = m_host.createTimerBlock(isInterval, stack[size - 2], stack[size - 1],
                                                           lineAt(opStart));
                    stack.resize(size - 2);
                    stack.push_back(std::move(handle));
                    break;
                }
                case Op::StoreTimerId: {
                    const std::uint16_t slot = READ_U16();
                    LOCAL(slot) = qint64(stack.back().asHandle()->id);
                    break;
                }
                case Op::Go: {
                    const int argc = READ_U16();
                    const bool thread = READ_U8();
                    SAVE_IP();
                    startTask(fiber, stack.size() - std::size_t(argc) - 1, thread);
                    break;
                }
                case Op::Send: {
                    SAVE_IP();
                    Value value = std::move(stack.back());
                    stack.pop_back();
                    const Value target = std::move(stack.back());
                    stack.pop_back();
                    // `t <- msg` on a thread goes to its mailbox.
                    Channel *channel = target.isChannel() ? target.asChannel()
                            : target.isTask() && target.asTask()->mailbox ? target.asTask()->mailbox.get()
                                                                          : nullptr;
                    if (!channel)
                        fail(-1, QStringLiteral("Cannot send to %1: '<-' sends on a channel or a thread.").arg(target.typeName()));
                    channelSend(fiber, *channel, std::move(value), lineAt(opStart));
                    if (fiber.state != Fiber::State::Running)
                        return;
                    break;
                }
                case Op::Receive:
                case Op::Await: {
                    SAVE_IP();
                    const Value source = std::move(stack.back());
                    stack.pop_back();
                    // `<- v` on anything but a channel or a task gives v (Havel's smoke suite:
                    // `x = <-42`, `<-sleep(1)`, `<-f()` on a `co fn` that already returned).
                    if (Op(*opStart) == Op::Receive && !source.isChannel() && !source.isTask())
                        stack.push_back(source);
                    else
                        await(fiber, source, lineAt(opStart));
                    if (fiber.state != Fiber::State::Running)
                        return;
                    break;
                }
                case Op::Yield: {
                    SAVE_IP();
                    Value value = std::move(stack.back());
                    stack.back() = Value(); // what `yield` gives when resumed
                    const auto task = Ref<Task>(fiber.task);
                    if (!fiber.isCoroutine || !task)
                        fail(-1, QStringLiteral("Can only yield inside a coroutine."));
                    fiber.state = Fiber::State::Parked;
                    fiber.parkToken = m_nextParkToken++;
                    if (!fiber.blocked) {
                        fiber.blocked = true; // suspended: only a resume continues it
                        if (m_fibers.count(&fiber))
                            ++m_blocked;
                    }
                    task->result = value;
                    // Hand the value to the resumer and run it next.
                    if (const auto resumer = task->resumer.fiber.lock()) {
                        if (wakeWith(task->resumer, std::move(value))) {
                            m_runQueue.erase(std::remove(m_runQueue.begin(), m_runQueue.end(), resumer),
                                             m_runQueue.end());
                            m_switchTo = resumer;
                        }
                    }
                    task->resumer = Waiting();
                    return;
                }
                case Op::AtStop: {
                    const Value id = std::move(stack.back());
                    if (id.isInt())
                        m_host.stopTimer(quint64(id.asInt()));
                    stack.back() = Value();
                    break;
                }
                }
            }
        } catch (RuntimeError &error) {
            if (!unwind(error))
                return;
        } catch (const std::bad_alloc &) {
            // Past what the system would give: the same catchable error as the limit.
            RuntimeError error;
            error.line = -1;
            error.message = QStringLiteral("OutOfMemory: an allocation failed");
            if (!unwind(error))
                return;
        } catch (const StopUnwind &) {
            finish(fiber, nullptr);
            return;
        }
    }
#undef READ_U8
#undef READ_U16
#undef READ_U32
#undef LOCAL
#undef SAVE_IP
#undef NOTE_ALLOCATION
#undef YIELD_IF_SLICE_SPENT
}

// --- tasks, coroutines, channels -----------------------------------------------------------

void Vm::startTask(Fiber &fiber, std::size_t calleeIndex, bool thread)
{
    if (!fiber.stack[calleeIndex].isCallable())
        fail(-1, QStringLiteral("go: expected a function call, not %1.").arg(fiber.stack[calleeIndex].typeName()));
    auto taskFiber = std::make_shared<Fiber>();
    taskFiber->stack.assign(std::make_move_iterator(fiber.stack.begin() + std::ptrdiff_t(calleeIndex)),
                            std::make_move_iterator(fiber.stack.end()));
    fiber.stack.resize(calleeIndex);
    auto task = makeRef<Task>(&m_heap, Task::Kind::Go, taskFiber);
    if (thread)
        task->mailbox = makeRef<Channel>(&m_heap, std::numeric_limits<std::size_t>::max());
    taskFiber->onDone = [this](Fiber &ended, const RuntimeError *error) { taskEnded(ended, error); };
    m_fibers.emplace(taskFiber.get(), taskFiber);
    // The task's first call happens when it first runs (execute() calls slot 0 with the
    // arguments above it).
    taskFiber->state = Fiber::State::Parked; // the arguments are on its stack, above the callee
    schedule(taskFiber);
    fiber.stack.emplace_back(std::move(task));
}

void Vm::taskEnded(Fiber &fiber, const RuntimeError *error)
{
    if (error)
        m_host.printError(QStringLiteral("[line %1] RuntimeError in task: %2\n").arg(error->line).arg(error->message));
    const auto task = Ref<Task>(fiber.task);
    if (task) {
        task->done = true;
        task->result = error ? Value() : fiber.result;
        task->dropFiber();
        for (const Waiting &waiting : std::exchange(task->waiters, {}))
            wakeWith(waiting, task->result);
    }
    fiber.result = Value();
    m_host.tasksChanged();
}

void Vm::coroutineEnded(Fiber &fiber, const RuntimeError *error)
{
    const auto task = Ref<Task>(fiber.task);
    if (!task)
        return;
    task->done = true;
    task->result = error ? Value() : fiber.result;
    fiber.result = Value();
    const Waiting resumer = std::exchange(task->resumer, Waiting());
    task->dropFiber();
    if (const auto next = resumer.fiber.lock()) {
        // The value (or the error) goes to whoever resumed it, which runs next.
        if (error)
            next->pendingError = *error;
        if (wakeWith(resumer, task->result)) {
            m_runQueue.erase(std::remove(m_runQueue.begin(), m_runQueue.end(), next), m_runQueue.end());
            m_switchTo = next;
        }
    } else if (error) {
        m_host.printError(QStringLiteral("[line %1] RuntimeError in coroutine: %2\n").arg(error->line).arg(error->message));
    }
}

void Vm::resume(Fiber &fiber, const Ref<Task> &task)
{
    fiber.stack.emplace_back(); // the placeholder for the value that comes back
    if (task->done || !task->fiber)
        return;
    const std::shared_ptr<Fiber> coroutine = task->fiber;
    if (coroutine->state != Fiber::State::Parked || task->resumer.fiber.lock())
        fail(-1, QStringLiteral("This coroutine is already running."));
    if (coroutine.get() == &fiber)
        fail(-1, QStringLiteral("A coroutine cannot resume itself."));
    parkCurrent(true);
    task->resumer = waitingFor(fiber);
    if (!m_fibers.count(coroutine.get())) {
        m_fibers.emplace(coroutine.get(), coroutine);
        if (coroutine->blocked)
            ++m_blocked;
    }
    unblock(*coroutine);
    coroutine->state = Fiber::State::Runnable;
    m_switchTo = coroutine;
}

void Vm::await(Fiber &fiber, const Value &value, int line)
{
    switch (value.type()) {
    case Value::Type::Task: {
        const Ref<Task> task = value.asTask();
        if (task->kind == Task::Kind::Coroutine) {
            resume(fiber, task);
            return;
        }
        if (task->done) {
            fiber.stack.push_back(task->result);
            return;
        }
        fiber.stack.emplace_back();
        parkCurrent(true);
        task->waiters.push_back(waitingFor(fiber));
        return;
    }
    case Value::Type::Channel:
        channelReceive(fiber, *value.asChannel());
        return;
    case Value::Type::Handle:
        fiber.stack.push_back(m_host.awaitTimer(value.asHandle()->id, line));
        return;
    case Value::Type::Int:
        // timer.setTimeout(...) gives the timer's id.
        fiber.stack.push_back(value.asInt() > 0 ? m_host.awaitTimer(quint64(value.asInt()), line) : value);
        return;
    default:
        fiber.stack.push_back(value); // awaiting a plain value gives it
        return;
    }
}

void Vm::channelSend(Fiber &fiber, Channel &channel, Value value, int line)
{
    if (channel.closed)
        fail(line, QStringLiteral("Cannot send on a closed channel."));
    while (!channel.receivers.empty()) {
        const Waiting receiver = channel.receivers.front();
        channel.receivers.pop_front();
        if (wakeWith(receiver, value)) {
            fiber.stack.emplace_back();
            return;
        }
    }
    fiber.stack.emplace_back();
    if (channel.buffer.size() < channel.capacity) {
        channel.buffer.push_back(std::move(value));
        return;
    }
    parkCurrent(true);
    channel.senders.push_back({waitingFor(fiber), std::move(value)});
}

void Vm::channelReceive(Fiber &fiber, Channel &channel)
{
    auto wakeSender = [this, &channel]() -> std::optional<Value> {
        while (!channel.senders.empty()) {
            Channel::Sender sender = std::move(channel.senders.front());
            channel.senders.pop_front();
            if (wakeWith(sender.waiting, Value()))
                return std::move(sender.value);
        }
        return std::nullopt;
    };
    if (!channel.buffer.empty()) {
        Value value = std::move(channel.buffer.front());
        channel.buffer.pop_front();
        if (std::optional<Value> next = wakeSender())
            channel.buffer.push_back(std::move(*next));
        fiber.stack.push_back(std::move(value));
        return;
    }
    if (std::optional<Value> value = wakeSender()) {
        fiber.stack.push_back(std::move(*value));
        return;
    }
    fiber.stack.emplace_back();
    if (channel.closed)
        return; // a closed, drained channel gives null
    parkCurrent(true);
    channel.receivers.push_back(waitingFor(fiber));
}

void Vm::channelClose(Channel &channel)
{
    channel.closed = true;
    for (const Waiting &receiver : std::exchange(channel.receivers, {}))
        wakeWith(receiver, Value());
    for (Channel::Sender &sender : std::exchange(channel.senders, {}))
        wakeWith(sender.waiting, Value());
}

// --- members and indexing ----------------------------------------------------------------

Value Vm::incDec(const Value &current, bool increment, int line)
{
    if (current.isInt())
        return increment ? addInts(current.asInt(), 1) : subInts(current.asInt(), 1);
    if (current.isFloat())
        return current.asFloat() + (increment ? 1.0 : -1.0);
    fail(line, QStringLiteral("Operand of '%1' must be a number, not %2.")
                       .arg(increment ? u"++" : u"--")
                       .arg(current.typeName()));
}

Value Vm::getMember(const Value &object, const QString &name, int line)
{
    switch (object.type()) {
    case Value::Type::Object: {
        const Value *value = object.asObject()->get(name);
        if (!value && (name == QLatin1String("len") || name == QLatin1String("length")))
            return qint64(object.asObject()->size()); // `s.len` of a set, unless a key says otherwise
        return value ? *value : Value();
    }
    case Value::Type::Native: {
        const auto &members = object.asNative()->members;
        const auto it = members.constFind(name);
        if (it != members.cend())
            return it.value();
        break;
    }
    case Value::Type::Array:
        if (name == QLatin1String("length") || name == QLatin1String("len"))
            return qint64(object.asArray()->items.size());
        return makeRef<BoundMethod>(&m_heap, object, name);
    case Value::Type::String:
        if (name == QLatin1String("length") || name == QLatin1String("len"))
            return qint64(object.asString().toUcs4().size());
        return makeRef<BoundMethod>(&m_heap, object, name);
    case Value::Type::Handle:
        return m_host.handleMember(object.asHandle(), name, line);
    case Value::Type::Closure: {
        // A function's own properties; one never set reads as null, as on an object.
        const Closure *closure = object.asClosure();
        if (closure->properties) {
            if (const Value *value = closure->properties->get(name))
                return *value;
        }
        if (name == QLatin1String("name"))
            return closure->proto->name;
        return Value();
    }
    default:
        break;
    }
    fail(line, QStringLiteral("Cannot read property '%1' of %2.").arg(name, object.typeName()));
}

void Vm::setMember(const Value &object, const QString &name, const Value &value, int line)
{
    if (object.type() == Value::Type::Closure) {
        Closure *closure = object.asClosure();
        if (!closure->properties)
            closure->properties = makeRef<Object>(&m_heap);
        closure->properties->set(name, value);
        return;
    }
    if (!object.isObject())
        fail(line, QStringLiteral("Cannot set property '%1' on %2.").arg(name, object.typeName()));
    object.asObject()->set(name, value);
}

Value Vm::getIndex(const Value &object, const Value &index, int line)
{
    if (object.isArray() || object.isString()) {
        if (!index.isInt())
            fail(line, QStringLiteral("Index must be an integer, not %1.").arg(index.typeName()));
        qint64 i = index.asInt();
        if (object.isArray()) {
            const auto &items = object.asArray()->items;
            if (i < 0)
                i += qint64(items.size());
            if (i < 0 || i >= qint64(items.size()))
                fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(items.size()));
            return items[std::size_t(i)];
        }
        const QList<uint> codePoints = object.asString().toUcs4();
        if (i < 0)
            i += codePoints.size();
        if (i < 0 || i >= codePoints.size())
            fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(codePoints.size()));
        const char32_t c = char32_t(codePoints.at(i));
        return QString::fromUcs4(&c, 1);
    }
    if (object.isObject()) {
        const QString key = index.isString() ? index.asString() : toText(index);
        const Value *value = object.asObject()->get(key);
        return value ? *value : Value();
    }
    fail(line, QStringLiteral("Cannot index %1.").arg(object.typeName()));
}

void Vm::setIndex(const Value &object, const Value &index, const Value &value, int line)
{
    if (object.isArray()) {
        if (!index.isInt())
            fail(line, QStringLiteral("Index must be an integer, not %1.").arg(index.typeName()));
        auto &items = object.asArray()->items;
        qint64 i = index.asInt();
        if (i < 0)
            i += qint64(items.size());
        if (i >= qint64(items.size()) && i < qint64(items.size()) + kMaxIndexGap) {
            // Past the end pads with null, as Havel does (`arr[3] = 5` on [1, 2]).
            items.resize(std::size_t(i));
            items.push_back(value);
            return;
        }
        if (i < 0 || i >= qint64(items.size()))
            fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(items.size()));
        items[std::size_t(i)] = value;
        return;
    }
    if (object.isObject()) {
        object.asObject()->set(index.isString() ? index.asString() : toText(index), value);
        return;
    }
    fail(line, QStringLiteral("Cannot assign to an index of %1.").arg(object.typeName()));
}

int Vm::lineOf(const Fiber &fiber)
{
    if (fiber.frames.empty())
        return 0;
    const Fiber::Frame &frame = fiber.frames.back();
    const Chunk &chunk = frame.closure->proto->chunk;
    const std::size_t at = std::size_t(frame.ip - chunk.code.data());
    // ip is past the instruction that parked; its last byte carries its line.
    return at > 0 && at <= chunk.lines.size() ? chunk.lines[at - 1] : 0;
}

// --- text ----------------------------------------------------------------------------------

QString Vm::toText(const Value &value)
{
    return toText(value, 0, false);
}

QString Vm::toText(const Value &value, int depth, bool quoteStrings)
{
    struct PrintGuard
    {
        PrintGuard(std::vector<const GcObject *> &stack, const GcObject *object) : stack(stack)
        {
            stack.push_back(object);
        }
        ~PrintGuard() { stack.pop_back(); }
        std::vector<const GcObject *> &stack;
    };
    auto beingPrinted = [this](const GcObject *object) {
        return std::find(m_printing.begin(), m_printing.end(), object) != m_printing.end();
    };
    switch (value.type()) {
    case Value::Type::Null:
    case Value::Type::Undefined: return QStringLiteral("null");
    case Value::Type::Bool: return value.asBool() ? QStringLiteral("true") : QStringLiteral("false");
    case Value::Type::Int: return QString::number(value.asInt());
    case Value::Type::Float: return Value::formatNumber(value.asFloat());
    case Value::Type::String:
        return quoteStrings ? u'"' + value.asString() + u'"' : value.asString();
    case Value::Type::Array: {
        // A container inside itself prints as [...]; so does very deep nesting.
        if (depth > kMaxPrintDepth || beingPrinted(value.gcObject()))
            return QStringLiteral("[...]");
        PrintGuard guard(m_printing, value.gcObject());
        QStringList parts;
        for (const Value &item : value.asArray()->items)
            parts.append(toText(item, depth + 1, true));
        return u'[' + parts.join(QStringLiteral(", ")) + u']';
    }
    case Value::Type::Object: {
        if (depth > kMaxPrintDepth || beingPrinted(value.gcObject()))
            return QStringLiteral("{...}");
        PrintGuard guard(m_printing, value.gcObject());
        const auto &object = value.asObject();
        QStringList parts;
        for (const auto &[key, item] : object->entries())
            parts.append(key + QStringLiteral(": ") + toText(item, depth + 1, true));
        return u'{' + parts.join(QStringLiteral(", ")) + u'}';
    }
    case Value::Type::Closure: {
        const QString &name = value.asClosure()->proto->name;
        return name.isEmpty() ? QStringLiteral("<fn>") : QStringLiteral("<fn %1>").arg(name);
    }
    case Value::Type::BoundMethod:
        return QStringLiteral("<method %1>").arg(value.asBoundMethod()->name);
    case Value::Type::Native:
        return QStringLiteral("<native fn %1>").arg(value.asNative()->name);
    case Value::Type::Handle:
        return m_host.describeHandle(*value.asHandle());
    case Value::Type::Task: {
        const Task &task = *value.asTask();
        return QStringLiteral("<%1 %2>")
                .arg(task.kind == Task::Kind::Coroutine ? u"coroutine" : task.mailbox ? u"thread" : u"task")
                .arg(task.done ? u"done" : u"pending");
    }
    case Value::Type::Channel: {
        const Channel &channel = *value.asChannel();
        return QStringLiteral("<channel %1/%2%3>")
                .arg(channel.buffer.size())
                .arg(channel.capacity)
                .arg(channel.closed ? u" closed" : u"");
    }
    }
    return QString();
}

} // namespace havel::script
