// The syntax tree of a Havel script.
//
// The nodes are plain structs with a kind tag, kept together in one header on purpose: they
// are one vocabulary (as in Crafting Interpreters' Expr and Stmt), and the evaluator switches
// on the tag. A tree is immutable once parsed; the interpreter keeps every program it ran
// alive for as long as closures may point into it.
#pragma once

#include "token.h"

#include <QtCore/QString>
#include <QtCore/QStringList>

#include <memory>
#include <vector>

namespace havel::script {

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;

struct Expr
{
    enum class Kind {
        Literal, Interpolation, Variable, Assign, Unary, Binary, Logical, Ternary, Call,
        Member, Index, Array, Object, Function, Postfix, TimerBlock, AtStop,
        Go, Send, Receive, Yield, Await,
        // Havel compatibility (issue 11).
        Spread, Destructure,
    };
    Expr(Kind kind, int line) : kind(kind), line(line) { }
    virtual ~Expr() = default;
    const Kind kind;
    const int line;
};
using ExprPtr = std::unique_ptr<Expr>;

struct LiteralExpr : Expr
{
    enum class Type { Null, Bool, Int, Float, String };
    explicit LiteralExpr(int line) : Expr(Kind::Literal, line) { }
    Type type = Type::Null;
    bool boolValue = false;
    qint64 intValue = 0;
    double floatValue = 0;
    QString stringValue;
};

//! "a $b ${c}" and f"a {c}": literal text and expressions, concatenated as text.
struct InterpolationExpr : Expr
{
    struct Part
    {
        QString text;  //!< used when expr is null
        ExprPtr expr;
    };
    explicit InterpolationExpr(int line) : Expr(Kind::Interpolation, line) { }
    std::vector<Part> parts;
};

struct VariableExpr : Expr
{
    VariableExpr(int line, QString name) : Expr(Kind::Variable, line), name(std::move(name)) { }
    QString name;
    bool global = false; //!< `::name`: the script's global, whatever a local of that name hides
};

//! `target = value` and the compound forms; target is a Variable, Member or Index.
struct AssignExpr : Expr
{
    explicit AssignExpr(int line) : Expr(Kind::Assign, line) { }
    TokenType op = TokenType::Equal;
    ExprPtr target;
    ExprPtr value;
};

struct UnaryExpr : Expr
{
    explicit UnaryExpr(int line) : Expr(Kind::Unary, line) { }
    TokenType op = TokenType::Minus;
    ExprPtr operand;
};

//! Arithmetic, comparison and range operators; && || ?? are LogicalExpr.
struct BinaryExpr : Expr
{
    explicit BinaryExpr(int line, Kind kind = Kind::Binary) : Expr(kind, line) { }
    TokenType op = TokenType::Plus;
    QString opText;
    ExprPtr left;
    ExprPtr right;
};

struct TernaryExpr : Expr
{
    explicit TernaryExpr(int line) : Expr(Kind::Ternary, line) { }
    ExprPtr condition;
    ExprPtr thenExpr;
    ExprPtr elseExpr;
};

struct CallExpr : Expr
{
    explicit CallExpr(int line) : Expr(Kind::Call, line) { }
    ExprPtr callee;
    std::vector<ExprPtr> arguments;
};

struct MemberExpr : Expr
{
    explicit MemberExpr(int line) : Expr(Kind::Member, line) { }
    ExprPtr object;
    QString name;
};

struct IndexExpr : Expr
{
    explicit IndexExpr(int line) : Expr(Kind::Index, line) { }
    ExprPtr object;
    ExprPtr index;
};

struct ArrayExpr : Expr
{
    explicit ArrayExpr(int line) : Expr(Kind::Array, line) { }
    std::vector<ExprPtr> elements;
};

struct ObjectExpr : Expr
{
    explicit ObjectExpr(int line) : Expr(Kind::Object, line) { }
    QStringList keys;
    std::vector<ExprPtr> values;
};

//! A function body shared by every closure made from it.
struct FunctionDecl
{
    QString name; //!< empty for anonymous functions and arrows
    QStringList params;
    //! One per parameter, null where it has no default (`fn f(a, b = 10)`).
    std::vector<ExprPtr> defaults;
    bool variadic = false; //!< the last parameter is `...rest`: an array of the extra arguments
    std::vector<StmtPtr> body;
    ExprPtr expressionBody; //!< set for `(a) => expr`
    int line = 0;
};

struct FunctionExpr : Expr
{
    explicit FunctionExpr(int line) : Expr(Kind::Function, line) { }
    std::unique_ptr<FunctionDecl> decl;
};

struct PostfixExpr : Expr
{
    explicit PostfixExpr(int line) : Expr(Kind::Postfix, line) { }
    TokenType op = TokenType::PlusPlus;
    ExprPtr target;
};

//! `interval EXPR { ... }` / `timeout EXPR { ... }`; evaluates to the timer's handle.
struct TimerBlockExpr : Expr
{
    explicit TimerBlockExpr(int line) : Expr(Kind::TimerBlock, line) { }
    bool isInterval = true;
    ExprPtr delay;
    std::unique_ptr<FunctionDecl> body;
};

//! `@stop`: stops the timer of the innermost enclosing timer block.
struct AtStopExpr : Expr
{
    explicit AtStopExpr(int line) : Expr(Kind::AtStop, line) { }
};

//! `go f(args)`, `go { ... }` (also spelled `spawn`): runs a call or a block on a task (a
//! fiber) of its own; evaluates to the task. `thread { ... }` is a task with a mailbox.
struct GoExpr : Expr
{
    explicit GoExpr(int line) : Expr(Kind::Go, line) { }
    bool thread = false;                  //!< `thread { }`: `t <- msg` and receive() work
    ExprPtr call;                         //!< a CallExpr, for `go f(args)`
    std::unique_ptr<FunctionDecl> body;   //!< for `go { ... }`
};

//! `ch <- value`: sends on a channel (parks while it is full).
struct SendExpr : Expr
{
    explicit SendExpr(int line) : Expr(Kind::Send, line) { }
    ExprPtr channel;
    ExprPtr value;
};

//! `<- source`: receives from a channel, or resumes a coroutine.
struct ReceiveExpr : Expr
{
    explicit ReceiveExpr(int line) : Expr(Kind::Receive, line) { }
    ExprPtr source;
};

//! `yield value` inside a function makes it a generator: calling it gives a coroutine.
struct YieldExpr : Expr
{
    explicit YieldExpr(int line) : Expr(Kind::Yield, line) { }
    ExprPtr value; //!< may be null
};

//! `await value`: the result of a task, a coroutine's next value, a timer's end.
struct AwaitExpr : Expr
{
    explicit AwaitExpr(int line) : Expr(Kind::Await, line) { }
    ExprPtr value;
};

//! `...value` in an array literal, an object literal or a call's arguments.
struct SpreadExpr : Expr
{
    explicit SpreadExpr(int line) : Expr(Kind::Spread, line) { }
    ExprPtr value;
};

//! `[a, b, rest...] = v`, `(a, b) = v`, `{x, y: b, ...rest} = v`: each target gets an item
//! (by position) or a member (by key); the expression's value is v.
struct DestructureExpr : Expr
{
    explicit DestructureExpr(int line) : Expr(Kind::Destructure, line) { }
    bool byKey = false;          //!< the object form
    std::vector<ExprPtr> targets; //!< assignable expressions; null skips a position (`_`)
    QStringList keys;            //!< the object form: the key of each target
    ExprPtr rest;                //!< the target of the rest, or null
    ExprPtr value;
    bool constant = false;       //!< `val`/`const`: the names may not be assigned again
};

struct Stmt
{
    enum class Kind {
        Expression, Let, Block, If, While, Loop, ForIn, ForC, Break, Continue, Return, Try,
        Throw, Function,
        Defer, // only while parsing: the parser turns it into a try/finally
    };
    Stmt(Kind kind, int line) : kind(kind), line(line) { }
    virtual ~Stmt() = default;
    const Kind kind;
    const int line;
};

struct ExpressionStmt : Stmt
{
    explicit ExpressionStmt(int line) : Stmt(Kind::Expression, line) { }
    ExprPtr expr;
};

struct LetStmt : Stmt
{
    explicit LetStmt(int line) : Stmt(Kind::Let, line) { }
    QString name;
    ExprPtr initializer; //!< may be null: the variable starts as null
    bool constant = false; //!< `val`/`const`: assigning it again is a compile-time error
};

struct BlockStmt : Stmt
{
    explicit BlockStmt(int line) : Stmt(Kind::Block, line) { }
    std::vector<StmtPtr> statements;
};

struct IfStmt : Stmt
{
    explicit IfStmt(int line) : Stmt(Kind::If, line) { }
    //! Frees an else-if ladder (up to 10,000 branches) with a loop rather than one nested
    //! destructor per branch, so that its depth adds nothing to the stack a tree needs.
    ~IfStmt() override
    {
        StmtPtr next = std::move(elseBranch);
        while (next && next->kind == Kind::If)
            next = std::move(static_cast<IfStmt &>(*next).elseBranch); // frees one branch
    }
    ExprPtr condition;
    StmtPtr thenBranch;
    StmtPtr elseBranch;
};

struct WhileStmt : Stmt
{
    explicit WhileStmt(int line, Kind kind = Kind::While) : Stmt(kind, line) { }
    ExprPtr condition; //!< null for `loop { }`
    bool doWhile = false; //!< `do { } while c`: the body runs before the first test
    StmtPtr body;
};

struct ForInStmt : Stmt
{
    explicit ForInStmt(int line) : Stmt(Kind::ForIn, line) { }
    QString variable;
    ExprPtr iterable;
    StmtPtr body;
};

struct ForCStmt : Stmt
{
    explicit ForCStmt(int line) : Stmt(Kind::ForC, line) { }
    StmtPtr initializer; //!< a LetStmt or an ExpressionStmt, or null
    ExprPtr condition;
    ExprPtr increment;
    StmtPtr body;
};

struct ReturnStmt : Stmt
{
    explicit ReturnStmt(int line) : Stmt(Kind::Return, line) { }
    ExprPtr value;
};

struct TryStmt : Stmt
{
    explicit TryStmt(int line) : Stmt(Kind::Try, line) { }
    StmtPtr body;
    bool hasCatch = false;
    QString catchName; //!< empty for `catch { }`
    StmtPtr catchBody;
    StmtPtr finallyBody;
};

struct ThrowStmt : Stmt
{
    explicit ThrowStmt(int line) : Stmt(Kind::Throw, line) { }
    ExprPtr value;
};

//! `defer stmt`: runs when the enclosing block ends, however it ends (the parser makes the
//! rest of the block a try whose finally is the deferred statement).
struct DeferStmt : Stmt
{
    explicit DeferStmt(int line) : Stmt(Kind::Defer, line) { }
    StmtPtr body;
};

struct FunctionStmt : Stmt
{
    explicit FunctionStmt(int line) : Stmt(Kind::Function, line) { }
    std::unique_ptr<FunctionDecl> decl;
};

//! A parsed script: its top-level statements.
struct Program
{
    std::vector<StmtPtr> statements;
};

} // namespace havel::script
