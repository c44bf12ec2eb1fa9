// The `math` module (Havel's docs/stdlib/math.md): functions of std::cmath, and the constants
// PI and E, which are also globals as in Havel.
#include "moduleutil.h"

#include <cmath>
#include <numbers>

namespace havel::script::modules {

namespace {

//! A double result that is integral comes back as an integer where the operation is
//! integral by nature (floor, ceil, round, trunc), so `math.floor(3.8)` prints 3.
Value integral(double d)
{
    if (std::isfinite(d) && std::fabs(d) < 9.2e18)
        return Value(qint64(d));
    return Value(d);
}

//! Havel's math module loads its physics part too (modules/lang/math/physics.hv): SI
//! constants (G is standard gravity, G0 the gravitational constant) and textbook formulas.
void installPhysics(ModuleBuilder &math)
{
    constexpr double kGravity = 9.80665, kLight = 299792458.0, kPlanck = 6.62607015e-34;
    const std::pair<const char *, double> constants[] = {
        {"G", kGravity}, {"C", kLight}, {"G0", 6.67430e-11}, {"KB", 1.380649e-23},
        {"NA", 6.02214076e23}, {"RGAS", 8.314462618}, {"ME", 9.1093837015e-31},
        {"MP", 1.67262192369e-27}, {"ECHARGE", 1.602176634e-19}, {"HPLANCK", kPlanck},
        {"EPS0", 8.8541878128e-12}, {"MU0", 1.25663706212e-6},
    };
    for (const auto &constant : constants)
        math.constant(QLatin1String(constant.first), Value(constant.second));
    // name, arity, formula over the arguments as doubles
    using Formula = double (*)(const double *);
    struct Entry { const char *name; int minArgs; int maxArgs; Formula formula; };
    static const Entry formulas[] = {
        {"force", 2, 2, [](const double *a) { return a[0] * a[1]; }},
        {"momentum", 2, 2, [](const double *a) { return a[0] * a[1]; }},
        {"kinetic_energy", 2, 2, [](const double *a) { return 0.5 * a[0] * a[1] * a[1]; }},
        {"potential_energy", 2, 3, [](const double *a) { return a[0] * a[2] * a[1]; }},
        {"wavelength", 1, 1, [](const double *a) { return kLight / a[0]; }},
        {"photon_energy", 1, 1, [](const double *a) { return kPlanck * a[0]; }},
        {"ohm_law", 2, 2, [](const double *a) { return a[0] / a[1]; }},
        {"gravitational_force", 3, 3, [](const double *a) { return 6.67430e-11 * a[0] * a[1] / (a[2] * a[2]); }},
        {"escape_velocity", 2, 2, [](const double *a) { return std::sqrt(2 * 6.67430e-11 * a[0] / a[1]); }},
        {"lorentz_factor", 1, 1, [](const double *a) { return 1.0 / std::sqrt(1.0 - a[0] * a[0] / (kLight * kLight)); }},
    };
    for (const Entry &entry : formulas) {
        const QString qname = QStringLiteral("math.") + QLatin1String(entry.name);
        const Entry *e = &entry;
        math.function(QLatin1String(entry.name), [qname, e](Vm &, std::vector<Value> &args, int line) {
            Builtins::expectArgs(args, std::size_t(e->minArgs), std::size_t(e->maxArgs), qname, line);
            double a[3] = {0, 0, kGravity}; // potential_energy's gravity defaults to G
            for (std::size_t i = 0; i < args.size(); ++i)
                a[i] = numberArg(args, i, qname, line);
            return Value(e->formula(a));
        });
    }
}

} // namespace

void installMath(Vm &vm)
{
    ModuleBuilder math(vm, QStringLiteral("math"));
    using Fn = double (*)(double);
    const std::pair<const char *, Fn> unary[] = {
        {"sqrt", [](double x) { return std::sqrt(x); }},   {"sin", [](double x) { return std::sin(x); }},
        {"cos", [](double x) { return std::cos(x); }},     {"tan", [](double x) { return std::tan(x); }},
        {"asin", [](double x) { return std::asin(x); }},   {"acos", [](double x) { return std::acos(x); }},
        {"atan", [](double x) { return std::atan(x); }},   {"exp", [](double x) { return std::exp(x); }},
        {"log", [](double x) { return std::log(x); }},     {"log10", [](double x) { return std::log10(x); }},
        {"log2", [](double x) { return std::log2(x); }},   {"cbrt", [](double x) { return std::cbrt(x); }},
        {"sinh", [](double x) { return std::sinh(x); }},   {"cosh", [](double x) { return std::cosh(x); }},
        {"tanh", [](double x) { return std::tanh(x); }},
    };
    for (const auto &entry : unary) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &fn = entry.second; // structured bindings in a lambda
        const QString qname = QLatin1String(name);
        math.function(qname, [qname, fn](Vm &, std::vector<Value> &args, int line) {
            Builtins::expectArgs(args, 1, 1, QStringLiteral("math.") + qname, line);
            return Value(fn(numberArg(args, 0, QStringLiteral("math.") + qname, line)));
        });
    }
    const std::pair<const char *, Fn> rounding[] = {
        {"floor", [](double x) { return std::floor(x); }}, {"ceil", [](double x) { return std::ceil(x); }},
        {"round", [](double x) { return std::round(x); }}, {"trunc", [](double x) { return std::trunc(x); }},
    };
    for (const auto &entry : rounding) {
        const auto &name = entry.first; // named variables: clang 14 cannot capture
        const auto &fn = entry.second; // structured bindings in a lambda
        const QString qname = QLatin1String(name);
        math.function(qname, [qname, fn](Vm &, std::vector<Value> &args, int line) {
            Builtins::expectArgs(args, 1, 1, QStringLiteral("math.") + qname, line);
            if (!args.empty() && args.front().isInt())
                return args.front();
            return integral(fn(numberArg(args, 0, QStringLiteral("math.") + qname, line)));
        });
    }
    math.function(QStringLiteral("abs"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 1, 1, QStringLiteral("math.abs"), line);
        if (args.front().isInt() && args.front().asInt() != std::numeric_limits<qint64>::min())
            return Value(std::abs(args.front().asInt()));
        return Value(std::fabs(numberArg(args, 0, QStringLiteral("math.abs"), line)));
    });
    math.function(QStringLiteral("sign"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 1, 1, QStringLiteral("math.sign"), line);
        const double x = numberArg(args, 0, QStringLiteral("math.sign"), line);
        return Value(qint64(x > 0 ? 1 : x < 0 ? -1 : 0));
    });
    math.function(QStringLiteral("pow"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 2, 2, QStringLiteral("math.pow"), line);
        return Value(std::pow(numberArg(args, 0, QStringLiteral("math.pow"), line),
                              numberArg(args, 1, QStringLiteral("math.pow"), line)));
    });
    math.function(QStringLiteral("atan2"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 2, 2, QStringLiteral("math.atan2"), line);
        return Value(std::atan2(numberArg(args, 0, QStringLiteral("math.atan2"), line),
                                numberArg(args, 1, QStringLiteral("math.atan2"), line)));
    });
    math.function(QStringLiteral("hypot"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 2, 2, QStringLiteral("math.hypot"), line);
        return Value(std::hypot(numberArg(args, 0, QStringLiteral("math.hypot"), line),
                                numberArg(args, 1, QStringLiteral("math.hypot"), line)));
    });
    // min/max of their arguments, or of one array; the winner keeps its type (int stays int).
    for (const bool isMax : {false, true}) {
        const QString name = isMax ? QStringLiteral("math.max") : QStringLiteral("math.min");
        math.function(isMax ? QStringLiteral("max") : QStringLiteral("min"),
                      [name, isMax](Vm &, std::vector<Value> &args, int line) {
            const std::vector<Value> &items = args.size() == 1 && args.front().isArray()
                    ? args.front().asArray()->items : args;
            if (items.empty())
                fail(line, QStringLiteral("%1: expected at least one number").arg(name));
            std::size_t best = 0;
            for (std::size_t i = 0; i < items.size(); ++i) {
                const double v = numberArg(items, i, name, line);
                const double b = items[best].asNumber();
                if (isMax ? v > b : v < b)
                    best = i;
            }
            return items[best];
        });
    }
    math.function(QStringLiteral("clamp"), [](Vm &, std::vector<Value> &args, int line) {
        Builtins::expectArgs(args, 3, 3, QStringLiteral("math.clamp"), line);
        const double x = numberArg(args, 0, QStringLiteral("math.clamp"), line);
        const double lo = numberArg(args, 1, QStringLiteral("math.clamp"), line);
        const double hi = numberArg(args, 2, QStringLiteral("math.clamp"), line);
        if (lo > hi)
            fail(line, QStringLiteral("math.clamp: the lower bound is above the upper bound"));
        return x < lo ? args[1] : x > hi ? args[2] : args[0];
    });
    math.constant(QStringLiteral("PI"), Value(std::numbers::pi));
    math.constant(QStringLiteral("E"), Value(std::numbers::e));
    math.constant(QStringLiteral("TAU"), Value(2 * std::numbers::pi));
    math.constant(QStringLiteral("INF"), Value(std::numeric_limits<double>::infinity()));
    math.constant(QStringLiteral("NAN"), Value(std::numeric_limits<double>::quiet_NaN()));
    installPhysics(math);
    installRandom(vm, *math.object()); // math.random, randint and choice share its generator
    math.install();
    vm.defineGlobal(QStringLiteral("PI"), Value(std::numbers::pi));
    vm.defineGlobal(QStringLiteral("E"), Value(std::numbers::e));
}

} // namespace havel::script::modules
