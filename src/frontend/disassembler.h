#pragma once

#include "chunk.h"

#include <QtCore/QString>

namespace havel::script {

class Vm;

//! Renders compiled functions as text, for `havel --dump-bytecode`. Thread: any.
class Disassembler
{
public:
    //! @p function and every function nested in it, one instruction per line:
    //! offset, source line, opcode, operands (with the names and constants they refer to).
    static QString disassemble(const FunctionProto &function, const Vm &vm);
};

} // namespace havel::script
