#pragma once

#include "heap.h"
#include "value.h"

#include <QtCore/QHash>

namespace havel::script {

//! One scope: a block, a function call or the globals. Closures hold their defining scope,
//! which is how they capture variables by reference.
//! Thread: the interpreter thread only.
class Environment final : public GcObject
{
public:
    Environment(Heap *heap, std::shared_ptr<Environment> parent, bool functionScope)
        : GcObject(heap), m_parent(std::move(parent)), m_functionScope(functionScope)
    {
    }

    const std::shared_ptr<Environment> &parent() const { return m_parent; }
    //! A function call's scope (or the globals): where a bare assignment makes a new local.
    bool isFunctionScope() const { return m_functionScope || !m_parent; }

    void define(const QString &name, Value value) { m_values.insert(name, std::move(value)); }
    //! The variable's slot in this scope alone, or null.
    Value *findLocal(const QString &name)
    {
        const auto it = m_values.find(name);
        return it == m_values.end() ? nullptr : &it.value();
    }
    //! The variable's slot in this scope or the nearest enclosing one that has it, or null.
    Value *find(const QString &name)
    {
        for (Environment *env = this; env; env = env->m_parent.get()) {
            if (Value *slot = env->findLocal(name))
                return slot;
        }
        return nullptr;
    }
    const QHash<QString, Value> &values() const { return m_values; }

    void traverse(const Visitor &visit) const override
    {
        if (m_parent)
            visit(m_parent.get());
        for (const Value &value : m_values) {
            if (GcObject *object = value.gcObject())
                visit(object);
        }
    }
    void clearReferences() override
    {
        m_parent.reset();
        m_values.clear();
    }

private:
    std::shared_ptr<Environment> m_parent;
    QHash<QString, Value> m_values;
    const bool m_functionScope;
};

} // namespace havel::script
