#include "parser.h"

#include "lexer.h"

namespace havel::script {

namespace {

constexpr int kMaxDepth = 200;
// The most chain links (a + b + ..., f()()..., else if ...) one statement may hold, nested
// statements included: a bound on its tree's depth, on top of the nesting. Walking a tree this
// deep takes a few MB of stack at most, even under ASan.
constexpr int kMaxChainDepth = 10'000;

bool isAssignable(const Expr &expr)
{
    return expr.kind == Expr::Kind::Variable || expr.kind == Expr::Kind::Member
        || expr.kind == Expr::Kind::Index;
}

bool isCommandName(const QString &name)
{
    return name == QLatin1String("print") || name == QLatin1String("println")
        || name == QLatin1String("sleep") || name == QLatin1String("exit");
}

bool isTimerKeyword(const QString &name)
{
    return name == QLatin1String("interval") || name == QLatin1String("timeout");
}

} // namespace

Parser::DepthGuard::DepthGuard(Parser *parser) : m_parser(parser)
{
    if (++m_parser->m_depth > kMaxDepth)
        m_parser->errorAt(m_parser->peek(), QStringLiteral("Too much nesting."));
}

Parser::DepthGuard::~DepthGuard()
{
    --m_parser->m_depth;
}

void Parser::chainLink(const char *message)
{
    if (++m_chain > kMaxChainDepth)
        errorAt(previous(), QString::fromLatin1(message));
}

Parser::Parser(QList<Token> tokens) : m_tokens(std::move(tokens))
{
    if (m_tokens.isEmpty() || m_tokens.last().type != TokenType::EndOfFile) {
        // A lexical error ends the list early; the parser reports it when it gets there.
        Token eof;
        eof.type = TokenType::EndOfFile;
        eof.line = m_tokens.isEmpty() ? 1 : m_tokens.last().line;
        m_tokens.append(eof);
    }
}

std::unique_ptr<Program> Parser::parse(const QString &source, SyntaxError *error)
{
    Parser parser(Lexer(source).tokenize());
    auto program = parser.parseProgram();
    if (!program && error)
        *error = *parser.error();
    return program;
}

std::unique_ptr<Program> Parser::parseProgram()
{
    auto program = std::make_unique<Program>();
    try {
        while (true) {
            while (match({TokenType::Newline, TokenType::Semicolon})) { }
            if (atEnd())
                break;
            program->statements.push_back(declaration());
        }
    } catch (const Abort &) {
        return nullptr;
    }
    return program;
}

ExprPtr Parser::parseSingleExpression()
{
    try {
        skipNewlines();
        ExprPtr expr = expression();
        skipNewlines();
        if (!atEnd())
            errorAt(peek(), QStringLiteral("Expect end of expression."));
        return expr;
    } catch (const Abort &) {
        return nullptr;
    }
}

// --- statements ------------------------------------------------------------------------

StmtPtr Parser::declaration()
{
    DepthGuard guard(this);
    // A statement's links end with it: the next statement is a sibling, not a deeper node.
    struct ChainScope
    {
        int &chain;
        const int atEntry;
        ~ChainScope() { chain = atEntry; }
    } chainScope{m_chain, m_chain};
    if (match({TokenType::Let, TokenType::Val}))
        return letDeclaration();
    // `co fn gen() { ... }`: a generator, which any function with `yield` is anyway.
    if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("co") && peek(1).type == TokenType::Fn
        && peek(2).type == TokenType::Identifier)
        advance();
    if (check(TokenType::Fn) && peek(1).type == TokenType::Identifier) {
        advance();
        return functionDeclaration();
    }
    return statement();
}

StmtPtr Parser::letDeclaration()
{
    auto stmt = std::make_unique<LetStmt>(previous().line);
    stmt->name = consume(TokenType::Identifier, QStringLiteral("Expect variable name.")).lexeme;
    if (match({TokenType::Equal})) {
        skipNewlines();
        stmt->initializer = expression();
    }
    endStatement();
    return stmt;
}

StmtPtr Parser::functionDeclaration()
{
    const Token &name = advance();
    auto stmt = std::make_unique<FunctionStmt>(name.line);
    stmt->decl = functionRest(name.line, name.lexeme);
    return stmt;
}

StmtPtr Parser::statement()
{
    const Token &token = peek();
    switch (token.type) {
    case TokenType::If:
        advance();
        return ifStatement();
    case TokenType::While: {
        advance();
        auto stmt = std::make_unique<WhileStmt>(token.line);
        stmt->condition = expression();
        ++m_loops;
        stmt->body = block();
        --m_loops;
        return stmt;
    }
    case TokenType::Loop: {
        advance();
        auto stmt = std::make_unique<WhileStmt>(token.line, Stmt::Kind::Loop);
        ++m_loops;
        stmt->body = block();
        --m_loops;
        return stmt;
    }
    case TokenType::For:
        advance();
        return forStatement();
    case TokenType::Try:
        advance();
        return tryStatement();
    case TokenType::Break:
    case TokenType::Continue: {
        advance();
        if (m_loops == 0)
            errorAt(token, QStringLiteral("Can't use '%1' outside of a loop.").arg(token.lexeme));
        auto stmt = std::make_unique<Stmt>(token.type == TokenType::Break ? Stmt::Kind::Break
                                                                          : Stmt::Kind::Continue,
                                           token.line);
        endStatement();
        return stmt;
    }
    case TokenType::Return: {
        advance();
        if (m_functions == 0)
            errorAt(token, QStringLiteral("Can't return from top-level code."));
        auto stmt = std::make_unique<ReturnStmt>(token.line);
        if (!check(TokenType::Newline) && !check(TokenType::Semicolon)
            && !check(TokenType::RightBrace) && !atEnd())
            stmt->value = expression();
        endStatement();
        return stmt;
    }
    case TokenType::Throw: {
        advance();
        auto stmt = std::make_unique<ThrowStmt>(token.line);
        stmt->value = expression();
        endStatement();
        return stmt;
    }
    case TokenType::LeftBrace:
        return block();
    case TokenType::Identifier:
        if (isCommandName(token.lexeme)) {
            switch (peek(1).type) {
            case TokenType::LeftParen: case TokenType::Equal: case TokenType::PlusEqual:
            case TokenType::MinusEqual: case TokenType::StarEqual: case TokenType::SlashEqual:
            case TokenType::PercentEqual: case TokenType::Dot:
            case TokenType::PlusPlus: case TokenType::MinusMinus: case TokenType::Arrow:
                break;
            default:
                return commandStatement();
            }
        }
        break;
    default:
        break;
    }
    auto stmt = std::make_unique<ExpressionStmt>(token.line);
    stmt->expr = expression();
    endStatement();
    return stmt;
}

StmtPtr Parser::commandStatement()
{
    // `print a, b`, `sleep 500`, `exit`: a call without parentheses, as real scripts write it.
    const Token &name = advance();
    auto call = std::make_unique<CallExpr>(name.line);
    call->callee = std::make_unique<VariableExpr>(name.line, name.lexeme);
    if (!check(TokenType::Newline) && !check(TokenType::Semicolon)
        && !check(TokenType::RightBrace) && !atEnd()) {
        do {
            skipNewlines();
            call->arguments.push_back(expression());
        } while (match({TokenType::Comma}));
    }
    auto stmt = std::make_unique<ExpressionStmt>(name.line);
    stmt->expr = std::move(call);
    endStatement();
    return stmt;
}

StmtPtr Parser::ifStatement()
{
    auto stmt = std::make_unique<IfStmt>(previous().line);
    stmt->condition = expression();
    stmt->thenBranch = block();
    const qsizetype save = m_current;
    skipNewlines();
    if (match({TokenType::Else})) {
        if (match({TokenType::If})) {
            chainLink("Too many 'else if' branches.");
            stmt->elseBranch = ifStatement();
        } else {
            stmt->elseBranch = block();
        }
    } else {
        m_current = save;
    }
    return stmt;
}

StmtPtr Parser::forStatement()
{
    const int line = previous().line;
    bool parenthesised = false;
    if (check(TokenType::LeftParen)) {
        // `for (init; cond; step)` has a ';' before the matching ')'; `for (x in xs)` has none.
        int depth = 0;
        for (qsizetype i = m_current; i < m_tokens.size(); ++i) {
            const TokenType type = m_tokens.at(i).type;
            if (type == TokenType::LeftParen || type == TokenType::LeftBracket
                || type == TokenType::LeftBrace)
                ++depth;
            else if (type == TokenType::RightParen || type == TokenType::RightBracket
                     || type == TokenType::RightBrace)
                --depth;
            if (depth == 0 || type == TokenType::EndOfFile)
                break;
            if (depth == 1 && type == TokenType::Semicolon) {
                parenthesised = true;
                break;
            }
        }
        if (parenthesised) {
            advance();
            auto stmt = std::make_unique<ForCStmt>(line);
            if (match({TokenType::Let, TokenType::Val})) {
                auto let = std::make_unique<LetStmt>(previous().line);
                let->name = consume(TokenType::Identifier, QStringLiteral("Expect variable name.")).lexeme;
                if (match({TokenType::Equal}))
                    let->initializer = expression();
                stmt->initializer = std::move(let);
            } else if (!check(TokenType::Semicolon)) {
                auto init = std::make_unique<ExpressionStmt>(peek().line);
                init->expr = expression();
                stmt->initializer = std::move(init);
            }
            consume(TokenType::Semicolon, QStringLiteral("Expect ';' after loop initializer."));
            if (!check(TokenType::Semicolon))
                stmt->condition = expression();
            consume(TokenType::Semicolon, QStringLiteral("Expect ';' after loop condition."));
            if (!check(TokenType::RightParen))
                stmt->increment = expression();
            consume(TokenType::RightParen, QStringLiteral("Expect ')' after for clauses."));
            ++m_loops;
            stmt->body = block();
            --m_loops;
            return stmt;
        }
    }
    const bool paren = match({TokenType::LeftParen});
    auto stmt = std::make_unique<ForInStmt>(line);
    match({TokenType::Let, TokenType::Val});
    stmt->variable = consume(TokenType::Identifier, QStringLiteral("Expect loop variable name.")).lexeme;
    consume(TokenType::In, QStringLiteral("Expect 'in' after loop variable."));
    stmt->iterable = expression();
    if (paren)
        consume(TokenType::RightParen, QStringLiteral("Expect ')' after for clause."));
    ++m_loops;
    stmt->body = block();
    --m_loops;
    return stmt;
}

StmtPtr Parser::tryStatement()
{
    auto stmt = std::make_unique<TryStmt>(previous().line);
    stmt->body = block();
    qsizetype save = m_current;
    skipNewlines();
    if (match({TokenType::Catch})) {
        stmt->hasCatch = true;
        if (match({TokenType::LeftParen})) {
            stmt->catchName = consume(TokenType::Identifier, QStringLiteral("Expect name after 'catch ('.")).lexeme;
            consume(TokenType::RightParen, QStringLiteral("Expect ')' after catch name."));
        } else if (check(TokenType::Identifier)) {
            stmt->catchName = advance().lexeme;
        }
        stmt->catchBody = block();
        save = m_current;
        skipNewlines();
    }
    if (match({TokenType::Finally}))
        stmt->finallyBody = block();
    else
        m_current = save;
    if (!stmt->hasCatch && !stmt->finallyBody)
        errorAt(peek(), QStringLiteral("Expect 'catch' or 'finally' after try block."));
    return stmt;
}

std::unique_ptr<BlockStmt> Parser::block()
{
    DepthGuard guard(this);
    consume(TokenType::LeftBrace, QStringLiteral("Expect '{' before block."));
    auto stmt = std::make_unique<BlockStmt>(previous().line);
    stmt->statements = blockBody();
    return stmt;
}

std::vector<StmtPtr> Parser::blockBody()
{
    std::vector<StmtPtr> statements;
    while (true) {
        while (match({TokenType::Newline, TokenType::Semicolon})) { }
        if (check(TokenType::RightBrace) || atEnd())
            break;
        statements.push_back(declaration());
    }
    consume(TokenType::RightBrace, QStringLiteral("Expect '}' after block."));
    return statements;
}

void Parser::endStatement()
{
    if (match({TokenType::Newline, TokenType::Semicolon}))
        return;
    if (check(TokenType::RightBrace) || atEnd())
        return;
    errorAt(peek(), QStringLiteral("Expect end of statement."));
}

// --- expressions -----------------------------------------------------------------------

ExprPtr Parser::expression()
{
    DepthGuard guard(this);
    return assignment();
}

ExprPtr Parser::assignment()
{
    ExprPtr expr = ternary();
    if (match({TokenType::Equal, TokenType::PlusEqual, TokenType::MinusEqual,
               TokenType::StarEqual, TokenType::SlashEqual, TokenType::PercentEqual})) {
        const Token op = previous();
        if (!isAssignable(*expr))
            errorAt(op, QStringLiteral("Invalid assignment target."));
        skipNewlines();
        auto assign = std::make_unique<AssignExpr>(op.line);
        assign->op = op.type;
        assign->target = std::move(expr);
        DepthGuard guard(this);
        assign->value = assignment();
        return assign;
    }
    if (match({TokenType::LeftArrow})) {
        auto send = std::make_unique<SendExpr>(previous().line);
        skipNewlines();
        send->channel = std::move(expr);
        DepthGuard guard(this);
        send->value = assignment();
        return send;
    }
    return expr;
}

ExprPtr Parser::ternary()
{
    ExprPtr condition = nullish();
    if (match({TokenType::Question})) {
        auto expr = std::make_unique<TernaryExpr>(previous().line);
        skipNewlines();
        DepthGuard guard(this);
        expr->condition = std::move(condition);
        expr->thenExpr = assignment();
        skipNewlines();
        consume(TokenType::Colon, QStringLiteral("Expect ':' in conditional expression."));
        skipNewlines();
        expr->elseExpr = assignment();
        return expr;
    }
    return condition;
}

ExprPtr Parser::binary(ExprPtr left, const Token &op, ExprPtr right, Expr::Kind kind)
{
    auto expr = std::make_unique<BinaryExpr>(op.line, kind);
    expr->op = op.type;
    expr->opText = op.lexeme;
    expr->left = std::move(left);
    expr->right = std::move(right);
    return expr;
}

ExprPtr Parser::nullish()
{
    ExprPtr expr = logicalOr();
    while (match({TokenType::QuestionQuestion})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, logicalOr(), Expr::Kind::Logical);
    }
    return expr;
}

ExprPtr Parser::logicalOr()
{
    ExprPtr expr = logicalAnd();
    while (match({TokenType::OrOr})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, logicalAnd(), Expr::Kind::Logical);
    }
    return expr;
}

ExprPtr Parser::logicalAnd()
{
    ExprPtr expr = comparison();
    while (match({TokenType::AndAnd})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, comparison(), Expr::Kind::Logical);
    }
    return expr;
}

ExprPtr Parser::comparison()
{
    ExprPtr expr = range();
    while (match({TokenType::EqualEqual, TokenType::BangEqual, TokenType::Less,
                  TokenType::LessEqual, TokenType::Greater, TokenType::GreaterEqual})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, range(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::range()
{
    ExprPtr expr = additive();
    if (match({TokenType::DotDot})) {
        const Token op = previous();
        expr = binary(std::move(expr), op, additive(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::additive()
{
    ExprPtr expr = multiplicative();
    while (match({TokenType::Plus, TokenType::Minus})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, multiplicative(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::multiplicative()
{
    ExprPtr expr = unary();
    while (match({TokenType::Star, TokenType::Slash, TokenType::Percent})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, unary(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::unary()
{
    if (match({TokenType::LeftArrow})) {
        DepthGuard guard(this);
        auto expr = std::make_unique<ReceiveExpr>(previous().line);
        expr->source = unary();
        return expr;
    }
    // `wait t` (a task, a thread or a timer) is `await t`; `wait(ms)` stays a call.
    if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("wait")
        && peek(1).type == TokenType::Identifier) {
        const Token keyword = advance();
        DepthGuard guard(this);
        auto expr = std::make_unique<AwaitExpr>(keyword.line);
        expr->value = unary();
        return expr;
    }
    // `yield` and `await` are contextual: a name anywhere else.
    if (check(TokenType::Identifier)
        && (peek().lexeme == QLatin1String("yield") || peek().lexeme == QLatin1String("await"))) {
        const TokenType next = peek(1).type;
        const bool isYield = peek().lexeme == QLatin1String("yield");
        if (isYield && m_functions > 0
            && (next == TokenType::Newline || next == TokenType::Semicolon
                || next == TokenType::RightBrace || next == TokenType::EndOfFile)) {
            return std::make_unique<YieldExpr>(advance().line);
        }
        if (startsOperand(peek(1))) {
            const Token keyword = advance();
            DepthGuard guard(this);
            if (isYield) {
                if (m_functions == 0)
                    errorAt(keyword, QStringLiteral("Can't use 'yield' outside a function."));
                auto expr = std::make_unique<YieldExpr>(keyword.line);
                expr->value = unary();
                return expr;
            }
            auto expr = std::make_unique<AwaitExpr>(keyword.line);
            expr->value = unary();
            return expr;
        }
    }
    if (match({TokenType::Bang, TokenType::Minus})) {
        DepthGuard guard(this);
        auto expr = std::make_unique<UnaryExpr>(previous().line);
        expr->op = previous().type;
        expr->operand = unary();
        return expr;
    }
    return power();
}

ExprPtr Parser::power()
{
    ExprPtr expr = postfix();
    if (match({TokenType::StarStar})) {
        // Right-associative, and binds tighter than a prefix minus on its left: -2 ** 2 is -4.
        const Token op = previous();
        skipNewlines();
        DepthGuard guard(this);
        expr = binary(std::move(expr), op, unary(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::postfix()
{
    ExprPtr expr = primary();
    while (true) {
        if (match({TokenType::LeftParen})) {
            chainLink("Expression too long.");
            expr = finishCall(std::move(expr));
        } else if (match({TokenType::Dot})) {
            chainLink("Expression too long.");
            const Token &name = advance();
            if (name.type == TokenType::Newline || name.type == TokenType::EndOfFile
                || name.type == TokenType::Error
                || (name.type != TokenType::Identifier && !name.lexeme.at(0).isLetter()))
                errorAt(name, QStringLiteral("Expect property name after '.'."));
            auto member = std::make_unique<MemberExpr>(name.line);
            member->object = std::move(expr);
            member->name = name.lexeme;
            expr = std::move(member);
        } else if (match({TokenType::LeftBracket})) {
            chainLink("Expression too long.");
            auto index = std::make_unique<IndexExpr>(previous().line);
            index->object = std::move(expr);
            index->index = expression();
            consume(TokenType::RightBracket, QStringLiteral("Expect ']' after index."));
            expr = std::move(index);
        } else if (check(TokenType::PlusPlus) || check(TokenType::MinusMinus)) {
            if (!isAssignable(*expr))
                errorAt(peek(), QStringLiteral("Invalid increment target."));
            const Token &op = advance();
            chainLink("Expression too long.");
            auto post = std::make_unique<PostfixExpr>(op.line);
            post->op = op.type;
            post->target = std::move(expr);
            expr = std::move(post);
        } else {
            return expr;
        }
    }
}

ExprPtr Parser::finishCall(ExprPtr callee)
{
    auto call = std::make_unique<CallExpr>(previous().line);
    call->callee = std::move(callee);
    if (!check(TokenType::RightParen)) {
        do {
            if (check(TokenType::RightParen))
                break; // a trailing comma
            call->arguments.push_back(expression());
        } while (match({TokenType::Comma}));
    }
    consume(TokenType::RightParen, QStringLiteral("Expect ')' after arguments."));
    return call;
}

ExprPtr Parser::primary()
{
    DepthGuard guard(this);
    const Token &token = peek();
    switch (token.type) {
    case TokenType::True:
    case TokenType::False: {
        advance();
        auto literal = std::make_unique<LiteralExpr>(token.line);
        literal->type = LiteralExpr::Type::Bool;
        literal->boolValue = token.type == TokenType::True;
        return literal;
    }
    case TokenType::Null: {
        advance();
        return std::make_unique<LiteralExpr>(token.line);
    }
    case TokenType::Integer: {
        advance();
        auto literal = std::make_unique<LiteralExpr>(token.line);
        literal->type = LiteralExpr::Type::Int;
        literal->intValue = token.intValue;
        return literal;
    }
    case TokenType::Float: {
        advance();
        auto literal = std::make_unique<LiteralExpr>(token.line);
        literal->type = LiteralExpr::Type::Float;
        literal->floatValue = token.floatValue;
        return literal;
    }
    case TokenType::String:
    case TokenType::FString:
        return stringLiteral(advance());
    case TokenType::Identifier: {
        const Token name = advance();
        if (check(TokenType::Arrow)) {
            advance();
            return arrowFunction(name.line, QStringList{name.lexeme});
        }
        if (name.lexeme == QLatin1String("thread") && check(TokenType::LeftBrace)) {
            auto expr = goExpression(name);
            static_cast<GoExpr &>(*expr).thread = true;
            return expr;
        }
        if ((name.lexeme == QLatin1String("go") || name.lexeme == QLatin1String("spawn"))
            && (check(TokenType::LeftBrace) || check(TokenType::Fn)
                || (check(TokenType::Identifier) && peek(1).type != TokenType::Newline)))
            return goExpression(name);
        if (isTimerKeyword(name.lexeme)) {
            const TokenType next = peek().type;
            if (next == TokenType::Integer || next == TokenType::Float
                || next == TokenType::Identifier || next == TokenType::String) {
                DepthGuard inner(this);
                return timerBlock(name, nullish());
            }
            if (next == TokenType::LeftParen) {
                // `interval(500) { ... }` is a block; `interval(500, fn)` a call.
                advance();
                auto call = finishCall(std::make_unique<VariableExpr>(name.line, name.lexeme));
                auto &args = static_cast<CallExpr &>(*call).arguments;
                if (check(TokenType::LeftBrace) && args.size() == 1)
                    return timerBlock(name, std::move(args.front()));
                return call;
            }
        }
        return std::make_unique<VariableExpr>(name.line, name.lexeme);
    }
    case TokenType::LeftParen: {
        if (arrowAhead()) {
            advance();
            QStringList params = parameterList();
            consume(TokenType::Arrow, QStringLiteral("Expect '=>' after parameters."));
            return arrowFunction(token.line, params);
        }
        advance();
        ExprPtr expr = expression();
        consume(TokenType::RightParen, QStringLiteral("Expect ')' after expression."));
        return expr;
    }
    case TokenType::LeftBracket:
        return arrayLiteral(advance());
    case TokenType::LeftBrace:
        return objectLiteral(advance());
    case TokenType::Fn:
        return functionExpression(advance());
    case TokenType::AtStop: {
        advance();
        if (m_timerBlocks == 0)
            errorAt(token, QStringLiteral("Can't use '@stop' outside a timer block."));
        return std::make_unique<AtStopExpr>(token.line);
    }
    default:
        errorAt(token, QStringLiteral("Expect expression."));
    }
}

bool Parser::startsOperand(const Token &token) const
{
    switch (token.type) {
    case TokenType::Identifier: case TokenType::Integer: case TokenType::Float:
    case TokenType::String: case TokenType::FString: case TokenType::True: case TokenType::False:
    case TokenType::Null: case TokenType::LeftParen: case TokenType::LeftBracket:
    case TokenType::LeftBrace: case TokenType::Fn: case TokenType::Bang: case TokenType::LeftArrow:
        return true;
    default:
        return false;
    }
}

ExprPtr Parser::goExpression(const Token &keyword)
{
    DepthGuard guard(this);
    auto expr = std::make_unique<GoExpr>(keyword.line);
    if (check(TokenType::LeftBrace)) {
        // `go { ... }`: the block is the body of a function with no parameters.
        expr->body = std::make_unique<FunctionDecl>();
        expr->body->line = keyword.line;
        ++m_functions;
        const int loops = std::exchange(m_loops, 0);
        expr->body->body = std::move(block()->statements);
        m_loops = loops;
        --m_functions;
        return expr;
    }
    ExprPtr call = postfix();
    if (call->kind != Expr::Kind::Call)
        errorAt(previous(), QStringLiteral("Expect a call or a block after '%1'.").arg(keyword.lexeme));
    expr->call = std::move(call);
    return expr;
}

ExprPtr Parser::timerBlock(const Token &keyword, ExprPtr delay)
{
    if (!check(TokenType::LeftBrace))
        errorAt(peek(), QStringLiteral("Expect '{' after %1 delay.").arg(keyword.lexeme));
    auto expr = std::make_unique<TimerBlockExpr>(keyword.line);
    expr->isInterval = keyword.lexeme == QLatin1String("interval");
    expr->delay = std::move(delay);
    expr->body = std::make_unique<FunctionDecl>();
    expr->body->line = keyword.line;
    ++m_timerBlocks;
    ++m_functions;
    const int loops = std::exchange(m_loops, 0);
    advance();
    expr->body->body = blockBody();
    m_loops = loops;
    --m_functions;
    --m_timerBlocks;
    return expr;
}

ExprPtr Parser::functionExpression(const Token &fnToken)
{
    auto expr = std::make_unique<FunctionExpr>(fnToken.line);
    QString name;
    if (check(TokenType::Identifier))
        name = advance().lexeme;
    expr->decl = functionRest(fnToken.line, name);
    return expr;
}

std::unique_ptr<FunctionDecl> Parser::functionRest(int line, const QString &name)
{
    auto decl = std::make_unique<FunctionDecl>();
    decl->name = name;
    decl->line = line;
    consume(TokenType::LeftParen, QStringLiteral("Expect '(' after function name."));
    decl->params = parameterList();
    skipNewlines();
    consume(TokenType::LeftBrace, QStringLiteral("Expect '{' before function body."));
    ++m_functions;
    const int loops = std::exchange(m_loops, 0);
    decl->body = blockBody();
    m_loops = loops;
    --m_functions;
    return decl;
}

QStringList Parser::parameterList()
{
    // The '(' is consumed; this reads up to and including the ')'.
    QStringList params;
    if (!check(TokenType::RightParen)) {
        do {
            const Token &param = consume(TokenType::Identifier, QStringLiteral("Expect parameter name."));
            if (params.contains(param.lexeme))
                errorAt(param, QStringLiteral("Duplicate parameter name."));
            params.append(param.lexeme);
        } while (match({TokenType::Comma}));
    }
    consume(TokenType::RightParen, QStringLiteral("Expect ')' after parameters."));
    return params;
}

bool Parser::arrowAhead() const
{
    // From a '(' : only identifiers and commas up to the matching ')', then '=>'.
    qsizetype i = m_current + 1;
    while (i < m_tokens.size()) {
        const TokenType type = m_tokens.at(i).type;
        if (type == TokenType::RightParen)
            return i + 1 < m_tokens.size() && m_tokens.at(i + 1).type == TokenType::Arrow;
        if (type != TokenType::Identifier && type != TokenType::Comma)
            return false;
        ++i;
    }
    return false;
}

ExprPtr Parser::arrowFunction(int line, QStringList params)
{
    auto expr = std::make_unique<FunctionExpr>(line);
    expr->decl = std::make_unique<FunctionDecl>();
    expr->decl->line = line;
    expr->decl->params = std::move(params);
    skipNewlines();
    ++m_functions;
    const int loops = std::exchange(m_loops, 0);
    if (match({TokenType::LeftBrace}))
        expr->decl->body = blockBody();
    else
        expr->decl->expressionBody = assignment();
    m_loops = loops;
    --m_functions;
    return expr;
}

ExprPtr Parser::arrayLiteral(const Token &open)
{
    auto array = std::make_unique<ArrayExpr>(open.line);
    while (!check(TokenType::RightBracket)) {
        array->elements.push_back(expression());
        if (!match({TokenType::Comma}))
            break;
    }
    consume(TokenType::RightBracket, QStringLiteral("Expect ']' after array elements."));
    return array;
}

ExprPtr Parser::objectLiteral(const Token &open)
{
    auto object = std::make_unique<ObjectExpr>(open.line);
    skipNewlines();
    while (!check(TokenType::RightBrace)) {
        const Token &key = advance();
        QString name;
        if (key.type == TokenType::Identifier || key.type == TokenType::String
            || key.type == TokenType::Integer
            || (!key.lexeme.isEmpty() && key.lexeme.at(0).isLetter()
                && key.type != TokenType::EndOfFile && key.type != TokenType::Error))
            name = key.lexeme;
        else
            errorAt(key, QStringLiteral("Expect property name."));
        skipNewlines();
        consume(TokenType::Colon, QStringLiteral("Expect ':' after property name."));
        skipNewlines();
        const qsizetype existing = object->keys.indexOf(name);
        if (existing >= 0) {
            object->values[std::size_t(existing)] = expression();
        } else {
            object->keys.append(name);
            object->values.push_back(expression());
        }
        skipNewlines();
        if (!match({TokenType::Comma}))
            break;
        skipNewlines();
    }
    consume(TokenType::RightBrace, QStringLiteral("Expect '}' after object literal."));
    return object;
}

ExprPtr Parser::stringLiteral(const Token &token)
{
    const QString &raw = token.lexeme;
    const bool fstring = token.type == TokenType::FString;
    auto interpolation = std::make_unique<InterpolationExpr>(token.line);
    QString text;
    auto flushText = [&] {
        if (!text.isEmpty()) {
            InterpolationExpr::Part part;
            part.text = text;
            interpolation->parts.push_back(std::move(part));
            text.clear();
        }
    };
    auto addExpr = [&](ExprPtr expr) {
        flushText();
        InterpolationExpr::Part part;
        part.expr = std::move(expr);
        interpolation->parts.push_back(std::move(part));
    };
    // The text up to the brace that closes the one before @p from, skipping nested braces.
    auto braced = [&](qsizetype from, qsizetype *end) {
        int depth = 1;
        QChar quote;
        for (qsizetype i = from; i < raw.size(); ++i) {
            if (!quote.isNull()) {
                if (raw.at(i) == u'\\')
                    ++i;
                else if (raw.at(i) == quote)
                    quote = QChar();
            } else if (raw.at(i) == u'"' || raw.at(i) == u'\'')
                quote = raw.at(i);
            else if (raw.at(i) == u'{')
                ++depth;
            else if (raw.at(i) == u'}' && --depth == 0) {
                *end = i;
                return raw.mid(from, i - from);
            }
        }
        errorAt(token, QStringLiteral("Unterminated interpolation."));
    };

    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw.at(i);
        if (c == u'\\' && i + 1 < raw.size()) {
            const QChar e = raw.at(++i);
            switch (e.unicode()) {
            case u'n': text.append(u'\n'); break;
            case u't': text.append(u'\t'); break;
            case u'r': text.append(u'\r'); break;
            case u'0': text.append(QChar(u'\0')); break;
            case u'\\': case u'"': case u'\'': case u'$': case u'{': case u'}':
                text.append(e);
                break;
            default:
                text.append(c);
                text.append(e);
            }
        } else if (c == u'$' && i + 1 < raw.size() && raw.at(i + 1) == u'{') {
            qsizetype end = 0;
            const QString inner = braced(i + 2, &end);
            addExpr(subExpression(inner, token));
            i = end;
        } else if (c == u'$' && i + 1 < raw.size()
                   && (raw.at(i + 1) == u'_' || raw.at(i + 1).isLetter())) {
            qsizetype j = i + 1;
            while (j < raw.size() && (raw.at(j) == u'_' || raw.at(j).isLetterOrNumber()))
                ++j;
            addExpr(std::make_unique<VariableExpr>(token.line, raw.mid(i + 1, j - i - 1)));
            i = j - 1;
        } else if (fstring && c == u'{') {
            qsizetype end = 0;
            const QString inner = braced(i + 1, &end);
            addExpr(subExpression(inner, token));
            i = end;
        } else {
            text.append(c);
        }
    }
    if (interpolation->parts.size() <= 1 && (interpolation->parts.empty() || !interpolation->parts.front().expr)) {
        auto literal = std::make_unique<LiteralExpr>(token.line);
        literal->type = LiteralExpr::Type::String;
        literal->stringValue = interpolation->parts.empty() ? text : interpolation->parts.front().text + text;
        return literal;
    }
    flushText();
    return interpolation;
}

ExprPtr Parser::subExpression(const QString &text, const Token &token)
{
    Parser inner(Lexer(text, token.line).tokenize());
    inner.m_depth = m_depth;
    inner.m_chain = m_chain;
    inner.m_timerBlocks = m_timerBlocks;
    inner.m_functions = m_functions;
    ExprPtr expr = inner.parseSingleExpression();
    if (!expr) {
        m_error = inner.m_error;
        throw Abort{};
    }
    return expr;
}

// --- token helpers ---------------------------------------------------------------------

const Token &Parser::peek(int ahead) const
{
    const qsizetype at = std::min(m_current + ahead, m_tokens.size() - 1);
    return m_tokens.at(at);
}

const Token &Parser::previous() const
{
    return m_tokens.at(std::max<qsizetype>(0, m_current - 1));
}

bool Parser::check(TokenType type) const
{
    return peek().type == type;
}

bool Parser::match(std::initializer_list<TokenType> types)
{
    for (const TokenType type : types) {
        if (check(type)) {
            advance();
            return true;
        }
    }
    return false;
}

const Token &Parser::advance()
{
    const Token &token = peek();
    if (token.type == TokenType::Error)
        errorAt(token, token.lexeme);
    if (!atEnd())
        ++m_current;
    return token;
}

const Token &Parser::consume(TokenType type, const QString &message)
{
    if (check(type))
        return advance();
    errorAt(peek(), message);
}

bool Parser::atEnd() const
{
    return peek().type == TokenType::EndOfFile;
}

void Parser::skipNewlines()
{
    while (check(TokenType::Newline))
        advance();
}

void Parser::errorAt(const Token &token, const QString &message)
{
    SyntaxError error;
    error.line = token.line;
    error.message = message;
    switch (token.type) {
    case TokenType::Error:
        error.message = token.lexeme;
        break;
    case TokenType::EndOfFile:
        error.where = QStringLiteral(" at end");
        break;
    case TokenType::Newline:
        error.where = QStringLiteral(" at end of line");
        break;
    case TokenType::String:
        error.where = QStringLiteral(" at '\"%1\"'").arg(token.lexeme);
        break;
    default:
        error.where = QStringLiteral(" at '%1'").arg(token.lexeme);
    }
    m_error = error;
    throw Abort{};
}

} // namespace havel::script
