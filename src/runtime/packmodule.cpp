// The `pack` module: binary pack and unpack with a struct-like format, as Havel's smoke suite
// uses it. Bytes are arrays of integers 0..255 (as fmt.b64decode gives them).
//   A prefix sets the byte order: '<' little, '>' or '!' big, '=' or none the machine's.
//   i/s int8, u uint8, I int16, U uint16, l int32, L uint32, q int64, Q uint64,
//   f float32, d float64, each optionally followed by a count ("u4": four uint8 values);
//   c with a count N: a string in N bytes, padded with zeros (one value).
#include "moduleutil.h"

#include <QtCore/QtEndian>

#include <cstring>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

struct Field
{
    QChar code;
    int count = 1;
};

struct Format
{
    bool little = QSysInfo::ByteOrder == QSysInfo::LittleEndian;
    std::vector<Field> fields;
};

int sizeOf(QChar code)
{
    switch (code.unicode()) {
    case u'i': case u's': case u'u': case u'c': return 1;
    case u'I': case u'U': return 2;
    case u'l': case u'L': case u'f': return 4;
    case u'q': case u'Q': case u'd': return 8;
    default: return 0;
    }
}

Format parseFormat(const QString &text, const QString &function, int line)
{
    Format format;
    qsizetype i = 0;
    if (!text.isEmpty() && QStringLiteral("<>!=").contains(text.at(0))) {
        const QChar c = text.at(0);
        if (c == u'<')
            format.little = true;
        else if (c == u'>' || c == u'!')
            format.little = false;
        i = 1;
    }
    while (i < text.size()) {
        const QChar code = text.at(i++);
        if (code.isSpace())
            continue;
        if (sizeOf(code) == 0)
            fail(line, QStringLiteral("%1: unknown format code '%2' in \"%3\"").arg(function, code, text));
        int count = 0;
        bool digits = false;
        while (i < text.size() && text.at(i).isDigit()) {
            count = count * 10 + text.at(i++).digitValue();
            digits = true;
            if (count > 1'000'000)
                fail(line, QStringLiteral("%1: count too large in \"%2\"").arg(function, text));
        }
        format.fields.push_back({code, digits ? std::max(count, 1) : 1});
    }
    return format;
}

template<typename T>
void put(QByteArray &out, T value, bool little)
{
    char bytes[sizeof(T)];
    if (little)
        qToLittleEndian(value, bytes);
    else
        qToBigEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

template<typename T>
T get(const char *data, bool little)
{
    return little ? qFromLittleEndian<T>(data) : qFromBigEndian<T>(data);
}

} // namespace

void installPack(Vm &vm)
{
    ModuleBuilder pack(vm, QStringLiteral("pack"));
    pack.function(QStringLiteral("pack"), [](Vm &vm, std::vector<Value> &args, int line) {
        const QString function = QStringLiteral("pack.pack");
        if (args.empty())
            fail(line, QStringLiteral("%1: expected a format string").arg(function));
        const Format format = parseFormat(stringArg(args, 0, function, line), function, line);
        QByteArray out;
        std::size_t next = 1;
        for (const Field &field : format.fields) {
            const int values = field.code == u'c' ? 1 : field.count;
            for (int k = 0; k < values; ++k) {
                if (next >= args.size())
                    fail(line, QStringLiteral("%1: the format wants more values than the %2 given")
                                       .arg(function).arg(args.size() - 1));
                const std::size_t at = next++;
                switch (field.code.unicode()) {
                case u'c': {
                    const QByteArray text = vm.toText(args[at]).toUtf8();
                    out.append(text.left(field.count));
                    out.append(QByteArray(std::max<qsizetype>(0, field.count - text.size()), '\0'));
                    break;
                }
                case u'f': put<float>(out, float(numberArg(args, at, function, line)), format.little); break;
                case u'd': put<double>(out, numberArg(args, at, function, line), format.little); break;
                default: {
                    // Integers are truncated to the field's width (two's complement), as C does.
                    const quint64 v = quint64(args[at].isBool() ? qint64(args[at].asBool())
                                                                : args[at].isFloat() ? qint64(args[at].asFloat())
                                                                                     : intArg(args, at, function, line));
                    switch (sizeOf(field.code)) {
                    case 1: out.append(char(quint8(v))); break;
                    case 2: put<quint16>(out, quint16(v), format.little); break;
                    case 4: put<quint32>(out, quint32(v), format.little); break;
                    default: put<quint64>(out, v, format.little); break;
                    }
                }
                }
            }
        }
        if (next != args.size())
            fail(line, QStringLiteral("%1: %2 value(s) left over after the format").arg(function).arg(args.size() - next));
        std::vector<Value> bytes;
        bytes.reserve(std::size_t(out.size()));
        for (const char b : out)
            bytes.emplace_back(qint64(quint8(b)));
        return makeArray(vm, std::move(bytes));
    });
    pack.function(QStringLiteral("unpack"), [](Vm &vm, std::vector<Value> &args, int line) {
        const QString function = QStringLiteral("pack.unpack");
        expectArgs(args, 2, 3, function, line);
        const Format format = parseFormat(stringArg(args, 0, function, line), function, line);
        QByteArray raw;
        if (args[1].isString()) {
            raw = args[1].asString().toLatin1();
        } else if (args[1].isArray()) {
            for (const Value &b : args[1].asArray()->items) {
                if (!b.isInt() || b.asInt() < 0 || b.asInt() > 255)
                    fail(line, QStringLiteral("%1: the data must be bytes (integers 0..255)").arg(function));
                raw.append(char(b.asInt()));
            }
        } else {
            fail(line, QStringLiteral("%1: the data must be a byte array, not %2").arg(function, args[1].typeName()));
        }
        qsizetype offset = args.size() == 3 ? intArg(args, 2, function, line) : 0;
        if (offset < 0 || offset > raw.size())
            fail(line, QStringLiteral("%1: offset %2 is outside the %3 bytes").arg(function).arg(offset).arg(raw.size()));
        std::vector<Value> values;
        for (const Field &field : format.fields) {
            const int width = field.code == u'c' ? field.count : sizeOf(field.code);
            const int repeat = field.code == u'c' ? 1 : field.count;
            for (int k = 0; k < repeat; ++k) {
                if (offset + width > raw.size())
                    fail(line, QStringLiteral("%1: the data ends at byte %2, the format needs more")
                                       .arg(function).arg(raw.size()));
                const char *p = raw.constData() + offset;
                switch (field.code.unicode()) {
                case u'c': {
                    QByteArray text(p, width);
                    const qsizetype nul = text.indexOf('\0');
                    values.emplace_back(QString::fromUtf8(nul < 0 ? text : text.left(nul)));
                    break;
                }
                case u'i': case u's': values.emplace_back(qint64(qint8(*p))); break;
                case u'u': values.emplace_back(qint64(quint8(*p))); break;
                case u'I': values.emplace_back(qint64(get<qint16>(p, format.little))); break;
                case u'U': values.emplace_back(qint64(get<quint16>(p, format.little))); break;
                case u'l': values.emplace_back(qint64(get<qint32>(p, format.little))); break;
                case u'L': values.emplace_back(qint64(get<quint32>(p, format.little))); break;
                case u'q': values.emplace_back(get<qint64>(p, format.little)); break;
                case u'Q': values.emplace_back(qint64(get<quint64>(p, format.little))); break;
                case u'f': values.emplace_back(double(get<float>(p, format.little))); break;
                default: values.emplace_back(get<double>(p, format.little)); break;
                }
                offset += width;
            }
        }
        return makeArray(vm, std::move(values));
    });
    pack.function(QStringLiteral("size"), [](Vm &, std::vector<Value> &args, int line) {
        const QString function = QStringLiteral("pack.size");
        expectArgs(args, 1, 1, function, line);
        qint64 total = 0;
        for (const Field &field : parseFormat(stringArg(args, 0, function, line), function, line).fields)
            total += qint64(sizeOf(field.code)) * field.count;
        return Value(total);
    });
    pack.install();
}

} // namespace havel::script::modules
