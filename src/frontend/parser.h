// Parser: a recursive-descent parser whose functions follow the operator precedence table of
// HAVEL-SUBSET.md, lowest first: assignment, ?:, ??, ||, &&, comparison, .., + -, * / %, **,
// prefix ! -, then postfix (call, member, index, ++ --).
//
// Newlines end statements. The parser skips them where a statement cannot end: after a
// binary operator, after `=>`, inside object literals, and before `else`, `catch`, `finally`.
// It stops at the first syntax error; the host reports it and exits with 65.
#pragma once

#include "ast.h"
#include "syntaxerror.h"

#include <QtCore/QList>

#include <memory>
#include <optional>

namespace havel::script {

//! Builds a Program from tokens. Thread: any; an instance is used by one thread at a time.
class Parser
{
public:
    explicit Parser(QList<Token> tokens);

    //! Parses a whole script. Returns null on a syntax error, which error() then describes.
    std::unique_ptr<Program> parseProgram();
    //! Parses one expression that must span every token (used for `${expr}`).
    ExprPtr parseSingleExpression();
    const std::optional<SyntaxError> &error() const { return m_error; }

    //! Lexes and parses @p source in one go.
    static std::unique_ptr<Program> parse(const QString &source, SyntaxError *error);

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
    std::vector<StmtPtr> blockBody();
    void endStatement();

    ExprPtr expression();
    ExprPtr assignment();
    ExprPtr ternary();
    ExprPtr nullish();
    ExprPtr logicalOr();
    ExprPtr logicalAnd();
    ExprPtr comparison();
    ExprPtr range();
    ExprPtr additive();
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
    ExprPtr arrowFunction(int line, QStringList params);
    ExprPtr arrayLiteral(const Token &open);
    ExprPtr objectLiteral(const Token &open);
    ExprPtr stringLiteral(const Token &token);
    ExprPtr subExpression(const QString &text, const Token &token);
    std::unique_ptr<FunctionDecl> functionRest(int line, const QString &name);
    QStringList parameterList();
    bool arrowAhead() const;

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

    //! Counts nesting depth, so a hostile input cannot overflow the stack.
    class DepthGuard
    {
    public:
        explicit DepthGuard(Parser *parser);
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
    int m_timerBlocks = 0; //!< timer blocks around the current position, for @stop
    int m_functions = 0;   //!< functions around the current position, for return
    int m_loops = 0;       //!< loops around the current position in this function
    std::optional<SyntaxError> m_error;
};

} // namespace havel::script
