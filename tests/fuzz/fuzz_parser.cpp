// libFuzzer target for the Havel lexer and parser: any byte string must either parse or
// give one syntax error, never crash, hang, overflow the stack or leak. Built only with
// -DHAVEL_BUILD_FUZZER=ON (the "fuzz" preset), seeded with tests/scripts.
#include <lexer.h>
#include <parser.h>

#include <QtCore/QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString source = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    // The lexer alone: every token list ends with EndOfFile or a single Error.
    const QList<havel::script::Token> tokens = havel::script::Lexer(source).tokenize();
    if (tokens.isEmpty())
        __builtin_trap();
    const havel::script::TokenType last = tokens.last().type;
    if (last != havel::script::TokenType::EndOfFile && last != havel::script::TokenType::Error)
        __builtin_trap();

    // The parser: a program, or an error with a line inside the source.
    havel::script::SyntaxError error;
    const auto program = havel::script::Parser::parse(source, &error);
    if (!program && (error.line < 1 || error.message.isEmpty()))
        __builtin_trap();
    return 0;
}
