#include "disassembler.h"

#include <vm.h>


namespace havel::script {

namespace {

const char *opName(Op op)
{
    switch (op) {
#define HAVEL_OP(name) case Op::name: return #name;
    HAVEL_OP(Constant) HAVEL_OP(Null) HAVEL_OP(True) HAVEL_OP(False) HAVEL_OP(Undefined)
    HAVEL_OP(Pop) HAVEL_OP(PopN) HAVEL_OP(PopUnder) HAVEL_OP(Dup) HAVEL_OP(Dup2)
    HAVEL_OP(GetLocal) HAVEL_OP(GetLocalChecked) HAVEL_OP(SetLocal) HAVEL_OP(GetUpvalue)
    HAVEL_OP(SetUpvalue) HAVEL_OP(GetGlobal) HAVEL_OP(SetGlobal) HAVEL_OP(AppendLocal)
    HAVEL_OP(AppendUpvalue) HAVEL_OP(AppendGlobal) HAVEL_OP(GetMember) HAVEL_OP(SetMember)
    HAVEL_OP(GetIndex) HAVEL_OP(SetIndex) HAVEL_OP(IncDec) HAVEL_OP(IncDecMember)
    HAVEL_OP(IncDecIndex) HAVEL_OP(Add) HAVEL_OP(Sub) HAVEL_OP(Mul) HAVEL_OP(Div) HAVEL_OP(Mod)
    HAVEL_OP(Pow) HAVEL_OP(Equal) HAVEL_OP(NotEqual) HAVEL_OP(Less) HAVEL_OP(LessEqual)
    HAVEL_OP(Greater) HAVEL_OP(GreaterEqual) HAVEL_OP(Range) HAVEL_OP(Not) HAVEL_OP(Negate)
    HAVEL_OP(Interpolate) HAVEL_OP(Jump) HAVEL_OP(JumpIfFalse) HAVEL_OP(JumpIfTrueKeep)
    HAVEL_OP(JumpIfFalseKeep) HAVEL_OP(JumpIfNotNullKeep) HAVEL_OP(Loop)
    HAVEL_OP(RangeIterInit) HAVEL_OP(RangeIterNext) HAVEL_OP(IterInit) HAVEL_OP(IterNext)
    HAVEL_OP(Call) HAVEL_OP(Invoke) HAVEL_OP(Closure) HAVEL_OP(CloseUpvalues) HAVEL_OP(Return)
    HAVEL_OP(Array) HAVEL_OP(Object) HAVEL_OP(TryBegin) HAVEL_OP(TryEnd) HAVEL_OP(Throw)
    HAVEL_OP(Rethrow) HAVEL_OP(TimerBlock) HAVEL_OP(StoreTimerId) HAVEL_OP(AtStop)
    HAVEL_OP(Go) HAVEL_OP(Send) HAVEL_OP(Receive) HAVEL_OP(Yield) HAVEL_OP(Await)
    HAVEL_OP(BitAnd) HAVEL_OP(BitOr) HAVEL_OP(BitXor) HAVEL_OP(ShiftLeft) HAVEL_OP(ShiftRight)
    HAVEL_OP(BitNot) HAVEL_OP(Length) HAVEL_OP(TailCall)
#undef HAVEL_OP
    }
    return "?";
}

QString constantText(const Value &value)
{
    switch (value.type()) {
    case Value::Type::String: return u'"' + value.asString() + u'"';
    case Value::Type::Int: return QString::number(value.asInt());
    case Value::Type::Float: return Value::formatNumber(value.asFloat());
    default: return value.typeName();
    }
}

void disassembleInto(QString &out, const FunctionProto &function, const Vm &vm)
{
    const Chunk &chunk = function.chunk;
    out += QStringLiteral("== %1 (line %2, %3 params, %4 slots, %5 upvalues) ==\n")
                   .arg(function.name.isEmpty() ? QStringLiteral("<fn>") : function.name)
                   .arg(function.line)
                   .arg(function.params.size())
                   .arg(function.slotCount)
                   .arg(function.upvalues.size());
    const std::uint8_t *code = chunk.code.data();
    std::size_t at = 0;
    auto u8 = [&] { return code[at++]; };
    auto u16 = [&] { at += 2; return std::size_t(code[at - 2] | (code[at - 1] << 8)); };
    auto u32 = [&] {
        at += 4;
        return std::size_t(code[at - 4]) | (std::size_t(code[at - 3]) << 8)
                | (std::size_t(code[at - 2]) << 16) | (std::size_t(code[at - 1]) << 24);
    };
    int previousLine = -1;
    while (at < chunk.code.size()) {
        const std::size_t start = at;
        const Op op = Op(u8());
        QString operands;
        switch (op) {
        case Op::Constant: {
            const std::size_t index = u32();
            operands = QStringLiteral("%1 %2").arg(index).arg(constantText(chunk.constants[index]));
            break;
        }
        case Op::PopN:
        case Op::PopUnder:
        case Op::GetLocal:
        case Op::SetLocal:
        case Op::AppendLocal:
        case Op::CloseUpvalues:
        case Op::StoreTimerId:
            operands = QStringLiteral("slot %1").arg(u16());
            break;
        case Op::GetLocalChecked: {
            const std::size_t slot = u16();
            operands = QStringLiteral("slot %1 '%2'").arg(slot).arg(chunk.names.at(qsizetype(u32())));
            break;
        }
        case Op::GetUpvalue:
        case Op::SetUpvalue:
        case Op::AppendUpvalue: {
            const std::size_t index = u16();
            operands = QStringLiteral("%1 '%2'").arg(index).arg(function.upvalueNames.at(qsizetype(index)));
            break;
        }
        case Op::GetGlobal:
        case Op::SetGlobal:
        case Op::AppendGlobal: {
            const std::size_t index = u32();
            operands = QStringLiteral("%1 '%2'").arg(index).arg(vm.globalName(int(index)));
            break;
        }
        case Op::GetMember:
        case Op::SetMember:
            operands = QStringLiteral("'%1'").arg(chunk.names.at(qsizetype(u32())));
            break;
        case Op::IncDecMember: {
            const QString member = chunk.names.at(qsizetype(u32()));
            operands = QStringLiteral("'%1' %2").arg(member, u8() ? QStringLiteral("++") : QStringLiteral("--"));
            break;
        }
        case Op::IncDec:
        case Op::IncDecIndex:
            operands = u8() ? QStringLiteral("++") : QStringLiteral("--");
            break;
        case Op::Sub:
        case Op::Mul:
        case Op::Div:
        case Op::Mod:
        case Op::Pow:
            operands = u8() ? QStringLiteral("(compound)") : QString();
            break;
        case Op::TimerBlock:
            operands = u8() ? QStringLiteral("interval") : QStringLiteral("timeout");
            break;
        case Op::Interpolate:
        case Op::Array:
            operands = QStringLiteral("%1").arg(u32());
            break;
        case Op::Object: {
            const std::size_t count = u32();
            const std::size_t first = u32();
            operands = QStringLiteral("%1 keys from name %2").arg(count).arg(first);
            break;
        }
        case Op::Jump:
        case Op::JumpIfFalse:
        case Op::JumpIfTrueKeep:
        case Op::JumpIfFalseKeep:
        case Op::JumpIfNotNullKeep:
        case Op::Loop:
        case Op::TryBegin:
            operands = QStringLiteral("-> %1").arg(u32());
            break;
        case Op::RangeIterNext:
        case Op::IterNext: {
            const std::size_t slot = u16();
            operands = QStringLiteral("slot %1 exit -> %2").arg(slot).arg(u32());
            break;
        }
        case Op::Call:
        case Op::TailCall:
            operands = QStringLiteral("%1 args").arg(u16());
            break;
        case Op::Go: {
            const std::size_t argc = u16();
            operands = QStringLiteral("%1 args%2").arg(argc).arg(u8() ? QStringLiteral(" (thread)") : QString());
            break;
        }
        case Op::Invoke: {
            const QString method = chunk.names.at(qsizetype(u32()));
            operands = QStringLiteral("'%1' %2 args").arg(method).arg(u16());
            break;
        }
        case Op::Closure: {
            const std::size_t index = u32();
            const auto &nested = *chunk.functions[index];
            operands = QStringLiteral("%1 <fn %2>").arg(index).arg(nested.name);
            break;
        }
        default:
            break;
        }
        const int line = chunk.lines[start];
        out += QStringLiteral("%1 %2 %3 %4\n")
                       .arg(start, 5, 10, QLatin1Char('0'))
                       .arg(line == previousLine ? QStringLiteral("   |") : QStringLiteral("%1").arg(line, 4))
                       .arg(QLatin1String(opName(op)), -16)
                       .arg(operands)
                       .trimmed()
               + u'\n';
        previousLine = line;
    }
    for (const auto &nested : chunk.functions) {
        out += u'\n';
        disassembleInto(out, *nested, vm);
    }
}

} // namespace

QString Disassembler::disassemble(const FunctionProto &function, const Vm &vm)
{
    QString out;
    disassembleInto(out, function, vm);
    return out;
}

} // namespace havel::script
