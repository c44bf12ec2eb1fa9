// Parser: a recursive-descent parser whose functions follow the operator precedence table of
// docs/language.md, lowest first: assignment, ?:, ??, ||, &&, comparison, .., + -, |, ^, &,
// << >>, * / %, **, prefix ! - ~ #, then postfix (call, member, index, ++ --).
//
// Newlines end statements. The parser skips them where a statement cannot end: after a
// binary operator, after `=>`, inside object literals, and before `else`, `catch`, `finally`.
// It stops at the first syntax error; the host reports it and exits with 65.
//
// Limits, so that a hostile input can overflow no stack (parsing, evaluating or freeing the
// tree) and costs time linear in its size:
// - kMaxDepth (200) nesting levels. A level is what a reader sees as one: a bracket of any
//   kind (grouping, call, index, array, object, block, function body), a prefix operator, an
//   interpolation, a function or arrow, a timer block, and the right-hand side of a chained
//   `=`, `?:` or `**`. Every recursion of the parser passes one, so its native stack stays
//   within a few hundred KB.
// - kMaxChainDepth (10,000) chain links in one statement: a + b + ..., f()()..., o.a.b...,
//   a[0][0]... Loops build these, deep in the tree without parser recursion.
// - kMaxElseIf (10,000) `else if` branches in one ladder, counting those of the ladders
//   nested in its branches. A branch's own expressions start the chain count afresh (they
//   are siblings, not nested), so a tree is at most 10,000 + 10,000 links deep.
// Duplicate keys and parameters are found with hash sets; nothing scans back.
#pragma once

#include "ast.h"
#include "syntaxerror.h"

#include <QtCore/QList>

#include <atomic>
#include <memory>
#include <optional>

namespace havel::script {

//! Builds a Program from tokens. Thread: any; an instance is used by one thread at a time.
class Parser
{
public:
    explicit Parser(QList<Token> tokens);

    //! Polls @p flag (null: none) during parseProgram(); once it is true, the parse ends
    //! early with an error whose `interrupted` is set. The flag must outlive the parser.
    void setCancelFlag(const std::atomic<bool> *flag) { m_cancelFlag = flag; }

    //! Parses a whole script. Returns null on a syntax error, which error() then describes.
    std::unique_ptr<Program> parseProgram();
    const std::optional<SyntaxError> &error() const { return m_error; }

    //! Lexes and parses @p source in one go. When @p cancel (may be null) becomes true, the
    //! lexer or parser stops within a few thousand tokens and returns null, with
    //! SyntaxError::interrupted set: a stop request (SIGINT) interrupts even a huge parse.
    static std::unique_ptr<Program> parse(const QString &source, SyntaxError *error,
                                          const std::atomic<bool> *cancel = nullptr);

    static constexpr int kMaxDepth = 200;
    static constexpr int kMaxChainDepth = 10'000;
    static constexpr int kMaxElseIf = 10'000;

private:
    struct Abort { };

    StmtPtr declaration();
    StmtPtr statement();
    StmtPtr letDeclaration();
    StmtPtr functionDeclaration();
    StmtPtr ifStatement();
    StmtPtr forStatement();
    StmtPtr tryStatement();
    StmtPtr commandStatement();
    std::unique_ptr<BlockStmt> block();
    StmtPtr branch();
    StmtPtr useStatement();
    std::vector<StmtPtr> colonBody(const Token &colon);
    void skipType();
    std::vector<StmtPtr> blockBody();
    //! Makes the statements after each `defer` a try whose finally is the deferred statement.
    static void wrapDefers(std::vector<StmtPtr> &statements);
    void endStatement();

    ExprPtr expression();
    ExprPtr assignment();
    ExprPtr sendOrTernary();
    ExprPtr ternary();
    ExprPtr nullish();
    ExprPtr logicalOr();
    ExprPtr logicalAnd();
    ExprPtr comparison();
    ExprPtr range();
    ExprPtr additive();
    ExprPtr bitOr();
    ExprPtr bitXor();
    ExprPtr bitAnd();
    ExprPtr shift();
    ExprPtr multiplicative();
    ExprPtr unary();
    ExprPtr power();
    ExprPtr postfix();
    ExprPtr finishCall(ExprPtr callee);
    ExprPtr primary();
    ExprPtr goExpression(const Token &keyword);
    //! Whether @p token can start an expression on the line it is on (after `yield`, `await`).
    bool startsOperand(const Token &token) const;
    ExprPtr timerBlock(const Token &keyword, ExprPtr delay);
    ExprPtr functionExpression(const Token &fnToken);
    ExprPtr arrowFunction(int line, QStringList params, std::vector<ExprPtr> defaults = {},
                          bool variadic = false);
    ExprPtr arrayLiteral(const Token &open);
    ExprPtr objectLiteral(const Token &open);
    ExprPtr interpolation(const Token &first);
    std::unique_ptr<FunctionDecl> functionRest(int line, const QString &name);
    QStringList parameterList(std::vector<ExprPtr> *defaults = nullptr, bool *variadic = nullptr);
    bool arrowAhead() const;
    //! Whether the bracket at the current token closes before an `=` (a destructuring target).
    bool patternAhead() const;
    //! `[a, b, rest...]`, `(a, b)`, `{x, y: b, ...rest}`, then `= value`.
    ExprPtr destructuring(bool constant);
    ExprPtr setLiteral(const Token &open);
    //! `class Name { fields; fn @(...) { }; fn m() { } }` and `struct Name { x, y = 0 }`.
    StmtPtr classDeclaration(bool isStruct);
    //! `a[start:end]`, either bound optional: `@slice(a, start, end)`.
    ExprPtr internalCall(int line, const QString &name, std::vector<ExprPtr> arguments);
    bool timerDelayAhead() const;

    ExprPtr binary(ExprPtr left, const Token &op, ExprPtr right, Expr::Kind kind);

    const Token &peek(int ahead = 0) const;
    const Token &previous() const;
    bool check(TokenType type) const;
    bool match(std::initializer_list<TokenType> types);
    const Token &advance();
    const Token &consume(TokenType type, const QString &message);
    bool atEnd() const;
    void skipNewlines();
    [[noreturn]] void errorAt(const Token &token, const QString &message);
    void pollCancel();

    //! Counts one nesting level (see kMaxDepth), so a hostile input cannot overflow the stack.
    class DepthGuard
    {
    public:
        //! @p opener is the token that opens the level, where an error points.
        DepthGuard(Parser *parser, const Token &opener);
        ~DepthGuard();
    private:
        Parser *m_parser;
    };

    //! Counts one link of a left-deep chain built by a loop (a + b + c, f()()(), else if ...),
    //! which adds tree depth without parser recursion. Every later walk of the tree (evaluation,
    //! destruction) recurses that deep, so a hostile input must not make it unbounded. Links are
    //! counted per statement, nested ones included, so the count bounds the statement's depth.
    void chainLink(const char *message);

    QList<Token> m_tokens;
    qsizetype m_current = 0;
    int m_depth = 0;
    int m_chain = 0; //!< chain links in the statements around the current position
    int m_elseIfs = 0; //!< else-if branches in the statements around the current position
    int m_timerBlocks = 0; //!< timer blocks around the current position, for @stop
    int m_functions = 0;   //!< functions around the current position, for return
    int m_loops = 0;       //!< loops around the current position in this function
    int m_classes = 0;     //!< class bodies around the current position, for `@name`
    std::optional<SyntaxError> m_error;
    const std::atomic<bool> *m_cancelFlag = nullptr;
    unsigned m_pollCountdown = 0;
};

} // namespace havel::script
