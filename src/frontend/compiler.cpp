#include "compiler.h"

#include <vm.h>

#include <QtCore/QSet>

#include <algorithm>

namespace havel::script {

namespace {

struct CompileError
{
    SyntaxError error;
};

//! Collects the names a piece of code assigns with a bare `=` (not inside nested functions):
//! the globals of the script body, the implicit locals of a function.
class AssignedNames
{
public:
    explicit AssignedNames(bool topLevel) : m_topLevel(topLevel) { }

    void statement(const Stmt &stmt, int depth)
    {
        switch (stmt.kind) {
        case Stmt::Kind::Expression:
            expression(static_cast<const ExpressionStmt &>(stmt).expr.get());
            break;
        case Stmt::Kind::Let: {
            const auto &let = static_cast<const LetStmt &>(stmt);
            expression(let.initializer.get());
            if (m_topLevel && depth == 0)
                add(let.name);
            break;
        }
        case Stmt::Kind::Block:
            for (const StmtPtr &inner : static_cast<const BlockStmt &>(stmt).statements)
                statement(*inner, depth + 1);
            break;
        case Stmt::Kind::If: {
            const auto &ifStmt = static_cast<const IfStmt &>(stmt);
            expression(ifStmt.condition.get());
            statement(*ifStmt.thenBranch, depth + 1);
            if (ifStmt.elseBranch)
                statement(*ifStmt.elseBranch, depth + 1);
            break;
        }
        case Stmt::Kind::While:
        case Stmt::Kind::Loop: {
            const auto &loop = static_cast<const WhileStmt &>(stmt);
            expression(loop.condition.get());
            statement(*loop.body, depth + 1);
            break;
        }
        case Stmt::Kind::ForIn: {
            const auto &forIn = static_cast<const ForInStmt &>(stmt);
            expression(forIn.iterable.get());
            statement(*forIn.body, depth + 1);
            break;
        }
        case Stmt::Kind::ForC: {
            const auto &forC = static_cast<const ForCStmt &>(stmt);
            if (forC.initializer)
                statement(*forC.initializer, depth + 1);
            expression(forC.condition.get());
            expression(forC.increment.get());
            statement(*forC.body, depth + 1);
            break;
        }
        case Stmt::Kind::Return:
            expression(static_cast<const ReturnStmt &>(stmt).value.get());
            break;
        case Stmt::Kind::Throw:
            expression(static_cast<const ThrowStmt &>(stmt).value.get());
            break;
        case Stmt::Kind::Try: {
            const auto &tryStmt = static_cast<const TryStmt &>(stmt);
            statement(*tryStmt.body, depth + 1);
            if (tryStmt.catchBody)
                statement(*tryStmt.catchBody, depth + 1);
            if (tryStmt.finallyBody)
                statement(*tryStmt.finallyBody, depth + 1);
            break;
        }
        case Stmt::Kind::Function:
            if (m_topLevel && depth == 0)
                add(static_cast<const FunctionStmt &>(stmt).decl->name);
            break;
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue:
        case Stmt::Kind::Defer: // never reaches the compiler (see DeferStmt)
            break;
        }
    }

    void expression(const Expr *expr)
    {
        // An explicit work list: expressions may be deep (long operator chains).
        std::vector<const Expr *> work;
        if (expr)
            work.push_back(expr);
        auto push = [&work](const ExprPtr &e) {
            if (e)
                work.push_back(e.get());
        };
        while (!work.empty()) {
            const Expr *e = work.back();
            work.pop_back();
            switch (e->kind) {
            case Expr::Kind::Assign: {
                const auto &assign = static_cast<const AssignExpr &>(*e);
                if (assign.op == TokenType::Equal && assign.target->kind == Expr::Kind::Variable) {
                    const auto &variable = static_cast<const VariableExpr &>(*assign.target);
                    if (!variable.global || m_topLevel) // `::x = v` in a function: never a local
                        add(variable.name);
                }
                else
                    push(assign.target);
                push(assign.value);
                break;
            }
            case Expr::Kind::Interpolation:
                for (const auto &part : static_cast<const InterpolationExpr &>(*e).parts)
                    push(part.expr);
                break;
            case Expr::Kind::Unary: push(static_cast<const UnaryExpr &>(*e).operand); break;
            case Expr::Kind::Binary:
            case Expr::Kind::Logical: {
                const auto &binary = static_cast<const BinaryExpr &>(*e);
                push(binary.left);
                push(binary.right);
                break;
            }
            case Expr::Kind::Ternary: {
                const auto &ternary = static_cast<const TernaryExpr &>(*e);
                push(ternary.condition);
                push(ternary.thenExpr);
                push(ternary.elseExpr);
                break;
            }
            case Expr::Kind::Call: {
                const auto &call = static_cast<const CallExpr &>(*e);
                push(call.callee);
                for (const ExprPtr &argument : call.arguments)
                    push(argument);
                break;
            }
            case Expr::Kind::Member: push(static_cast<const MemberExpr &>(*e).object); break;
            case Expr::Kind::Index: {
                const auto &index = static_cast<const IndexExpr &>(*e);
                push(index.object);
                push(index.index);
                break;
            }
            case Expr::Kind::Array:
                for (const ExprPtr &element : static_cast<const ArrayExpr &>(*e).elements)
                    push(element);
                break;
            case Expr::Kind::Object:
                for (const ExprPtr &value : static_cast<const ObjectExpr &>(*e).values)
                    push(value);
                break;
            case Expr::Kind::Postfix: push(static_cast<const PostfixExpr &>(*e).target); break;
            case Expr::Kind::TimerBlock: push(static_cast<const TimerBlockExpr &>(*e).delay); break;
            case Expr::Kind::Go: push(static_cast<const GoExpr &>(*e).call); break;
            case Expr::Kind::Send: {
                const auto &send = static_cast<const SendExpr &>(*e);
                push(send.channel);
                push(send.value);
                break;
            }
            case Expr::Kind::Receive: push(static_cast<const ReceiveExpr &>(*e).source); break;
            case Expr::Kind::Yield:
                m_sawYield = true;
                push(static_cast<const YieldExpr &>(*e).value);
                break;
            case Expr::Kind::Await: push(static_cast<const AwaitExpr &>(*e).value); break;
            case Expr::Kind::Spread: push(static_cast<const SpreadExpr &>(*e).value); break;
            case Expr::Kind::Destructure: {
                const auto &destructure = static_cast<const DestructureExpr &>(*e);
                for (const ExprPtr &target : destructure.targets) {
                    if (target)
                        add(static_cast<const VariableExpr &>(*target).name);
                }
                if (destructure.rest)
                    add(static_cast<const VariableExpr &>(*destructure.rest).name);
                push(destructure.value);
                break;
            }
            case Expr::Kind::Literal:
            case Expr::Kind::Variable:
            case Expr::Kind::Function:
            case Expr::Kind::AtStop:
                break;
            }
        }
    }

    const QStringList &names() const { return m_names; }
    //! Whether the code yields: the function is a generator.
    bool sawYield() const { return m_sawYield; }

private:
    void add(const QString &name)
    {
        if (!m_seen.contains(name)) {
            m_seen.insert(name);
            m_names.append(name);
        }
    }

    bool m_topLevel;
    bool m_sawYield = false;
    QSet<QString> m_seen;
    QStringList m_names;
};

//! The code generator. Thread: whichever compiles.
class Codegen
{
public:
    Codegen(Vm &vm, bool library, QString modulePrefix)
        : m_vm(vm), m_library(library), m_modulePrefix(std::move(modulePrefix))
    {
    }

    std::shared_ptr<FunctionProto> script(const Program &program)
    {
        // Every global the script can define is known before any function is compiled, so a
        // function assigning one updates it even when the function comes first in the file.
        AssignedNames globals(true);
        for (const StmtPtr &stmt : program.statements)
            globals.statement(*stmt, 0);
        for (const QString &name : globals.names()) {
            if (!m_modulePrefix.isEmpty())
                m_moduleGlobals.insert(name);
            m_vm.declareGlobal(globalName(name));
            m_scriptGlobals.insert(name);
        }

        FunctionState state;
        state.proto = std::make_shared<FunctionProto>();
        state.isScript = true;
        state.locals.push_back({QString(), 0});
        m_fs = &state;
        for (const StmtPtr &stmt : program.statements)
            statement(*stmt);
        if (m_modulePrefix.isEmpty()) {
            emitOp(Op::Null);
        } else {
            // A module's body ends by giving its exports: @moduleLoaded(prefix) collects them.
            loadVariable(QStringLiteral("@moduleLoaded"));
            emitConstant(m_modulePrefix);
            emitOp(Op::Call);
            emitU16(1);
        }
        emitOp(Op::Return);
        state.proto->slotCount = std::max(state.proto->slotCount, int(state.locals.size()));
        return state.proto;
    }

private:
    struct Local
    {
        QString name;
        int depth = 0;
        bool captured = false;
        bool implicit = false; //!< made by a bare assignment: may be read before it is set
        bool constant = false; //!< `val`/`const`: assigning it again is a compile-time error
    };
    //! A way out of a try block that a jump or return must honour.
    struct TryEntry
    {
        const TryStmt *stmt;
        bool hasHandler; //!< a TryBegin is active: leave it with TryEnd
        bool runsFinally;
    };
    struct LoopContext
    {
        std::size_t localCount;
        std::size_t tryDepth;
        long continueTarget = -1; //!< known for while loops; else continues jump forward
        std::vector<std::size_t> breaks;
        std::vector<std::size_t> continues;
    };
    struct FunctionState
    {
        FunctionState *enclosing = nullptr;
        std::shared_ptr<FunctionProto> proto;
        std::vector<Local> locals;
        int scopeDepth = 0;
        bool isScript = false;
        std::vector<LoopContext> loops;
        std::vector<TryEntry> tries;
    };
    struct LineScope
    {
        LineScope(int &line, int now) : line(line), saved(line) { line = now; }
        ~LineScope() { line = saved; }
        int &line;
        int saved;
    };

    [[noreturn]] void error(int line, const QString &message)
    {
        CompileError e;
        e.error.line = line;
        e.error.message = message;
        throw e;
    }

    Chunk &chunk() { return m_fs->proto->chunk; }

    void emitByte(std::uint8_t byte)
    {
        chunk().code.push_back(byte);
        chunk().lines.push_back(m_line);
    }
    void emitOp(Op op) { emitByte(std::uint8_t(op)); }
    void emitU16(std::size_t value)
    {
        if (value > 0xFFFF)
            error(m_line, QStringLiteral("Too many local variables, arguments or captures in one function."));
        emitByte(std::uint8_t(value & 0xFF));
        emitByte(std::uint8_t(value >> 8));
    }
    void emitU32(std::size_t value)
    {
        if (value > 0xFFFFFFFFu)
            error(m_line, QStringLiteral("Script too large."));
        for (int i = 0; i < 4; ++i)
            emitByte(std::uint8_t((value >> (8 * i)) & 0xFF));
    }
    void patchU32(std::size_t at, std::size_t value)
    {
        for (int i = 0; i < 4; ++i)
            chunk().code[at + std::size_t(i)] = std::uint8_t((value >> (8 * i)) & 0xFF);
    }
    //! Emits @p op with a jump target to patch; returns where the target goes.
    std::size_t emitJump(Op op)
    {
        emitOp(op);
        const std::size_t at = chunk().code.size();
        emitU32(0);
        return at;
    }
    void patchHere(std::size_t at) { patchU32(at, chunk().code.size()); }
    std::size_t here() const { return m_fs->proto->chunk.code.size(); }
    void emitLoop(std::size_t target)
    {
        emitOp(Op::Loop);
        emitU32(target);
    }
    void emitConstant(Value value)
    {
        chunk().constants.push_back(std::move(value));
        emitOp(Op::Constant);
        emitU32(chunk().constants.size() - 1);
    }
    std::size_t name(const QString &text)
    {
        chunk().names.append(text);
        return std::size_t(chunk().names.size() - 1);
    }

    // --- scopes and locals ---

    std::size_t declareLocal(const QString &localName, bool implicit = false)
    {
        if (m_fs->locals.size() >= 0xFFFF)
            error(m_line, QStringLiteral("Too many local variables in one function."));
        m_fs->locals.push_back({localName, m_fs->scopeDepth, false, implicit});
        m_fs->proto->slotCount = std::max(m_fs->proto->slotCount, int(m_fs->locals.size()));
        return m_fs->locals.size() - 1;
    }
    void beginScope() { ++m_fs->scopeDepth; }
    //! Closes and pops the locals of the innermost scope; with @p keepTop, the value on top
    //! of the stack (an expression's result) stays.
    void endScope(bool keepTop = false)
    {
        --m_fs->scopeDepth;
        std::size_t first = m_fs->locals.size();
        while (first > 0 && m_fs->locals[first - 1].depth > m_fs->scopeDepth)
            --first;
        emitDiscard(first, keepTop);
        m_fs->locals.resize(first);
    }
    //! Ends the innermost scope at compile time only (its code is unreachable).
    void dropScope()
    {
        --m_fs->scopeDepth;
        while (!m_fs->locals.empty() && m_fs->locals.back().depth > m_fs->scopeDepth)
            m_fs->locals.pop_back();
    }
    //! Emits the code that drops the locals from @p first up, without forgetting them.
    void emitDiscard(std::size_t first, bool keepTop = false)
    {
        const std::size_t count = m_fs->locals.size() - first;
        if (count == 0)
            return;
        bool captured = false;
        for (std::size_t i = first; i < m_fs->locals.size(); ++i)
            captured |= m_fs->locals[i].captured;
        if (captured) {
            emitOp(Op::CloseUpvalues);
            emitU16(first);
        }
        emitOp(keepTop ? Op::PopUnder : Op::PopN);
        emitU16(count);
    }

    static int resolveLocal(const FunctionState *fs, const QString &localName)
    {
        for (std::size_t i = fs->locals.size(); i-- > 1;) {
            if (fs->locals[i].name == localName)
                return int(i);
        }
        return -1;
    }
    int addUpvalue(FunctionState *fs, std::uint16_t index, bool fromLocal, const QString &upvalueName)
    {
        auto &upvalues = fs->proto->upvalues;
        for (std::size_t i = 0; i < upvalues.size(); ++i) {
            if (upvalues[i].index == index && upvalues[i].fromLocal == fromLocal)
                return int(i);
        }
        if (upvalues.size() >= 0xFFFF)
            error(m_line, QStringLiteral("Too many captured variables in one function."));
        upvalues.push_back({fromLocal, index});
        fs->proto->upvalueNames.append(upvalueName);
        return int(upvalues.size() - 1);
    }
    int resolveUpvalue(FunctionState *fs, const QString &upvalueName)
    {
        if (!fs->enclosing)
            return -1;
        const int local = resolveLocal(fs->enclosing, upvalueName);
        if (local >= 0) {
            fs->enclosing->locals[std::size_t(local)].captured = true;
            return addUpvalue(fs, std::uint16_t(local), true, upvalueName);
        }
        const int upvalue = resolveUpvalue(fs->enclosing, upvalueName);
        if (upvalue >= 0)
            return addUpvalue(fs, std::uint16_t(upvalue), false, upvalueName);
        return -1;
    }
    static bool visibleFrom(const FunctionState *fs, const QString &localName)
    {
        for (; fs; fs = fs->enclosing) {
            if (resolveLocal(fs, localName) >= 0)
                return true;
        }
        return false;
    }

    void loadVariable(const QString &variable, bool globalOnly = false)
    {
        if (globalOnly) {
            emitOp(Op::GetGlobal);
            emitU32(std::size_t(m_vm.globalIndex(globalName(variable))));
            return;
        }
        const int local = resolveLocal(m_fs, variable);
        if (local >= 0) {
            if (m_fs->locals[std::size_t(local)].implicit) {
                emitOp(Op::GetLocalChecked);
                emitU16(std::size_t(local));
                emitU32(name(variable));
            } else {
                emitOp(Op::GetLocal);
                emitU16(std::size_t(local));
            }
            return;
        }
        const int upvalue = resolveUpvalue(m_fs, variable);
        if (upvalue >= 0) {
            emitOp(Op::GetUpvalue);
            emitU16(std::size_t(upvalue));
            return;
        }
        emitOp(Op::GetGlobal);
        emitU32(std::size_t(m_vm.globalIndex(globalName(variable))));
    }

    //! Stores the value on top of the stack into @p variable, keeping it on the stack.
    //! With @p append, `variable += top` instead.
    void storeVariable(const QString &variable, bool append = false, bool globalOnly = false)
    {
        const int local = globalOnly ? -1 : resolveLocal(m_fs, variable);
        if (local >= 0) {
            emitOp(append ? Op::AppendLocal : Op::SetLocal);
            emitU16(std::size_t(local));
            return;
        }
        const int upvalue = globalOnly ? -1 : resolveUpvalue(m_fs, variable);
        if (upvalue >= 0) {
            emitOp(append ? Op::AppendUpvalue : Op::SetUpvalue);
            emitU16(std::size_t(upvalue));
            return;
        }
        if (m_fs->isScript) {
            if (!m_modulePrefix.isEmpty())
                m_moduleGlobals.insert(variable);
            m_vm.declareGlobal(globalName(variable));
            m_scriptGlobals.insert(variable);
        }
        emitOp(append ? Op::AppendGlobal : Op::SetGlobal);
        emitU32(std::size_t(m_vm.globalIndex(globalName(variable))));
    }

    //! A compile-time error if @p variable names a `val`/`const` the code may see.
    void checkMutable(const QString &variable, bool globalOnly, int line)
    {
        bool constant = false;
        bool found = false;
        for (const FunctionState *fs = m_fs; fs && !globalOnly; fs = fs->enclosing) {
            const int local = resolveLocal(fs, variable);
            if (local >= 0) {
                constant = fs->locals[std::size_t(local)].constant;
                found = true;
                break;
            }
        }
        if (!found)
            constant = m_constGlobals.contains(variable);
        if (constant)
            error(line, QStringLiteral("Cannot assign to '%1': it is a val (immutable).").arg(variable));
    }

    // --- statements ---

    void statement(const Stmt &stmt)
    {
        LineScope lineScope(m_line, stmt.line);
        switch (stmt.kind) {
        case Stmt::Kind::Expression:
            expression(*static_cast<const ExpressionStmt &>(stmt).expr);
            emitOp(Op::Pop);
            return;
        case Stmt::Kind::Let: {
            const auto &let = static_cast<const LetStmt &>(stmt);
            if (let.initializer)
                expression(*let.initializer);
            else
                emitOp(Op::Null);
            if (m_fs->isScript && m_fs->scopeDepth == 0) {
                if (let.constant)
                    m_constGlobals.insert(let.name);
                else
                    checkMutable(let.name, true, stmt.line);
                storeVariable(let.name);
                emitOp(Op::Pop);
            } else {
                declareLocal(let.name);
                m_fs->locals.back().constant = let.constant;
            }
            return;
        }
        case Stmt::Kind::Function: {
            const auto &fn = static_cast<const FunctionStmt &>(stmt);
            if (m_fs->isScript && m_fs->scopeDepth == 0) {
                function(*fn.decl);
                storeVariable(fn.decl->name);
                emitOp(Op::Pop);
            } else {
                declareLocal(fn.decl->name); // before the body, so that it can call itself
                function(*fn.decl);
            }
            return;
        }
        case Stmt::Kind::Block:
            beginScope();
            for (const StmtPtr &inner : static_cast<const BlockStmt &>(stmt).statements)
                statement(*inner);
            endScope();
            return;
        case Stmt::Kind::If: {
            const auto &ifStmt = static_cast<const IfStmt &>(stmt);
            expression(*ifStmt.condition);
            const std::size_t elseJump = emitJump(Op::JumpIfFalse);
            scopedStatement(*ifStmt.thenBranch);
            if (ifStmt.elseBranch) {
                const std::size_t endJump = emitJump(Op::Jump);
                patchHere(elseJump);
                scopedStatement(*ifStmt.elseBranch);
                patchHere(endJump);
            } else {
                patchHere(elseJump);
            }
            return;
        }
        case Stmt::Kind::While:
        case Stmt::Kind::Loop: {
            const auto &loop = static_cast<const WhileStmt &>(stmt);
            if (loop.doWhile) {
                doWhile(loop);
                return;
            }
            const std::size_t start = here();
            std::size_t exitJump = 0;
            if (loop.condition) {
                expression(*loop.condition);
                exitJump = emitJump(Op::JumpIfFalse);
            }
            pushLoop(long(start));
            scopedStatement(*loop.body);
            emitLoop(start);
            if (loop.condition)
                patchHere(exitJump);
            popLoop(here());
            return;
        }
        case Stmt::Kind::ForIn:
            forIn(static_cast<const ForInStmt &>(stmt));
            return;
        case Stmt::Kind::ForC:
            forC(static_cast<const ForCStmt &>(stmt));
            return;
        case Stmt::Kind::Break:
        case Stmt::Kind::Continue: {
            if (m_fs->loops.empty())
                error(stmt.line, QStringLiteral("Can't use '%1' outside a loop.")
                                         .arg(stmt.kind == Stmt::Kind::Break ? u"break" : u"continue"));
            LoopContext &loop = m_fs->loops.back();
            leaveTries(loop.tryDepth);
            emitDiscard(loop.localCount);
            if (stmt.kind == Stmt::Kind::Break) {
                m_fs->loops.back().breaks.push_back(emitJump(Op::Jump));
            } else if (m_fs->loops.back().continueTarget >= 0) {
                emitLoop(std::size_t(m_fs->loops.back().continueTarget));
            } else {
                m_fs->loops.back().continues.push_back(emitJump(Op::Jump));
            }
            return;
        }
        case Stmt::Kind::Return: {
            const auto &ret = static_cast<const ReturnStmt &>(stmt);
            // `return f(x)` in a function, outside try: the call reuses this frame, so that
            // tail recursion runs in constant stack (Havel's tco_* scripts go 50,000 deep).
            if (ret.value && ret.value->kind == Expr::Kind::Call && !m_fs->isScript && m_fs->tries.empty()
                && !m_fs->proto->isGenerator) {
                const auto &call = static_cast<const CallExpr &>(*ret.value);
                if (call.callee->kind != Expr::Kind::Member && !hasSpread(call.arguments)) {
                    LineScope lineScope(m_line, call.line);
                    expression(*call.callee);
                    for (const ExprPtr &argument : call.arguments)
                        expression(*argument);
                    emitOp(Op::TailCall);
                    emitU16(call.arguments.size());
                    emitOp(Op::Return);
                    return;
                }
            }
            if (ret.value)
                expression(*ret.value);
            else
                emitOp(Op::Null);
            if (!m_fs->tries.empty()) {
                // The value waits in a slot of its own while the finally blocks run.
                beginScope();
                declareLocal(QStringLiteral("@return"));
                leaveTries(0);
                emitOp(Op::Return);
                dropScope();
            } else {
                emitOp(Op::Return);
            }
            return;
        }
        case Stmt::Kind::Throw:
            expression(*static_cast<const ThrowStmt &>(stmt).value);
            emitOp(Op::Throw);
            return;
        case Stmt::Kind::Try:
            tryStatement(static_cast<const TryStmt &>(stmt));
            return;
        case Stmt::Kind::Defer:
            error(stmt.line, QStringLiteral("'defer' outside a block."));
        }
    }

    //! A branch or loop body: a block gets its scope from statement(); a single statement
    //! gets one here so that its locals end with it.
    void scopedStatement(const Stmt &stmt)
    {
        beginScope();
        statement(stmt);
        endScope();
    }

    void pushLoop(long continueTarget)
    {
        LoopContext loop;
        loop.localCount = m_fs->locals.size();
        loop.tryDepth = m_fs->tries.size();
        loop.continueTarget = continueTarget;
        m_fs->loops.push_back(std::move(loop));
    }
    void popLoop(std::size_t breakTarget)
    {
        for (const std::size_t at : m_fs->loops.back().breaks)
            patchU32(at, breakTarget);
        m_fs->loops.pop_back();
    }

    //! Leaves every try entered since depth @p depth: ends its handler and runs its finally.
    void leaveTries(std::size_t depth)
    {
        const std::vector<TryEntry> saved = m_fs->tries;
        for (std::size_t i = saved.size(); i-- > depth;) {
            if (saved[i].hasHandler)
                emitOp(Op::TryEnd);
            if (saved[i].runsFinally) {
                m_fs->tries.assign(saved.begin(), saved.begin() + std::ptrdiff_t(i));
                statement(*saved[i].stmt->finallyBody);
            }
        }
        m_fs->tries = saved;
    }

    void forIn(const ForInStmt &stmt)
    {
        beginScope();
        const std::size_t stateSlot = m_fs->locals.size();
        const bool isRange = stmt.iterable->kind == Expr::Kind::Binary
                && static_cast<const BinaryExpr &>(*stmt.iterable).op == TokenType::DotDot;
        if (isRange) {
            // `for i in a..b` walks the range without building an array.
            const auto &range = static_cast<const BinaryExpr &>(*stmt.iterable);
            expression(*range.left);
            expression(*range.right);
            {
                LineScope lineScope(m_line, range.line);
                emitOp(Op::RangeIterInit);
            }
        } else {
            expression(*stmt.iterable);
            emitOp(Op::IterInit);
        }
        declareLocal(QStringLiteral("@iter"));
        declareLocal(QStringLiteral("@index"));
        const std::size_t start = here();
        emitOp(isRange ? Op::RangeIterNext : Op::IterNext);
        emitU16(stateSlot);
        const std::size_t exitJump = here();
        emitU32(0);
        pushLoop(long(start));
        // A fresh variable per iteration: a callback made in the body keeps its own item.
        beginScope();
        declareLocal(stmt.variable);
        statement(*stmt.body);
        endScope();
        emitLoop(start);
        patchHere(exitJump);
        popLoop(here());
        endScope();
    }

    void doWhile(const WhileStmt &loop)
    {
        const std::size_t start = here();
        pushLoop(-1);
        scopedStatement(*loop.body);
        for (const std::size_t at : m_fs->loops.back().continues)
            patchHere(at);
        {
            LineScope lineScope(m_line, loop.condition->line);
            expression(*loop.condition);
        }
        const std::size_t exitJump = emitJump(Op::JumpIfFalse);
        emitLoop(start);
        patchHere(exitJump);
        popLoop(here());
    }

    void forC(const ForCStmt &stmt)
    {
        beginScope();
        const std::size_t firstSlot = m_fs->locals.size();
        if (stmt.initializer)
            statement(*stmt.initializer);
        const std::size_t loopVars = m_fs->locals.size() - firstSlot;
        const std::size_t start = here();
        std::size_t exitJump = 0;
        if (stmt.condition) {
            expression(*stmt.condition);
            exitJump = emitJump(Op::JumpIfFalse);
        }
        pushLoop(-1);
        scopedStatement(*stmt.body);
        for (const std::size_t at : m_fs->loops.back().continues)
            patchHere(at);
        // Each iteration has its own copy of the loop variables (JavaScript's `for (let ...)`):
        // closures made in this iteration keep the values they saw; the increment then works
        // on the fresh variables of the next one.
        bool captured = false;
        for (std::size_t i = firstSlot; i < firstSlot + loopVars; ++i)
            captured |= m_fs->locals[i].captured;
        if (captured) {
            emitOp(Op::CloseUpvalues);
            emitU16(firstSlot);
        }
        if (stmt.increment) {
            expression(*stmt.increment);
            emitOp(Op::Pop);
        }
        emitLoop(start);
        if (stmt.condition)
            patchHere(exitJump);
        popLoop(here());
        endScope();
    }

    void tryStatement(const TryStmt &stmt)
    {
        const bool hasFinally = stmt.finallyBody != nullptr;
        const std::size_t handler = emitJump(Op::TryBegin);
        m_fs->tries.push_back({&stmt, true, hasFinally});
        statement(*stmt.body);
        m_fs->tries.pop_back();
        emitOp(Op::TryEnd);
        if (hasFinally)
            statement(*stmt.finallyBody);
        std::vector<std::size_t> endJumps{emitJump(Op::Jump)};

        // The handler leaves the error's value and its line on the stack: two locals.
        patchHere(handler);
        beginScope();
        declareLocal(stmt.hasCatch && !stmt.catchName.isEmpty() ? stmt.catchName : QStringLiteral("@error"));
        declareLocal(QStringLiteral("@errorInfo"));
        if (stmt.hasCatch) {
            std::size_t catchHandler = 0;
            if (hasFinally) {
                catchHandler = emitJump(Op::TryBegin);
                m_fs->tries.push_back({&stmt, true, true});
            }
            statement(*stmt.catchBody);
            if (hasFinally) {
                m_fs->tries.pop_back();
                emitOp(Op::TryEnd);
            }
            endScope();
            if (hasFinally) {
                statement(*stmt.finallyBody);
                endJumps.push_back(emitJump(Op::Jump));
                // An error in the catch block: run finally, then rethrow it.
                patchHere(catchHandler);
                beginScope();
                declareLocal(QStringLiteral("@error"));
                declareLocal(QStringLiteral("@errorInfo"));
                declareLocal(QStringLiteral("@error2"));
                declareLocal(QStringLiteral("@errorInfo2"));
                statement(*stmt.finallyBody);
                emitOp(Op::Rethrow);
                dropScope();
            }
        } else {
            statement(*stmt.finallyBody);
            emitOp(Op::Rethrow);
            dropScope();
        }
        for (const std::size_t at : endJumps)
            patchHere(at);
    }

    // --- functions ---

    //! Compiles @p decl and emits the closure that makes it a value.
    void function(const FunctionDecl &decl)
    {
        LineScope lineScope(m_line, decl.line);
        FunctionState state;
        state.enclosing = m_fs;
        state.proto = std::make_shared<FunctionProto>();
        state.proto->name = decl.name;
        state.proto->params = decl.params;
        state.proto->variadic = decl.variadic;
        state.proto->library = m_library;
        state.proto->line = decl.line;
        state.scopeDepth = 1;
        state.locals.push_back({QString(), 0});
        m_fs = &state;
        struct Restore
        {
            FunctionState *&fs;
            FunctionState *saved;
            ~Restore() { fs = saved; }
        } restore{m_fs, state.enclosing};

        for (const QString &param : decl.params)
            declareLocal(param);
        // Names this function assigns that nothing visible defines become its locals.
        AssignedNames assigned(false);
        for (const StmtPtr &stmt : decl.body)
            assigned.statement(*stmt, 1);
        if (decl.expressionBody)
            assigned.expression(decl.expressionBody.get());
        state.proto->isGenerator = assigned.sawYield();
        // Defaults: a parameter left out (or passed null) gets its default, evaluated at the
        // call, in order, so a default may use the parameters before it.
        for (std::size_t i = 0; i < decl.defaults.size(); ++i) {
            if (!decl.defaults[i])
                continue;
            emitOp(Op::GetLocal);
            emitU16(i + 1);
            const std::size_t skip = emitJump(Op::JumpIfNotNullKeep);
            expression(*decl.defaults[i]);
            emitOp(Op::SetLocal);
            emitU16(i + 1);
            patchHere(skip);
            emitOp(Op::Pop);
        }
        for (const QString &local : assigned.names()) {
            if (resolveLocal(&state, local) >= 0 || visibleFrom(state.enclosing, local)
                || m_scriptGlobals.contains(local))
                continue;
            emitOp(Op::Undefined);
            declareLocal(local, true);
        }

        if (decl.expressionBody) {
            expression(*decl.expressionBody);
            emitOp(Op::Return);
        } else {
            // A function without `return` gives its last expression, as Havel documents
            // (docs/language/functions.md); other last statements give null.
            // A generator keeps ending with null: its resumer reads that as "done".
            const Stmt *last = decl.body.empty() || state.proto->isGenerator ? nullptr : decl.body.back().get();
            for (const StmtPtr &stmt : decl.body) {
                if (stmt.get() == last && last->kind == Stmt::Kind::Expression)
                    break;
                statement(*stmt);
            }
            if (last && last->kind == Stmt::Kind::Expression) {
                LineScope lineScope(m_line, last->line);
                expression(*static_cast<const ExpressionStmt &>(*last).expr);
            } else {
                emitOp(Op::Null);
            }
            emitOp(Op::Return);
        }
        m_fs = state.enclosing;
        chunk().functions.push_back(state.proto);
        emitOp(Op::Closure);
        emitU32(chunk().functions.size() - 1);
    }

    // --- expressions ---

    void expression(const Expr &expr)
    {
        LineScope lineScope(m_line, expr.line);
        switch (expr.kind) {
        case Expr::Kind::Literal: {
            const auto &literal = static_cast<const LiteralExpr &>(expr);
            switch (literal.type) {
            case LiteralExpr::Type::Null: emitOp(Op::Null); return;
            case LiteralExpr::Type::Bool: emitOp(literal.boolValue ? Op::True : Op::False); return;
            case LiteralExpr::Type::Int: emitConstant(literal.intValue); return;
            case LiteralExpr::Type::Float: emitConstant(literal.floatValue); return;
            case LiteralExpr::Type::String: emitConstant(literal.stringValue); return;
            }
            return;
        }
        case Expr::Kind::Interpolation: {
            const auto &interpolation = static_cast<const InterpolationExpr &>(expr);
            for (const auto &part : interpolation.parts) {
                if (part.expr)
                    expression(*part.expr);
                else
                    emitConstant(part.text);
            }
            emitOp(Op::Interpolate);
            emitU32(interpolation.parts.size());
            return;
        }
        case Expr::Kind::Variable: {
            const auto &variable = static_cast<const VariableExpr &>(expr);
            loadVariable(variable.name, variable.global);
            return;
        }
        case Expr::Kind::Assign:
            assign(static_cast<const AssignExpr &>(expr));
            return;
        case Expr::Kind::Unary: {
            const auto &unary = static_cast<const UnaryExpr &>(expr);
            expression(*unary.operand);
            emitOp(unary.op == TokenType::Bang    ? Op::Not
                   : unary.op == TokenType::Tilde ? Op::BitNot
                   : unary.op == TokenType::Hash  ? Op::Length
                                                  : Op::Negate);
            return;
        }
        case Expr::Kind::Binary: {
            const auto &binary = static_cast<const BinaryExpr &>(expr);
            expression(*binary.left);
            expression(*binary.right);
            binaryOp(binary.op, false);
            return;
        }
        case Expr::Kind::Logical: {
            const auto &logical = static_cast<const BinaryExpr &>(expr);
            expression(*logical.left);
            const Op jump = logical.op == TokenType::OrOr ? Op::JumpIfTrueKeep
                    : logical.op == TokenType::AndAnd   ? Op::JumpIfFalseKeep
                                                        : Op::JumpIfNotNullKeep;
            const std::size_t end = emitJump(jump);
            expression(*logical.right);
            patchHere(end);
            return;
        }
        case Expr::Kind::Ternary: {
            const auto &ternary = static_cast<const TernaryExpr &>(expr);
            expression(*ternary.condition);
            const std::size_t elseJump = emitJump(Op::JumpIfFalse);
            expression(*ternary.thenExpr);
            const std::size_t endJump = emitJump(Op::Jump);
            patchHere(elseJump);
            expression(*ternary.elseExpr);
            patchHere(endJump);
            return;
        }
        case Expr::Kind::Call: {
            const auto &call = static_cast<const CallExpr &>(expr);
            if (hasSpread(call.arguments)) {
                spreadCall(call);
                return;
            }
            if (call.callee->kind == Expr::Kind::Member) {
                // receiver.method(args): dispatch without making a bound method first.
                const auto &member = static_cast<const MemberExpr &>(*call.callee);
                expression(*member.object);
                for (const ExprPtr &argument : call.arguments)
                    expression(*argument);
                emitOp(Op::Invoke);
                emitU32(name(member.name));
                emitU16(call.arguments.size());
                return;
            }
            expression(*call.callee);
            for (const ExprPtr &argument : call.arguments)
                expression(*argument);
            emitOp(Op::Call);
            emitU16(call.arguments.size());
            return;
        }
        case Expr::Kind::Member: {
            const auto &member = static_cast<const MemberExpr &>(expr);
            expression(*member.object);
            emitOp(Op::GetMember);
            emitU32(name(member.name));
            return;
        }
        case Expr::Kind::Index: {
            const auto &index = static_cast<const IndexExpr &>(expr);
            expression(*index.object);
            expression(*index.index);
            emitOp(Op::GetIndex);
            return;
        }
        case Expr::Kind::Array: {
            const auto &array = static_cast<const ArrayExpr &>(expr);
            if (hasSpread(array.elements)) {
                spreadList(array.elements);
                return;
            }
            for (const ExprPtr &element : array.elements)
                expression(*element);
            emitOp(Op::Array);
            emitU32(array.elements.size());
            return;
        }
        case Expr::Kind::Object: {
            const auto &object = static_cast<const ObjectExpr &>(expr);
            if (hasSpread(object.values)) {
                spreadObject(object);
                return;
            }
            for (const ExprPtr &value : object.values)
                expression(*value);
            const std::size_t firstName = std::size_t(chunk().names.size());
            chunk().names.append(object.keys);
            emitOp(Op::Object);
            emitU32(object.values.size());
            emitU32(firstName);
            return;
        }
        case Expr::Kind::Function:
            function(*static_cast<const FunctionExpr &>(expr).decl);
            return;
        case Expr::Kind::Postfix:
            postfix(static_cast<const PostfixExpr &>(expr));
            return;
        case Expr::Kind::TimerBlock:
            timerBlock(static_cast<const TimerBlockExpr &>(expr));
            return;
        case Expr::Kind::Go: {
            const auto &go = static_cast<const GoExpr &>(expr);
            if (go.body) {
                function(*go.body);
                emitOp(Op::Go);
                emitU16(0);
                emitByte(go.thread);
                return;
            }
            const auto &call = static_cast<const CallExpr &>(*go.call);
            expression(*call.callee);
            for (const ExprPtr &argument : call.arguments)
                expression(*argument);
            emitOp(Op::Go);
            emitU16(call.arguments.size());
            emitByte(0);
            return;
        }
        case Expr::Kind::Send: {
            const auto &send = static_cast<const SendExpr &>(expr);
            expression(*send.channel);
            expression(*send.value);
            emitOp(Op::Send);
            return;
        }
        case Expr::Kind::Receive:
            expression(*static_cast<const ReceiveExpr &>(expr).source);
            emitOp(Op::Receive);
            return;
        case Expr::Kind::Yield: {
            const auto &yield = static_cast<const YieldExpr &>(expr);
            if (yield.value)
                expression(*yield.value);
            else
                emitOp(Op::Null);
            emitOp(Op::Yield);
            return;
        }
        case Expr::Kind::Await:
            expression(*static_cast<const AwaitExpr &>(expr).value);
            emitOp(Op::Await);
            return;
        case Expr::Kind::Spread:
            misplacedSpread(expr.line);
        case Expr::Kind::Destructure:
            destructure(static_cast<const DestructureExpr &>(expr));
            return;
        case Expr::Kind::AtStop: {
            const QString timer = QStringLiteral("@timer");
            if (resolveLocal(m_fs, timer) >= 0 || visibleFrom(m_fs->enclosing, timer))
                loadVariable(timer);
            else
                emitOp(Op::Null);
            emitOp(Op::AtStop);
            return;
        }
        }
    }

    void binaryOp(TokenType op, bool compound)
    {
        auto arithmetic = [&](Op code) {
            emitOp(code);
            emitByte(compound ? 1 : 0);
        };
        switch (op) {
        case TokenType::Plus:
        case TokenType::PlusEqual: emitOp(Op::Add); return;
        case TokenType::Minus:
        case TokenType::MinusEqual: arithmetic(Op::Sub); return;
        case TokenType::Star:
        case TokenType::StarEqual: arithmetic(Op::Mul); return;
        case TokenType::Slash:
        case TokenType::SlashEqual: arithmetic(Op::Div); return;
        case TokenType::Percent:
        case TokenType::PercentEqual: arithmetic(Op::Mod); return;
        case TokenType::StarStar: arithmetic(Op::Pow); return;
        case TokenType::EqualEqual: emitOp(Op::Equal); return;
        case TokenType::BangEqual: emitOp(Op::NotEqual); return;
        case TokenType::Less: emitOp(Op::Less); return;
        case TokenType::LessEqual: emitOp(Op::LessEqual); return;
        case TokenType::Greater: emitOp(Op::Greater); return;
        case TokenType::GreaterEqual: emitOp(Op::GreaterEqual); return;
        case TokenType::DotDot: emitOp(Op::Range); return;
        case TokenType::Amp:
        case TokenType::AmpEqual: emitOp(Op::BitAnd); return;
        case TokenType::Pipe:
        case TokenType::PipeEqual: emitOp(Op::BitOr); return;
        case TokenType::Caret:
        case TokenType::CaretEqual: emitOp(Op::BitXor); return;
        case TokenType::LessLess: emitOp(Op::ShiftLeft); return;
        case TokenType::GreaterGreater: emitOp(Op::ShiftRight); return;
        default: error(m_line, QStringLiteral("Unknown operator."));
        }
    }

    void assign(const AssignExpr &expr)
    {
        const bool plain = expr.op == TokenType::Equal;
        switch (expr.target->kind) {
        case Expr::Kind::Variable: {
            const auto &target = static_cast<const VariableExpr &>(*expr.target);
            const QString &variable = target.name;
            checkMutable(variable, target.global, expr.line);
            if (plain) {
                expression(*expr.value);
                storeVariable(variable, false, target.global);
            } else if (expr.op == TokenType::PlusEqual) {
                expression(*expr.value);
                storeVariable(variable, true, target.global);
            } else {
                loadVariable(variable, target.global);
                expression(*expr.value);
                binaryOp(expr.op, true);
                storeVariable(variable, false, target.global);
            }
            return;
        }
        case Expr::Kind::Member: {
            const auto &member = static_cast<const MemberExpr &>(*expr.target);
            expression(*member.object);
            const std::size_t key = name(member.name);
            if (!plain) {
                emitOp(Op::Dup);
                emitOp(Op::GetMember);
                emitU32(key);
            }
            expression(*expr.value);
            if (!plain)
                binaryOp(expr.op, true);
            emitOp(Op::SetMember);
            emitU32(key);
            return;
        }
        case Expr::Kind::Index: {
            const auto &index = static_cast<const IndexExpr &>(*expr.target);
            expression(*index.object);
            expression(*index.index);
            if (!plain) {
                emitOp(Op::Dup2);
                emitOp(Op::GetIndex);
            }
            expression(*expr.value);
            if (!plain)
                binaryOp(expr.op, true);
            emitOp(Op::SetIndex);
            return;
        }
        default:
            error(expr.line, QStringLiteral("Invalid assignment target."));
        }
    }

    void postfix(const PostfixExpr &expr)
    {
        const bool increment = expr.op == TokenType::PlusPlus;
        switch (expr.target->kind) {
        case Expr::Kind::Variable: {
            const auto &target = static_cast<const VariableExpr &>(*expr.target);
            const QString &variable = target.name;
            checkMutable(variable, target.global, expr.line);
            loadVariable(variable, target.global);
            emitOp(Op::Dup);
            emitOp(Op::IncDec);
            emitByte(increment);
            storeVariable(variable, false, target.global);
            emitOp(Op::Pop);
            return;
        }
        case Expr::Kind::Member: {
            const auto &member = static_cast<const MemberExpr &>(*expr.target);
            expression(*member.object);
            emitOp(Op::IncDecMember);
            emitU32(name(member.name));
            emitByte(increment);
            return;
        }
        case Expr::Kind::Index: {
            const auto &index = static_cast<const IndexExpr &>(*expr.target);
            expression(*index.object);
            expression(*index.index);
            emitOp(Op::IncDecIndex);
            emitByte(increment);
            return;
        }
        default:
            error(expr.line, QStringLiteral("Invalid assignment target."));
        }
    }

    static bool hasSpread(const std::vector<ExprPtr> &items)
    {
        return std::any_of(items.begin(), items.end(),
                           [](const ExprPtr &e) { return e && e->kind == Expr::Kind::Spread; });
    }

    // The forms below are compiled out of line: expression() recurses as deep as the tree (a
    // 10,000-link chain), so its frame must stay small (ASan's frames are several times larger).

    //! f(a, ...xs): @apply(f, [a, ...xs]); a method is taken as a bound value.
    [[noreturn, gnu::noinline]] void misplacedSpread(int line)
    {
        error(line, QStringLiteral("'...' only goes in an array, an object or a call's arguments."));
    }

    [[gnu::noinline]] void spreadCall(const CallExpr &call)
    {
        loadVariable(QStringLiteral("@apply"));
        expression(*call.callee);
        spreadList(call.arguments);
        emitOp(Op::Call);
        emitU16(2);
    }

    //! [a, ...xs, b] as `@spread([a], xs, [b])`: runs of plain items become arrays, and
    //! @spread joins the pieces (arrays, strings' characters, objects' keys).
    [[gnu::noinline]] void spreadList(const std::vector<ExprPtr> &items)
    {
        loadVariable(QStringLiteral("@spread"));
        std::size_t pieces = 0;
        std::size_t run = 0;
        auto endRun = [&] {
            if (run == 0)
                return;
            emitOp(Op::Array);
            emitU32(run);
            run = 0;
            ++pieces;
        };
        for (const ExprPtr &item : items) {
            if (item->kind == Expr::Kind::Spread) {
                endRun();
                expression(*static_cast<const SpreadExpr &>(*item).value);
                ++pieces;
            } else {
                expression(*item);
                ++run;
            }
        }
        endRun();
        emitOp(Op::Call);
        emitU16(pieces);
    }

    //! {a: 1, ...o, b: 2} as `@merge({a: 1}, o, {b: 2})`.
    [[gnu::noinline]] void spreadObject(const ObjectExpr &object)
    {
        loadVariable(QStringLiteral("@merge"));
        std::size_t pieces = 0;
        QStringList run;
        auto endRun = [&] {
            if (run.isEmpty())
                return;
            const std::size_t firstName = std::size_t(chunk().names.size());
            chunk().names.append(run);
            emitOp(Op::Object);
            emitU32(run.size());
            emitU32(firstName);
            run.clear();
            ++pieces;
        };
        for (std::size_t i = 0; i < object.values.size(); ++i) {
            if (object.values[i]->kind == Expr::Kind::Spread) {
                endRun();
                expression(*static_cast<const SpreadExpr &>(*object.values[i]).value);
                ++pieces;
            } else {
                expression(*object.values[i]);
                run.append(object.keys.at(qsizetype(i)));
            }
        }
        endRun();
        emitOp(Op::Call);
        emitU16(pieces);
    }

    //! The value stays on the stack (the expression's result); each target takes its part.
    [[gnu::noinline]] void destructure(const DestructureExpr &expr)
    {
        const bool topLevel = m_fs->isScript && m_fs->scopeDepth == 0;
        expression(*expr.value);
        beginScope();
        const std::size_t slot = declareLocal(QStringLiteral("@destructure"));
        auto store = [&](const ExprPtr &target) {
            const QString &variable = static_cast<const VariableExpr &>(*target).name;
            if (variable == QLatin1String("_")) {
                emitOp(Op::Pop);
                return;
            }
            checkMutable(variable, false, expr.line);
            if (expr.constant && topLevel)
                m_constGlobals.insert(variable);
            storeVariable(variable);
            emitOp(Op::Pop);
            if (expr.constant) {
                const int local = resolveLocal(m_fs, variable);
                if (local >= 0)
                    m_fs->locals[std::size_t(local)].constant = true;
            }
        };
        // Each part through @part(value, key): an item by position (null past the end), or a
        // member by key; a value of the wrong kind is a runtime error naming the pattern.
        for (std::size_t i = 0; i < expr.targets.size(); ++i) {
            if (!expr.targets[i])
                continue;
            loadVariable(QStringLiteral("@part"));
            emitOp(Op::GetLocal);
            emitU16(slot);
            if (expr.byKey)
                emitConstant(expr.keys.at(qsizetype(i)));
            else
                emitConstant(qint64(i));
            emitOp(Op::Call);
            emitU16(2);
            store(expr.targets[i]);
        }
        if (expr.rest) {
            // The rest: the items after the named ones, or the members not named.
            loadVariable(QStringLiteral("@rest"));
            emitOp(Op::GetLocal);
            emitU16(slot);
            if (expr.byKey) {
                for (const QString &key : expr.keys)
                    emitConstant(key);
                emitOp(Op::Array);
                emitU32(expr.keys.size());
            } else {
                emitConstant(qint64(expr.targets.size()));
            }
            emitOp(Op::Call);
            emitU16(2);
            store(expr.rest);
        }
        emitOp(Op::GetLocal);
        emitU16(slot);
        endScope(true);
    }

    void timerBlock(const TimerBlockExpr &expr)
    {
        // The block's own scope holds its timer id, which @stop finds by lexical lookup: the
        // innermost enclosing timer block wins.
        beginScope();
        emitOp(Op::Null);
        const std::size_t slot = declareLocal(QStringLiteral("@timer"));
        expression(*expr.delay);
        function(*expr.body);
        emitOp(Op::TimerBlock);
        emitByte(expr.isInterval);
        emitOp(Op::StoreTimerId);
        emitU16(slot);
        endScope(true);
    }

    //! A module's globals live in the VM's table under PREFIX + name, so that each module has
    //! its own; the built-ins it only reads keep their names.
    QString globalName(const QString &variable) const
    {
        return m_moduleGlobals.contains(variable) ? m_modulePrefix + variable : variable;
    }

    Vm &m_vm;
    const bool m_library;
    const QString m_modulePrefix;
    QSet<QString> m_moduleGlobals;
    //! The globals the script itself assigns. A function assigning one of these updates it;
    //! a function assigning a name that is only a built-in (`timer = nil`, `mode = 2`) makes
    //! a local instead, so the built-in module stays for the rest of the script.
    QSet<QString> m_scriptGlobals;
    //! Globals declared with `val`/`const`.
    QSet<QString> m_constGlobals;
    FunctionState *m_fs = nullptr;
    int m_line = 0;
};

} // namespace

std::shared_ptr<const FunctionProto> Compiler::compile(const Program &program, Vm &vm,
                                                       SyntaxError *error, bool library,
                                                       const QString &modulePrefix)
{
    try {
        Codegen codegen(vm, library, modulePrefix);
        return codegen.script(program);
    } catch (const CompileError &e) {
        if (error)
            *error = e.error;
        return nullptr;
    }
}

} // namespace havel::script
