// StringObject: a script string on the heap, so that a Value stays 16 bytes (a QString is 24).
#pragma once

#include "heapobject.h"

#include <QtCore/QString>

namespace havel::script {

//! The text of a string value. Immutable while shared: Value::mutableString() copies it first
//! when another value refers to it. String constants are one object per constant in a chunk,
//! shared by every value made from them. Thread: the interpreter thread only.
class StringObject final : public HeapObject
{
public:
    explicit StringObject(QString text) : text(std::move(text)) { }
    QString text;
};

} // namespace havel::script
