// Regular expressions on QRegularExpression (Perl-compatible): the `regex` module and the
// flat names Havel's scripts use. Argument orders follow Havel's smoke suite, which puts the
// pattern first everywhere except regex_search(text, pattern).
#include "moduleutil.h"

#include <QtCore/QRegularExpression>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

QRegularExpression compile(const QString &pattern, const QString &function, int line)
{
    QRegularExpression re(pattern);
    if (!re.isValid())
        fail(line, QStringLiteral("%1: invalid pattern \"%2\": %3 (at offset %4)")
                           .arg(function, pattern, re.errorString())
                           .arg(re.patternErrorOffset()));
    return re;
}

struct Operation
{
    const char *flat;   //!< regex_match
    const char *member; //!< regex.match
    std::size_t min, max;
    bool textFirst;     //!< (text, pattern) rather than (pattern, text)
    Value (*run)(Vm &, const QRegularExpression &, const QString &text, std::vector<Value> &args,
                 const QString &function, int line);
};

const Operation kOperations[] = {
    // match: the whole text matches.
    {"regex_match", "match", 2, 2, false,
     [](Vm &, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         const QRegularExpression whole(QRegularExpression::anchoredPattern(re.pattern()));
         return Value(whole.match(text).hasMatch());
     }},
    // search / test: the pattern occurs somewhere in the text.
    {"regex_search", "search", 2, 2, true,
     [](Vm &, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         return Value(re.match(text).hasMatch());
     }},
    {nullptr, "test", 2, 2, false,
     [](Vm &, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         return Value(re.match(text).hasMatch());
     }},
    // extract / findall: every match's text.
    {"regex_extract", "extract", 2, 2, false,
     [](Vm &vm, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         std::vector<Value> found;
         auto it = re.globalMatch(text);
         while (it.hasNext())
             found.emplace_back(it.next().captured(0));
         return makeArray(vm, std::move(found));
     }},
    // groups: the first match's captures (0 is the whole match), or null.
    {"regex_groups", "groups", 2, 2, false,
     [](Vm &vm, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         const auto match = re.match(text);
         if (!match.hasMatch())
             return Value();
         std::vector<Value> groups;
         for (int i = 0; i <= match.lastCapturedIndex(); ++i)
             groups.emplace_back(match.captured(i));
         return makeArray(vm, std::move(groups));
     }},
    // replace(pattern, text, replacement): every match; \1 in the replacement is a capture.
    {"regex_replace", "replace", 3, 3, false,
     [](Vm &vm, const QRegularExpression &re, const QString &text, std::vector<Value> &args, const QString &, int) {
         return Value(QString(text).replace(re, vm.toText(args[2])));
     }},
    {"regex_split", "split", 2, 2, false,
     [](Vm &vm, const QRegularExpression &re, const QString &text, std::vector<Value> &, const QString &, int) {
         std::vector<Value> parts;
         for (const QString &part : text.split(re))
             parts.emplace_back(part);
         return makeArray(vm, std::move(parts));
     }},
};

} // namespace

void installRegex(Vm &vm)
{
    ModuleBuilder regex(vm, QStringLiteral("regex"));
    for (const Operation &op : kOperations) {
        auto make = [&op](const QString &function) {
            return [function, op](Vm &vm, std::vector<Value> &args, int line) {
                expectArgs(args, op.min, op.max, function, line);
                const std::size_t p = op.textFirst ? 1 : 0;
                const std::size_t t = op.textFirst ? 0 : 1;
                const QRegularExpression re = compile(stringArg(args, p, function, line), function, line);
                return op.run(vm, re, stringArg(args, t, function, line), args, function, line);
            };
        };
        const QString member = QLatin1String(op.member);
        regex.function(member, make(QStringLiteral("regex.") + member));
        if (QLatin1String(op.member) == QLatin1String("extract"))
            regex.function(QStringLiteral("findall"), make(QStringLiteral("regex.findall")));
        if (op.flat)
            vm.defineGlobal(QLatin1String(op.flat), Value(native(QLatin1String(op.flat), make(QLatin1String(op.flat)))));
    }
    regex.function(QStringLiteral("escape"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("regex.escape"), line);
        return Value(QRegularExpression::escape(stringArg(args, 0, QStringLiteral("regex.escape"), line)));
    });
    vm.defineGlobal(QStringLiteral("escape_regex"), *regex.object()->get(QStringLiteral("escape")));
    regex.install();
}

} // namespace havel::script::modules
