// Compiler: a syntax tree to bytecode, in one pass per function (clox style).
//
// The resolver is part of the pass: every name is resolved at compile time to a local slot,
// an upvalue of the enclosing closure or a global's index, so nothing is looked up by name
// when the script runs. The scoping rules of the subset:
// - `let`/`val` declare a block-local; at the top level of the script they declare a global;
// - a bare assignment at top level (in top-level blocks too) makes a global;
// - inside a function, a bare assignment to a name that is neither a local, a variable of an
//   enclosing function nor a global the script defines makes a local of that function. A
//   pre-pass over the body finds these names, so they get their slot at function entry;
//   reading one before its assignment is "Undefined variable".
// Closures capture variables through upvalues; loops give each iteration a fresh variable by
// closing the captured loop variables at the end of every iteration.
#pragma once

#include "ast.h"
#include "chunk.h"
#include "syntaxerror.h"

#include <memory>
#include <optional>

namespace havel::script {

class Vm;

//! Thread: any; one compile at a time per Vm (it resolves globals into the Vm's table).
class Compiler
{
public:
    //! Compiles @p program into the script's body function, or returns null and fills
    //! @p error (a limit was passed: too many locals, a jump too far).
    //! With @p library, every function is marked as the runtime's own code (the prelude).
    //! With a @p modulePrefix, the program is a module (`use {a} from "file"`): its globals are
    //! PREFIX + name in the VM, and its body ends by returning `@moduleLoaded(PREFIX)`.
    static std::shared_ptr<const FunctionProto> compile(const Program &program, Vm &vm,
                                                         SyntaxError *error, bool library = false,
                                                         const QString &modulePrefix = QString());
};

} // namespace havel::script
