#include <heap.h>
#include <interpreter.h>
#include <scriptobjects.h>
#include <timermanager.h>

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <chrono>
#include <thread>

using namespace havel::script;

namespace {

struct RunResult
{
    QString out;
    QString err;
    int exitCode = -1;
};

//! Runs @p source on this thread's event loop until the interpreter finishes.
RunResult runScript(const QString &source, bool exitWhenDone = false)
{
    havel::TimerManager timers;
    RunResult result;
    Interpreter interpreter(&timers);
    interpreter.setScriptName(QStringLiteral("test.hv"));
    interpreter.setExitWhenDone(exitWhenDone);
    // The main thread of a test has a small stack; scripts here recurse only a little.
    interpreter.setMaxCallDepth(200);
    interpreter.setOutput([&](const QString &text) { result.out += text; },
                          [&](const QString &text) { result.err += text; });
    QSignalSpy finished(&interpreter, &Interpreter::finished);
    interpreter.runScript(source);
    if (finished.isEmpty() && !finished.wait(20'000))
        return result;
    result.exitCode = finished.first().first().toInt();
    return result;
}

} // namespace

//! Thread: the test's main thread is also the interpreter thread here.
class tst_Interpreter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void evaluate_data();
    void evaluate();
    void exitCodes_data();
    void exitCodes();
    void callbackErrorCountsInCoreStatus();
    void requestStopFromAnotherThread();
    void collectorFreesCycles();
    void collectorKeepsReachable();
    void collectorYoungPassLooksAtYoungOnly();
    void valueCountsItsReferences();
    void teardownFreesEverything();
};

void tst_Interpreter::evaluate_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("output");

    QTest::newRow("integer division exact") << "print 10 / 5" << "2\n";
    QTest::newRow("integer division inexact") << "print 10 / 4" << "2.5\n";
    QTest::newRow("overflow becomes float") << "print 9223372036854775807 * 2" << "18446744073709551616\n";
    QTest::newRow("float prints shortest") << "print 0.1 + 0.2, 2.0" << "0.30000000000000004 2\n";
    QTest::newRow("string concat converts") << "print \"n\" + 1 + 2" << "n12\n";
    QTest::newRow("globals from function") << "c = 0\nfn f() { c++ }\nf(); f()\nprint c" << "2\n";
    QTest::newRow("locals stay local") << "fn f() { t = 1 }\nf()\ntry { print t } catch (e) { print e }"
                                       << "Undefined variable 't'.\n";
    QTest::newRow("closure by reference") << "x = 1\nf = () => x\nx = 2\nprint f()" << "2\n";
    QTest::newRow("fresh for binding") << "fs = []\nfor (let i = 0; i < 3; i++) { fs.push(() => i) }\nprint fs[0](), fs[1](), fs[2]()"
                                       << "0 1 2\n";
    QTest::newRow("block scope") << "let a = 1\n{ let a = 2 }\nprint a" << "1\n";
    QTest::newRow("try finally order") << "try { throw 1 } catch (e) { print \"c\", e } finally { print \"f\" }"
                                       << "c 1\nf\n";
    QTest::newRow("thrown object") << "try { throw {k: 1} } catch (e) { print e.k }" << "1\n";
    QTest::newRow("nullish") << "print null ?? 2, 0 ?? 2" << "2 0\n";
    QTest::newRow("short circuit") << "print false && undefinedName, true || undefinedName" << "false true\n";
    QTest::newRow("nested printing") << "print [1, \"a\", {b: [null]}]" << "[1, \"a\", {b: [null]}]\n";
    QTest::newRow("self-referencing array prints bounded") << "a = [1]\na.push(a)\nprint len(str(a)) < 200" << "true\n";
    // Deadlines, not creation order; 1 s apart, so that a slow body (TSan on a loaded machine
    // once took over 10 ms between the two lines) cannot reorder them.
    QTest::newRow("timeout order") << "setTimeout(() => print(2), 1000)\nsetTimeout(() => print(1), 1)" << "1\n2\n";
    QTest::newRow("interval with stop") << "n = 0\ninterval 5 { n++; if n == 3 { @stop; print n } }" << "3\n";
    QTest::newRow("sleep runs callbacks") << "setTimeout(() => print(\"cb\"), 0)\nsleep(30)\nprint \"after\"" << "cb\nafter\n";
    QTest::newRow("handle prints") << "h = timeout 1000 { }\nprint h\nh.stop()\nprint h"
                                   << "<timeout #1 1000ms running>\n<timeout #1 1000ms stopped>\n";
    QTest::newRow("mode get set") << "print mode.get()\nmode.set(\"x\")\nprint mode.get()" << "default\nx\n";
}

void tst_Interpreter::evaluate()
{
    QFETCH(QString, source);
    QFETCH(QString, output);
    const RunResult result = runScript(source);
    QCOMPARE(result.err, QString());
    QCOMPARE(result.out, output);
    QCOMPARE(result.exitCode, 0);
}

void tst_Interpreter::exitCodes_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("exitWhenDone");
    QTest::addColumn<QString>("err");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("ok") << "print" << false << "" << 0;
    QTest::newRow("syntax") << "x = (" << false << "[line 1] Error at end: Expect expression.\n" << 65;
    QTest::newRow("runtime") << "\nnope()" << false << "[line 2] RuntimeError: Undefined variable 'nope'.\n" << 70;
    QTest::newRow("exit code") << "exit(9)" << false << "" << 9;
    QTest::newRow("exit in callback") << "setTimeout(() => exit(4), 0)\nsetInterval(() => null, 5)" << false << "" << 4;
    QTest::newRow("exit when done") << "setInterval(() => print(\"never\"), 1)" << true << "" << 0;
    QTest::newRow("callback error isolated")
            << "setTimeout(fn() {\n  throw \"x\"\n}, 0)" << false << "[line 2] RuntimeError in timer 1: x\n" << 0;
    QTest::newRow("stack overflow") << "fn f() { return 1 + f() }\nf()" << false << "[line 1] RuntimeError: Stack overflow.\n" << 70;
}

void tst_Interpreter::exitCodes()
{
    QFETCH(QString, source);
    QFETCH(bool, exitWhenDone);
    QFETCH(QString, err);
    QFETCH(int, exitCode);
    const RunResult result = runScript(source, exitWhenDone);
    QCOMPARE(result.err, err);
    QCOMPARE(result.exitCode, exitCode);
}

void tst_Interpreter::callbackErrorCountsInCoreStatus()
{
    // The binding rethrows a callback's error so that the core counts it and says so.
    havel::TimerManager timers;
    Interpreter interpreter(&timers);
    QString err;
    interpreter.setOutput([](const QString &) {}, [&](const QString &text) { err += text; });
    QSignalSpy failed(&timers, &havel::TimerManager::callbackFailed);
    QSignalSpy finished(&interpreter, &Interpreter::finished);
    interpreter.runScript(QStringLiteral("n = 0\nid = setInterval(fn() { n++; if n == 3 { clearInterval(id) } else { throw \"bad\" } }, 1)"));
    QVERIFY(finished.wait(10'000));
    QCOMPARE(failed.size(), 2);
    QCOMPARE(failed.at(0).at(0).value<havel::TimerId>(), havel::TimerId(1));
    QCOMPARE(failed.at(0).at(1).toString(), QStringLiteral("bad"));
    QCOMPARE(err.count(QStringLiteral("RuntimeError in timer 1: bad")), 2);
}

void tst_Interpreter::requestStopFromAnotherThread()
{
    // A busy loop never returns to the event loop; the stop request is seen between statements.
    havel::TimerManager timers;
    Interpreter interpreter(&timers);
    interpreter.setOutput([](const QString &) {}, [](const QString &) {});
    QSignalSpy finished(&interpreter, &Interpreter::finished);
    // A std::thread, whose join ThreadSanitizer sees (QThread::wait() is inside uninstrumented Qt).
    std::thread stopper([&interpreter] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        interpreter.requestStop(143);
    });
    interpreter.runScript(QStringLiteral("setInterval(() => null, 1)\nwhile true { }"));
    stopper.join();
    QVERIFY(finished.wait(10'000));
    QCOMPARE(finished.first().first().toInt(), 143);
    QCOMPARE(timers.activeTimerCount(), 0);
}

void tst_Interpreter::collectorFreesCycles()
{
    Heap heap;
    {
        auto holder = makeRef<Object>(&heap);
        auto array = makeRef<Array>(&heap);
        array->items.emplace_back(array); // a → a
        holder->set(QStringLiteral("self"), Value(array));
        auto object = makeRef<Object>(&heap);
        object->set(QStringLiteral("env"), Value(makeRef<Array>(&heap, std::vector<Value>{Value(object)})));
        QCOMPARE(heap.objectCount(), 4);
    }
    // The holder was in no cycle and went at once; only the cycles keep the rest alive.
    QCOMPARE(heap.objectCount(), 3);
    QCOMPARE(heap.collect(), 3);
    QCOMPARE(heap.objectCount(), 0);
}

void tst_Interpreter::valueCountsItsReferences()
{
    static_assert(sizeof(Value) <= 16);
    Heap heap;
    auto array = makeRef<Array>(&heap);
    QCOMPARE(array->refCount(), 1u);
    {
        Value a(array);
        Value b = a;              // copy: one more
        QCOMPARE(array->refCount(), 3u);
        Value c = std::move(b);   // move: the same
        QVERIFY(b.isNull());
        QCOMPARE(array->refCount(), 3u);
        c = c;                    // self-assignment keeps it
        QCOMPARE(array->refCount(), 3u);
        c = Value(qint64(7));     // overwritten: one less
        QCOMPARE(array->refCount(), 2u);
        QVERIFY(c.isInt() && c.asInt() == 7);
        QCOMPARE(a.asArray(), array.get());
    }
    QCOMPARE(array->refCount(), 1u);

    // A value that holds the only reference to an array may be assigned from an item of it.
    array->items.emplace_back(QStringLiteral("inner"));
    Value holder(std::move(array));
    holder = holder.asArray()->items.front();
    QVERIFY(holder.isString());
    QCOMPARE(holder.asString(), QStringLiteral("inner"));
    QCOMPARE(heap.objectCount(), 0);

    // Appending in place never changes another value that shares the string.
    Value text(QStringLiteral("ab"));
    Value shared = text;
    text.mutableString()->append(QLatin1Char('c'));
    QCOMPARE(text.asString(), QStringLiteral("abc"));
    QCOMPARE(shared.asString(), QStringLiteral("ab"));

    // A null Ref gives the null value, not a dangling array.
    QVERIFY(Value(Ref<Array>()).isNull());
}

void tst_Interpreter::collectorYoungPassLooksAtYoungOnly()
{
    Heap heap;
    auto root = makeRef<Object>(&heap);
    QCOMPARE(heap.collect(), 0); // root is old now
    qint64 made = 0;
    {
        // A young cycle that only an old object holds must survive a young pass (the old
        // object is not looked at, so its reference counts as one from outside).
        auto kept = makeRef<Array>(&heap);
        kept->items.emplace_back(kept);
        root->set(QStringLiteral("kept"), Value(kept));
        // Young garbage cycles, one of them holding the old root.
        auto holdsRoot = makeRef<Array>(&heap, std::vector<Value>{Value(root)});
        holdsRoot->items.emplace_back(holdsRoot);
        while (!heap.collectionDue()) {
            auto garbage = makeRef<Array>(&heap);
            garbage->items.emplace_back(garbage);
            ++made;
        }
    }
    QCOMPARE(heap.collectDue(), made + 1);
    QCOMPARE(heap.stats().youngCollections, 1);
    QCOMPARE(heap.stats().fullCollections, 1);
    QCOMPARE(heap.objectCount(), 2);
    QCOMPARE(root->refCount(), 1u);
    const Value *kept = root->get(QStringLiteral("kept"));
    QVERIFY(kept && kept->isArray());
    QCOMPARE(kept->asArray()->items.size(), std::size_t(1));
    // Dropped, the now old cycle waits for a full pass.
    root.reset();
    QCOMPARE(heap.objectCount(), 1);
    QVERIFY(!heap.collectionDue());
    QCOMPARE(heap.collect(), 1);
    QCOMPARE(heap.objectCount(), 0);
}

void tst_Interpreter::collectorKeepsReachable()
{
    Heap heap;
    auto root = makeRef<Object>(&heap);
    {
        auto closureEnv = makeRef<Object>(&heap);
        closureEnv->set(QStringLiteral("parent"), Value(root));
        auto inner = makeRef<Array>(&heap);
        inner->items.emplace_back(inner);
        closureEnv->set(QStringLiteral("xs"), Value(inner));
        auto held = makeRef<Array>(&heap, std::vector<Value>{Value(inner)});
        root->set(QStringLiteral("held"), Value(held));
        auto garbage = makeRef<Array>(&heap);
        garbage->items.emplace_back(garbage);
    }
    // closureEnv was in no cycle and went at once. root (held from here) → held → inner
    // stays; garbage is an unreachable cycle.
    QCOMPARE(heap.objectCount(), 4);
    QCOMPARE(heap.collect(), 1);
    QCOMPARE(heap.objectCount(), 3);
    const Value *held = root->get(QStringLiteral("held"));
    QVERIFY(held && held->isArray());
    QCOMPARE(held->asArray()->items.front().asArray()->items.size(), std::size_t(1));
    heap.clearAll();
    root.reset();
    QCOMPARE(heap.objectCount(), 0);
}

void tst_Interpreter::teardownFreesEverything()
{
    havel::TimerManager timers;
    Interpreter interpreter(&timers);
    interpreter.setOutput([](const QString &) {}, [](const QString &) {});
    QSignalSpy finished(&interpreter, &Interpreter::finished);
    interpreter.runScript(QStringLiteral(
            "fn a() { return b }\nfn b() { return a }\no = {}\no.me = o\n"
            "n = 0\ninterval 1 { n++; fn h() { return h }; if n == 50 { @stop } }"));
    QVERIFY(finished.wait(10'000));
    // Nothing is left: globals live in the VM's table, not in a heap object.
    QCOMPARE(interpreter.heap().objectCount(), 0);
}

QTEST_GUILESS_MAIN(tst_Interpreter)
#include "tst_interpreter.moc"
