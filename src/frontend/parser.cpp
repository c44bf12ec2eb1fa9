#include "parser.h"

#include "lexer.h"

#include <QtCore/QHash>
#include <QtCore/QSet>

#include <pthread.h>

#include <algorithm>

namespace havel::script {

namespace {

//! The lowest frame address the parser may reach on this thread: its stack's end plus a margin
//! for the error path (throwing, and freeing what was built, under ASan too). 200 levels take
//! under 0.5 MB (about 2.5 MB under ASan), which havel's interpreter thread and a 4 MB thread
//! have; a thread with a smaller stack gets "Too much nesting." earlier, never a crash. (The
//! interpreter guards its evaluation alike.)
const char *parserStackFloor()
{
    thread_local const char *const floor = [] {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return static_cast<const char *>(nullptr);
        void *base = nullptr;
        std::size_t size = 0;
        pthread_attr_getstack(&attr, &base, &size);
        pthread_attr_destroy(&attr);
        return static_cast<const char *>(base) + std::min<std::size_t>(size / 2, 256 * 1024);
    }();
    return floor;
}

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

Parser::DepthGuard::DepthGuard(Parser *parser, const Token &opener) : m_parser(parser)
{
    if (++m_parser->m_depth > kMaxDepth
        || static_cast<const char *>(__builtin_frame_address(0)) < parserStackFloor())
        m_parser->errorAt(opener, QStringLiteral("Too much nesting."));
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

std::unique_ptr<Program> Parser::parse(const QString &source, SyntaxError *error,
                                       const std::atomic<bool> *cancel)
{
    Lexer lexer(source);
    lexer.setCancelFlag(cancel);
    QList<Token> tokens = lexer.tokenize();
    if (lexer.cancelled()) {
        if (error) {
            *error = SyntaxError();
            error->interrupted = true;
            error->message = QStringLiteral("Interrupted.");
        }
        return nullptr;
    }
    Parser parser(std::move(tokens));
    parser.setCancelFlag(cancel);
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
        wrapDefers(program->statements);
    } catch (const Abort &) {
        return nullptr;
    }
    return program;
}

// --- statements ------------------------------------------------------------------------

StmtPtr Parser::declaration()
{
    // A statement's links end with it: the next statement is a sibling, not a deeper node.
    // (No nesting level here: a statement nests only inside a block, which counts one.)
    struct ChainScope
    {
        int &chain;
        int &elseIfs;
        const int chainAtEntry;
        const int elseIfsAtEntry;
        ~ChainScope()
        {
            chain = chainAtEntry;
            elseIfs = elseIfsAtEntry;
        }
    } chainScope{m_chain, m_elseIfs, m_chain, m_elseIfs};
    // `const` is Havel's alias of `val`: a contextual keyword, a name anywhere else.
    if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("const")) {
        if (peek(1).type == TokenType::Identifier) {
            advance();
            return letDeclaration();
        }
        const qsizetype save = m_current;
        advance();
        if ((check(TokenType::LeftParen) || check(TokenType::LeftBracket) || check(TokenType::LeftBrace))
            && patternAhead())
            return letDeclaration();
        m_current = save;
    }
    if (match({TokenType::Let, TokenType::Val}))
        return letDeclaration();
    // `async fn f() { }`: functions here already run on fibers, and `await` of a plain value
    // gives it, so `async` changes nothing (Havel's test_async_await.hv).
    if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("async") && peek(1).type == TokenType::Fn)
        advance();
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
    const bool constant = previous().type != TokenType::Let;
    if (check(TokenType::LeftParen) || check(TokenType::LeftBracket) || check(TokenType::LeftBrace)) {
        auto stmt = std::make_unique<ExpressionStmt>(previous().line);
        stmt->expr = destructuring(constant);
        endStatement();
        return stmt;
    }
    auto stmt = std::make_unique<LetStmt>(previous().line);
    stmt->constant = constant;
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
        // At top level, `return` ends the script body (Havel's smoke suite ends every script
        // with `return __result`); the run then ends as when the body reaches its end.
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
        if (patternAhead()) {
            auto stmt = std::make_unique<ExpressionStmt>(token.line);
            stmt->expr = destructuring(false);
            endStatement();
            return stmt;
        }
        return block();
    case TokenType::LeftBracket:
    case TokenType::LeftParen:
        if (patternAhead()) {
            auto stmt = std::make_unique<ExpressionStmt>(token.line);
            stmt->expr = destructuring(false);
            endStatement();
            return stmt;
        }
        break;
    case TokenType::Identifier:
        if (token.lexeme == QLatin1String("use") && peek(1).line == token.line
            && (peek(1).type == TokenType::Identifier || peek(1).type == TokenType::String
                || (peek(1).type == TokenType::LeftBrace && peek(2).type == TokenType::Identifier)))
            return useStatement();
        if (token.lexeme == QLatin1String("when") && peek(1).line == token.line && startsOperand(peek(1))
            && peek(1).type != TokenType::LeftBrace) {
            // `when cond { body }`: Havel's when.register(condition_fn, body_fn); the body runs
            // each time the condition becomes true (see the prelude's when__register).
            advance();
            std::vector<ExprPtr> arguments;
            for (int part = 0; part < 2; ++part) {
                auto fn = std::make_unique<FunctionExpr>(token.line);
                fn->decl = std::make_unique<FunctionDecl>();
                fn->decl->line = token.line;
                ++m_functions;
                const int loops = std::exchange(m_loops, 0);
                if (part == 0)
                    fn->decl->expressionBody = expression();
                else
                    fn->decl->body = std::move(block()->statements);
                m_loops = loops;
                --m_functions;
                arguments.push_back(std::move(fn));
            }
            auto call = std::make_unique<CallExpr>(token.line);
            auto member = std::make_unique<MemberExpr>(token.line);
            member->object = std::make_unique<VariableExpr>(token.line, QStringLiteral("@when"));
            member->name = QStringLiteral("register");
            call->callee = std::move(member);
            call->arguments = std::move(arguments);
            auto stmt = std::make_unique<ExpressionStmt>(token.line);
            stmt->expr = std::move(call);
            return stmt;
        }
        if ((token.lexeme == QLatin1String("class") || token.lexeme == QLatin1String("struct"))
            && peek(1).type == TokenType::Identifier && peek(2).type == TokenType::LeftBrace)
            return classDeclaration(token.lexeme == QLatin1String("struct"));
        if (token.lexeme == QLatin1String("defer") && peek(1).line == token.line
            && (startsOperand(peek(1)) || peek(1).type == TokenType::LeftBrace)) {
            advance();
            auto stmt = std::make_unique<DeferStmt>(token.line);
            stmt->body = check(TokenType::LeftBrace) ? block() : declaration();
            return stmt;
        }
        if (token.lexeme == QLatin1String("do") && peek(1).type == TokenType::LeftBrace) {
            // `do { ... } while c`: the body runs once before the condition is first tested.
            advance();
            auto stmt = std::make_unique<WhileStmt>(token.line);
            stmt->doWhile = true;
            ++m_loops;
            stmt->body = block();
            --m_loops;
            skipNewlines();
            consume(TokenType::While, QStringLiteral("Expect 'while' after the body of 'do'."));
            stmt->condition = expression();
            endStatement();
            return stmt;
        }
        if (token.lexeme == QLatin1String("del") && peek(1).type == TokenType::Identifier
            && peek(1).line == token.line) {
            // `del obj.key`, `del obj[key]`, `del arr[i]`: removes the member or the item.
            advance();
            ExprPtr target = postfix();
            std::vector<ExprPtr> arguments;
            if (target->kind == Expr::Kind::Member) {
                auto &member = static_cast<MemberExpr &>(*target);
                auto key = std::make_unique<LiteralExpr>(member.line);
                key->type = LiteralExpr::Type::String;
                key->stringValue = member.name;
                arguments.push_back(std::move(member.object));
                arguments.push_back(std::move(key));
            } else if (target->kind == Expr::Kind::Index) {
                auto &index = static_cast<IndexExpr &>(*target);
                arguments.push_back(std::move(index.object));
                arguments.push_back(std::move(index.index));
            } else {
                errorAt(previous(), QStringLiteral("Expect a member or an index after 'del'."));
            }
            auto stmt = std::make_unique<ExpressionStmt>(token.line);
            stmt->expr = internalCall(token.line, QStringLiteral("@del"), std::move(arguments));
            endStatement();
            return stmt;
        }
        if (isCommandName(token.lexeme)) {
            switch (peek(1).type) {
            case TokenType::LeftParen: case TokenType::Equal: case TokenType::PlusEqual:
            case TokenType::MinusEqual: case TokenType::StarEqual: case TokenType::SlashEqual:
            case TokenType::PercentEqual: case TokenType::Dot: case TokenType::AmpEqual:
            case TokenType::PipeEqual: case TokenType::CaretEqual:
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

StmtPtr Parser::useStatement()
{
    // `use math`, `use format, regex`: a built-in module, or else NAME.hv next to the script,
    // bound to NAME. `use "lib/x.hv" as x` binds a file module; `use {a, b} from "file"` takes
    // some of its exports. `@use(spec)` gives a function that loads the module (running a file
    // module's body on first use) and returns it; see Interpreter::importModule.
    const Token &keyword = advance();
    auto load = [this](int line, const QString &spec) {
        auto literal = std::make_unique<LiteralExpr>(line);
        literal->type = LiteralExpr::Type::String;
        literal->stringValue = spec;
        std::vector<ExprPtr> arguments;
        arguments.push_back(std::move(literal));
        auto call = std::make_unique<CallExpr>(line);
        call->callee = internalCall(line, QStringLiteral("@use"), std::move(arguments));
        return call;
    };
    auto bind = [](int line, const QString &name, ExprPtr value) {
        auto assign = std::make_unique<AssignExpr>(line);
        assign->target = std::make_unique<VariableExpr>(line, name);
        assign->value = std::move(value);
        auto stmt = std::make_unique<ExpressionStmt>(line);
        stmt->expr = std::move(assign);
        return stmt;
    };
    if (match({TokenType::LeftBrace})) {
        auto destructure = std::make_unique<DestructureExpr>(keyword.line);
        destructure->byKey = true;
        do {
            skipNewlines();
            const Token &name = consume(TokenType::Identifier, QStringLiteral("Expect a name to import."));
            destructure->keys.append(name.lexeme);
            if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("as")) {
                advance();
                destructure->targets.push_back(std::make_unique<VariableExpr>(
                        name.line, consume(TokenType::Identifier, QStringLiteral("Expect a name after 'as'.")).lexeme));
            } else {
                destructure->targets.push_back(std::make_unique<VariableExpr>(name.line, name.lexeme));
            }
            skipNewlines();
        } while (match({TokenType::Comma}));
        consume(TokenType::RightBrace, QStringLiteral("Expect '}' after the imported names."));
        if (!(check(TokenType::Identifier) && peek().lexeme == QLatin1String("from")))
            errorAt(peek(), QStringLiteral("Expect 'from' after the imported names."));
        advance();
        const Token &file = consume(TokenType::String, QStringLiteral("Expect a module path after 'from'."));
        destructure->value = load(file.line, file.text);
        auto stmt = std::make_unique<ExpressionStmt>(keyword.line);
        stmt->expr = std::move(destructure);
        endStatement();
        return stmt;
    }
    auto stmt = std::make_unique<BlockStmt>(keyword.line);
    do {
        if (check(TokenType::String)) {
            const Token file = advance();
            QString name = file.text.section(u'/', -1);
            if (name.endsWith(QLatin1String(".hv")))
                name.chop(3);
            if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("as")) {
                advance();
                name = consume(TokenType::Identifier, QStringLiteral("Expect a name after 'as'.")).lexeme;
            }
            stmt->statements.push_back(bind(file.line, name, load(file.line, file.text)));
            continue;
        }
        const Token &name = consume(TokenType::Identifier, QStringLiteral("Expect module name after 'use'."));
        // `use format` is the fmt module, under its own name.
        stmt->statements.push_back(bind(name.line, name.lexeme, load(name.line, name.lexeme)));
    } while (match({TokenType::Comma}));
    endStatement();
    // A top-level block's assignments make globals, as the statements would on their own.
    return stmt;
}

StmtPtr Parser::ifStatement()
{
    // An else-if ladder is built by a loop, not by recursion: 10,000 branches must not need
    // 10,000 parser frames.
    auto first = std::make_unique<IfStmt>(previous().line);
    IfStmt *stmt = first.get();
    const int chainAtStart = m_chain;
    while (true) {
        stmt->condition = expression();
        stmt->thenBranch = branch();
        // The next branch hangs below this one, not below its condition's chain.
        m_chain = chainAtStart;
        const qsizetype save = m_current;
        skipNewlines();
        if (!match({TokenType::Else})) {
            m_current = save;
            break;
        }
        if (!match({TokenType::If})) {
            stmt->elseBranch = branch();
            break;
        }
        if (++m_elseIfs > kMaxElseIf)
            errorAt(previous(), QStringLiteral("Too many 'else if' branches."));
        auto next = std::make_unique<IfStmt>(previous().line);
        IfStmt *nextStmt = next.get();
        stmt->elseBranch = std::move(next);
        stmt = nextStmt;
    }
    return first;
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
    QString second;
    if (match({TokenType::Comma}))
        second = consume(TokenType::Identifier, QStringLiteral("Expect second loop variable name.")).lexeme;
    consume(TokenType::In, QStringLiteral("Expect 'in' after loop variable."));
    stmt->iterable = expression();
    if (paren)
        consume(TokenType::RightParen, QStringLiteral("Expect ')' after for clause."));
    ++m_loops;
    stmt->body = block();
    --m_loops;
    if (!second.isEmpty()) {
        // `for i, x in xs` (index and item; key and value of an object): a loop over
        // `@pairs(xs)`, a built-in that gives [index, item] pairs, whose body first
        // declares the two names, so each iteration has its own.
        const QString first = std::exchange(stmt->variable, QStringLiteral("@pair"));
        auto call = std::make_unique<CallExpr>(line);
        call->callee = std::make_unique<VariableExpr>(line, QStringLiteral("@pairs"));
        call->arguments.push_back(std::move(stmt->iterable));
        stmt->iterable = std::move(call);
        auto body = std::make_unique<BlockStmt>(line);
        for (int i = 0; i < 2; ++i) {
            auto let = std::make_unique<LetStmt>(line);
            let->name = i == 0 ? first : second;
            auto index = std::make_unique<IndexExpr>(line);
            index->object = std::make_unique<VariableExpr>(line, QStringLiteral("@pair"));
            auto position = std::make_unique<LiteralExpr>(line);
            position->type = LiteralExpr::Type::Int;
            position->intValue = i;
            index->index = std::move(position);
            let->initializer = std::move(index);
            body->statements.push_back(std::move(let));
        }
        body->statements.push_back(std::move(stmt->body));
        stmt->body = std::move(body);
    }
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

StmtPtr Parser::branch()
{
    // `if c stmt` / `else stmt`: one statement on the same line, without braces (Havel's
    // `if x < 0 return -x`). A brace still starts a block.
    if (check(TokenType::LeftBrace) || check(TokenType::Colon) || check(TokenType::Newline) || atEnd())
        return block();
    DepthGuard guard(this, peek());
    auto body = std::make_unique<BlockStmt>(peek().line);
    body->statements.push_back(declaration());
    // The statement's end (a newline) belongs to it; an `else` may follow on the next line.
    return body;
}

std::vector<StmtPtr> Parser::colonBody(const Token &colon)
{
    // Havel's second block form: `if c:` (or `fn f():`, `for x in xs:`, `else:`) and then the
    // lines indented deeper than the line of the ':'; the block ends where the indentation
    // drops back. `fn f(): return i` puts one statement on the same line.
    std::vector<StmtPtr> statements;
    if (!check(TokenType::Newline) && !atEnd()) {
        statements.push_back(declaration());
        return statements;
    }
    while (true) {
        const qsizetype save = m_current;
        while (match({TokenType::Newline, TokenType::Semicolon})) { }
        if (atEnd() || check(TokenType::RightBrace) || peek().indent <= colon.indent) {
            m_current = save;
            break;
        }
        statements.push_back(declaration());
    }
    if (statements.empty())
        errorAt(peek(), QStringLiteral("Expect an indented block after ':'."));
    wrapDefers(statements);
    return statements;
}

std::unique_ptr<BlockStmt> Parser::block()
{
    DepthGuard guard(this, peek());
    if (check(TokenType::Colon)) {
        const Token colon = advance();
        auto stmt = std::make_unique<BlockStmt>(colon.line);
        stmt->statements = colonBody(colon);
        return stmt;
    }
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
    wrapDefers(statements);
    return statements;
}

void Parser::wrapDefers(std::vector<StmtPtr> &statements)
{
    // From the last defer back: `a; defer d1; b; defer d2; c` becomes
    // `a; try { b; try { c } finally { d2 } } finally { d1 }`, so defers run last-first.
    for (std::size_t i = statements.size(); i-- > 0;) {
        if (statements[i]->kind != Stmt::Kind::Defer)
            continue;
        auto &defer = static_cast<DeferStmt &>(*statements[i]);
        auto tryStmt = std::make_unique<TryStmt>(defer.line);
        auto body = std::make_unique<BlockStmt>(defer.line);
        for (std::size_t j = i + 1; j < statements.size(); ++j)
            body->statements.push_back(std::move(statements[j]));
        tryStmt->body = std::move(body);
        tryStmt->finallyBody = std::move(defer.body);
        statements.resize(i);
        statements.push_back(std::move(tryStmt));
    }
}

void Parser::endStatement()
{
    if (match({TokenType::Newline, TokenType::Semicolon}))
        return;
    // A colon block ends at a line start: its statement's newline is behind us.
    if (m_current > 0 && previous().type == TokenType::Newline)
        return;
    // `if c stmt else stmt` on one line: the `else` ends the first branch's statement.
    if (check(TokenType::RightBrace) || check(TokenType::Else) || atEnd())
        return;
    errorAt(peek(), QStringLiteral("Expect end of statement."));
}

// --- expressions -----------------------------------------------------------------------

ExprPtr Parser::expression()
{
    return assignment();
}

ExprPtr Parser::assignment()
{
    // Right-associative (a = b = c is a = (b = c)), yet built by a loop: the targets wait on
    // a list and are folded from the right. So `x = ...` costs no nesting level, and a long
    // chain of `=` costs chain links, not parser recursion.
    struct Pending
    {
        ExprPtr target;
        TokenType op;
        int line;
    };
    std::vector<Pending> pending;
    ExprPtr expr = sendOrTernary();
    while (match({TokenType::Equal, TokenType::PlusEqual, TokenType::MinusEqual,
                  TokenType::StarEqual, TokenType::SlashEqual, TokenType::PercentEqual,
                  TokenType::AmpEqual, TokenType::PipeEqual, TokenType::CaretEqual})) {
        const Token &op = previous();
        if (!isAssignable(*expr))
            errorAt(op, QStringLiteral("Invalid assignment target."));
        if (!pending.empty())
            chainLink("Expression too long.");
        pending.push_back({std::move(expr), op.type, op.line});
        skipNewlines();
        expr = sendOrTernary();
    }
    while (!pending.empty()) {
        auto assign = std::make_unique<AssignExpr>(pending.back().line);
        assign->op = pending.back().op;
        assign->target = std::move(pending.back().target);
        assign->value = std::move(expr);
        expr = std::move(assign);
        pending.pop_back();
    }
    return expr;
}

ExprPtr Parser::sendOrTernary()
{
    // `ch <- v` sends; it binds looser than every operator but assignment, so
    // `a = ch <- v` assigns the send's result and `ch <- a = b` sends the assignment.
    ExprPtr expr = ternary();
    if (match({TokenType::LeftArrow})) {
        const Token arrow = previous();
        auto send = std::make_unique<SendExpr>(arrow.line);
        skipNewlines();
        send->channel = std::move(expr);
        DepthGuard guard(this, arrow);
        send->value = assignment();
        return send;
    }
    return expr;
}

ExprPtr Parser::ternary()
{
    ExprPtr condition = nullish();
    if (match({TokenType::Question})) {
        const Token &question = previous();
        auto expr = std::make_unique<TernaryExpr>(previous().line);
        skipNewlines();
        DepthGuard guard(this, question);
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
    ExprPtr expr = bitOr();
    while (match({TokenType::Plus, TokenType::Minus})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, bitOr(), Expr::Kind::Binary);
    }
    return expr;
}

// The bitwise operators bind as in Havel's own parser (modules/lang/pratt.hv): tighter than
// `+ -`, looser than `* / %`, with `|` < `^` < `&` < `<< >>`. So `1 + 2 | 4` is `1 + (2 | 4)`.
ExprPtr Parser::bitOr()
{
    ExprPtr expr = bitXor();
    while (match({TokenType::Pipe})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, bitXor(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::bitXor()
{
    ExprPtr expr = bitAnd();
    while (match({TokenType::Caret})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, bitAnd(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::bitAnd()
{
    ExprPtr expr = shift();
    while (match({TokenType::Amp})) {
        const Token op = previous();
        chainLink("Expression too long.");
        skipNewlines();
        expr = binary(std::move(expr), op, shift(), Expr::Kind::Binary);
    }
    return expr;
}

ExprPtr Parser::shift()
{
    ExprPtr expr = multiplicative();
    while (match({TokenType::LessLess, TokenType::GreaterGreater})) {
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
        DepthGuard guard(this, previous());
        auto expr = std::make_unique<ReceiveExpr>(previous().line);
        expr->source = unary();
        return expr;
    }
    // `wait t` (a task, a thread or a timer) is `await t`; `wait(ms)` stays a call.
    if (check(TokenType::Identifier) && peek().lexeme == QLatin1String("wait")
        && peek(1).type == TokenType::Identifier) {
        const Token keyword = advance();
        DepthGuard guard(this, keyword);
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
            DepthGuard guard(this, keyword);
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
    if (match({TokenType::Bang, TokenType::Minus, TokenType::Tilde, TokenType::Hash})) {
        DepthGuard guard(this, previous());
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
        DepthGuard guard(this, op);
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
            DepthGuard guard(this, previous());
            expr = finishCall(std::move(expr));
        } else if (match({TokenType::Dot})) {
            chainLink("Expression too long.");
            switch (peek().type) {
            case TokenType::Plus: case TokenType::Minus: case TokenType::Star: case TokenType::Slash:
            case TokenType::Percent: case TokenType::StarStar: case TokenType::EqualEqual:
            case TokenType::BangEqual: case TokenType::Less: case TokenType::LessEqual:
            case TokenType::Greater: case TokenType::GreaterEqual:
                if (peek(1).type == TokenType::LeftParen) {
                    // `1.+(2)`: an operator called as a method of its left operand.
                    const Token op = advance();
                    DepthGuard guard(this, advance());
                    ExprPtr right = expression();
                    consume(TokenType::RightParen, QStringLiteral("Expect ')' after the operand."));
                    expr = binary(std::move(expr), op, std::move(right), Expr::Kind::Binary);
                    continue;
                }
                break;
            default:
                break;
            }
            const Token &name = advance();
            if (name.type != TokenType::Identifier && !Token::isKeyword(name.type))
                errorAt(name, QStringLiteral("Expect property name after '.'."));
            auto member = std::make_unique<MemberExpr>(name.line);
            member->object = std::move(expr);
            member->name = name.lexeme;
            expr = std::move(member);
        } else if (match({TokenType::LeftBracket})) {
            chainLink("Expression too long.");
            DepthGuard guard(this, previous());
            const int line = previous().line;
            ExprPtr start = check(TokenType::Colon) ? nullptr : expression();
            if (match({TokenType::Colon})) {
                // `a[1:3]`, `s[:5]`, `a[2:]`: a slice of an array or a string (end exclusive).
                ExprPtr end = check(TokenType::RightBracket) ? nullptr : expression();
                consume(TokenType::RightBracket, QStringLiteral("Expect ']' after slice."));
                std::vector<ExprPtr> arguments;
                arguments.push_back(std::move(expr));
                arguments.push_back(start ? std::move(start) : std::make_unique<LiteralExpr>(line));
                arguments.push_back(end ? std::move(end) : std::make_unique<LiteralExpr>(line));
                expr = internalCall(line, QStringLiteral("@slice"), std::move(arguments));
                continue;
            }
            auto index = std::make_unique<IndexExpr>(line);
            index->object = std::move(expr);
            index->index = std::move(start);
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
            if (match({TokenType::Ellipsis})) {
                auto spread = std::make_unique<SpreadExpr>(previous().line);
                spread->value = expression();
                call->arguments.push_back(std::move(spread));
                continue;
            }
            call->arguments.push_back(expression());
        } while (match({TokenType::Comma}));
    }
    consume(TokenType::RightParen, QStringLiteral("Expect ')' after arguments."));
    return call;
}

ExprPtr Parser::primary()
{
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
    case TokenType::String: {
        advance();
        auto literal = std::make_unique<LiteralExpr>(token.line);
        literal->type = LiteralExpr::Type::String;
        literal->stringValue = token.text;
        return literal;
    }
    case TokenType::StringPart:
        return interpolation(advance());
    case TokenType::Identifier: {
        if (token.lexeme == QLatin1String("async")) {
            // `async () => ...`, `async fn() { }`, `async x => ...`: see declaration().
            bool asyncForm = peek(1).type == TokenType::Fn
                    || (peek(1).type == TokenType::Identifier && peek(2).type == TokenType::Arrow);
            if (!asyncForm && peek(1).type == TokenType::LeftParen) {
                ++m_current;
                asyncForm = arrowAhead();
                --m_current;
            }
            if (asyncForm) {
                advance();
                return primary();
            }
        }
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
            if (timerDelayAhead()) {
                // One level for the delay and the body: `timeout timeout 5 { } { }` recurses.
                DepthGuard guard(this, name);
                return timerBlock(name, nullish());
            }
            if (check(TokenType::LeftParen)) {
                // `interval(500) { ... }` is a block; `interval(500, fn)` a call.
                DepthGuard guard(this, name);
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
            // The arrow is the level; its parameter list nests nothing.
            advance();
            std::vector<ExprPtr> defaults;
            bool variadic = false;
            QStringList params = parameterList(&defaults, &variadic);
            consume(TokenType::Arrow, QStringLiteral("Expect '=>' after parameters."));
            return arrowFunction(token.line, params, std::move(defaults), variadic);
        }
        DepthGuard guard(this, peek());
        const Token &open = advance();
        ExprPtr expr = expression();
        if (check(TokenType::Comma)) {
            // `(5, 7, 9)`: a tuple, which is an array here.
            auto tuple = std::make_unique<ArrayExpr>(open.line);
            tuple->elements.push_back(std::move(expr));
            while (match({TokenType::Comma}) && !check(TokenType::RightParen))
                tuple->elements.push_back(expression());
            expr = std::move(tuple);
        }
        consume(TokenType::RightParen, QStringLiteral("Expect ')' after expression."));
        return expr;
    }
    case TokenType::Colon:
        if (peek(1).type == TokenType::Colon && peek(2).type == TokenType::Identifier
            && !peek(1).spaceBefore && !peek(2).spaceBefore) {
            // `::name`: the global, even where a local of that name hides it.
            advance();
            advance();
            auto variable = std::make_unique<VariableExpr>(token.line, advance().lexeme);
            variable->global = true;
            return variable;
        }
        errorAt(token, QStringLiteral("Expect expression."));
    case TokenType::LeftBracket: {
        DepthGuard guard(this, peek());
        return arrayLiteral(advance());
    }
    case TokenType::LeftBrace: {
        DepthGuard guard(this, peek());
        return objectLiteral(advance());
    }
    case TokenType::Fn:
        return functionExpression(advance());
    case TokenType::At: {
        // `@count` in a class: the instance's member.
        advance();
        if (m_classes == 0)
            errorAt(token, QStringLiteral("Can't use '@name' outside a class."));
        const Token &name = consume(TokenType::Identifier, QStringLiteral("Expect a member name after '@'."));
        auto member = std::make_unique<MemberExpr>(name.line);
        member->object = std::make_unique<VariableExpr>(name.line, QStringLiteral("@self"));
        member->name = name.lexeme;
        return member;
    }
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
    case TokenType::String: case TokenType::StringPart: case TokenType::True: case TokenType::False:
    case TokenType::Null: case TokenType::LeftParen: case TokenType::LeftBracket:
    case TokenType::LeftBrace: case TokenType::Fn: case TokenType::Bang: case TokenType::LeftArrow:
        return true;
    default:
        return false;
    }
}

bool Parser::timerDelayAhead() const
{
    // After `interval`/`timeout`: tokens that can only start a delay, never continue an
    // expression about a variable of that name. `timeout -5 { }` is a negative delay, as the
    // minus is attached to its operand; `timeout - 5` and `timeout-5` subtract.
    const Token &next = peek();
    switch (next.type) {
    case TokenType::Integer: case TokenType::Float: case TokenType::Identifier:
    case TokenType::String: case TokenType::StringPart:
    case TokenType::Null: case TokenType::True: case TokenType::False: case TokenType::Bang:
        return true;
    case TokenType::Minus:
        return next.spaceBefore && !peek(1).spaceBefore;
    default:
        return false;
    }
}

ExprPtr Parser::goExpression(const Token &keyword)
{
    DepthGuard guard(this, keyword);
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
    if (!check(TokenType::LeftBrace)) {
        if (delay && delay->kind == Expr::Kind::Unary
            && static_cast<const UnaryExpr &>(*delay).op == TokenType::Minus)
            errorAt(peek(), QStringLiteral("Expect '{' after %1 delay (to subtract, write '%1 - ...')." )
                                    .arg(keyword.lexeme));
        errorAt(peek(), QStringLiteral("Expect '{' after %1 delay.").arg(keyword.lexeme));
    }
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
    DepthGuard guard(this, peek());
    auto decl = std::make_unique<FunctionDecl>();
    decl->name = name;
    decl->line = line;
    consume(TokenType::LeftParen, QStringLiteral("Expect '(' after function name."));
    decl->params = parameterList(&decl->defaults, &decl->variadic);
    // `fn f(): T { ... }`: a return type annotation, which this host does not check.
    if (check(TokenType::Colon) && peek(1).type == TokenType::Identifier
        && (peek(2).type == TokenType::LeftBrace || peek(2).type == TokenType::Question
            || peek(2).type == TokenType::LeftBracket || peek(2).type == TokenType::Less)) {
        advance();
        skipType();
    }
    skipNewlines();
    const bool colonForm = check(TokenType::Colon);
    const Token opener = colonForm ? advance()
                                   : consume(TokenType::LeftBrace, QStringLiteral("Expect '{' before function body."));
    ++m_functions;
    const int loops = std::exchange(m_loops, 0);
    decl->body = colonForm ? colonBody(opener) : blockBody();
    m_loops = loops;
    --m_functions;
    return decl;
}

QStringList Parser::parameterList(std::vector<ExprPtr> *defaults, bool *variadic)
{
    // The '(' is consumed; this reads up to and including the ')'.
    QStringList params;
    QSet<QString> seen;
    bool rest = false;
    if (!check(TokenType::RightParen)) {
        do {
            if (rest)
                errorAt(peek(), QStringLiteral("The rest parameter must be the last."));
            const bool restBefore = match({TokenType::Ellipsis}); // `...args`
            const Token &param = consume(TokenType::Identifier, QStringLiteral("Expect parameter name."));
            rest = restBefore || match({TokenType::Ellipsis});    // or `args...`
            if (seen.contains(param.lexeme))
                errorAt(param, QStringLiteral("Duplicate parameter name."));
            if (match({TokenType::Colon}))
                skipType(); // `a: int`: an annotation, not checked
            ExprPtr fallback;
            if (match({TokenType::Equal})) {
                if (rest)
                    errorAt(previous(), QStringLiteral("A rest parameter has no default."));
                fallback = ternary();
            }
            if ((rest || fallback) && !defaults)
                errorAt(param, QStringLiteral("Unexpected parameter form here."));
            seen.insert(param.lexeme);
            params.append(param.lexeme);
            if (defaults)
                defaults->push_back(std::move(fallback));
        } while (match({TokenType::Comma}));
    }
    if (variadic)
        *variadic = rest;
    consume(TokenType::RightParen, QStringLiteral("Expect ')' after parameters."));
    return params;
}

void Parser::skipType()
{
    // A type as Havel writes it: `int`, `str?`, `[int]`, `Array<int>`, `int | str`.
    do {
        if (match({TokenType::LeftBracket})) {
            skipType();
            consume(TokenType::RightBracket, QStringLiteral("Expect ']' after type."));
        } else if (!match({TokenType::Identifier, TokenType::Null, TokenType::Fn})) {
            errorAt(peek(), QStringLiteral("Expect type name."));
        }
        if (match({TokenType::Less})) {
            do {
                skipType();
            } while (match({TokenType::Comma}));
            consume(TokenType::Greater, QStringLiteral("Expect '>' after type arguments."));
        }
        while (match({TokenType::LeftBracket}))
            consume(TokenType::RightBracket, QStringLiteral("Expect ']' after '['."));
        match({TokenType::Question});
    } while (match({TokenType::Pipe}));
}

bool Parser::arrowAhead() const
{
    // From a '(' : parameters (names, `...rest`, `= default`) up to the matching ')', then '=>'.
    qsizetype i = m_current + 1;
    int depth = 0;
    bool simple = true; // names and commas only: the common case, decided without a long scan
    while (i < m_tokens.size()) {
        const TokenType type = m_tokens.at(i).type;
        if (type == TokenType::RightParen && depth == 0)
            return i + 1 < m_tokens.size() && m_tokens.at(i + 1).type == TokenType::Arrow;
        if (type == TokenType::LeftParen || type == TokenType::LeftBracket || type == TokenType::LeftBrace)
            ++depth;
        else if (type == TokenType::RightParen || type == TokenType::RightBracket || type == TokenType::RightBrace)
            --depth;
        else if (type == TokenType::Newline || type == TokenType::EndOfFile || type == TokenType::Semicolon)
            return false;
        if (type != TokenType::Identifier && type != TokenType::Comma)
            simple = false;
        // Only names with defaults or rest markers continue past a non-name token.
        if (!simple && i == m_current + 1 && type != TokenType::Ellipsis)
            return false;
        if (depth < 0)
            return false;
        ++i;
    }
    return false;
}

ExprPtr Parser::arrowFunction(int line, QStringList params, std::vector<ExprPtr> defaults, bool variadic)
{
    DepthGuard guard(this, previous());
    auto expr = std::make_unique<FunctionExpr>(line);
    expr->decl = std::make_unique<FunctionDecl>();
    expr->decl->line = line;
    expr->decl->params = std::move(params);
    expr->decl->defaults = std::move(defaults);
    expr->decl->variadic = variadic;
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
        skipNewlines();
        if (check(TokenType::RightBracket))
            break;
        if (match({TokenType::Ellipsis})) {
            auto spread = std::make_unique<SpreadExpr>(previous().line);
            spread->value = expression();
            array->elements.push_back(std::move(spread));
        } else {
            array->elements.push_back(expression());
        }
        skipNewlines();
        if (!match({TokenType::Comma}))
            break;
    }
    consume(TokenType::RightBracket, QStringLiteral("Expect ']' after array elements."));
    return array;
}

ExprPtr Parser::objectLiteral(const Token &open)
{
    auto object = std::make_unique<ObjectExpr>(open.line);
    QHash<QString, std::size_t> indexOfKey; // a repeated key replaces the value in place
    skipNewlines();
    // `{1, 2, 3}`: a set (its first entry has no ':').
    if (!check(TokenType::RightBrace) && !check(TokenType::Ellipsis) && !check(TokenType::StringPart)
        && peek(1).type != TokenType::Colon
        && !(peek(1).type == TokenType::Newline && peek(2).type == TokenType::Colon))
        return setLiteral(open);
    while (!check(TokenType::RightBrace)) {
        if (match({TokenType::Ellipsis})) {
            // `{...a, b: 1}`: a's members, in order; a later key replaces an earlier one.
            auto spread = std::make_unique<SpreadExpr>(previous().line);
            spread->value = expression();
            object->keys.append(QString());
            object->values.push_back(std::move(spread));
            indexOfKey.clear(); // a key after the spread must come after it
            skipNewlines();
            if (!match({TokenType::Comma}))
                break;
            skipNewlines();
            continue;
        }
        const Token &key = advance();
        QString name;
        if (key.type == TokenType::Identifier || key.type == TokenType::Integer
            || Token::isKeyword(key.type))
            name = key.lexeme;
        else if (key.type == TokenType::String)
            name = key.text;
        else
            errorAt(key, QStringLiteral("Expect property name."));
        skipNewlines();
        consume(TokenType::Colon, QStringLiteral("Expect ':' after property name."));
        skipNewlines();
        const auto existing = indexOfKey.constFind(name);
        if (existing != indexOfKey.cend()) {
            object->values[*existing] = expression();
        } else {
            indexOfKey.insert(name, object->values.size());
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

ExprPtr Parser::interpolation(const Token &first)
{
    // The lexer has split the string: StringPart, an expression's tokens, InterpolationEnd,
    // and so on, then a String with the rest. The expressions are parsed here, in place.
    DepthGuard guard(this, first);
    auto expr = std::make_unique<InterpolationExpr>(first.line);
    auto addText = [&expr](const QString &text) {
        if (text.isEmpty())
            return;
        InterpolationExpr::Part part;
        part.text = text;
        expr->parts.push_back(std::move(part));
    };
    addText(first.text);
    while (true) {
        InterpolationExpr::Part part;
        part.expr = expression();
        expr->parts.push_back(std::move(part));
        consume(TokenType::InterpolationEnd, QStringLiteral("Expect '}' after expression in string."));
        // The lexer resumes the string after each InterpolationEnd (or reports it unterminated).
        const Token &next = advance();
        addText(next.text);
        if (next.type != TokenType::StringPart)
            return expr;
    }
}

ExprPtr Parser::internalCall(int line, const QString &name, std::vector<ExprPtr> arguments)
{
    auto call = std::make_unique<CallExpr>(line);
    call->callee = std::make_unique<VariableExpr>(line, name);
    call->arguments = std::move(arguments);
    return call;
}

StmtPtr Parser::classDeclaration(bool isStruct)
{
    // Desugared into a constructor function (as Havel's docs/language/types.md describes the
    // forms its smoke suite uses): `Name(args)` makes an object with the fields (null or their
    // defaults) and the methods, closures over the instance, which `@name` names inside them.
    // A class runs its constructor (`fn @(...)` or `fn init(...)`) with the arguments; a struct
    // takes its fields positionally.
    const Token keyword = advance();
    const Token name = advance();
    consume(TokenType::LeftBrace, QStringLiteral("Expect '{' after the name."));
    DepthGuard guard(this, previous());
    ++m_classes;
    auto fields = std::make_unique<ObjectExpr>(name.line);
    QStringList fieldNames;
    std::vector<ExprPtr> fieldDefaults;
    std::vector<std::unique_ptr<FunctionDecl>> methods;
    std::unique_ptr<FunctionDecl> constructor;
    QSet<QString> seen;
    auto noteName = [&](const Token &token) {
        if (seen.contains(token.lexeme))
            errorAt(token, QStringLiteral("Duplicate member '%1'.").arg(token.lexeme));
        seen.insert(token.lexeme);
    };
    while (true) {
        while (match({TokenType::Newline, TokenType::Semicolon, TokenType::Comma})) { }
        if (check(TokenType::RightBrace) || atEnd())
            break;
        if (!isStruct && match({TokenType::Fn})) {
            const Token fnToken = previous();
            if (match({TokenType::At})) {
                if (constructor)
                    errorAt(previous(), QStringLiteral("A class has one constructor."));
                constructor = functionRest(fnToken.line, name.lexeme);
                continue;
            }
            const Token &method = consume(TokenType::Identifier, QStringLiteral("Expect a method name."));
            if (method.lexeme == QLatin1String("init")) {
                if (constructor)
                    errorAt(method, QStringLiteral("A class has one constructor."));
                constructor = functionRest(method.line, name.lexeme);
                continue;
            }
            noteName(method);
            methods.push_back(functionRest(method.line, method.lexeme));
            continue;
        }
        match({TokenType::At}); // `@count = 0` declares a field as `count = 0` does
        const Token &field = consume(TokenType::Identifier, QStringLiteral("Expect a field or a method."));
        noteName(field);
        if (match({TokenType::Colon}))
            skipType();
        ExprPtr fallback = match({TokenType::Equal}) ? expression() : std::make_unique<LiteralExpr>(field.line);
        fieldNames.append(field.lexeme);
        fieldDefaults.push_back(std::move(fallback));
    }
    consume(TokenType::RightBrace, QStringLiteral("Expect '}' after the body."));
    --m_classes;

    auto ctor = std::make_unique<FunctionDecl>();
    ctor->name = name.lexeme;
    ctor->line = name.line;
    auto variable = [&](const QString &text) { return std::make_unique<VariableExpr>(name.line, text); };
    if (isStruct) {
        // fn Point(x = 0, y = 0) { return {x: x, y: y} }
        ctor->params = fieldNames;
        ctor->defaults = std::move(fieldDefaults);
        for (const QString &field : fieldNames) {
            fields->keys.append(field);
            fields->values.push_back(variable(field));
        }
        auto ret = std::make_unique<ReturnStmt>(name.line);
        ret->value = std::move(fields);
        ctor->body.push_back(std::move(ret));
    } else {
        // fn Counter(...@args) { let @self = {fields}; @self.m = fn...; @apply(init, @args); @self }
        ctor->params = QStringList{QStringLiteral("@args")};
        ctor->defaults.emplace_back();
        ctor->variadic = true;
        fields->keys = fieldNames;
        fields->values = std::move(fieldDefaults);
        auto self = std::make_unique<LetStmt>(name.line);
        self->name = QStringLiteral("@self");
        self->initializer = std::move(fields);
        ctor->body.push_back(std::move(self));
        for (auto &method : methods) {
            auto assign = std::make_unique<AssignExpr>(method->line);
            auto target = std::make_unique<MemberExpr>(method->line);
            target->object = variable(QStringLiteral("@self"));
            target->name = method->name;
            assign->target = std::move(target);
            auto fn = std::make_unique<FunctionExpr>(method->line);
            fn->decl = std::move(method);
            assign->value = std::move(fn);
            auto stmt = std::make_unique<ExpressionStmt>(name.line);
            stmt->expr = std::move(assign);
            ctor->body.push_back(std::move(stmt));
        }
        if (constructor) {
            std::vector<ExprPtr> arguments;
            auto fn = std::make_unique<FunctionExpr>(constructor->line);
            fn->decl = std::move(constructor);
            arguments.push_back(std::move(fn));
            arguments.push_back(variable(QStringLiteral("@args")));
            auto stmt = std::make_unique<ExpressionStmt>(name.line);
            stmt->expr = internalCall(name.line, QStringLiteral("@apply"), std::move(arguments));
            ctor->body.push_back(std::move(stmt));
        }
        auto ret = std::make_unique<ReturnStmt>(name.line);
        ret->value = variable(QStringLiteral("@self"));
        ctor->body.push_back(std::move(ret));
    }
    Q_UNUSED(keyword);
    auto stmt = std::make_unique<FunctionStmt>(name.line);
    stmt->decl = std::move(ctor);
    return stmt;
}

ExprPtr Parser::setLiteral(const Token &open)
{
    // A set is an object whose keys are its items (as text), each true: `s[x]` tests one,
    // `s[x] = true` adds one, as Havel's smoke suite uses them. `@set([items])` builds it.
    auto items = std::make_unique<ArrayExpr>(open.line);
    while (!check(TokenType::RightBrace)) {
        items->elements.push_back(expression());
        skipNewlines();
        if (!match({TokenType::Comma}))
            break;
        skipNewlines();
    }
    consume(TokenType::RightBrace, QStringLiteral("Expect '}' after set items."));
    std::vector<ExprPtr> arguments;
    arguments.push_back(std::move(items));
    return internalCall(open.line, QStringLiteral("@set"), std::move(arguments));
}

bool Parser::patternAhead() const
{
    const TokenType open = peek().type;
    const TokenType close = open == TokenType::LeftParen ? TokenType::RightParen
            : open == TokenType::LeftBracket ? TokenType::RightBracket : TokenType::RightBrace;
    int depth = 0;
    bool comma = false;
    for (qsizetype i = m_current; i < m_tokens.size(); ++i) {
        const TokenType type = m_tokens.at(i).type;
        if (type == TokenType::EndOfFile)
            return false;
        comma |= depth == 1 && type == TokenType::Comma;
        // A pattern holds names, commas, `:`, `_` and `...` only: stop at anything else.
        if (i > m_current && depth == 1 && type != close && type != TokenType::Identifier
            && type != TokenType::Comma && type != TokenType::Colon && type != TokenType::Ellipsis
            && type != TokenType::Newline)
            return false;
        if (type == open)
            ++depth;
        else if (type == close && --depth == 0)
            return i + 1 < m_tokens.size() && m_tokens.at(i + 1).type == TokenType::Equal
                && (comma || open != TokenType::LeftParen); // `(x) = 1` is a plain assignment
    }
    return false;
}

ExprPtr Parser::destructuring(bool constant)
{
    const Token open = advance();
    const bool byKey = open.type == TokenType::LeftBrace;
    const TokenType close = open.type == TokenType::LeftParen ? TokenType::RightParen
            : open.type == TokenType::LeftBracket ? TokenType::RightBracket : TokenType::RightBrace;
    auto expr = std::make_unique<DestructureExpr>(open.line);
    expr->byKey = byKey;
    expr->constant = constant;
    QSet<QString> seen;
    auto target = [&](const Token &name) -> ExprPtr {
        if (name.lexeme == QLatin1String("_"))
            return nullptr;
        if (seen.contains(name.lexeme))
            errorAt(name, QStringLiteral("Duplicate name in destructuring."));
        seen.insert(name.lexeme);
        return std::make_unique<VariableExpr>(name.line, name.lexeme);
    };
    skipNewlines();
    while (!check(close)) {
        if (expr->rest)
            errorAt(peek(), QStringLiteral("The rest must come last in destructuring."));
        const bool restBefore = match({TokenType::Ellipsis});
        const Token name = consume(TokenType::Identifier, QStringLiteral("Expect a name in destructuring."));
        if (restBefore || match({TokenType::Ellipsis})) {
            expr->rest = target(name);
            if (!expr->rest)
                expr->rest = std::make_unique<VariableExpr>(name.line, QStringLiteral("_"));
        } else if (byKey) {
            expr->keys.append(name.lexeme);
            if (match({TokenType::Colon}))
                expr->targets.push_back(target(consume(TokenType::Identifier, QStringLiteral("Expect a name after ':'."))));
            else
                expr->targets.push_back(target(name));
        } else {
            expr->targets.push_back(target(name));
        }
        skipNewlines();
        if (!match({TokenType::Comma}))
            break;
        skipNewlines();
    }
    consume(close, QStringLiteral("Expect the end of the destructuring pattern."));
    consume(TokenType::Equal, QStringLiteral("Expect '=' after the destructuring pattern."));
    skipNewlines();
    expr->value = expression();
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
    if (m_cancelFlag)
        pollCancel();
    return token;
}

void Parser::pollCancel()
{
    // One relaxed load per few thousand tokens: free, and still well under a millisecond
    // between polls at any parse speed.
    if (m_pollCountdown > 0) {
        --m_pollCountdown;
        return;
    }
    m_pollCountdown = 4096;
    if (m_cancelFlag->load(std::memory_order_relaxed)) {
        SyntaxError error;
        error.line = previous().line;
        error.message = QStringLiteral("Interrupted.");
        error.interrupted = true;
        m_error = error;
        throw Abort{};
    }
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
    case TokenType::StringPart:
        error.where = QStringLiteral(" at '\"%1\"'").arg(Token::excerpt(token.lexeme));
        break;
    default:
        error.where = QStringLiteral(" at '%1'").arg(Token::excerpt(token.lexeme));
    }
    m_error = error;
    throw Abort{};
}

} // namespace havel::script
