#include "value.h"

#include "scriptobjects.h"

#include <charconv>
#include <cmath>

namespace havel::script {

GcObject *Value::gcObject() const
{
    switch (type()) {
    case Type::Array: return asArray();
    case Type::Object: return asObject();
    case Type::Closure: return asClosure();
    case Type::BoundMethod: return asBoundMethod();
    case Type::Task: return asTask();
    case Type::Channel: return asChannel();
    default: return nullptr;
    }
}

bool Value::isTruthy() const
{
    switch (type()) {
    case Type::Null: return false;
    case Type::Bool: return asBool();
    case Type::Int: return asInt() != 0;
    case Type::Float: return asFloat() != 0.0;
    case Type::String: return !asString().isEmpty();
    default: return true;
    }
}

QString Value::typeName() const
{
    switch (type()) {
    case Type::Null: return QStringLiteral("null");
    case Type::Bool: return QStringLiteral("bool");
    case Type::Int: return QStringLiteral("int");
    case Type::Float: return QStringLiteral("float");
    case Type::String: return QStringLiteral("string");
    case Type::Array: return QStringLiteral("array");
    case Type::Object: return QStringLiteral("object");
    case Type::Closure:
    case Type::BoundMethod:
    case Type::Native: return QStringLiteral("function");
    case Type::Handle: return QStringLiteral("timer");
    case Type::Undefined: return QStringLiteral("undefined");
    case Type::Task: return QStringLiteral("task");
    case Type::Channel: return QStringLiteral("channel");
    }
    return QString();
}

bool Value::equals(const Value &other) const
{
    if (isNumber() && other.isNumber()) {
        if (isInt() && other.isInt())
            return asInt() == other.asInt();
        return asNumber() == other.asNumber();
    }
    if (type() != other.type())
        return false;
    switch (type()) {
    case Type::Null:
    case Type::Undefined: return true;
    case Type::Bool: return asBool() == other.asBool();
    case Type::String: return asString() == other.asString();
    case Type::Handle: return asHandle()->id == other.asHandle()->id;
    case Type::Native: return asNative() == other.asNative();
    default: return gcObject() == other.gcObject();
    }
}

QString Value::formatNumber(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    // Integral values print without ".0" (20, not 20.0), as the subset asks.
    if (d == std::trunc(d) && std::fabs(d) < 1e15) {
        if (d == 0)
            return QStringLiteral("0");
        return QString::number(qint64(d));
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
    return QString::fromLatin1(buffer, result.ptr - buffer);
}

} // namespace havel::script
