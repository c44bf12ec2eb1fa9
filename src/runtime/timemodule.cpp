// The `time` module (Havel's docs/stdlib/time.md) on QDateTime: timestamps are milliseconds
// since the Unix epoch, components are of the local time, formats are strftime's (%Y-%m-%d).
// The calendar is Qt's: nothing here computes dates by hand.
#include "moduleutil.h"

#include <cmath>

#include <QtCore/QDateTime>
#include <QtCore/QLocale>
#include <QtCore/QTimeZone>

namespace havel::script::modules {

namespace {

using Builtins::expectArgs;

const QString kDefaultFormat = QStringLiteral("%Y-%m-%d %H:%M:%S");

//! The Qt format of one strftime conversion, or an empty string if it has none.
QString qtConversion(QChar c)
{
    switch (c.unicode()) {
    case u'Y': return QStringLiteral("yyyy");
    case u'y': return QStringLiteral("yy");
    case u'm': return QStringLiteral("MM");
    case u'd': return QStringLiteral("dd");
    case u'e': return QStringLiteral("d");
    case u'H': return QStringLiteral("HH");
    case u'I': return QStringLiteral("hh");
    case u'M': return QStringLiteral("mm");
    case u'S': return QStringLiteral("ss");
    case u'p': return QStringLiteral("AP");
    case u'b': return QStringLiteral("MMM");
    case u'B': return QStringLiteral("MMMM");
    case u'a': return QStringLiteral("ddd");
    case u'A': return QStringLiteral("dddd");
    case u'Z': return QStringLiteral("t");
    default: return QString();
    }
}

//! strftime format -> Qt format, literal text quoted. An unknown conversion is an error.
QString toQtFormat(const QString &format, const QString &function, int line)
{
    QString result;
    QString literal;
    auto flushLiteral = [&] {
        if (!literal.isEmpty()) {
            result += u'\'' + QString(literal).replace(u'\'', QStringLiteral("''")) + u'\'';
            literal.clear();
        }
    };
    for (qsizetype i = 0; i < format.size(); ++i) {
        if (format.at(i) != u'%' || i + 1 == format.size()) {
            literal += format.at(i);
            continue;
        }
        const QChar c = format.at(++i);
        if (c == u'%') {
            literal += u'%';
            continue;
        }
        const QString qt = qtConversion(c);
        if (qt.isEmpty())
            fail(line, QStringLiteral("%1: unknown conversion '%%2' in \"%3\"").arg(function, c, format));
        flushLiteral();
        result += qt;
    }
    flushLiteral();
    return result;
}

QDateTime fromMs(const std::vector<Value> &args, std::size_t i, const QString &function, int line)
{
    const double ms = numberArg(args, i, function, line);
    if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15)
        fail(line, QStringLiteral("%1: %2 is not a timestamp in milliseconds").arg(function, Value::formatNumber(ms)));
    return QDateTime::fromMSecsSinceEpoch(qint64(ms));
}

} // namespace

void installTime(Vm &vm, NativeFunction::Function sleep)
{
    ModuleBuilder time(vm, QStringLiteral("time"));
    // now/millis: the wall clock, as Havel documents (timer.now() is the steady clock).
    for (const char *name : {"now", "millis"}) {
        const QString full = QStringLiteral("time.") + QLatin1String(name);
        time.function(QLatin1String(name), [full](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 0, 0, full, line);
            return Value(QDateTime::currentMSecsSinceEpoch());
        });
    }
    time.function(QStringLiteral("epoch"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 0, 0, QStringLiteral("time.epoch"), line);
        return Value(QDateTime::currentSecsSinceEpoch());
    });
    time.function(QStringLiteral("sleep"), std::move(sleep));
    time.function(QStringLiteral("format"), [](Vm &, std::vector<Value> &args, int line) {
        const QString function = QStringLiteral("time.format");
        expectArgs(args, 0, 2, function, line);
        const QDateTime when = args.empty() || args[0].isNull() ? QDateTime::currentDateTime()
                                                                : fromMs(args, 0, function, line);
        const QString format = args.size() == 2 ? stringArg(args, 1, function, line) : kDefaultFormat;
        return Value(QLocale::c().toString(when, toQtFormat(format, function, line)));
    });
    // parse(text, format?): the timestamp in ms (local time), or null if the text does not
    // match the format.
    time.function(QStringLiteral("parse"), [](Vm &, std::vector<Value> &args, int line) {
        const QString function = QStringLiteral("time.parse");
        expectArgs(args, 1, 2, function, line);
        const QString &text = stringArg(args, 0, function, line);
        const QString format = args.size() == 2 ? stringArg(args, 1, function, line) : kDefaultFormat;
        const QDateTime when = QLocale::c().toDateTime(text.trimmed(), toQtFormat(format, function, line));
        if (!when.isValid())
            return Value();
        return Value(when.toMSecsSinceEpoch());
    });
    // Components of the current local time, or of a timestamp given as the argument.
    using Component = qint64 (*)(const QDateTime &);
    const std::pair<const char *, Component> components[] = {
        {"year", [](const QDateTime &t) { return qint64(t.date().year()); }},
        {"month", [](const QDateTime &t) { return qint64(t.date().month()); }},
        {"day", [](const QDateTime &t) { return qint64(t.date().day()); }},
        {"hour", [](const QDateTime &t) { return qint64(t.time().hour()); }},
        {"minute", [](const QDateTime &t) { return qint64(t.time().minute()); }},
        {"second", [](const QDateTime &t) { return qint64(t.time().second()); }},
        // 0 = Sunday .. 6 = Saturday (Qt counts Monday 1 .. Sunday 7).
        {"weekday", [](const QDateTime &t) { return qint64(t.date().dayOfWeek() % 7); }},
    };
    for (const auto &entry : components) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &component = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("time.") + QLatin1String(name);
        time.function(QLatin1String(name), [full, component](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 0, 1, full, line);
            return Value(component(args.empty() ? QDateTime::currentDateTime() : fromMs(args, 0, full, line)));
        });
    }
    const std::pair<const char *, const char *> texts[] = {{"date", "yyyy-MM-dd"}, {"time", "HH:mm:ss"}};
    for (const auto &entry : texts) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &format = entry.second; // structured bindings in a lambda
        const QString full = QStringLiteral("time.") + QLatin1String(name);
        const QString qtFormat = QLatin1String(format);
        time.function(QLatin1String(name), [full, qtFormat](Vm &, std::vector<Value> &args, int line) {
            expectArgs(args, 0, 1, full, line);
            const QDateTime when = args.empty() ? QDateTime::currentDateTime() : fromMs(args, 0, full, line);
            return Value(QLocale::c().toString(when, qtFormat));
        });
    }
    // duration(ms): human-readable, largest units first, zero parts left out: "1h 1m 5s",
    // "1.5s", "250ms", "2d 3h". Havel documents the signature only; this is the format.
    time.function(QStringLiteral("duration"), [](Vm &, std::vector<Value> &args, int line) {
        expectArgs(args, 1, 1, QStringLiteral("time.duration"), line);
        const double value = numberArg(args, 0, QStringLiteral("time.duration"), line);
        if (!std::isfinite(value))
            fail(line, QStringLiteral("time.duration: argument 1 must be a finite number of milliseconds"));
        qint64 ms = qint64(std::llround(std::fabs(value)));
        const QString sign = value < 0 && ms > 0 ? QStringLiteral("-") : QString();
        if (ms < 1000)
            return Value(sign + QString::number(ms) + QStringLiteral("ms"));
        QStringList parts;
        for (const auto &[unit, size] : {std::pair{"d", qint64(86'400'000)}, std::pair{"h", qint64(3'600'000)},
                                         std::pair{"m", qint64(60'000)}}) {
            if (ms >= size) {
                parts.append(QString::number(ms / size) + QLatin1String(unit));
                ms %= size;
            }
        }
        if (ms > 0)
            parts.append(Value::formatNumber(double(ms) / 1000.0) + QStringLiteral("s"));
        return Value(sign + parts.join(u' '));
    });
    time.install();
}

} // namespace havel::script::modules
