// The `fmt` module (`use format`; Havel's smoke suite fmt_*.hv): number bases, base64 and
// format strings with `{}` placeholders.
#include "moduleutil.h"

#include <QtCore/QByteArray>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

//! An integer in base 2, 8 or 16; negative numbers as their 64-bit two's complement, as
//! Havel prints them (hex(-1) is 0xffffffffffffffff).
QString inBase(qint64 n, int base)
{
    return QString::number(quint64(n), base);
}

QByteArray bytesOf(Vm &vm, const Value &v, const QString &function, int line)
{
    if (v.isString())
        return v.asString().toUtf8();
    if (v.isArray()) {
        QByteArray bytes;
        for (const Value &item : v.asArray()->items) {
            if (!item.isInt() || item.asInt() < 0 || item.asInt() > 255)
                fail(line, QStringLiteral("%1: a byte array holds integers 0..255, not %2").arg(function, vm.toText(item)));
            bytes.append(char(item.asInt()));
        }
        return bytes;
    }
    fail(line, QStringLiteral("%1: expected a string or a byte array, not %2").arg(function, v.typeName()));
}

//! One `{...}` replacement: spec is what follows the colon (x X b o e, .Nf, a width).
QString formatOne(Vm &vm, const Value &value, const QString &spec, const QString &function, int line)
{
    if (spec.isEmpty())
        return vm.toText(value);
    QString body = spec;
    QChar align = u'>';
    QChar fill = u' ';
    if (body.size() >= 2 && (body.at(1) == u'<' || body.at(1) == u'>' || body.at(1) == u'^')) {
        fill = body.at(0);
        align = body.at(1);
        body = body.mid(2);
    } else if (!body.isEmpty() && (body.at(0) == u'<' || body.at(0) == u'>' || body.at(0) == u'^')) {
        align = body.at(0);
        body = body.mid(1);
    }
    if (body.startsWith(u'0') && body.size() > 1 && body.at(1).isDigit()) {
        fill = u'0';
        body = body.mid(1);
    }
    qsizetype i = 0;
    while (i < body.size() && body.at(i).isDigit())
        ++i;
    const int width = i > 0 ? body.left(i).toInt() : 0;
    int precision = -1;
    if (i < body.size() && body.at(i) == u'.') {
        qsizetype j = i + 1;
        while (j < body.size() && body.at(j).isDigit())
            ++j;
        precision = body.mid(i + 1, j - i - 1).toInt();
        i = j;
    }
    const QString type = body.mid(i);
    QString text;
    if (type.isEmpty() && precision < 0) {
        text = vm.toText(value);
    } else if (type == QLatin1String("x") || type == QLatin1String("X") || type == QLatin1String("b")
               || type == QLatin1String("o") || type == QLatin1String("d")) {
        if (!value.isInt())
            fail(line, QStringLiteral("%1: {:%2} needs an integer, not %3").arg(function, spec, value.typeName()));
        const int base = type == QLatin1String("d") ? 10 : type == QLatin1String("b") ? 2
                       : type == QLatin1String("o") ? 8 : 16;
        text = base == 10 ? QString::number(value.asInt()) : inBase(value.asInt(), base);
        if (type == QLatin1String("X"))
            text = text.toUpper();
    } else if (type.isEmpty() || type == QLatin1String("f") || type == QLatin1String("e")) {
        if (!value.isNumber())
            fail(line, QStringLiteral("%1: {:%2} needs a number, not %3").arg(function, spec, value.typeName()));
        text = QString::number(value.asNumber(), type == QLatin1String("e") ? 'e' : 'f', precision < 0 ? 6 : precision);
    } else {
        fail(line, QStringLiteral("%1: unknown format spec '{:%2}'").arg(function, spec));
    }
    if (text.size() < width) {
        const qsizetype pad = width - text.size();
        if (align == u'<')
            text += QString(pad, fill);
        else if (align == u'^')
            text = QString(pad / 2, fill) + text + QString(pad - pad / 2, fill);
        else
            text = QString(pad, fill) + text;
    }
    return text;
}

} // namespace

QString formatString(Vm &vm, const QString &format, const std::vector<Value> &args, std::size_t first,
                     const QString &function, int line)
{
    QString out;
    std::size_t next = first;
    for (qsizetype i = 0; i < format.size(); ++i) {
        const QChar c = format.at(i);
        if (c == u'{' && i + 1 < format.size() && format.at(i + 1) == u'{') {
            out += u'{';
            ++i;
        } else if (c == u'}' && i + 1 < format.size() && format.at(i + 1) == u'}') {
            out += u'}';
            ++i;
        } else if (c == u'{') {
            const qsizetype close = format.indexOf(u'}', i);
            if (close < 0)
                fail(line, QStringLiteral("%1: unclosed '{' in the format string").arg(function));
            const QString inside = format.mid(i + 1, close - i - 1);
            const qsizetype colon = inside.indexOf(u':');
            const QString position = colon < 0 ? inside : inside.left(colon);
            const QString spec = colon < 0 ? QString() : inside.mid(colon + 1);
            std::size_t index = next;
            if (!position.isEmpty()) {
                bool ok = false;
                index = first + std::size_t(position.toUInt(&ok));
                if (!ok)
                    fail(line, QStringLiteral("%1: bad placeholder '{%2}'").arg(function, inside));
            } else {
                ++next;
            }
            if (index >= args.size())
                fail(line, QStringLiteral("%1: the format string wants more arguments than the %2 given")
                                   .arg(function).arg(args.size() - first));
            out += formatOne(vm, args[index], spec, function, line);
            i = close;
        } else {
            out += c;
        }
    }
    return out;
}

void installFmt(Vm &vm)
{
    ModuleBuilder fmt(vm, QStringLiteral("fmt"));
    const std::pair<const char *, std::pair<int, const char *>> bases[] = {
        {"hex", {16, "0x"}}, {"bin", {2, "0b"}}, {"oct", {8, "0o"}}};
    for (const auto &entry : bases) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &base = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("fmt.") + QLatin1String(name);
        const int radix = base.first;
        const QString prefix = QLatin1String(base.second);
        fmt.function(QLatin1String(name), [full, radix, prefix](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 1, 1, full, line);
            return Value(prefix + inBase(intArg(args, 0, full, line), radix));
        });
    }
    fmt.function(QStringLiteral("b64"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("fmt.b64"), line);
        return Value(QString::fromLatin1(bytesOf(vm, args.front(), QStringLiteral("fmt.b64"), line).toBase64()));
    });
    // b64decode: the decoded bytes as an array of integers (they need not be text).
    fmt.function(QStringLiteral("b64decode"), [](Vm &vm, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("fmt.b64decode"), line);
        const auto decoded = QByteArray::fromBase64Encoding(
                stringArg(args, 0, QStringLiteral("fmt.b64decode"), line).toLatin1(),
                QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            fail(line, QStringLiteral("fmt.b64decode: the text is not valid base64"));
        std::vector<Value> bytes;
        for (const char b : *decoded)
            bytes.emplace_back(qint64(quint8(b)));
        return makeArray(vm, std::move(bytes));
    });
    fmt.function(QStringLiteral("format"), [](Vm &vm, std::vector<Value> &args, int line) {
        if (args.empty())
            fail(line, QStringLiteral("fmt.format: expected a format string"));
        return Value(formatString(vm, stringArg(args, 0, QStringLiteral("fmt.format"), line), args, 1,
                                  QStringLiteral("fmt.format"), line));
    });
    fmt.install();
}

} // namespace havel::script::modules
