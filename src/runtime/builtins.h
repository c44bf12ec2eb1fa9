// The runtime library: the built-in functions and the methods of built-in types, installed
// into a Vm as globals and method tables. The timer module is not here: it needs the timer
// core and lives with the host (src/host/timerbindings.h).
#pragma once

#include <value.h>

#include <QtCore/QString>

namespace havel::script {

class Vm;
struct FunctionProto;

//! Thread: the interpreter thread (the functions it installs run there).
namespace Builtins {

//! Defines print, println, sleep, str, int, float, len, abs, type, keys, assert, exit and the
//! `time` module as globals of @p vm, and the methods of arrays and strings.
void install(Vm &vm);

//! Milliseconds from a number or a duration string ("500ms", "1s", "2.5m", "1h"); a runtime
//! error naming @p function otherwise.
qint64 durationMs(const Value &value, const QString &function, int line);

//! Checks the argument count of a built-in.
void expectArgs(const std::vector<Value> &args, std::size_t min, std::size_t max,
                const QString &function, int line);

//! The runtime's methods written in Havel (map, filter, sort with a comparator...): the host
//! compiles this with Compiler::compile(..., library = true) and passes the body to
//! installPrelude().
QString preludeSource();
//! Installs the functions of the compiled prelude as methods and module functions.
void installPrelude(Vm &vm, const FunctionProto &body);

} // namespace Builtins

} // namespace havel::script
