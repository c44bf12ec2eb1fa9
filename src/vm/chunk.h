// Chunk and FunctionProto: what the compiler produces and the VM runs.
//
// A chunk is a byte string of instructions with their source lines, the constants they load
// and the names they use (members, object keys). Operands follow their opcode in place:
// u16 for local slots, upvalues and argument counts, u32 for everything else (constants,
// names, globals, jump targets as absolute offsets). A FunctionProto is immutable once the
// compiler is done with it, and is shared by every closure made from it.
#pragma once

#include "value.h"

#include <QtCore/QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace havel::script {

enum class Op : std::uint8_t {
    // Constants and the stack.
    Constant, Null, True, False, Undefined, Pop, PopN, PopUnder, Dup, Dup2,
    // Variables: locals by slot, upvalues by index, globals by index.
    GetLocal, GetLocalChecked, SetLocal, GetUpvalue, SetUpvalue, GetGlobal, SetGlobal,
    AppendLocal, AppendUpvalue, AppendGlobal,
    // Members and indexing.
    GetMember, SetMember, GetIndex, SetIndex, IncDec, IncDecMember, IncDecIndex,
    // Operators.
    Add, Sub, Mul, Div, Mod, Pow, Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual,
    Range, Not, Negate, Interpolate,
    // Control flow.
    Jump, JumpIfFalse, JumpIfTrueKeep, JumpIfFalseKeep, JumpIfNotNullKeep, Loop,
    RangeIterInit, RangeIterNext, IterInit, IterNext,
    // Functions.
    Call, Invoke, Closure, CloseUpvalues, Return,
    // Literals.
    Array, Object,
    // Exceptions.
    TryBegin, TryEnd, Throw, Rethrow,
    // Timer blocks.
    TimerBlock, StoreTimerId, AtStop,
    // Tasks, channels, coroutines.
    Go, Send, Receive, Yield, Await,
    // Havel compatibility (issue 11): integer bitwise operators and `#x` (length).
    BitAnd, BitOr, BitXor, ShiftLeft, ShiftRight, BitNot, Length,
    // `return f(x)`: the call replaces the caller's frame (followed by a Return for callees
    // that are not script functions).
    TailCall,
};

struct FunctionProto;

//! Thread: built on any thread, then read-only.
struct Chunk
{
    std::vector<std::uint8_t> code;
    std::vector<int> lines; //!< the source line of each byte of code
    std::vector<Value> constants;
    QStringList names;
    std::vector<std::shared_ptr<const FunctionProto>> functions;
};

//! A compiled function: its code and what its closures capture.
struct FunctionProto
{
    struct UpvalueSource
    {
        bool fromLocal = true;   //!< a local slot of the enclosing function, else its upvalue
        std::uint16_t index = 0;
    };
    QString name;          //!< empty for anonymous functions and the script body
    QStringList params;
    int line = 0;
    int slotCount = 0;     //!< the most locals it ever has at once, slot 0 included
    bool isGenerator = false; //!< it yields: a call makes a coroutine instead of running it
    bool variadic = false;    //!< the last parameter takes the extra arguments as an array
    bool library = false;     //!< the runtime's own script code: errors point at its caller
    std::vector<UpvalueSource> upvalues;
    QStringList upvalueNames;
    Chunk chunk;
};

} // namespace havel::script
